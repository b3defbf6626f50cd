// Pieces shared by the families' and the school's téléservices pages: dates, amounts, the state
// badge, the history list, and the multipart upload (espace.js's api() sends JSON only).
import { el } from './espace.js';

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

// POST a multipart form with the session's CSRF token; the answer (or the one error shape) as api() does.
export async function postForm(path, form, csrf) {
  const response = await fetch(path, { method: 'POST', body: form, credentials: 'same-origin',
    headers: { Accept: 'application/json', 'X-CSRF-Token': csrf } });
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw Object.assign(new Error(data?.error?.message || 'Envoi impossible.'), { status: response.status });
  }
  return data;
}

// A labelled field: label + control, the label bound to the control's id.
export function field(label, control, hint) {
  const hintNode = hint ? el('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintNode) control.setAttribute('aria-describedby', hintNode.id);
  return el('div', { class: 'ts-field' }, el('label', { htmlFor: control.id }, label), control, hintNode);
}

// A random idempotency key: a retried click acts once.
export const clientId = () => crypto.randomUUID();
