// Small DOM helpers: no framework, no innerHTML except for server-sanitised rich text.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'text') el.textContent = value;
    else if (name === 'html') el.innerHTML = value; // only nh3-sanitised HTML from the API
    else if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'color') el.style.setProperty('--subject', value);
    else el.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

const dayFormat = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
const shortFormat = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

export const isoDay = (date) => date.toISOString().slice(0, 10);
export const addDays = (iso, days) => isoDay(new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86400000));
export const formatDay = (iso) => dayFormat.format(new Date(`${iso}T00:00:00Z`));
export const formatMoment = (iso) => shortFormat.format(new Date(iso));
export const hhmm = (time) => time.slice(0, 5).replace(':', 'h');

export function dueLabel(iso, today = isoDay(new Date())) {
  if (iso === addDays(today, 1)) return 'Pour demain';
  if (iso === today) return "Pour aujourd'hui";
  return `Pour ${formatDay(iso)}`;
}

export function emptyState(text) {
  return h('p', { class: 'empty', text });
}

let toastTimer = null;
export function toast(text, action) {
  const box = document.getElementById('toast');
  clear(box).append(h('span', { text }));
  if (action) box.append(h('button', { type: 'button', text: action.label, onclick: action.run }));
  box.hidden = false;
  clearTimeout(toastTimer);
  if (!action) toastTimer = setTimeout(() => { box.hidden = true; }, 4000);
}

export function section(title, ...children) {
  return h('section', { class: 'card-list' }, h('h2', { text: title }), ...children);
}
