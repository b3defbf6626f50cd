// "Emploi du temps": a day (default) or the week; cancelled and moved lessons are marked, school events shown.
import { el, clear } from '../dom.js';
import { addDays, formatDay, hhmm, localToday, mondayOf } from '../format.js';
import { emptyState } from '../ui.js';

const STATUS = { cancelled: 'Cours annulé', moved: 'Cours déplacé', exempted: 'Dispensé' };

export function lessonRow(lesson) {
  return el('li', { class: `lesson ${lesson.status}`, style: { '--subject': lesson.color } },
    el('span', { class: 'time', text: `${hhmm(lesson.starts_at)}–${hhmm(lesson.ends_at)}` }),
    el('span', { class: 'what' }, el('strong', { text: lesson.subject }),
      el('span', { class: 'meta', text: [lesson.teacher, lesson.room && `salle ${lesson.room}`].filter(Boolean).join(' · ') }),
      STATUS[lesson.status] ? el('span', { class: 'status', text: [STATUS[lesson.status], lesson.status_note].filter(Boolean).join(' : ') }) : null));
}

// A school event (outing, parents' evening, holidays…), on Accueil and over the timetable's days.
export function eventCard(event) {
  const days = event.first_day === event.last_day ? formatDay(event.first_day)
    : `du ${formatDay(event.first_day)} au ${formatDay(event.last_day)}`;
  const hours = event.starts_at ? ` · ${hhmm(event.starts_at)}–${hhmm(event.ends_at)}` : '';
  return el('article', { class: 'card event' },
    el('p', { class: 'meta' }, el('span', { class: 'badge', text: event.kind_label }), ` ${days}${hours}`),
    el('strong', { text: event.title }),
    event.location ? el('p', { class: 'meta', text: event.location }) : null,
    event.details ? el('p', { text: event.details }) : null);
}

export async function render(ctx) {
  const week = ctx.params[0] === 'semaine';
  const day = ctx.params[week ? 1 : 0] || localToday();
  const monday = mondayOf(day);
  const [start, end] = week ? [monday, addDays(monday, 4)] : [day, day];
  const step = week ? 7 : 1;
  const base = week ? '#/edt/semaine/' : '#/edt/';
  const bar = el('nav', { class: 'pager', 'aria-label': 'Période' },
    el('a', { href: base + addDays(day, -step), 'aria-label': week ? 'Semaine précédente' : 'Jour précédent', text: '‹' }),
    el('a', { href: week ? `#/edt/${day}` : `#/edt/semaine/${day}`, text: week ? 'Vue jour' : 'Vue semaine' }),
    el('a', { href: base + addDays(day, step), 'aria-label': week ? 'Semaine suivante' : 'Jour suivant', text: '›' }));
  const body = el('div');
  ctx.main.append(bar, body);
  await ctx.show(`timetable:${ctx.studentId}:${start}`, `/api/students/${ctx.studentId}/timetable?start=${start}&end=${end}`, (data) => {
    clear(body);
    for (let d = start; d <= end; d = addDays(d, 1)) {
      const lessons = data.lessons.filter((l) => l.date === d);
      const events = (data.events || []).filter((e) => e.first_day <= d && d <= e.last_day);
      body.append(el('section', { class: 'card-list' }, el('h2', { text: formatDay(d) }), events.map(eventCard),
        lessons.length ? el('ul', { class: 'lessons' }, lessons.map(lessonRow)) : emptyState('Pas de cours.')));
    }
  }, { into: body });
}
