import { api, homeFor, say, session, signOut } from './espace.js';
import { openHereDialog } from './open-here.js';
import { registerPasskey } from './passkey-client.js';
import { webauthnSupported } from '/js/webauthn.js';

const ROLE_LABELS = { student: 'Élève', parent: 'Responsable légal', teacher: 'Enseignant', staff: 'Personnel', admin: 'Direction' };
const list = document.getElementById('apps');
const search = document.getElementById('search');
const note = document.getElementById('note');
let apps = [];
let category = 'Toutes mes applications';
let openHere = null; // a parent's or student's "Ouvrir sur cet ordinateur"

function tile(app) {
  const item = document.createElement('li');
  item.className = 'app';
  const title = document.createElement('h3');
  const link = document.createElement('a');
  link.href = app.url;
  link.textContent = app.name;
  if (app.external) { // the school's own address: another site, in a new tab
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.append(document.createElement('span'));
    link.lastChild.className = 'external';
    link.lastChild.textContent = ' (site externe, nouvel onglet)';
  }
  title.append(link);
  const text = document.createElement('p');
  text.textContent = app.description;
  const star = document.createElement('button');
  star.type = 'button';
  star.className = 'star';
  star.textContent = app.favourite ? '★' : '☆';
  star.setAttribute('aria-pressed', String(app.favourite));
  star.setAttribute('aria-label', `${app.name} : favori`);
  star.addEventListener('click', () => toggleFavourite(app));
  item.append(title, text, star);
  if (app.key === 'cartable' && openHere) {
    // Cartable itself, here: in one step from this session, never the phone's "Ajouter un profil".
    link.addEventListener('click', (event) => { event.preventDefault(); openHere(); });
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'oh-open';
    button.textContent = 'Ouvrir sur cet ordinateur';
    button.addEventListener('click', () => openHere());
    item.append(button);
  }
  return item;
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
  document.getElementById('tabs').replaceChildren(...names.map((name) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = name;
    button.setAttribute('aria-pressed', String(name === category));
    button.addEventListener('click', () => { category = name; renderTabs(); render(); });
    return button;
  }));
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
  if (!current) { location.replace('/espace/index.html'); return; }
  if (current.first_login_pending) { location.replace(homeFor(current)); return; }
  const { user, children } = current;
  document.getElementById('school').textContent = user.school_name || 'Cartable';
  document.getElementById('who').textContent = `${user.first_name} ${user.last_name} (${ROLE_LABELS[user.role] || user.role})`;
  if (user.role === 'parent' || user.role === 'student') openHere = openHereDialog(user);
  if (user.role === 'parent') {
    document.getElementById('family').hidden = false;
    document.getElementById('children').replaceChildren(...children.map((child) => {
      const item = document.createElement('li');
      item.textContent = `${child.first_name} ${child.last_name}${child.class_name ? ` — ${child.class_name}` : ''}`;
      return item;
    }));
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
    const item = document.createElement('li');
    const added = new Date(passkey.created_at).toLocaleDateString('fr-FR');
    item.textContent = `${passkey.name} — ajoutée le ${added} `;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'link';
    remove.textContent = 'Supprimer';
    remove.setAttribute('aria-label', `Supprimer la clé d'accès ${passkey.name} ajoutée le ${added}`);
    remove.addEventListener('click', async () => {
      await api(`/api/accounts/passkeys/${passkey.id}`, { method: 'DELETE' });
      await listPasskeys();
    });
    item.append(remove);
    return item;
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
