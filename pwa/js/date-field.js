// French date and time fields, and French form messages, whatever the browser's language. A native
// <input type=date> shows the browser's format (mm/dd/yyyy in an English Chromium) and type=time its
// clock (8:30 AM), and the browser's own validation messages ("Please fill out this field.") are in its
// language: once this module is imported (by every espace page; by the app when the browser is not
// French), every such field of the page becomes a text field "jj/mm/aaaa" (or "hh:mm") with, for dates,
// a French calendar, and every form's validation messages are French (`frenchMessage`). Scripts keep
// reading and writing `.value` in ISO form (2026-11-23, 08:30), FormData carries ISO values, and `min`
// and `max` still refuse a day outside them, as with the native fields. Typed ISO dates are accepted too.
import { el } from './dom.js';
import { addDays, count, formatFullDay, formatMonth, isoDay, localToday, utcDate } from './format.js';

const nativeValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');
const pad = (n) => String(n).padStart(2, '0');
const WEEKDAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];

/** "23/11/2026", "23.11.2026", "2026-11-23" → "2026-11-23"; null when it is no calendar date. */
export function isoDate(text) {
  const value = String(text).trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  const french = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
  const [year, month, day] = iso ? [iso[1], iso[2], iso[3]] : french ? [french[3], french[2], french[1]] : [];
  if (!year) return null;
  const date = new Date(Date.UTC(+year, +month - 1, +day));
  return date.getUTCMonth() === +month - 1 && date.getUTCDate() === +day ? isoDay(date) : null;
}

/** "8h30", "08:30", "8 h" → "08:30"; null otherwise. */
export function isoTime(text) {
  const match = /^(\d{1,2})\s*[:hH]\s*(\d{2})?$/.exec(String(text).trim());
  if (!match || +match[1] > 23 || +(match[2] || 0) > 59) return null;
  return `${pad(match[1])}:${pad(match[2] || 0)}`;
}

const frenchDay = (iso) => iso.split('-').reverse().join('/');
const KINDS = {
  date: { placeholder: 'jj/mm/aaaa', toIso: isoDate, shown: frenchDay,
    invalid: 'Date invalide : écrivez-la sous la forme jj/mm/aaaa.',
    early: (min) => `Date trop tôt : le ${frenchDay(min)} au plus tôt.`,
    late: (max) => `Date trop tardive : le ${frenchDay(max)} au plus tard.` },
  time: { placeholder: 'hh:mm', toIso: isoTime, shown: (iso) => iso,
    invalid: 'Heure invalide : écrivez-la sous la forme hh:mm.',
    early: (min) => `Heure trop tôt : ${min} au plus tôt.`,
    late: (max) => `Heure trop tardive : ${max} au plus tard.` },
};
const kinds = new WeakMap(); // upgraded field → its kind

// What the native field refused by itself: a date or time it cannot read, or outside `min` / `max`.
function check(input) {
  const kind = kinds.get(input);
  const text = nativeValue.get.call(input).trim();
  const iso = text ? kind.toIso(text) : '';
  let message = '';
  if (iso === null) message = kind.invalid;
  else if (iso && input.min && iso < input.min) message = kind.early(input.min);
  else if (iso && input.max && iso > input.max) message = kind.late(input.max);
  translated.delete(input);
  input.setCustomValidity(message);
}

function upgrade(input) {
  const kind = KINDS[input.type];
  if (!kind) return;
  kinds.set(input, kind);
  const initial = input.value;
  input.type = 'text';
  input.dataset.frenchField = '';
  input.setAttribute('inputmode', 'numeric');
  input.autocomplete = 'off';
  input.placeholder = kind.placeholder;
  // `.value` speaks ISO to scripts; the field shows French.
  Object.defineProperty(input, 'value', {
    configurable: true,
    get() {
      const text = nativeValue.get.call(this);
      return text.trim() ? kind.toIso(text) ?? text : '';
    },
    set(value) {
      const iso = value ? kind.toIso(String(value)) : '';
      nativeValue.set.call(this, iso === null ? String(value) : iso && kind.shown(iso));
      check(this);
    },
  });
  input.value = initial;
  input.addEventListener('input', () => check(input));
  // Tidy what was typed ("1/2/2026" → "01/02/2026") before the page's own change listeners read it.
  input.addEventListener('change', () => {
    const iso = kind.toIso(nativeValue.get.call(input));
    if (iso) nativeValue.set.call(input, kind.shown(iso));
    check(input);
  });
  if (kind === KINDS.date) addCalendar(input);
}

