// The school's téléservices (secretariat, CPE, administrator): the year's requests with filters and
// one request at a time, the campaigns' dates and the bourse scale of a chosen school year (the
// current one or a later one: in summer, next year's are prepared), the exports. Only the
// administrator sees the forms that change years, dates and scales; the API enforces it either way.
import { api, el, reporter, say, session, signOut, toSignIn } from './espace.js';
import { tone } from './teleservices-common.js';
import { count, formatDate, formatDateTime } from '/js/format.js';
import { badge } from './widgets.js';
import { showNoWishes, showSchoolRequest } from './teleservices-ecole-demande.js';
import { showScale } from './teleservices-ecole-bareme.js';
import { showContactLog } from './teleservices-ecole-coordonnees.js';

const $ = (id) => document.getElementById(id);
// Every call waits for the session: what the page offers (the administrator's forms) depends on the role,
// and a tab clicked before the session came back would draw the staff's read-only view.
let sessionKnown;
const run = reporter($('error'), new Promise((resolve) => { sessionKnown = resolve; }));
const context = { admin: false, refresh: null, year: null, years: null };

// A list asked for again (a filter changed, a year chosen, a save's reload) draws its latest answer only:
// an earlier answer arriving late does not overwrite it.
const asked = { requests: 0, campaigns: 0, log: 0 };
const latest = (name) => { const ticket = ++asked[name]; return () => ticket === asked[name]; };

// ---- Requests ----
async function loadRequests() {
  const query = new URLSearchParams();
  for (const [name, id] of [['service', 'f-service'], ['state', 'f-state'], ['class_id', 'f-class']]) {
    if ($(id).value) query.set(name, $(id).value);
  }
  if ($('f-meeting').checked) query.set('meeting_requested', 'true');
  const current = latest('requests');
  const lines = await run(() => api(`/api/school/teleservices/requests?${query}`));
  if (!lines || !current()) return;
  $('count').textContent = count(lines.length, 'demande', 'demandes');
  $('requests').replaceChildren(...lines.map((line) => {
    const name = `${line.student.last_name} ${line.student.first_name}`;
    // A student without wishes (final phase) has no fiche the school may read: opened by campaign and student.
    const show = line.id ? () => showSchoolRequest(line.kind, line.id, context, run)
      : () => showNoWishes(line.campaign_id, line.student.id, context, run);
    return el('tr', {}, el('th', { scope: 'row' }, name), el('td', {}, line.student.class_name), el('td', {}, line.title),
      el('td', {}, badge(tone(line.state), line.state_label)),
      el('td', {}, line.summary, line.meeting_requested ? el('strong', {}, ' — rendez-vous demandé') : null),
      el('td', {}, line.updated_at ? formatDateTime(line.updated_at) : '—'),
      el('td', {}, el('button', { type: 'button', class: 'link', 'aria-label': `Ouvrir : ${line.title}, ${name}`,
        onclick: () => openRequest(show) }, 'Ouvrir')));
  }));
}

async function openRequest(show) {
  context.refresh = async () => { await show(); await loadRequests(); };
  $('status').hidden = true;
  const shown = await show();
  if (!shown) return;
  $('request').hidden = false;
  $('request-title').textContent = `${shown.campaign.title} — ${shown.student.first_name} ${shown.student.last_name} (${shown.student.class_name})`;
  $('request-title').focus();
}

$('filters').addEventListener('change', loadRequests);

// ---- School years (campaigns and scale) ----
const yearQuery = () => (context.year ? `?school_year_id=${context.year.id}` : '');

function chooseYear(year) {
  context.year = year;
  $('school-year').value = year.id;
  document.querySelectorAll('.year-label').forEach((span) => { span.textContent = year.label; });
  for (const id of ['c-opens', 'c-closes', 'c-replies']) Object.assign($(id), { min: year.starts_on, max: year.ends_on });
}

async function loadYears() {
  const years = await run(() => api('/api/school/teleservices/years'));
  if (!years) return;
  context.years = years;
  $('school-year').replaceChildren(...years.map((y) => el('option', { value: y.id },
    y.current ? `${y.label} (en cours)` : y.label)));
  $('prepare-year').hidden = !context.admin || years.some((y) => !y.current);
  chooseYear(years.find((y) => y.id === context.year?.id) || years.find((y) => y.current) || years[0]);
}

$('school-year').addEventListener('change', () => {
  chooseYear(context.years.find((y) => y.id === $('school-year').value));
  loaders[currentTab()]();
});

$('prepare-year').addEventListener('click', () => run(async () => {
  context.year = await api('/api/school/teleservices/years/next', { method: 'POST' });
  await loadYears();
  say($('year-status'), `Année ${context.year.label} prête : ses campagnes et son barème peuvent être saisis.`);
  await loaders[currentTab()]();
}));

