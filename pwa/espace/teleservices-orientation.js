// A family's fiche dialogue: ranked wishes (choices of the level from the API), sending them, the
// class council's answers, and the family's answer (the first guardian to answer answers for all).
// In the final phase the council proposes even when no wishes were sent: the fiche says so, and wishes
// the family saved without sending them are shown as "non transmis" (the council never received them).
import { api, el, say } from './espace.js';
import { historyList, tone } from './teleservices-common.js';
import { formatDateTime } from '/js/format.js';
import { badge, clientId, field } from './widgets.js';
import { wishEditor } from './teleservices-wishes.js';

const $ = (id) => document.getElementById(id);

export function wishList(wishes) {
  return el('ol', { class: 'ts-wishes' }, ...wishes.map((wish) => el('li', {},
    el('strong', {}, wish.label),
    wish.opinion ? el('span', {}, ' — avis du conseil : ', badge(tone(wish.opinion), wish.opinion_label)) : null,
    wish.comment ? el('q', { class: 'hint' }, ` ${wish.comment}`) : null)));
}

async function editor(form, context, run) {
  const choices = await run(() => api(`/api/teleservices/orientation-choices?level=${encodeURIComponent(form.campaign.level)}`));
  if (!choices) return null;
  const rows = Array.from({ length: choices.max_wishes }, (_, index) => wishEditor(choices, form.wishes[index], `wish-${index + 1}`, `Vœu ${index + 1}`));
  const save = el('form', { id: 'ts-wishes-form' },
    el('p', { class: 'hint' }, `Classez jusqu'à ${choices.max_wishes} vœux, le premier étant celui que vous préférez.`),
    ...rows.map((row) => row.node),
    el('div', { class: 'ts-actions' },
      el('button', { type: 'submit', class: 'secondary' }, 'Enregistrer les vœux'),
      form.actions.includes('submit') ? el('button', { type: 'button', id: 'ts-submit', onclick: () => run(async () => {
        await api(`/api/teleservices/orientation/${form.id}/actions`, { method: 'POST', body: { action: 'submit', client_id: clientId() } });
        await context.refresh();
        say($('status'), 'Vœux transmis à l\'établissement.');
      }) }, 'Transmettre les vœux à l\'établissement') : null));
  save.addEventListener('submit', (event) => {
    event.preventDefault();
    run(async () => {
      const wishes = rows.map((row) => row.value()).filter(Boolean);
      await api(`/api/teleservices/orientation/${form.id}/wishes`, { method: 'PUT', body: { wishes } });
      await context.refresh();
      say($('status'), 'Vœux enregistrés.');
    });
  });
  return save;
}

function answer(form, context, run) {
  const comment = el('textarea', { id: 'ts-answer-comment', rows: 2, maxLength: 2000 });
  // The answer names the council's answer it replies to: changed since it was shown, it is refused
  // (409 answer_changed) and the new one is drawn, with the reason.
  const send = (action, message) => run(async () => {
    try {
      await api(`/api/teleservices/orientation/${form.id}/actions`, { method: 'POST',
        body: { action, comment: comment.value, answered_at: form.answered_at, client_id: clientId() } });
    } catch (error) {
      if (error.code === 'answer_changed') await context.refresh();
      throw error;
    }
    await context.refresh();
    say($('status'), message);
  });
  return el('div', {},
    el('h3', {}, 'Votre réponse'),
    field('Commentaire (facultatif)', comment),
    el('div', { class: 'ts-actions' },
      el('button', { type: 'button', onclick: () => send('accept', 'Réponse enregistrée : vous acceptez.') },
        form.proposal ? 'J\'accepte la proposition du conseil' : 'J\'accepte la réponse du conseil'),
      el('button', { type: 'button', class: 'secondary',
        onclick: () => send('decline', 'Réponse enregistrée : un rendez-vous avec le chef d\'établissement est demandé.') },
      'Je refuse et je demande un rendez-vous')));
}

// The family's wishes: those sent (with the council's opinions), or why the council answered without them.
function familyWishes(form) {
  if (form.wishes.length) return wishList(form.wishes);
  if (!form.proposal) return el('p', { class: 'hint' }, 'Aucun vœu.');
  return el('p', { id: 'ts-no-wishes' }, el('strong', {}, 'Aucun vœu n\'a été transmis à l\'établissement'),
    ' avant la fermeture de la saisie : le conseil de classe a fait sa proposition sans connaître vos vœux.');
}

function unsentWishes(form) {
  if (!form.unsent_wishes.length) return null;
  return el('section', { class: 'ts-unsent', 'aria-labelledby': 'ts-unsent-title' },
    el('h3', { id: 'ts-unsent-title' }, 'Vœux enregistrés mais non transmis'),
    el('p', { class: 'hint' }, 'Vous aviez enregistré ces vœux sans les transmettre : l\'établissement et le conseil de classe'
      + ' ne les ont pas reçus. Si la proposition du conseil ne vous convient pas, refusez-la pour demander un rendez-vous'
      + ' avec le chef d\'établissement.'),
    el('ol', { class: 'ts-wishes' }, ...form.unsent_wishes.map((wish) => el('li', {},
      el('strong', {}, wish.label), ' — ', badge('none', 'Non transmis')))));
}

function response(form) {
  if (!form.responded_by) return null;
  const what = form.state === 'accepted' ? 'acceptée' : 'refusée, rendez-vous demandé avec le chef d\'établissement';
  return el('p', { class: 'ts-decision' }, `Réponse de la famille : ${what} par ${form.responded_by} le ${formatDateTime(form.responded_at)}.`,
    form.response_comment ? el('q', { class: 'hint' }, ` ${form.response_comment}`) : null);
}

export async function showOrientation(id, context, run) {
  const form = await run(() => api(`/api/teleservices/orientation/${id}`));
  if (!form) return null;
  const editing = form.actions.includes('edit') ? await editor(form, context, run) : null;
  $('detail-body').replaceChildren(...[
    el('p', {}, 'État : ', badge(tone(form.state), form.state_label), ` · ${form.campaign.window.label}`),
    editing || el('div', {}, el('h3', {}, 'Vœux de la famille'), familyWishes(form)),
    unsentWishes(form),
    form.proposal ? el('div', {}, el('h3', {}, 'Proposition du conseil de classe'), el('p', { class: 'ts-decision' }, form.proposal.label)) : null,
    form.council_comment ? el('p', {}, el('strong', {}, 'Conseil de classe : '), form.council_comment) : null,
    form.actions.includes('accept') ? answer(form, context, run) : null,
    response(form),
    historyList(form.history)].filter(Boolean));
  return form;
}
