// The family app: hash router, current profile and child, cached-then-network screens, outbox sending.
import { apiFetch, listProfiles, onProfileGone, removeProfile } from './device.js';
import { loadSnapshot, saveSnapshot, wipeProfile } from './store.js';
import { flush } from './outbox.js';
import { freshnessText } from './freshness.js';
import { h, clear, toast } from './ui.js';

const SCREENS = {
  accueil: ['Accueil', () => import('./screens/home.js')],
  devoirs: ['Travail à faire', () => import('./screens/homework.js')],
  edt: ['Emploi du temps', () => import('./screens/timetable.js')],
  notes: ['Compétences et notes', () => import('./screens/evaluations.js')],
  'vie-scolaire': ['Vie scolaire', () => import('./screens/vie-scolaire.js')],
  messages: ['Communication', () => import('./screens/communication.js')],
  reglages: ['Réglages', () => import('./screens/settings.js')],
  profils: ['Profils', () => import('./screens/profiles.js')],
};
const CURRENT = 'cartable.profile';
const unlocked = new Set();
let profiles = [];
let renderToken = 0;

const main = () => document.getElementById('main');

export function currentProfile() {
  return profiles.find((p) => p.id === localStorage.getItem(CURRENT)) || null;
}

export function studentIdOf(profile) {
  if (!profile) return null;
  if (profile.role === 'student') return profile.userId;
  const chosen = localStorage.getItem(`cartable.child.${profile.id}`);
  const children = profile.children || [];
  return (children.find((c) => c.id === chosen) || children[0] || {}).id || null;
}

export function selectProfile(profileId) {
  localStorage.setItem(CURRENT, profileId);
}

// JSON from the API for the current profile; errors carry the API's French message.
export async function api(profile, path, init = {}) {
  const response = await apiFetch(profile.id, path, init);
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(body?.error?.message || 'Une erreur est survenue.');
    error.status = response.status;
    throw error;
  }
  return body;
}

export async function sendJson(profile, path, method, data) {
  return api(profile, path, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(data) });
}

// Show the last-seen data at once, then refresh from the network; the header says how fresh it is.
export async function cached(ctx, name, path, draw) {
  const token = renderToken;
  const snapshot = await loadSnapshot(ctx.profile.id, name);
  // The user may have moved on while IndexedDB answered: never draw over the newer screen.
  if (token !== renderToken) return;
  let savedAt = snapshot?.savedAt ?? null;
  const showFreshness = (failed) => setFreshness(savedAt, failed);
  if (snapshot) { await draw(snapshot.value, true); showFreshness(false); }
  try {
    const data = await api(ctx.profile, path);
    if (token !== renderToken) return;
    await saveSnapshot(ctx.profile.id, name, data);
    savedAt = Date.now();
    await draw(data, false);
    showFreshness(false);
  } catch (error) {
    if (token !== renderToken || error.code === 'device_revoked') return;
    showFreshness(true);
    if (!snapshot) clear(ctx.main).append(h('p', { class: 'empty', text: navigator.onLine
      ? error.message : 'Hors ligne : ces données n’ont pas encore été enregistrées sur cet appareil.' }));
  }
}

let freshnessState = { savedAt: null, failed: false };
function setFreshness(savedAt, failed) {
  freshnessState = { savedAt, failed };
  const el = document.getElementById('freshness');
  el.textContent = freshnessText(savedAt, { failed });
  el.classList.toggle('offline', !navigator.onLine || failed);
}
setInterval(() => setFreshness(freshnessState.savedAt, freshnessState.failed), 60000);

export async function flushAll() {
  for (const profile of profiles) {
    try {
      const result = await flush(profile.id, (path, init) => apiFetch(profile.id, path, init));
      if (result.dropped) toast('Une modification a été refusée par le serveur.');
    } catch { /* revoked: onProfileGone already wiped it */ }
  }
}

function header(title, profile) {
  const bar = document.getElementById('topbar');
  clear(bar);
  bar.append(h('h1', { id: 'screen-title', text: title }));
  if (profile?.role === 'parent' && (profile.children || []).length > 1) {
    const select = h('select', { id: 'child', 'aria-label': 'Enfant affiché', onchange: (event) => {
      localStorage.setItem(`cartable.child.${profile.id}`, event.target.value);
      route();
    } }, profile.children.map((c) => h('option', { value: c.id, text: `${c.firstName} (${c.className})` })));
    select.value = studentIdOf(profile);
    bar.append(select);
  } else if (profile?.role === 'parent' && profile.children?.length === 1) {
    bar.append(h('span', { class: 'child-name', text: profile.children[0].firstName }));
  }
  if (profile) bar.append(h('a', { href: '#/profils', class: 'profile-link', 'aria-label': 'Changer de profil', text: profile.displayName.split(' ')[0] }));
  bar.append(h('p', { id: 'freshness', role: 'status' }));
}