// ---- Campaigns ----
async function loadCampaigns() {
  const current = latest('campaigns');
  const campaigns = await run(() => api(`/api/school/teleservices/campaigns${yearQuery()}`));
  if (!campaigns || !current()) return;
  $('campaigns').replaceChildren(...campaigns.map((c) => el('tr', {}, el('th', { scope: 'row' }, c.title),
    el('td', {}, formatDate(c.window.opens_on)), el('td', {}, formatDate(c.window.closes_on)), el('td', {}, formatDate(c.window.replies_until)),
    el('td', {}, c.window.label, context.admin ? el('button', { type: 'button', class: 'link', 'aria-label': `Modifier les dates : ${c.title}`,
      onclick: () => editCampaign(c) }, ' Modifier') : null,
    context.admin && c.window.status === 'upcoming' ? el('button', { type: 'button', class: 'link', 'aria-label': `Annuler : ${c.title}`,
      onclick: () => cancelCampaign(c) }, ' Annuler') : null))));
  if (!campaigns.length) {
    $('campaigns').replaceChildren(el('tr', {}, el('td', { colspan: 5, class: 'hint' }, `Aucun téléservice pour ${context.year.label}.`)));
  }
  $('campaign-form').hidden = !context.admin;
  if (context.admin) await loadSettingsLog();
}

// A téléservice not yet opened is cancelled (it reads « Annulé »; setting its dates again brings it back).
function cancelCampaign(campaign) {
  if (!window.confirm(`Annuler « ${campaign.title} » (${context.year.label}) ? Les familles le verront annulé.`)) return;
  run(async () => {
    const saved = await api(`/api/school/teleservices/campaigns/${campaign.id}/cancel`, { method: 'POST' });
    say($('campaign-status'), `${saved.title} (${saved.school_year}) : ${saved.window.label}.`);
    await loadCampaigns();
  });
}

// The administrator's log: who changed a campaign or a scale of the year, when, and what.
async function loadSettingsLog() {
  const current = latest('log');
  const lines = await run(() => api(`/api/school/teleservices/settings-log${yearQuery()}`));
  if (!lines || !current()) return;
  $('settings-log').hidden = false;
  $('settings-log-count').textContent = count(lines.length, 'modification', 'modifications');
  $('settings-log-lines').replaceChildren(...lines.map((line) => el('tr', {}, el('td', {}, formatDateTime(line.at)),
    el('td', {}, line.by), el('th', { scope: 'row' }, line.title), el('td', {}, line.action_label), el('td', {}, line.detail))));
}

// Fill the form with a campaign's dates, to move or close it.
function editCampaign(campaign) {
  $('c-service').value = campaign.service;
  $('c-level').value = campaign.level;
  $('c-opens').value = campaign.window.opens_on;
  $('c-closes').value = campaign.window.closes_on;
  $('c-replies').value = campaign.window.replies_until;
  $('c-closes').focus();
}

$('campaign-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    const saved = await api('/api/school/teleservices/campaigns', { method: 'PUT', body: {
      school_year_id: context.year.id, service: $('c-service').value, level: $('c-level').value,
      opens_on: $('c-opens').value, closes_on: $('c-closes').value, replies_until: $('c-replies').value } });
    say($('campaign-status'), `${saved.title} (${saved.school_year}) : ${saved.window.label}.`);
    await loadCampaigns();
  });
});

// ---- Exports ----
function exportLinks() {
  const classId = $('export-class').value;
  $('export-orientation').href = `/api/school/teleservices/exports/orientation.csv?class_id=${classId}`;
  $('export-pdf').href = `/api/school/teleservices/classes/${classId}/summary.pdf`;
}
$('export-class').addEventListener('change', exportLinks);

async function loadClasses() {
  const classes = (await run(() => api('/api/school/classes'))) || [];
  for (const filter of ['f-class', 'cc-class']) $(filter).append(...classes.map((c) => el('option', { value: c.id }, c.name)));
  $('export-class').replaceChildren(...classes.map((c) => el('option', { value: c.id }, c.name)));
  exportLinks();
}

// ---- Start ----
const loaders = { demandes: loadRequests, campagnes: loadCampaigns, bareme: () => showScale(context, run, yearQuery()),
  coordonnees: () => showContactLog(run), exports: async () => {} };
const YEARLY = ['campagnes', 'bareme'];  // the tabs that show one school year
const currentTab = () => document.querySelector('[data-tab][aria-pressed="true"]').dataset.tab;
document.querySelectorAll('[data-tab]').forEach((button) => button.addEventListener('click', async () => {
  document.querySelectorAll('[data-tab]').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
  document.querySelectorAll('.tab-panel').forEach((panel) => { panel.hidden = panel.id !== `tab-${button.dataset.tab}`; });
  $('year-choice').hidden = !YEARLY.includes(button.dataset.tab);
  if (YEARLY.includes(button.dataset.tab) && !context.years) await loadYears();
  loaders[button.dataset.tab]();
}));
$('scale-name').addEventListener('change', () => showScale(context, run, yearQuery()));
$('cc-filters').addEventListener('change', () => showContactLog(run));
$('signout').addEventListener('click', signOut);

(async () => {
  const me = await session().catch(() => null);
  if (!me) { toSignIn(); return; }
  if (!['staff', 'admin'].includes(me.user.role)) {
    location.href = me.user.role === 'parent' ? '/espace/teleservices.html' : '/espace/portail.html';
    return;
  }
  context.admin = me.user.role === 'admin';
  sessionKnown();
  $('who').textContent = `${me.user.first_name} ${me.user.last_name}`;
  $('school').textContent = `${me.user.school_name} — Téléservices`;
  await loadClasses();
  await loadRequests();
})();
