// "Accueil": today's and tomorrow's lessons, "Pour demain", latest information, unread messages.
import { el, clear } from '../dom.js';
import { count, formatDay } from '../format.js';
import { emptyState, section } from '../ui.js';
import { lessonRow } from './timetable.js';

function unreadText(data) {
  const parts = [];
  if (data.unread_discussions) parts.push(count(data.unread_discussions, 'discussion non lue', 'discussions non lues'));
  if (data.unread_information) parts.push(count(data.unread_information, 'information non lue', 'informations non lues'));
  return parts.join(' et ');
}

function lessons(list) {
  return list.length ? [el('ul', { class: 'lessons' }, list.map(lessonRow))] : [emptyState('Pas de cours.')];
}

export async function render(ctx) {
  await ctx.show(`home:${ctx.studentId}`, `/api/students/${ctx.studentId}/home`, (data) => {
    const unread = unreadText(data);
    // DOM append() writes null as "null": the optional parts are filtered out.
    clear(ctx.main).append(...[
      unread ? el('a', { class: 'alert', href: '#/messages', text: unread }) : null,
      ctx.profile.role === 'parent' ? el('a', { class: 'card', href: '#/demarches' }, el('strong', { text: 'Démarches' }),
        el('p', { class: 'meta', text: 'Bourse, orientation : vos demandes et les réponses de l’établissement' })) : null,
      section(`Aujourd'hui · ${formatDay(data.today)}`, ...lessons(data.lessons_today)),
      section('Pour demain', ...(data.homework_tomorrow.length ? data.homework_tomorrow.map((item) =>
        el('a', { class: 'card', style: { '--subject': item.color }, href: '#/devoirs' },
          el('p', { class: 'meta' }, el('strong', { text: item.subject }), item.done ? ' · Fait' : ''),
          el('div', { class: 'rich', html: item.html }))) : [emptyState('Rien pour demain.')])),
      section(`Demain · ${formatDay(data.tomorrow)}`, ...lessons(data.lessons_tomorrow)),
      section('Dernières informations', ...(data.information.length ? data.information.map((post) =>
        el('a', { class: post.read ? 'card' : 'card unread', href: '#/messages/infos' },
          el('strong', { text: post.title }), el('p', { class: 'meta', text: post.author }))) : [emptyState('Aucune information.')]))]
      .filter(Boolean));
  });
}