// FormData reads the field's text, not `.value`: give it the ISO values.
document.addEventListener('formdata', (event) => {
  const fields = [...event.target.elements].filter((field) => 'frenchField' in field.dataset && field.name && !field.disabled);
  for (const name of new Set(fields.map((field) => field.name))) {
    event.formData.delete(name);
    for (const field of fields.filter((f) => f.name === name)) event.formData.append(name, field.value);
  }
}, true);

// ---- French validation messages ----
// The browser writes its own messages in its own language; each refusal gets a French one instead, set
// (as a custom message) when the browser reports the field invalid, and taken back as soon as the field
// changes, so that the browser judges it afresh. Messages of this module's fields (`check`) and of pages
// are left alone.
const translated = new WeakSet();
const decimal = (value) => String(value).replace('.', ',');

/** The French message for what the browser refuses in `field` (its `validity`), '' when nothing. */
export function frenchMessage(field) {
  const { validity: v, type } = field;
  if (v.valid) return '';
  if (v.valueMissing) {
    if (type === 'checkbox') return 'Cochez cette case pour continuer.';
    if (type === 'radio') return 'Choisissez l’une de ces options.';
    if (type === 'file') return 'Choisissez un fichier.';
    return field.tagName === 'SELECT' ? 'Choisissez un élément de la liste.' : 'Remplissez ce champ.';
  }
  if (v.typeMismatch && type === 'email') return 'Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.';
  if (v.typeMismatch && type === 'url') return 'Saisissez une adresse web valide, par exemple https://exemple.fr.';
  if (v.badInput && type === 'number') return 'Saisissez un nombre.';
  if (v.patternMismatch) return field.title ? `Format attendu : ${field.title}.` : 'Respectez le format demandé.';
  const length = field.value.length;
  if (v.tooShort) return `Saisissez au moins ${count(field.minLength, 'caractère', 'caractères')} (${length} pour l’instant).`;
  if (v.tooLong) return `Saisissez au plus ${count(field.maxLength, 'caractère', 'caractères')} (${length} pour l’instant).`;
  if (v.rangeUnderflow) return `Saisissez une valeur supérieure ou égale à ${decimal(field.min)}.`;
  if (v.rangeOverflow) return `Saisissez une valeur inférieure ou égale à ${decimal(field.max)}.`;
  if (v.stepMismatch) return `Saisissez une valeur valide (par pas de ${decimal(field.step)}).`;
  return 'Valeur invalide.';
}

function forgetTranslation(field) {
  if (!translated.delete(field)) return;
  field.setCustomValidity('');
}

document.addEventListener('invalid', (event) => {
  const field = event.target;
  if (field.validity.customError && !translated.has(field)) return; // a French message already
  forgetTranslation(field);
  const message = frenchMessage(field);
  if (!message) return;
  field.setCustomValidity(message);
  translated.add(field);
}, true);
for (const type of ['input', 'change']) document.addEventListener(type, (event) => forgetTranslation(event.target), true);
// A value a script wrote fires no event: before a form is checked (a submit button's click, Enter in
// a field included), its fields are judged afresh.
document.addEventListener('click', (event) => {
  const form = event.target.closest?.('button[type=submit], button:not([type]), input[type=submit]')?.form;
  for (const field of form?.elements || []) forgetTranslation(field);
}, true);

// ---- the calendar ----
let labelCount = 0;
// The field's label describes its calendar button (not names it: get_by_label and screen readers
// would find two controls called "Date de naissance").
function describeBy(button, input) {
  const label = input.labels?.[0];
  if (label) {
    label.id ||= `date-label-${(labelCount += 1)}`;
    button.setAttribute('aria-describedby', label.id);
  } else if (input.getAttribute('aria-label')) {
    button.title = input.getAttribute('aria-label');
  }
}

// A day the field's `min` or `max` refuses: the calendar does not offer it.
const outside = (input, iso) => Boolean((input.min && iso < input.min) || (input.max && iso > input.max));

