// "Emploi du temps": a day (default on a phone) or the week (default on a desktop, drawn there as a
// grid of days by the hour); cancelled and moved lessons are marked, school events shown.
import { el, clear } from '../dom.js';
import { addDays, formatDay, hhmm, localToday, mondayOf } from '../format.js';
import { emptyState } from '../ui.js';

const STATUS = { cancelled: 'Cours annulé', moved: 'Cours déplacé', exempted: 'Dispensé' };
const DESKTOP = '(min-width: 1000px)';
const minutes = (time) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

// The week grid's hours (CSS places each lesson from --start and --length, in minutes from the first).
function weekHours(lessons) {
  const first = Math.min(8, ...lessons.map((l) => Math.floor(minutes(l.starts_at) / 60)));
  const last = Math.max(17, ...lessons.map((l) => Math.ceil(minutes(l.ends_at) / 60)));
  return { first, count: last - first };
}

function placed(row, lesson, first) {
  row.style.setProperty('--start', minutes(lesson.starts_at) - first * 60);
  row.style.setProperty('--length', minutes(lesson.ends_at) - minutes(lesson.starts_at));
  return row;
}

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
  const week = ctx.params[0] === 'semaine' || (!ctx.params[0] && matchMedia(DESKTOP).matches);
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
    const hours = weekHours(data.lessons);
    const days = [];
    for (let d = start; d <= end; d = addDays(d, 1)) {
      const lessons = data.lessons.filter((l) => l.date === d);
      const events = (data.events || []).filter((e) => e.first_day <= d && d <= e.last_day);
      const today = d === localToday();
      days.push(el('section', { class: today ? 'card-list day today' : 'card-list day', 'aria-current': today ? 'date' : null },
        el('h2', { text: formatDay(d) }), events.map(eventCard),
        lessons.length ? el('ul', { class: 'lessons' }, lessons.map((l) => placed(lessonRow(l), l, hours.first)))
          : emptyState('Pas de cours.')));
    }
    if (!week) { clear(body).append(...days); return; }
    const gutter = el('div', { class: 'hours', 'aria-hidden': 'true' },
      Array.from({ length: hours.count }, (_, i) => el('span', { text: `${hours.first + i}h` })));
    clear(body).append(el('div', { class: 'week', style: { '--hours': hours.count } }, gutter, ...days));
  }, { into: body });
}
