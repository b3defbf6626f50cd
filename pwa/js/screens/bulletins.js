// "Bulletins": the published periods, then a report card (#/bulletins/<period>) and its PDF, printed by the server.
import { el, clear } from '../dom.js';
import { count, formatDay } from '../format.js';
import { emptyState, section } from '../ui.js';
import { fetchFile } from './hand-in.js';

const mark = (value) => (value === null ? '–' : `${String(value).replace('.', ',')}/20`);

export const notesTabs = (current) => el('nav', { class: 'subtabs', 'aria-label': 'Résultats' },
  ['notes', 'bulletins'].map((tab) => el('a', { href: `#/${tab}`, 'aria-current': tab === current ? 'page' : null,
    text: tab === 'notes' ? 'Notes' : 'Bulletins' })));

export async function render(ctx) {
  const period = ctx.params[0];
  const body = el('div');
  const base = `/api/students/${ctx.studentId}/bulletins`;
  ctx.main.append(notesTabs('bulletins'), body);
  if (!period) {
    return ctx.show(`bulletins:${ctx.studentId}`, base, (list) => clear(body).append(...list.map((item) =>
      el('a', { class: 'card', href: `#/bulletins/${item.period.id}` }, el('strong', { text: `Bulletin du ${item.period.name}` }),
        el('p', { class: 'meta', text: `Publié le ${formatDay(item.visible_from)}` }))), list.length ? '' : emptyState('Aucun bulletin publié.')), { into: body });
  }
  return ctx.show(`bulletin:${ctx.studentId}:${period}`, `${base}/${period}`, (b) => clear(body).append(
    el('h2', { class: 'card-title', text: `${b.period.name} · ${b.student}, ${b.class_name}` }),
    el('button', { type: 'button', text: 'Télécharger le PDF', onclick: () => fetchFile(ctx,
      { url: `${base}/${period}/pdf`, filename: `bulletin-${b.period.name}-${b.student}.pdf`.replace(/\s+/g, '-') }) }),
    el('p', { class: 'grade', text: `Moyenne générale : ${mark(b.general_average)}` }),
    el('p', { class: 'meta', text: `Moyenne de la classe : ${mark(b.class_general_average)} · ${count(b.attendance.absent_half_days,
      'demi-journée d’absence', 'demi-journées d’absence')} · ${count(b.attendance.late, 'retard', 'retards')}` }),
    section('Appréciation générale', el('div', { class: 'card' }, b.mention_label ? el('p', { class: 'badge done', text: b.mention_label }) : '',
      el('p', { text: b.council_appreciation || 'Pas d’appréciation.' }))),
    section('Matières', ...b.subjects.map((s) => el('article', { class: 'card', style: { '--subject': s.color } },
      el('p', { class: 'split' }, el('strong', { text: s.subject }), el('span', { class: 'average',
        text: s.average === null ? s.positioning_label || '–' : mark(s.average) })),
      el('p', { class: 'meta', text: [s.average !== null && s.positioning_label, s.class_average !== null
        && `Moyenne de la classe : ${mark(s.class_average)}`, s.teachers.join(', ')].filter(Boolean).join(' · ') }),
      el('p', { text: s.appreciation || 'Pas d’appréciation.' }))))), { into: body });
}