function addCalendar(input) {
  const button = el('button', { type: 'button', class: 'secondary secondary-button calendar-button', 'aria-expanded': 'false' }, 'Calendrier');
  describeBy(button, input);
  const wrapper = el('span', { class: 'date-field' });
  const focused = document.activeElement === input; // moving a field in the page drops its focus
  input.replaceWith(wrapper);
  wrapper.append(input, button);
  if (focused) input.focus();
  let panel = null;

  const close = (focusButton) => {
    const open = panel;
    panel = null; // first: removing the panel fires focusout, which must find it closed
    open?.remove();
    button.setAttribute('aria-expanded', 'false');
    if (focusButton) button.focus();
  };
  const choose = (iso) => {
    input.value = iso;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
    input.focus();
    close(false);
  };

  function show(focusDay) {
    const first = `${focusDay.slice(0, 8)}01`;
    const start = addDays(first, -((utcDate(first).getUTCDay() + 6) % 7)); // the Monday on or before the 1st
    const selected = input.value;
    const today = localToday();
    const rows = [];
    for (let week = 0; week < 6; week += 1) {
      const cells = [];
      for (let d = 0; d < 7; d += 1) {
        const iso = addDays(start, week * 7 + d);
        const inMonth = iso.slice(0, 7) === first.slice(0, 7);
        cells.push(el('td', {}, inMonth ? el('button', { type: 'button', class: 'calendar-day', 'data-day': iso,
          tabindex: iso === focusDay ? '0' : '-1', 'aria-label': formatFullDay(iso), disabled: outside(input, iso),
          'aria-pressed': iso === selected ? 'true' : null, 'aria-current': iso === today ? 'date' : null,
          onclick: () => choose(iso) }, String(Number(iso.slice(8)))) : null));
      }
      if (week < 5 || cells.some((cell) => cell.firstChild)) rows.push(el('tr', {}, cells));
    }
    const month = (delta) => {
      const date = utcDate(first);
      date.setUTCMonth(date.getUTCMonth() + delta);
      show(isoDay(date));
    };
    const next = el('div', { class: 'calendar', role: 'dialog', tabindex: '-1', 'aria-label': 'Choisir une date',
      onkeydown: (event) => keys(event, month) },
    el('div', { class: 'calendar-head' },
      el('button', { type: 'button', class: 'secondary calendar-nav', 'aria-label': 'Mois précédent', onclick: () => month(-1) }, '‹'),
      el('p', { class: 'calendar-month', 'aria-live': 'polite', text: formatMonth(first) }),
      el('button', { type: 'button', class: 'secondary calendar-nav', 'aria-label': 'Mois suivant', onclick: () => month(1) }, '›')),
    el('table', {}, el('thead', {}, el('tr', {}, WEEKDAYS.map((name) =>
      el('th', { scope: 'col', abbr: name, text: name.slice(0, 2) })))),
    el('tbody', {}, rows)));
    if (panel) panel.replaceWith(next); else wrapper.append(next);
    panel = next;
    button.setAttribute('aria-expanded', 'true');
    (panel.querySelector(`[data-day="${focusDay}"]:not(:disabled)`) || panel.querySelector('.calendar-day:not(:disabled)'))?.focus();
  }

  // Arrows move by day and week, Page Up / Page Down by month, Escape closes.
  function keys(event, month) {
    if (event.key === 'Escape') { event.preventDefault(); close(true); return; }
    const day = event.target.dataset?.day;
    if (event.key === 'PageUp' || event.key === 'PageDown') { event.preventDefault(); month(event.key === 'PageUp' ? -1 : 1); return; }
    const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 }[event.key];
    if (!day || !step) return;
    event.preventDefault();
    const target = addDays(day, step);
    const shown = panel.querySelector(`[data-day="${target}"]`);
    if (shown) { shown.focus(); for (const b of panel.querySelectorAll('.calendar-day')) b.tabIndex = b === shown ? 0 : -1; }
    else show(target);
  }

  button.addEventListener('click', () => {
    if (panel) { close(true); return; }
    const today = localToday();
    show(isoDate(input.value) || (input.min > today ? input.min : input.max && input.max < today ? input.max : today));
  });
  wrapper.addEventListener('focusout', (event) => {
    if (panel && !wrapper.contains(event.relatedTarget)) close(false);
  });
}

// Fields in the page, and those pages add later (another child's birth date…); a field whose `min` or
// `max` a script changes (the day after a lesson, a school year's bounds) is judged again.
for (const input of document.querySelectorAll('input[type=date], input[type=time]')) upgrade(input);
new MutationObserver((mutations) => {
  for (const mutation of mutations) {
    if (mutation.type === 'attributes') {
      if (kinds.has(mutation.target)) check(mutation.target);
      continue;
    }
    for (const node of mutation.addedNodes) {
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      if (node.matches('input[type=date], input[type=time]')) upgrade(node);
      for (const input of node.querySelectorAll('input[type=date], input[type=time]')) upgrade(input);
    }
  }
}).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['min', 'max'] });
