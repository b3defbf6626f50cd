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
  const body = el('div', { class: period ? 'bulletin' : null });
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
      el('p', { class: 'split' }, el('strong', { text: s.subject }), el('span', { class: 'average', text: result(s) })),
      el('p', { class: 'meta', text: [s.average !== null && s.positioning_label, s.class_average !== null
        && `Moyenne de la classe : ${mark(s.class_average)}`, s.teachers.join(', ')].filter(Boolean).join(' · ') }),
      el('p', { text: s.appreciation || 'Pas d’appréciation.' }))), table(b.subjects))), { into: body });
}

const result = (s) => (s.average === null ? s.positioning_label || '–' : mark(s.average));

// On a desktop the subjects are a table, as on the printed report card; phones keep the cards (app.css).
const table = (subjects) => el('table', { class: 'bulletin-table' },
  el('thead', {}, el('tr', {}, ['Matière', 'Élève', 'Classe', 'Appréciation'].map((text) => el('th', { scope: 'col', text })))),
  el('tbody', {}, subjects.map((s) => el('tr', { style: { '--subject': s.color } },
    el('th', { scope: 'row' }, s.subject, el('span', { class: 'meta', text: s.teachers.join(', ') })),
    el('td', { class: 'num' }, result(s), s.average !== null && s.positioning_label ? el('span', { class: 'meta', text: s.positioning_label }) : null),
    el('td', { class: 'num', text: s.class_average === null ? '–' : mark(s.class_average) }),
    el('td', { text: s.appreciation || 'Pas d’appréciation.' })))));
