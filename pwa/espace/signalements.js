// Designated staff read the students' alerts: the list shows no name and no text; opening one is
// what reads it, and the server logs every opening.
import { api, el, reporter, say } from './espace.js';
import { formatDateTime } from '/js/format.js';
import { $, badge, startPage } from './widgets.js';

const run = reporter($('error'));

async function loadList() {
  const alerts = await run(() => api('/api/school/alerts'));
  if (!alerts) return;
  $('alerts').replaceChildren(...alerts.map((a) => el('li', { class: `item${a.reads ? '' : ' unread'}` },
    el('h3', {}, a.category_label, ' ', a.acknowledged_at ? badge('ok', 'Pris en compte') : badge('warn', 'À traiter')),
    el('p', { class: 'hint' }, `${formatDateTime(a.created_at)} · ${a.role_label} · ouvert ${a.reads} fois`),
    el('button', { type: 'button', class: 'link', 'aria-label': `Ouvrir le signalement du ${formatDateTime(a.created_at)}`,
      onclick: () => open(a.id) }, 'Ouvrir'))));
  $('no-alerts').hidden = alerts.length > 0;
}

function show(alert) {
  $('alert').hidden = false;
  $('alert-title').textContent = `${alert.student}${alert.class_name ? ` (${alert.class_name})` : ''} — ${alert.category_label}`;
  $('alert-meta').textContent = `Envoyé le ${formatDateTime(alert.created_at)} · ${alert.role_label}`;
  $('alert-body').textContent = alert.body;
  $('alert-state').textContent = alert.acknowledged_at
    ? `Pris en compte le ${formatDateTime(alert.acknowledged_at)} par ${alert.acknowledged_by}.` : 'Pas encore pris en compte.';
  $('acknowledge').hidden = Boolean(alert.acknowledged_at);
  $('acknowledge').onclick = () => run(async () => {
    show(await api(`/api/school/alerts/${alert.id}/acknowledge`, { method: 'POST' }));
    say($('status'), 'Signalement marqué comme pris en compte : l\'élève le voit.');
    loadList();
  });
  $('reads').replaceChildren(...alert.reads.map((r) => el('li', {}, `${formatDateTime(r.read_at)} — ${r.reader}`)));
}

async function open(id) {
  say($('status'), '');
  const alert = await run(() => api(`/api/school/alerts/${id}`));
  if (!alert) return;
  show(alert);
  $('alert-title').focus();
  loadList();
}

(async () => {
  if (!await startPage('Signalements des élèves', ['staff', 'admin'])) return;
  try {
    await api('/api/school/alerts');
  } catch (error) {
    if (error.code === 'not_designated') { $('not-designated').hidden = false; return; }
  }
  $('reader').hidden = false;
  await loadList();
})();
