import { api, el, homeFor, say, session, signOut, toSignIn } from './espace.js';
import { openHereDialog } from './open-here.js';
import { registerPasskey } from './passkey-client.js';
import { formatDate, localDay } from '/js/format.js';
import { webauthnSupported } from '/js/webauthn.js';

const ROLE_LABELS = { student: 'Élève', parent: 'Responsable légal', teacher: 'Enseignant', staff: 'Personnel', admin: 'Direction' };
const list = document.getElementById('apps');
const search = document.getElementById('search');
const note = document.getElementById('note');
let apps = [];
let category = 'Toutes mes applications';
let openHere = null; // a parent's or student's "Ouvrir sur cet ordinateur"

function tile(app) {
  // The school's own address is another site: it opens in a new tab.
  const external = app.external ? { target: '_blank', rel: 'noopener noreferrer' } : {};
  // Cartable itself, here: in one step from this session, never the phone's "Ajouter un profil".
  const here = app.key === 'cartable' && openHere;
  const link = el('a', { href: app.url, ...external, onclick: here ? (event) => { event.preventDefault(); openHere(); } : null },
    app.name, app.external ? el('span', { class: 'external', text: ' (site externe, nouvel onglet)' }) : null);
  return el('li', { class: 'app' }, el('h3', {}, link), el('p', { text: app.description }),
    el('button', { type: 'button', class: 'star', text: app.favourite ? '★' : '☆', 'aria-pressed': String(app.favourite),
      'aria-label': `${app.name} : favori`, onclick: () => toggleFavourite(app) }),
    here ? el('button', { type: 'button', class: 'oh-open', text: 'Ouvrir sur cet ordinateur', onclick: () => openHere() }) : null);
}

function render() {
  const query = search.value.trim().toLowerCase();
  const shown = apps.filter((app) => {
    if (category === 'Mes favoris' && !app.favourite) return false;
    if (!['Toutes mes applications', 'Mes favoris'].includes(category) && app.category !== category) return false;
    return !query || `${app.name} ${app.description}`.toLowerCase().includes(query);
  });
  list.replaceChildren(...shown.map(tile));
  document.getElementById('empty').hidden = shown.length > 0;
}

function renderTabs() {
  const names = ['Toutes mes applications', 'Mes favoris', ...new Set(apps.map((app) => app.category))];
  document.getElementById('tabs').replaceChildren(...names.map((name) => el('button', {
    type: 'button', text: name, 'aria-pressed': String(name === category),
    onclick: () => { category = name; renderTabs(); render(); } })));
}

async function toggleFavourite(app) {
  try {
    await api(`/api/portal/favourites/${encodeURIComponent(app.key)}`, { method: app.favourite ? 'DELETE' : 'PUT' });
    app.favourite = !app.favourite;
    render();
  } catch (failure) { say(note, failure.message); }
}

async function start() {
  const current = await session();
  if (!current) { toSignIn(); return; }
  if (current.first_login_pending) { location.replace(homeFor(current)); return; }
  const { user, children } = current;
  document.getElementById('school').textContent = user.school_name || 'Cartable';
  document.getElementById('who').textContent = `${user.first_name} ${user.last_name} (${ROLE_LABELS[user.role] || user.role})`;
  if (user.role === 'parent' || user.role === 'student') openHere = openHereDialog(user);
  if (user.role === 'parent') {
    document.getElementById('family').hidden = false;
    document.getElementById('children').replaceChildren(...children.map((child) => el('li', {
      text: `${child.first_name} ${child.last_name}${child.class_name ? ` — ${child.class_name}` : ''}` })));
  }
  apps = (await api('/api/portal')).apps;
  renderTabs();
  render();
  await listPasskeys();
}

search.addEventListener('input', render);
document.getElementById('signout').addEventListener('click', signOut);

async function listPasskeys() {
  const passkeys = await api('/api/accounts/passkeys');
  document.getElementById('passkeys').replaceChildren(...passkeys.map((passkey) => {
    const added = formatDate(localDay(passkey.created_at));
    return el('li', {}, `${passkey.name} — ajoutée le ${added} `, el('button', { type: 'button', class: 'link',
      text: 'Supprimer', 'aria-label': `Supprimer la clé d'accès ${passkey.name} ajoutée le ${added}`,
      onclick: async () => {
        await api(`/api/accounts/passkeys/${passkey.id}`, { method: 'DELETE' });
        await listPasskeys();
      } }));
  }));
}

const addPasskey = document.getElementById('add-passkey');
if (!webauthnSupported()) addPasskey.hidden = true;
addPasskey.addEventListener('click', async () => {
  const error = document.getElementById('error');
  say(error, '');
  try {
    await registerPasskey(`Clé d'accès (${navigator.platform || 'cet ordinateur'})`);
    await listPasskeys();
    say(document.getElementById('passkey-status'), 'Clé d\'accès ajoutée. Vous pourrez vous connecter sans mot de passe.');
  } catch (failure) { say(error, failure.message || 'Ajout de la clé d\'accès annulé.'); }
});

start();
