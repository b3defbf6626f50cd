// Pieces shared by the families' and the school's téléservices pages: amounts, the state badge and
// the history list (generic helpers are in widgets.js).
import { el } from './espace.js';
import { when } from './widgets.js';

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
