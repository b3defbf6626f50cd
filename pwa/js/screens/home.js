// "Accueil": today's and tomorrow's lessons, "Pour demain", latest information, unread messages, the
// work to hand in, the canteen's menus, the coming week's events and (students) the alert button.
import { el, clear } from '../dom.js';
import { count, formatDay } from '../format.js';
import { emptyState, section } from '../ui.js';
import { menuCard } from './canteen.js';
import { eventCard, lessonRow } from './timetable.js';

function unreadText(data) {
  const parts = [];
  if (data.unread_discussions) parts.push(count(data.unread_discussions, 'discussion non lue', 'discussions non lues'));
  if (data.unread_information) parts.push(count(data.unread_information, 'information non lue', 'informations non lues'));
  return parts.join(' et ');
}

const area = (name, node) => {
  node.classList.add(`home-${name}`);
  return node;
};

function lessons(list) {
  return list.length ? [el('ul', { class: 'lessons' }, list.map(lessonRow))] : [emptyState('Pas de cours.')];
}

export async function render(ctx) {
  await ctx.show(`home:${ctx.studentId}`, `/api/students/${ctx.studentId}/home`, (data) => {
    const unread = unreadText(data);
    const alerts = [unread ? el('a', { class: 'alert', href: '#/messages', text: unread }) : null,
      data.hand_ins_due ? el('a', { class: 'alert', href: '#/devoirs',
        text: count(data.hand_ins_due, 'travail à rendre en ligne', 'travaux à rendre en ligne') }) : null].filter(Boolean);
    // In reading order; on a desktop, each part in its own area (app.css): the alerts side by side, then
    // lessons on the left, homework and information on the right, the canteen and the week's events below.
    clear(ctx.main).append(el('div', { class: 'home' },
      alerts.length ? area('alerts', el('div', {}, alerts)) : null,
      data.alert_button ? area('links', el('a', { class: 'card alert-button', href: '#/signaler' }, el('strong', { text: 'Signaler un harcèlement' }),
        el('p', { class: 'meta', text: 'Confidentiel : lu seulement par les personnes désignées par ton établissement.' }))) : null,
      ctx.profile.role === 'parent' ? area('links', el('a', { class: 'card', href: '#/demarches' }, el('strong', { text: 'Démarches' }),
        el('p', { class: 'meta', text: 'Bourse, orientation : vos demandes et les réponses de l’établissement' }))) : null,
      area('today', section(`Aujourd'hui · ${formatDay(data.today)}`, ...lessons(data.lessons_today))),
      area('homework', section('Pour demain', ...(data.homework_tomorrow.length ? data.homework_tomorrow.map((item) =>
        el('a', { class: 'card', style: { '--subject': item.color }, href: '#/devoirs' },
          el('p', { class: 'meta' }, el('strong', { text: item.subject }), item.done ? ' · Fait' : ''),
          el('div', { class: 'rich', html: item.html }))) : [emptyState('Rien pour demain.')]))),
      area('tomorrow', section(`Demain · ${formatDay(data.tomorrow)}`, ...lessons(data.lessons_tomorrow))),
      area('canteen', section('Cantine', ...(data.canteen || []).map((menu) => menuCard(menu, menu.day === data.today ? 'Aujourd’hui' : 'Demain')),
        data.canteen?.length ? null : emptyState('Menu pas encore publié.'), el('a', { href: '#/cantine', text: 'Menus de la semaine' }))),
      data.events?.length ? area('events', section('Cette semaine', ...data.events.map(eventCard))) : null,
      area('info', section('Dernières informations', ...(data.information.length ? data.information.map((post) =>
        el('a', { class: post.read ? 'card' : 'card unread', href: '#/messages/infos' },
          el('strong', { text: post.title }), el('p', { class: 'meta', text: post.author }))) : [emptyState('Aucune information.')])))));
  });
}
