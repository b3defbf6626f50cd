// The school's log of the guardians' changes of contact details: dated, newest first, filtered by
// detail and by class (a guardian is listed with their children).
import { api, el } from './espace.js';
import { contactValue } from './teleservices-common.js';
import { count, formatDateTime } from '/js/format.js';

const $ = (id) => document.getElementById(id);

export async function showContactLog(run) {
  const query = new URLSearchParams();
  if ($('cc-field').value) query.set('field', $('cc-field').value);
  if ($('cc-class').value) query.set('class_id', $('cc-class').value);
  const lines = await run(() => api(`/api/school/teleservices/contact-changes?${query}`));
  if (!lines) return;
  $('cc-count').textContent = count(lines.length, 'changement', 'changements');
  $('cc-lines').replaceChildren(...lines.map((line) => el('tr', {},
    el('td', {}, formatDateTime(line.applied_at)), el('th', { scope: 'row' }, line.guardian), el('td', {}, line.children.join(', ')),
    el('td', {}, line.field_label), el('td', {}, contactValue(line.field, line.old_value) || '—'),
    el('td', {}, contactValue(line.field, line.new_value),
      line.from_other_school ? el('span', { class: 'hint' }, ' (confirmé sur son compte dans un autre établissement)') : null))));
}
