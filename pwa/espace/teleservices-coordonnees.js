// "Mes coordonnées": a guardian changes phone, e-mail or postal address. A new phone or e-mail waits
// for the code sent to it (the flow of each pending change is kept in memory: after a reload,
// "Renvoyer un code" starts a fresh one); an address is saved at once. A detail confirmed on the
// person's account in another school reaches this one: applied, or offered here (a code confirms it).
import { api, el, say } from './espace.js';
import { contactValue } from './teleservices-common.js';
import { formatDateTime } from '/js/format.js';
import { clientId, field } from './widgets.js';

const $ = (id) => document.getElementById(id);
const flows = new Map(); // change id -> flow of its latest code

function form(id, controls, button, body, done) {
  const node = el('form', { id, class: 'ts-contact-form' }, ...controls, el('button', { type: 'submit', class: 'secondary' }, button));
  node.addEventListener('submit', (event) => {
    event.preventDefault();
    done(() => api('/api/teleservices/contact/changes', { method: 'POST', body: { ...body(), client_id: clientId() } }));
  });
  return node;
}

function input(id, type, value, extra = {}) {
  return el('input', { id, type, value: value ?? '', ...extra });
}

function pendingItem(change, run, refresh) {
  const code = input(`code-${change.id}`, 'text', '', { inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6, required: true });
  const check = el('form', { class: 'row' }, field(`Code reçu (${change.sent_to})`, code),
    el('button', { type: 'submit' }, 'Confirmer'),
    el('button', { type: 'button', class: 'secondary', onclick: () => run(async () => {
      const sent = await api(`/api/teleservices/contact/changes/${change.id}/resend`, { method: 'POST' });
      flows.set(change.id, sent.flow);
      say($('contact-status'), sent.message);
    }) }, 'Renvoyer un code'));
  check.addEventListener('submit', (event) => {
    event.preventDefault();
    run(async () => {
      if (!flows.has(change.id)) {
        say($('error'), 'Ce code n\'est plus attendu sur cette page : cliquez sur « Renvoyer un code ».');
        return;
      }
      const done = await api(`/api/teleservices/contact/changes/${change.id}/verify`, { method: 'POST',
        body: { flow: flows.get(change.id), code: code.value } });
      await refresh();
      say($('contact-status'), [`Changement confirmé — ${change.field_label} : ${contactValue(done.field, done.new_value)}.`,
        elsewhere(done.applied_elsewhere, 'Également enregistré pour votre compte à : '),
        elsewhere(done.offered_elsewhere, 'Proposé à votre compte à : ', ' (à confirmer en vous y connectant)')].join(' ').trim());
    });
  });
  return el('li', {}, el('p', {}, `${change.field_label} : ${contactValue(change.field, change.new_value)} — en attente du code envoyé à ${change.sent_to}.`), check);
}

const elsewhere = (schools, lead, tail = '') => (schools.length ? `${lead}${schools.join(', ')}${tail}.` : '');

// A new detail confirmed on this person's account in another school: take it (a code goes to it) or leave it.
function offerItem(change, run, refresh) {
  const act = (action) => run(async () => {
    const answer = await api(`/api/teleservices/contact/changes/${change.id}/${action}`, { method: 'POST' });
    if (answer.flow) flows.set(change.id, answer.flow);
    await refresh();
    say($('contact-status'), answer.message || 'Proposition ignorée : vos coordonnées ici ne changent pas.');
    if (answer.flow) $(`code-${change.id}`)?.focus();
  });
  return el('li', {}, el('p', {}, `${change.field_label} : ${change.new_value}, confirmé sur votre compte dans un autre établissement.`),
    el('div', { class: 'ts-actions' },
      el('button', { type: 'button', onclick: () => act('accept') }, `Utiliser aussi ici (code envoyé à ${change.sent_to})`),
      el('button', { type: 'button', class: 'secondary', onclick: () => act('dismiss') }, 'Ignorer')));
}

export async function showContact(run) {
  const details = await run(() => api('/api/teleservices/contact'));
  if (!details) return;
  const refresh = () => showContact(run);
  const started = async (send) => {
    const result = await send();
    if (result.flow) flows.set(result.change.id, result.flow);
    await refresh();
    say($('contact-status'), result.message);
    if (result.flow) $(`code-${result.change.id}`)?.focus();
  };
  const submit = (send) => run(() => started(send));
  const address = details.address || {};
  $('contact-body').replaceChildren(...[
    details.offers.length ? el('section', { 'aria-labelledby': 'contact-offers-title' },
      el('h3', { id: 'contact-offers-title' }, 'Depuis votre compte dans un autre établissement'),
      el('ul', { class: 'ts-pieces' }, ...details.offers.map((change) => offerItem(change, run, refresh)))) : null,
    form('contact-phone-form', [field('Téléphone portable', input('contact-phone', 'tel', contactValue('phone', details.phone), { autocomplete: 'tel' }),
      'Un code vous sera envoyé par SMS à ce numéro.')], 'Changer de numéro',
    () => ({ field: 'phone', phone: $('contact-phone').value }), submit),
    form('contact-email-form', [field('Adresse e-mail', input('contact-email', 'email', details.email, { autocomplete: 'email' }),
      'Un code vous sera envoyé à cette adresse.')], 'Changer d\'adresse e-mail',
    () => ({ field: 'email', email: $('contact-email').value }), submit),
    form('contact-address-form', [el('fieldset', {}, el('legend', {}, 'Adresse postale'),
      field('Numéro et rue', input('contact-line1', 'text', address.line1, { autocomplete: 'address-line1' })),
      field('Complément (bâtiment, lieu-dit)', input('contact-line2', 'text', address.line2, { autocomplete: 'address-line2' })),
      el('div', { class: 'row' },
        field('Code postal', input('contact-postcode', 'text', address.postcode, { autocomplete: 'postal-code', inputmode: 'numeric', maxlength: 5 })),
        field('Commune', input('contact-city', 'text', address.city, { autocomplete: 'address-level2' }))))],
    'Enregistrer l\'adresse', () => ({ field: 'address', line1: $('contact-line1').value, line2: $('contact-line2').value,
      postcode: $('contact-postcode').value, city: $('contact-city').value }), submit),
    details.pending.length ? el('section', { 'aria-labelledby': 'contact-pending-title' },
      el('h3', { id: 'contact-pending-title' }, 'En attente de confirmation'),
      el('ul', { class: 'ts-pieces' }, ...details.pending.map((change) => pendingItem(change, run, refresh)))) : null,
    details.history.length ? el('section', { 'aria-labelledby': 'contact-history-title' },
      el('h3', { id: 'contact-history-title' }, 'Changements enregistrés'),
      el('ul', { class: 'ts-pieces' }, ...details.history.map((change) => el('li', {},
        el('span', { class: 'ts-when' }, formatDateTime(change.applied_at)), ` ${change.field_label} : ${contactValue(change.field, change.new_value)}`)))) : null,
  ].filter(Boolean));
  $('contact').setAttribute('aria-busy', 'false');
}
