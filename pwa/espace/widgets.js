// Pieces shared by the espace's feature pages: the page start (session, banner, sign-out), multipart
// uploads, labelled fields, idempotency keys, a child picker for parents, and the espace's one badge.
import { api, el, homeFor, session, signOut, toSignIn } from './espace.js';

export const $ = (id) => document.getElementById(id);

export const mark = (value) => (value === null || value === undefined ? '—' : value.toFixed(2).replace('.', ','));

// A random idempotency key: a retried click acts once.
export const clientId = () => crypto.randomUUID();

// Signed in, first login done, and one of `roles` (else the portal): fills the banner, returns the session.
export async function startPage(title, roles) {
  const me = await session().catch(() => null);
  if (!me) { toSignIn(); return null; }
  if (me.first_login_pending) { location.href = homeFor(me); return null; }
  if (roles && !roles.includes(me.user.role)) { location.href = '/espace/portail.html'; return null; }
  $('who').textContent = `${me.user.first_name} ${me.user.last_name}`;
  $('school').textContent = `${me.user.school_name} — ${title}`;
  $('signout').addEventListener('click', signOut);
  return me;
}

// POST a multipart form (the API client adds the session's CSRF token and reads the error shape).
export const postForm = (path, form) => api(path, { method: 'POST', form });

// A labelled field: label + control, the label bound to the control's id.
export function field(label, control, hint) {
  const hintNode = hint ? el('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintNode) control.setAttribute('aria-describedby', hintNode.id);
  return el('div', { class: 'field' }, el('label', { htmlFor: control.id }, label), control, hintNode);
}

// A state as a small coloured label: `badge-<kind>` in ent.css (ok, warn, bad, info, or a status name).
export function badge(kind, label) {
  return el('span', { class: `badge badge-${kind}` }, label);
}

// The students a family member reads: a parent's children (a picker when there are several), or oneself.
export function childPicker(me, slot, onChange) {
  const children = me.user.role === 'parent' ? me.children
    : [{ id: me.user.id, first_name: me.user.first_name, last_name: me.user.last_name, class_name: '' }];
  if (children.length > 1) {
    const select = el('select', { id: 'child', onchange: () => onChange(select.value) },
      ...children.map((c) => el('option', { value: c.id }, `${c.first_name} ${c.last_name}${c.class_name ? ` (${c.class_name})` : ''}`)));
    slot.replaceChildren(field('Enfant', select));
  } else slot.replaceChildren();
  if (children.length) onChange(children[0].id);
  return children;
}
