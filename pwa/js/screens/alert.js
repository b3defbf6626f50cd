// "Signaler un harcèlement" (students, when the school has it on), read only by the staff it designates.
// Sent online only, never kept on the phone: if it cannot leave, the student is told at once.
import { el, clear } from '../dom.js';
import { formatMoment } from '../format.js';
import { emptyState, field, section, toast } from '../ui.js';

const DANGER = 'En cas de danger, appelle le 17 ou le 112.';

export async function render(ctx) {
  if (ctx.profile.role !== 'student') return ctx.main.append(emptyState('Le signalement est réservé aux élèves.'));
  let mine;
  try {
    mine = await ctx.api('/api/me/alerts');
  } catch (error) {
    return ctx.main.append(emptyState(error.offline ? `Hors ligne : le signalement demande une connexion. ${DANGER}` : error.message));
  }
  if (!ctx.isCurrent()) return;
  // On a desktop, the form on the left at a readable width, the help and the alerts sent beside it (app.css).
  clear(ctx.main).append(el('div', { class: 'alert-screen' }, el('div', {},
    el('p', { class: 'card', text: 'Ce que tu écris est confidentiel : seules les personnes désignées par ton établissement le liront. Tes parents et tes professeurs ne le voient pas.' }),
    mine.open ? form(ctx, mine) : emptyState('Le signalement en ligne n’est pas ouvert dans ton établissement : parles-en à un adulte de confiance.')),
  el('div', {}, el('p', { class: 'alert', text: mine.help }),
    section('Mes signalements', ...mine.alerts.map((a) => el('p', { class: 'card' }, `Envoyé le ${formatMoment(a.created_at)} `,
      el('span', { class: `badge ${a.acknowledged_at ? 'done' : 'pending'}`, text: a.acknowledged_at ? 'Pris en compte' : 'En attente de lecture' }))),
    mine.alerts.length ? '' : emptyState('Aucun.')))));
}

function form(ctx, mine) {
  let clientId = crypto.randomUUID(); // kept across retries: a resent alert counts once
  const body = el('textarea', { id: 'alert-body', rows: 5, maxLength: 3000, required: true });
  const category = el('select', { id: 'alert-category' }, Object.entries(mine.categories).map(([value, text]) => el('option', { value, text })));
  const status = el('p', { role: 'status', class: 'meta' });
  const send = el('button', { type: 'submit', text: 'Envoyer le signalement' });
  return el('form', { class: 'form', onsubmit: async (event) => {
    event.preventDefault();
    send.disabled = true;
    try {
      const role = event.target.querySelector('input:checked').value;
      await ctx.api('/api/me/alerts', { method: 'POST', body: { role, category: category.value, body: body.value, client_id: clientId } });
      clientId = crypto.randomUUID();
      toast('Signalement envoyé.');
      ctx.refresh();
    } catch (error) {
      status.textContent = error.offline ? `Pas de connexion : ton signalement n’est pas parti. Réessaie dès que possible. ${DANGER}` : error.message;
      send.disabled = false;
    }
  } }, el('fieldset', {}, el('legend', { text: 'Tu es…' }), [['victim', 'Je suis victime'], ['witness', 'Je suis témoin']].map(([value, text], n) =>
    el('label', { class: 'choice' }, el('input', { type: 'radio', name: 'alert-role', value, checked: !n }), ` ${text}`))),
  field('alert-category', 'De quoi s’agit-il ?', category), field('alert-body', 'Ce qui se passe (qui, où, depuis quand)', body), status, send);
}
