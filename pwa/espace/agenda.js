// "Agenda": a secret calendar URL per child (or for oneself), made, revoked and made anew, as in the
// phone's Réglages. The URL is shown once, when it is made: only its hash is kept.
import { api, el, homeFor, say, session } from './espace.js';

const $ = (id) => document.getElementById(id);
const dateFormat = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long' });

function madeLink(created) {
  const id = `url-${created.student_id}`;
  return el('div', {},
    el('label', { for: id, text: 'Adresse de l’agenda (copiez-la maintenant : elle ne sera plus affichée)' }),
    el('input', { type: 'text', id, readonly: true, value: created.url, onfocus: (event) => event.target.select() }),
    el('p', {}, el('a', { href: created.webcal_url, text: 'Ouvrir dans mon agenda' })));
}

async function draw(made = null) {
  const feeds = await api('/api/me/calendar-feeds');
  $('feeds').replaceChildren(...feeds.map((feed) => {
    const act = async (method, path, body) => {
      try {
        const answer = await api(path, { method, body });
        await draw(method === 'POST' ? answer : null);
      } catch (error) { say($('error'), error.message); }
    };
    return el('div', { class: 'card' },
      el('h3', { text: feed.first_name }),
      el('p', { text: feed.active ? `Lien actif, créé le ${dateFormat.format(new Date(feed.created_at))}.` : 'Aucun lien.' }),
      made?.student_id === feed.student_id ? madeLink(made) : null,
      el('button', { type: 'button', text: feed.active ? 'Refaire le lien' : 'Créer le lien',
        onclick: () => act('POST', '/api/me/calendar-feeds', { student_id: feed.student_id }) }), ' ',
      feed.active ? el('button', { type: 'button', class: 'secondary', text: 'Révoquer',
        onclick: () => act('DELETE', `/api/me/calendar-feeds/${feed.student_id}`) }) : null);
  }));
  if (made) $(`url-${made.student_id}`)?.focus();
}

const me = await session();
if (!me) location.replace('/espace/index.html');
else if (me.first_login_pending) location.replace(homeFor(me));
else {
  $('who').textContent = `${me.user.first_name} ${me.user.last_name}`;
  $('school').textContent = me.user.school_name || 'Cartable';
  draw().catch((error) => say($('error'), error.message));
}
