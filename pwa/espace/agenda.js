// The school calendar: families see the school's and their child's class's events, teachers the
// whole school's; the vie scolaire and the direction add, change and remove them. Everyone also makes
// their calendar feed links here (agenda-feeds.js): families one per child (or their own), teachers,
// staff and the head one of their own timetable.
import { api, el, reporter, say } from './espace.js';
import { formatDate, localDay } from '/js/format.js';
import { $, badge, childPicker, clientId, startPage } from './widgets.js';
import { drawFeeds } from './agenda-feeds.js';

const run = reporter($('error'));
let source = null; // the events URL of this reader
let manager = false;
let editing = null;
let createKey = null;

const hours = (e) => (e.starts_at ? `, ${e.starts_at.slice(0, 5)}–${e.ends_at.slice(0, 5)}` : '');
const span = (e) => (e.first_day === e.last_day ? `Le ${formatDate(e.first_day)}${hours(e)}`
  : `Du ${formatDate(e.first_day)} au ${formatDate(e.last_day)}${hours(e)}`);

function card(e) {
  return el('li', { class: 'item' }, el('h3', {}, e.title, ' ', badge('info', e.kind_label)),
    el('p', {}, span(e), e.location ? ` — ${e.location}` : ''),
    el('p', { class: 'hint' }, e.classes.length ? `Classes : ${e.classes.map((c) => c.name).join(', ')}` : 'Tout l\'établissement'),
    e.details ? el('p', {}, e.details) : null,
    manager ? el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'link', 'aria-label': `Modifier : ${e.title}`, onclick: () => edit(e) }, 'Modifier'),
      el('button', { type: 'button', class: 'link', 'aria-label': `Supprimer : ${e.title}`, onclick: () => run(async () => {
        await api(`/api/school/events/${e.id}`, { method: 'DELETE' });
        say($('status'), `« ${e.title} » supprimé.`);
        await load();
      }) }, 'Supprimer')) : null);
}

async function load() {
  if (!source) return;
  const from = $('from').value;
  const events = await run(() => api(`${source}${from ? `?start=${from}` : ''}`));
  if (!events) return;
  if (manager && !$('kind').options.length) {
    $('kind').replaceChildren(...Object.entries(events.kinds).map(([value, label]) => el('option', { value }, label)));
  }
  $('events').replaceChildren(...events.events.map(card));
  $('no-events').hidden = events.events.length > 0;
}

function reset() {
  editing = null;
  $('event-form').reset();
  $('form-title').textContent = 'Nouvel événement';
  $('event-save').textContent = 'Ajouter l\'événement';
  $('event-cancel').hidden = true;
}

function edit(e) {
  editing = e;
  for (const [id, value] of [['kind', e.kind], ['title', e.title], ['first-day', e.first_day], ['last-day', e.last_day],
    ['starts-at', e.starts_at?.slice(0, 5) || ''], ['ends-at', e.ends_at?.slice(0, 5) || ''], ['location', e.location], ['details', e.details]]) {
    $(id).value = value;
  }
  const chosen = new Set(e.classes.map((c) => c.id));
  $('classes').querySelectorAll('input').forEach((box) => { box.checked = chosen.has(box.value); });
  $('form-title').textContent = `Modifier : ${e.title}`;
  $('event-save').textContent = 'Enregistrer les modifications';
  $('event-cancel').hidden = false;
  $('form-title').focus();
}

$('event-form').addEventListener('submit', () => run(async () => {
  const time = (id) => ($(id).value ? `${$(id).value}:00` : null);
  const body = { kind: $('kind').value, title: $('title').value, first_day: $('first-day').value,
    last_day: $('last-day').value || $('first-day').value, starts_at: time('starts-at'), ends_at: time('ends-at'),
    location: $('location').value, details: $('details').value,
    class_ids: [...$('classes').querySelectorAll('input:checked')].map((box) => box.value) };
  if (editing) {
    await api(`/api/school/events/${editing.id}`, { method: 'PUT', body });
  } else {
    createKey = createKey || clientId();
    await api('/api/school/events', { method: 'POST', body: { ...body, client_id: createKey } });
    createKey = null;
  }
  say($('status'), editing ? 'Événement modifié.' : 'Événement ajouté.');
  reset();
  await load();
}));
$('event-cancel').addEventListener('click', reset);
$('from').addEventListener('change', load);
$('first-day').addEventListener('change', () => { if (!$('last-day').value) $('last-day').value = $('first-day').value; });

(async () => {
  const me = await startPage('Agenda');
  if (!me) return;
  $('from').value = localDay();
  if (['student', 'parent'].includes(me.user.role)) {
    childPicker(me, $('child-slot'), (id) => { source = `/api/students/${id}/events`; load(); });
    $('feeds-card').hidden = false;
    await drawFeeds(run);
    return;
  }
  source = '/api/school/events';
  manager = ['staff', 'admin'].includes(me.user.role);
  if (manager) {
    $('event-form').hidden = false;
    const classes = await run(() => api('/api/school/classes'));
    $('classes').replaceChildren(...(classes || []).map((c) => el('label', {}, el('input', { type: 'checkbox', value: c.id }), ` ${c.name}`)));
  }
  await load();
  $('feeds-family').hidden = true;
  $('feeds-school').hidden = false;
  $('feeds-card').hidden = false;
  await drawFeeds(run, null, () => 'Mon emploi du temps');
})();
