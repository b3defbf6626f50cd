// Réglages › Agenda: a secret calendar URL per child (timetable, homework, evaluations) for the phone's
// calendar app. Shown once when made (only its hash is kept); made again, the old one stops working.
import { el, clear } from '../dom.js';
import { formatMoment } from '../format.js';
import { toast } from '../ui.js';

const say = (error) => toast(error.offline ? 'Hors ligne : réessayez une fois connecté.' : error.message);

function madeLink(created) {
  const input = el('input', { id: `feed-${created.student_id}`, readonly: true, value: created.url, 'aria-label': 'Adresse de l’agenda' });
  return el('div', { class: 'feed-link' },
    el('p', { class: 'meta', text: 'Copiez cette adresse maintenant : elle ne sera plus affichée.' }), input,
    el('button', { type: 'button', class: 'secondary-button', text: 'Copier', onclick: async () => {
      input.select();
      try { await navigator.clipboard.writeText(created.url); toast('Adresse copiée.'); } catch { toast('Sélectionnez l’adresse pour la copier.'); }
    } }),
    el('a', { class: 'button secondary', href: created.webcal_url, text: "Ajouter à l'agenda" }));
}

export function calendarSection(ctx) {
  const list = el('div');
  const draw = async () => {
    let feeds;
    try { feeds = await ctx.api('/api/me/calendar-feeds'); } catch (error) {
      clear(list).append(el('p', { class: 'meta', text: error.offline ? 'Hors ligne : disponible une fois connecté.' : error.message }));
      return;
    }
    clear(list).append(...feeds.map((feed) => {
      const out = el('div', { class: 'card' },
        el('p', {}, el('strong', { text: feed.first_name }), ' · ',
          feed.active ? `lien actif, créé le ${formatMoment(feed.created_at)}` : 'aucun lien'));
      const make = async () => {
        try {
          const created = await ctx.api('/api/me/calendar-feeds', { method: 'POST', body: { student_id: feed.student_id } });
          await draw();
          list.querySelector(`[data-feed="${feed.student_id}"]`)?.append(madeLink(created));
          list.querySelector(`#feed-${created.student_id}`)?.focus();
        } catch (error) { say(error); }
      };
      const revoke = async () => {
        try {
          await ctx.api(`/api/me/calendar-feeds/${feed.student_id}`, { method: 'DELETE' });
          toast('Lien révoqué : il ne fonctionne plus.');
          await draw();
        } catch (error) { say(error); }
      };
      out.dataset.feed = feed.student_id;
      out.append(el('button', { type: 'button', text: feed.active ? 'Refaire le lien' : 'Créer le lien', onclick: make }),
        feed.active ? el('button', { type: 'button', class: 'danger', text: 'Révoquer', onclick: revoke }) : null);
      return out;
    }));
  };
  draw();
  return el('section', { class: 'card-list', 'aria-labelledby': 'calendar-title' }, el('h2', { id: 'calendar-title', text: 'Agenda' }),
    el('p', { class: 'meta', text: "L'emploi du temps, le travail à faire, les évaluations et les événements de l'établissement dans l'agenda du téléphone." }), list);
}
