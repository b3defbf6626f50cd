// The head of school's ENT settings: the addresses of the external tiles, and the alert button
// (on or off, who reads the alerts, the log of who read them).
import { api, el, reporter, say } from './espace.js';
import { formatDateTime } from '/js/format.js';
import { $, startPage } from './widgets.js';

const run = reporter($('error'));

function showLinks(links) {
  $('links').replaceChildren(...links.map((link) => {
    const input = el('input', { type: 'url', id: `link-${link.key}`, value: link.url || '', placeholder: 'https://',
      autocomplete: 'url' });
    const save = () => run(async () => {
      showLinks(await api(`/api/school/portal/links/${link.key}`, { method: 'PUT', body: { url: input.value } }));
      say($('links-status'), `${link.name} : adresse enregistrée.`);
    });
    const remove = () => run(async () => {
      await api(`/api/school/portal/links/${link.key}`, { method: 'DELETE' });
      showLinks(await api('/api/school/portal/links'));
      say($('links-status'), `${link.name} : tuile retirée.`);
    });
    return el('div', { class: 'item' }, el('label', { htmlFor: input.id }, link.name), el('p', { class: 'hint' }, link.description),
      input, el('div', { class: 'actions' },
        el('button', { type: 'button', 'aria-label': `Enregistrer l'adresse : ${link.name}`, onclick: save }, 'Enregistrer'),
        link.url ? el('button', { type: 'button', class: 'secondary', 'aria-label': `Retirer la tuile : ${link.name}`, onclick: remove }, 'Retirer') : null));
  }));
}

function showAlerts(settings) {
  $('alerts-enabled').checked = settings.enabled;
  const chosen = new Set(settings.recipients.map((p) => p.id));
  $('recipients').replaceChildren(...settings.candidates.map((p) => el('label', {},
    el('input', { type: 'checkbox', value: p.id, checked: chosen.has(p.id) }), ` ${p.name}`)));
}

$('alerts-form').addEventListener('submit', () => run(async () => {
  const ids = [...$('recipients').querySelectorAll('input:checked')].map((input) => input.value);
  const settings = await api('/api/school/alerts/settings', { method: 'PUT',
    body: { enabled: $('alerts-enabled').checked, recipient_ids: ids } });
  showAlerts(settings);
  say($('alerts-status'), settings.open ? 'Enregistré : le bouton est ouvert aux élèves.'
    : 'Enregistré : le bouton est fermé (désactivé, ou personne n\'est désigné).');
}));

(async () => {
  if (!await startPage('Paramètres de l\'ENT', ['admin'])) return;
  const [links, settings, audit] = await Promise.all([run(() => api('/api/school/portal/links')),
    run(() => api('/api/school/alerts/settings')), run(() => api('/api/school/alerts/audit'))]);
  if (links) showLinks(links);
  if (settings) showAlerts(settings);
  if (audit) $('audit').replaceChildren(...audit.map((line) => el('tr', {}, el('td', {}, formatDateTime(line.alert_created_at)),
    el('td', {}, line.reader), el('td', {}, formatDateTime(line.read_at)))));
})();
