// "Compétences / Notes": published evaluations of a period, by subject, with the average on 20.
import { el, clear } from '../dom.js';
import { formatDay } from '../format.js';
import { emptyState, field } from '../ui.js';
import { notesTabs } from './bulletins.js';

const LEVEL_CLASS = { tres_bonne: 'lvl-a', satisfaisante: 'lvl-b', fragile: 'lvl-c', insuffisante: 'lvl-d' };
const number = (value) => String(value).replace('.', ',');

function grade(ev) {
  if (ev.grade !== null) {
    const coefficient = ev.coefficient && ev.coefficient !== 1 ? ` (coef. ${number(ev.coefficient)})` : '';
    return el('p', { class: 'grade', text: `${number(ev.grade)}/${number(ev.out_of)}${coefficient}` });
  }
  return ev.grade_status ? el('p', { class: 'grade', text: ev.grade_status }) : null;
}

// The coloured dot only repeats the level named in words beside it: hidden from screen readers.
const competences = (ev) => (ev.competences.length ? el('ul', { class: 'competences' }, ev.competences.map((c) =>
  el('li', {}, el('span', { class: `level ${LEVEL_CLASS[c.level] || ''}`, 'aria-hidden': 'true' }),
    el('span', { text: `${c.code} ${c.label} — ${c.level_label}` })))) : null);

export async function render(ctx) {
  const period = ctx.params[0] || '';
  const path = `/api/students/${ctx.studentId}/evaluations${period ? `?period_id=${period}` : ''}`;
  await ctx.show(`evaluations:${ctx.studentId}:${period}`, path, (data) => {
    clear(ctx.main).append(notesTabs('notes'));
    if (data.periods.length) {
      const select = el('select', { id: 'period', onchange: (e) => { location.hash = `#/notes/${e.target.value}`; } },
        data.periods.map((p) => el('option', { value: p.id, text: p.name })));
      select.value = data.period_id;
      ctx.main.append(field('period', 'Période', select));
    }
    if (!data.subjects.length) { ctx.main.append(emptyState('Aucune évaluation publiée pour cette période.')); return; }
    for (const subject of data.subjects) {
      ctx.main.append(el('section', { class: 'card-list' },
        el('h2', { class: 'subject-head', style: { '--subject': subject.color } }, subject.subject,
          subject.average !== null ? el('span', { class: 'average', text: `Moyenne : ${number(subject.average)}/20` }) : null),
        ...subject.evaluations.map((ev) => el('article', { class: 'card', style: { '--subject': subject.color } },
          el('p', { class: 'meta' }, el('strong', { text: ev.title }), ` · ${formatDay(ev.given_on)}`),
          grade(ev), competences(ev)))));
    }
  });
}
