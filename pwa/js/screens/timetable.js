// "Emploi du temps": a day (default) or the week; cancelled and moved lessons are marked.
import { cached } from '../app.js';
import { h, clear, addDays, emptyState, formatDay, hhmm, isoDay } from '../ui.js';

const STATUS = { cancelled: 'Cours annulé', moved: 'Cours déplacé', exempted: 'Dispensé' };

export function lessonRow(lesson) {
  return h('li', { class: `lesson ${lesson.status}`, color: lesson.color },
    h('span', { class: 'time', text: `${hhmm(lesson.starts_at)}–${hhmm(lesson.ends_at)}` }),
    h('span', { class: 'what' }, h('strong', { text: lesson.subject }),
      h('span', { class: 'meta', text: [lesson.teacher, lesson.room && `salle ${lesson.room}`].filter(Boolean).join(' · ') }),
      STATUS[lesson.status] ? h('span', { class: 'status', text: [STATUS[lesson.status], lesson.status_note].filter(Boolean).join(' : ') }) : null));
}

export async function render(ctx) {
  const week = ctx.params[0] === 'semaine';
  const day = ctx.params[week ? 1 : 0] || isoDay(new Date());
  const monday = addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));
  const [start, end] = week ? [monday, addDays(monday, 4)] : [day, day];
  const step = week ? 7 : 1;
  const base = week ? '#/edt/semaine/' : '#/edt/';
  const bar = h('nav', { class: 'pager', 'aria-label': 'Période' },
    h('a', { href: base + addDays(day, -step), 'aria-label': week ? 'Semaine précédente' : 'Jour précédent', text: '‹' }),
    h('a', { href: week ? `#/edt/${day}` : `#/edt/semaine/${day}`, text: week ? 'Vue jour' : 'Vue semaine' }),
    h('a', { href: base + addDays(day, step), 'aria-label': week ? 'Semaine suivante' : 'Jour suivant', text: '›' }));
  const body = h('div');
  ctx.main.append(bar, body);
  await cached(ctx, `timetable:${ctx.studentId}:${start}`, `/api/students/${ctx.studentId}/timetable?start=${start}&end=${end}`, (data) => {
    clear(body);
    for (let d = start; d <= end; d = addDays(d, 1)) {
      const lessons = data.lessons.filter((l) => l.date === d);
      body.append(h('section', { class: 'card-list' }, h('h2', { text: formatDay(d) }),
        lessons.length ? h('ul', { class: 'lessons' }, lessons.map(lessonRow)) : emptyState('Pas de cours.')));
    }
  });
}
