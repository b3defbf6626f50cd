// "Compétences / Notes": published evaluations of a period, by subject, with the average on 20.
import { cached } from '../app.js';
import { h, clear, emptyState, formatDay } from '../ui.js';

const LEVEL_CLASS = { tres_bonne: 'lvl-a', satisfaisante: 'lvl-b', fragile: 'lvl-c', insuffisante: 'lvl-d' };
const number = (value) => String(value).replace('.', ',');

export async function render(ctx) {
  const period = ctx.params[0] || '';
  const path = `/api/students/${ctx.studentId}/evaluations${period ? `?period_id=${period}` : ''}`;
  await cached(ctx, `evaluations:${ctx.studentId}:${period}`, path, (data) => {
    clear(ctx.main);
    if (data.periods.length) {
      const select = h('select', { id: 'period', onchange: (e) => { location.hash = `#/notes/${e.target.value}`; } },
        data.periods.map((p) => h('option', { value: p.id, text: p.name })));
      select.value = data.period_id;
      ctx.main.append(h('p', { class: 'field' }, h('label', { for: 'period', text: 'Période' }), select));
    }
    if (!data.subjects.length) { ctx.main.append(emptyState('Aucune évaluation publiée pour cette période.')); return; }
    for (const subject of data.subjects) {
      ctx.main.append(h('section', { class: 'card-list' },
        h('h2', { class: 'subject-head', color: subject.color }, subject.subject,
          subject.average !== null ? h('span', { class: 'average', text: `Moyenne : ${number(subject.average)}/20` }) : null),
        ...subject.evaluations.map((ev) => h('article', { class: 'card', color: subject.color },
          h('p', { class: 'meta' }, h('strong', { text: ev.title }), ` · ${formatDay(ev.given_on)}`),
          ev.grade !== null ? h('p', { class: 'grade', text: `${number(ev.grade)}/${number(ev.out_of)}${ev.coefficient && ev.coefficient !== 1 ? ` (coef. ${number(ev.coefficient)})` : ''}` })
            : ev.grade_status ? h('p', { class: 'grade', text: ev.grade_status }) : null,
          ev.competences.length ? h('ul', { class: 'competences' }, ev.competences.map((c) =>
            h('li', {}, h('span', { class: `level ${LEVEL_CLASS[c.level] || ''}`, title: c.level_label, 'aria-label': c.level_label }),
              h('span', { text: `${c.code} ${c.label} — ${c.level_label}` })))) : null))));
    }
  });
}
