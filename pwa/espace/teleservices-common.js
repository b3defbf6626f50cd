// Pieces shared by the families' and the school's téléservices pages: amounts, the tone of a state's
// badge and the history list (generic helpers, the badge itself, are in widgets.js).
import { el } from './espace.js';
import { formatDateTime } from '/js/format.js';

export const euros = (cents) => `${(cents / 100).toLocaleString('fr-FR', { maximumFractionDigits: 2 })} €`;

// A detail as people write it: "07 55 44 33 22" (the API keeps phones as bare digits).
export const contactValue = (field, value) => (field === 'phone' && value ? value.replace(/(\d{2})(?=\d)/g, '$1 ') : value);

// The espace's badge kind (ent.css) of a request's state or of the council's opinion: badge(tone(state), label).
const TONES = {
  granted: 'ok', accepted: 'ok', favourable: 'ok',
  refused: 'bad', declined: 'bad', withdrawn: 'bad', unfavourable: 'bad',
  incomplete: 'warn', answered: 'warn', reserved: 'warn', no_wishes: 'warn',
  filed: 'info', completed: 'info', submitted: 'info',
};
export const tone = (state) => TONES[state] || 'none';

export function historyList(events) {
  return el('section', { class: 'ts-history', 'aria-label': 'Historique' },
    el('h3', {}, 'Historique'),
    el('ol', {}, ...events.map((e) => el('li', {},
      el('span', { class: 'ts-when' }, formatDateTime(e.at)), ' ',
      el('strong', {}, e.label), ` — ${e.by}${e.by_school ? ' (établissement)' : ''}`,
      e.message ? el('q', {}, e.message) : null))));
}