function navigation(active) {
  for (const link of document.querySelectorAll('#tabs a')) {
    const on = link.getAttribute('href') === `#/${active}`;
    link.classList.toggle('active', on);
    if (on) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
}

export async function route() {
  const token = ++renderToken;
  const hash = location.hash.replace(/^#\/?/, '');
  profiles = await listProfiles();
  const container = main();
  if (hash.startsWith('ajouter-profil') || (!profiles.length && !hash.startsWith('profils'))) {
    header('Ajouter un profil', null);
    document.body.classList.add('no-tabs');
    const { renderAddProfile } = await import('./pairing-screen.js');
    renderAddProfile(clear(container), { link: location.href, onDone: (profile) => {
      selectProfile(profile.id);
      location.hash = '#/accueil';
    } });
    return;
  }
  const [name, ...rest] = hash.split('/');
  let profile = currentProfile();
  if (!profile && profiles.length === 1) { selectProfile(profiles[0].id); profile = profiles[0]; }
  const screen = SCREENS[name] && (profile || name === 'profils') ? name : (profile ? 'accueil' : 'profils');
  if (profile && profile.lockEnabled && !unlocked.has(profile.id) && screen !== 'profils') {
    const { unlock } = await import('./app-lock.js');
    try {
      await unlock(profile.id);
      unlocked.add(profile.id);
    } catch (error) {
      header('Cartable verrouillé', null);
      clear(container).append(h('p', { class: 'empty', text: error.message }),
        h('button', { type: 'button', text: 'Déverrouiller', onclick: route }),
        h('a', { class: 'button', href: '#/profils', text: 'Changer de profil' }));
      return;
    }
  }
  const [title, load] = SCREENS[screen];
  document.title = `${title} · Cartable`;
  document.body.classList.toggle('no-tabs', screen === 'profils' || !profile);
  header(title, screen === 'profils' ? null : profile);
  navigation(screen);
  setFreshness(null, false);
  document.getElementById('freshness').textContent = '';
  const module = await load();
  if (token !== renderToken) return;
  const ctx = { profile, studentId: studentIdOf(profile), main: clear(container), params: rest, profiles, route };
  await module.render(ctx);
  container.focus({ preventScroll: true });
}

let removing = null; // a removal asked for here is not a revocation: no "retiré" message

export async function forgetProfile(profileId) {
  removing = profileId;
  await removeProfile(profileId);
  await wipeProfile(profileId);
  if (localStorage.getItem(CURRENT) === profileId) localStorage.removeItem(CURRENT);
}

onProfileGone(async (profileId) => {
  await wipeProfile(profileId);
  if (localStorage.getItem(CURRENT) === profileId) localStorage.removeItem(CURRENT);
  if (removing !== profileId) toast('Cet appareil a été retiré de ce compte : ses données ont été effacées.');
  location.hash = '#/profils';
});

function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/service-worker.js', { scope: '/' }).then((registration) => {
    const offerUpdate = (worker) => toast('Une nouvelle version de Cartable est prête.', {
      label: 'Mettre à jour', run: () => worker.postMessage({ type: 'skip-waiting' }),
    });
    if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
    registration.addEventListener('updatefound', () => {
      const worker = registration.installing;
      worker?.addEventListener('statechange', () => {
        if (worker.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(worker);
      });
    });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloading || !window.cartableUpdating) return;
    reloading = true;
    location.reload();
  });
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data?.type === 'flush-outbox') flushAll();
  });
}

// Background Sync, where it exists, wakes the worker when the network is back; it asks us to send.
export async function requestSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register('outbox');
  } catch { /* not supported: the online event and the next start send it */ }
}

window.addEventListener('hashchange', route);
window.addEventListener('online', () => { flushAll().then(route); });
window.addEventListener('offline', () => setFreshness(freshnessState.savedAt, freshnessState.failed));
document.getElementById('toast').addEventListener('click', (event) => {
  if (event.target.tagName === 'BUTTON') window.cartableUpdating = true;
});
registerServiceWorker();
route().then(flushAll);
