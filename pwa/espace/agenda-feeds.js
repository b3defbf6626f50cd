// "Dans mon agenda": a secret calendar URL per child (or for oneself), made, revoked and made anew, as in
// the phone's Réglages. The URL is shown once, when it is made: only its hash is kept.
import { api, el } from './espace.js';
import { $ } from './widgets.js';
import { formatFullDay, localDay } from '/js/format.js';

function madeLink(created) {
  const id = `url-${created.student_id}`;
  return el('div', {},
    el('label', { for: id, text: 'Adresse de l’agenda (copiez-la maintenant : elle ne sera plus affichée)' }),
    el('input', { type: 'text', id, readonly: true, value: created.url, onfocus: (event) => event.target.select() }),
    el('p', {}, el('a', { href: created.webcal_url, text: 'Ouvrir dans mon agenda' })));
}

// Draws the reader's feeds into #feeds; `run` reports a refusal (the page's reporter), `title` names each
// feed (a teacher's one feed is their own timetable, not a child's first name).
export async function drawFeeds(run, made = null, title = (feed) => feed.first_name) {
  const feeds = await run(() => api('/api/me/calendar-feeds'));
  if (!feeds) return;
  const act = (method, path, body) => run(async () => {
    const answer = await api(path, { method, body });
    await drawFeeds(run, method === 'POST' ? answer : null, title);
  });
  $('feeds').replaceChildren(...feeds.map((feed) => el('div', { class: 'item' },
    el('h3', { text: title(feed) }),
    el('p', { text: feed.active ? `Lien actif, créé le ${formatFullDay(localDay(feed.created_at))}.` : 'Aucun lien.' }),
    made?.student_id === feed.student_id ? madeLink(made) : null,
    el('button', { type: 'button', text: feed.active ? 'Refaire le lien' : 'Créer le lien',
      onclick: () => act('POST', '/api/me/calendar-feeds', { student_id: feed.student_id }) }), ' ',
    feed.active ? el('button', { type: 'button', class: 'secondary', text: 'Révoquer',
      onclick: () => act('DELETE', `/api/me/calendar-feeds/${feed.student_id}`) }) : null)));
  if (made) $(`url-${made.student_id}`)?.focus();
}
