// The student's alert button: a confidential alert to the staff the school designated. The key of
// an alert is kept until it is saved, so a retried send (lost answer) never sends it twice.
import { api, el, reporter, say } from './espace.js';
import { formatDateTime } from '/js/format.js';
import { $, badge, clientId, startPage } from './widgets.js';

const run = reporter($('error'));
let key = null;

function show(state) {
  $('help').textContent = state.help;
  if (!$('category').options.length) {
    $('category').replaceChildren(...Object.entries(state.categories).map(([code, label]) => el('option', { value: code }, label)));
  }
  $('closed').hidden = state.open;
  $('alert-form').hidden = !state.open;
  $('mine').replaceChildren(...state.alerts.map((a) => el('li', { class: 'item' },
    el('h3', {}, a.category_label, ' ', a.acknowledged_at ? badge('ok', `Pris en compte le ${formatDateTime(a.acknowledged_at)}`) : badge('info', 'Envoyé')),
    el('p', { class: 'hint' }, `Envoyé le ${formatDateTime(a.created_at)} — ${a.role === 'victim' ? 'victime' : 'témoin'}`),
    el('p', {}, a.body))));
  $('none').hidden = state.alerts.length > 0;
}

$('alert-form').addEventListener('submit', () => run(async () => {
  key = key || clientId();
  const state = await api('/api/me/alerts', { method: 'POST', body: {
    role: document.querySelector('input[name=role]:checked').value, category: $('category').value,
    body: $('body').value, client_id: key } });
  key = null;
  $('body').value = '';
  show(state);
  say($('status'), 'Ton signalement a bien été envoyé. Un adulte du collège va le lire et te recontacter.');
}));

(async () => {
  if (!await startPage('Signaler un harcèlement', ['student'])) return;
  const state = await run(() => api('/api/me/alerts'));
  if (state) show(state);
})();
