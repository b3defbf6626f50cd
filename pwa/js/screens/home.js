// "Accueil": today's and tomorrow's lessons, "Pour demain", latest information, unread messages.
import { cached } from '../app.js';
import { h, clear, emptyState, formatDay, section } from '../ui.js';
import { lessonRow } from './timetable.js';

export async function render(ctx) {
  await cached(ctx, `home:${ctx.studentId}`, `/api/students/${ctx.studentId}/home`, (data) => {
    clear(ctx.main).append(
      data.unread_discussions || data.unread_information ? h('a', { class: 'alert', href: '#/messages',
        text: `${data.unread_discussions} discussion(s) et ${data.unread_information} information(s) non lues` }) : null,
      section(`Aujourd'hui · ${formatDay(data.today)}`, ...lessons(data.lessons_today)),
      section('Pour demain', ...(data.homework_tomorrow.length ? data.homework_tomorrow.map((item) =>
        h('a', { class: 'card', color: item.color, href: '#/devoirs' },
          h('p', { class: 'meta' }, h('strong', { text: item.subject }), item.done ? ' · Fait' : ''),
          h('div', { class: 'rich', html: item.html }))) : [emptyState('Rien pour demain.')])),
      section(`Demain · ${formatDay(data.tomorrow)}`, ...lessons(data.lessons_tomorrow)),
      section('Dernières informations', ...(data.information.length ? data.information.map((post) =>
        h('a', { class: post.read ? 'card' : 'card unread', href: '#/messages/infos' },
          h('strong', { text: post.title }), h('p', { class: 'meta', text: post.author }))) : [emptyState('Aucune information.')])));
  });
}

function lessons(list) {
  return list.length ? [h('ul', { class: 'lessons' }, list.map(lessonRow))] : [emptyState('Pas de cours.')];
}

