// Canteen menus: everyone reads the published week; the vie scolaire writes the week (one starter,
// main and dessert a day, each with its allergens and the vegetarian label) and publishes it.
import { api, el, reporter, say } from './espace.js';
import { addDays, formatDay, localDay, mondayOf } from '/js/format.js';
import { $, badge, startPage } from './widgets.js';

const run = reporter($('error'));
let monday = null; // ISO
let editing = false;
let catalogue = null; // { courses, allergens } from the school's week

function menuCard(menu) {
  return el('article', { class: 'menu-day' }, el('h3', {}, formatDay(menu.day), menu.vegetarian ? ' ' : null,
    menu.vegetarian ? badge('ok', 'Menu végétarien') : null),
  el('ul', {}, ...menu.dishes.map((dish) => el('li', {}, el('strong', {}, `${dish.course_label} : `), dish.name,
    dish.vegetarian ? el('span', { class: 'veggie' }, ' (végétarien)') : null,
    dish.allergens.length ? el('span', { class: 'allergens' }, `Allergènes : ${dish.allergens.map((a) => a.label).join(', ')}`) : null))));
}

function dishEditor(dayIso, course, dish) {
  const id = `${dayIso}-${course.code}`;
  const chosen = new Set((dish?.allergens || []).map((a) => a.code));
  return el('div', { class: 'dish', 'data-course': course.code },
    el('label', { htmlFor: id }, course.label, el('span', { class: 'sr-only' }, ` — ${formatDay(dayIso)}`)),
    el('input', { type: 'text', id, maxLength: 120, value: dish?.name || '' }),
    el('label', { class: 'check' }, el('input', { type: 'checkbox', class: 'veggie-box', checked: Boolean(dish?.vegetarian) }), 'Végétarien'),
    el('details', {}, el('summary', {}, `Allergènes (${chosen.size})`),
      ...catalogue.allergens.map((a) => el('label', {}, el('input', { type: 'checkbox', value: a.code, checked: chosen.has(a.code) }), ` ${a.label}`))));
}

function showEditor(week) {
  const byDay = Object.fromEntries(week.days.map((menu) => [menu.day, menu]));
  $('editor').replaceChildren(...[0, 1, 2, 3, 4].map((offset) => {
    const dayIso = addDays(week.monday, offset);
    const menu = byDay[dayIso];
    return el('fieldset', { 'data-day': dayIso }, el('legend', {}, formatDay(dayIso)),
      ...catalogue.courses.map((course) => dishEditor(dayIso, course, menu?.dishes.find((d) => d.course === course.code))));
  }));
  $('week-state').replaceChildren(week.days.length ? badge(week.published ? 'ok' : 'warn', week.published ? 'Publiée' : 'Brouillon') : '');
}

function collect(published) {
  const days = [...$('editor').querySelectorAll('fieldset[data-day]')].map((box) => ({
    day: box.dataset.day,
    dishes: [...box.querySelectorAll('.dish')].filter((d) => d.querySelector('input[type=text]').value.trim()).map((d) => ({
      course: d.dataset.course, name: d.querySelector('input[type=text]').value.trim(),
      vegetarian: d.querySelector('.veggie-box').checked,
      allergens: [...d.querySelectorAll('details input:checked')].map((i) => i.value),
    })),
  })).filter((entry) => entry.dishes.length);
  return { monday, days, published };
}

async function load() {
  $('week-date').value = monday;
  $('week-label').textContent = formatDay(monday);
  if (editing) {
    const week = await run(() => api(`/api/school/canteen/week?monday=${monday}`));
    if (!week) return;
    catalogue = { courses: week.courses, allergens: week.allergens };
    showEditor(week);
    return;
  }
  const menus = await run(() => api(`/api/canteen/menus?start=${monday}&end=${addDays(monday, 6)}`));
  if (!menus) return;
  $('menus').replaceChildren(...menus.menus.map(menuCard));
  $('no-menus').hidden = menus.menus.length > 0;
}

$('week-form').addEventListener('submit', (event) => run(async () => {
  const publish = event.submitter?.id === 'publish';
  const week = await api('/api/school/canteen/week', { method: 'PUT', body: collect(publish) });
  showEditor(week);
  say($('status'), publish ? 'Menus publiés : les familles les voient.' : 'Brouillon enregistré.');
}));
const move = (days) => { if (monday) { monday = addDays(monday, days); load(); } };
$('week-prev').addEventListener('click', () => move(-7));
$('week-next').addEventListener('click', () => move(7));
$('week-date').addEventListener('change', () => { if ($('week-date').value) { monday = mondayOf($('week-date').value); load(); } });

(async () => {
  const me = await startPage('Menus de la cantine');
  if (!me) return;
  editing = ['staff', 'admin'].includes(me.user.role);
  $('week-form').hidden = !editing;
  monday = mondayOf(localDay());
  await load();
})();
