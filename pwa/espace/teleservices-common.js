// Pieces shared by the families' and the school's téléservices pages: dates, amounts, the state
// badge, the history list, and the multipart upload.
import { api, el } from './espace.js';

const dateTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short' });
export const when = (value) => (value ? dateTime.format(new Date(value)) : '—');
export const day = (value) => new Date(`${value}T12:00:00`).toLocaleDateString('fr-FR');
export const euros = (cents) => `${(cents / 100).toLocaleString('fr-FR', { maximumFractionDigits: 2 })} €`;

export function badge(state, label) {
  return el('span', { class: `ts-badge ts-${state || 'none'}` }, label);
}

export function historyList(events) {
  return el('section', { class: 'ts-history', 'aria-label': 'Historique' },
    el('h3', {}, 'Historique'),
    el('ol', {}, ...events.map((e) => el('li', {},
      el('span', { class: 'ts-when' }, when(e.at)), ' ',
      el('strong', {}, e.label), ` — ${e.by}${e.by_school ? ' (établissement)' : ''}`,
      e.message ? el('q', {}, e.message) : null))));
}

// POST a multipart form (the API client adds the session's CSRF token and reads the error shape).
export function postForm(path, form) {
  return api(path, { method: 'POST', form });
}

// A labelled field: label + control, the label bound to the control's id.
export function field(label, control, hint) {
  const hintNode = hint ? el('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintNode) control.setAttribute('aria-describedby', hintNode.id);
  return el('div', { class: 'ts-field' }, el('label', { htmlFor: control.id }, label), control, hintNode);
}

// A random idempotency key: a retried click acts once.
export const clientId = () => crypto.randomUUID();
