// Pieces of the phone app's screens: sections, empty states, form fields, the toast and the lasting offer.
import { el, clear } from './dom.js';

export function emptyState(text) {
  return el('p', { class: 'empty', text });
}

export function section(title, ...children) {
  return el('section', { class: 'card-list' }, el('h2', { text: title }), ...children);
}

export function field(id, label, input) {
  return el('p', { class: 'field' }, el('label', { for: id, text: label }), input);
}

let toastTimer = null;
// A short message at the bottom of the screen; with an action it stays until used.
export function toast(text, action) {
  const box = document.getElementById('toast');
  clear(box).append(el('span', { text }));
  if (action) box.append(el('button', { type: 'button', text: action.label, onclick: action.run }));
  box.hidden = false;
  clearTimeout(toastTimer);
  if (!action) toastTimer = setTimeout(() => { box.hidden = true; }, 6000);
}

// An offer that must not be missed (a new version of the app): a banner at the foot of the title bar,
// kept until used, whatever toasts come and go. The live region is in the page before its text, so that
// screen readers announce the text.
export function offer(id, text, action) {
  let box = document.getElementById(id);
  if (!box) {
    box = el('div', { id, role: 'status' });
    document.getElementById('topbar').append(box);
  }
  setTimeout(() => {
    box.className = 'alert';
    clear(box).append(el('span', { text }), ' ', el('button', { type: 'button', text: action.label, onclick: action.run,
      style: { 'outline-color': 'var(--ink)' } })); // the title bar's yellow ring would not show on the banner
  }, 100);
}

// A file the app fetched itself (signed, DPoP) handed to the browser as a download.
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
