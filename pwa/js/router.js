// Hash routes → screens. A screen module exports render(ctx) and imports nothing of the app: its
// profile, data reads, writes and actions arrive in ctx (profileContext below). Adding a screen: a
// module in js/screens/ and a line in SCREENS (the accessibility tests go through every route).
import { api, request } from './api-client.js';
import { el, clear } from './dom.js';
import { read } from './data.js';
import { deviceFetch, listProfiles, pairingNeeded, removeProfile } from './device.js';
import { freshnessText } from './freshness.js';
import { forget, pending, pendingByTarget } from './outbox.js';
import { pushControls } from './push.js';
import { addProfile, currentProfileId, selectChild, selectProfile, studentIdOf } from './profiles.js';
import { onOutboxSent, queueWrite } from './sync.js';
import { currentTheme, setTheme } from './theme.js';
import { plural } from './format.js';
import { emptyState, toast } from './ui.js';
import { keepPlace, restorePlace, watchTyping } from './place.js';

// name → [title, module, needs a profile]
const SCREENS = {
  accueil: ['Accueil', () => import('./screens/home.js'), true],
  devoirs: ['Travail à faire', () => import('./screens/homework.js'), true],
  edt: ['Emploi du temps', () => import('./screens/timetable.js'), true],
  notes: ['Compétences et notes', () => import('./screens/evaluations.js'), true],
  'vie-scolaire': ['Vie scolaire', () => import('./screens/vie-scolaire.js'), true],
  messages: ['Communication', () => import('./screens/communication.js'), true],
  reglages: ['Réglages', () => import('./screens/settings.js'), true],
  demarches: ['Démarches', () => import('./screens/demarches.js'), true],
  bulletins: ['Bulletins', () => import('./screens/bulletins.js'), true],
  cantine: ['Cantine', () => import('./screens/canteen.js'), true],
  rendre: ['Travail à rendre', () => import('./screens/hand-in.js'), true],
  signaler: ['Signaler', () => import('./screens/alert.js'), true],
  profils: ['Profils', () => import('./screens/profiles.js'), false],
  'ajouter-profil': ['Ajouter un profil', () => import('./screens/add-profile.js'), false],
};
const RETRY_MS = 30_000;
const unlocked = new Set();
let renderToken = 0;
let retryTimer = null;
let shownHash = null;
let keptPlace = null; // the person's place on the screen being drawn again (place.js)
let watching = false;
let shownProfile = null;
let freshness = { savedAt: null, error: null };

let removed = []; // names of the profiles revoked elsewhere, told on the profile-less screens until closed

const navigate = (hash) => { location.hash = hash; };

/** "Profil retiré de cet appareil : Sophie Moreau. Ses données ont été effacées." (one or several) */
export const removedText = (names) => `${plural(names.length, 'Profil retiré', 'Profils retirés')} de cet appareil : `
  + `${names.join(', ')}. ${plural(names.length, 'Ses', 'Leurs')} données ont été effacées.`;

/** A profile revoked elsewhere (from a computer, or its account closed): the notice names it. */
export function tellRemoved(name) {
  removed = [...removed, name];
}

function removedNotice() {
  const notice = el('div', { class: 'alert removed-notice', role: 'status' },
    el('p', { text: `${removedText(removed)} ${plural(removed.length, 'Il a été révoqué', 'Ils ont été révoqués')} depuis `
      + 'l’espace Cartable d’un ordinateur, ou le compte a été fermé.' }),
    el('button', { type: 'button', class: 'secondary-button', text: 'Fermer', onclick: () => {
      removed = [];
      notice.remove();
    } }));
  return notice;
}

// A profile to pair again (device.js `pairingNeeded`): above its screens (which may redraw the whole of
// #main), what happened and the way back; its stored data stay on display below.
function showPairingNeeded(profile) {
  document.getElementById('pair-again')?.remove();
  if (!profile?.needsPairing) return;
  document.getElementById('main').before(el('div', { id: 'pair-again', class: 'alert', role: 'status',
    style: { margin: '10px 12px 0' } },
  el('p', { text: pairingNeeded(profile).message }),
  el('a', { class: 'button', href: '#/ajouter-profil', text: 'Ajouter à nouveau ce profil' })));
}

/** The id of the profile whose screen is on display (null on the profile-less screens). */
export const shownProfileId = () => shownProfile;

// ---- the status line under the title ----
export function showFreshness(state = freshness) {
  freshness = state;
  const line = document.getElementById('freshness');
  line.textContent = state.savedAt || state.error ? freshnessText(state.savedAt, { error: state.error }) : '';
  line.classList.toggle('offline', !navigator.onLine || Boolean(state.error));
}

function header(title, profile) {
  const row = [el('h1', { id: 'screen-title', text: title })];
  const children = profile?.role === 'parent' ? profile.children || [] : [];
  if (children.length > 1) {
    const select = el('select', { id: 'child', 'aria-label': 'Enfant affiché', onchange: (event) => {
      selectChild(profile, event.target.value);
      render();
    } }, children.map((c) => el('option', { value: c.id, text: `${c.firstName} (${c.className})` })));
    select.value = studentIdOf(profile);
    row.push(select);
  } else if (children.length === 1) {
    row.push(el('span', { class: 'child-name', text: children[0].firstName }));
  }
  if (profile) {
    // The visible name is part of the link's accessible name (WCAG 2.5.3, label in name).
    row.push(el('a', { href: '#/profils', class: 'profile-link' },
      el('span', { class: 'sr-only', text: 'Changer de profil : ' }), profile.displayName.split(' ')[0]));
    row.push(el('a', { href: '#/reglages', class: 'settings-link' },
      el('span', { 'aria-hidden': 'true', text: '⚙' }), el('span', { class: 'sr-only', text: 'Réglages' })));
  }
  if (profile?.shared) {
    row.push(el('button', { type: 'button', class: 'signout', text: 'Se déconnecter',
      onclick: async () => {
        const shared = await import('/desktop/shared-computer.js');
        await shared.signOut();
        location.replace(shared.SIGNED_OUT);
      } }));
  }
  clear(document.getElementById('topbar-row')).append(...row);
}

function markCurrent(screen) {
  for (const link of document.querySelectorAll('#tabs a, #topbar-row a')) {
    if (link.getAttribute('href') === `#/${screen}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function lockGate(profile, container) {
  if (!profile.lockEnabled || unlocked.has(profile.id)) return true;
  const { unlock } = await import('./app-lock.js');
  try {
    await unlock(profile.id);
    unlocked.add(profile.id);
    return true;
  } catch (error) {
    header('Cartable verrouillé', null);
    clear(container).append(emptyState(error.message),
      el('button', { type: 'button', text: 'Déverrouiller', onclick: () => render() }),
      el('a', { class: 'button', href: '#/profils', text: 'Changer de profil' }));
    return false;
  }
}

// What every screen of a profile gets: reads, requests and queued writes on its behalf.
function profileContext(profile, main, isCurrent) {
  const via = deviceFetch(profile.id);
  return {
    profile,
    studentId: studentIdOf(profile),
    // Cached-then-network read; an error with nothing stored shows in `into`.
    // Each drawing keeps the person's place (and what the redraw of the whole screen carried over):
    // the fresh answer of a read never wipes a reply being written nor drops the keyboard's focus.
    show: (name, path, draw, { into = main } = {}) => read({
      profileId: profile.id, name, path, via, isCurrent,
      draw: async (value) => {
        const place = keepPlace(main, keptPlace);
        await draw(value);
        restorePlace(main, place);
      },
      report: ({ savedAt, error, empty }) => {
        showFreshness({ savedAt, error });
        if (error?.offline) {
          clearTimeout(retryTimer);
          retryTimer = setTimeout(() => isCurrent() && render(), error.retryAfter ?? RETRY_MS);
        }
        if (empty) clear(into).append(emptyState(error.status === 0
          ? 'Hors ligne : ces données n’ont pas encore été enregistrées sur cet appareil.' : error.message));
      },
    }),
    api: (path, options = {}) => api(path, { ...options, via }),
    // A file through the profile's signed fetch (a bulletin's PDF, a handed-in copy) → Blob.
    blob: async (path) => (await request(path, { via, headers: { Accept: '*/*' } })).blob(),
    queue: (write) => queueWrite(profile.id, write),
    pendingWrites: () => pendingByTarget(profile.id),
    // Every queued write with its state: waiting, or `refused` (typed text the server refused, kept).
    writes: () => pending(profile.id),
    forgetWrite: (id) => forget(profile.id, id),
    push: pushControls(profile),
    // callback() when queued writes of this profile reached the server, while this screen is shown.
    whenWritesSent: (callback) => {
      const stop = onOutboxSent(({ profileId }) => {
        if (!isCurrent()) stop();
        else if (profileId === profile.id) callback();
      });
    },
    setLock: async (enabled) => (await import('./app-lock.js')).setLock(profile.id, enabled),
    removeProfile: () => removeProfile(profile.id),
  };
}

/** Draw the screen the address names (the profile screens need a profile, the lock may ask first). */
export async function render() {
  const token = ++renderToken;
  const isCurrent = () => token === renderToken;
  clearTimeout(retryTimer);
  const hash = location.hash.replace(/^#\/?/, '');
  const [name, ...params] = hash.split(/[/?]/);
  const profiles = await listProfiles();
  let profile = profiles.find((p) => p.id === currentProfileId()) || null;
  if (!profile && profiles.length === 1) selectProfile((profile = profiles[0]).id);
  let screen = SCREENS[name] ? name : 'accueil';
  if (!profiles.length && screen !== 'profils') screen = 'ajouter-profil';
  else if (SCREENS[screen][2] && !profile) screen = 'profils';
  const [title, load, needsProfile] = SCREENS[screen];
  const container = document.getElementById('main');
  if (!watching) {
    watchTyping(container);
    watching = true;
  }
  shownProfile = needsProfile ? profile.id : null;
  showPairingNeeded(null);
  if (needsProfile && !(await lockGate(profile, container))) return;
  if (!isCurrent()) return;
  document.title = `${title} · Cartable`;
  document.body.classList.toggle('no-tabs', !needsProfile);
  header(title, needsProfile ? profile : null);
  markCurrent(screen);
  showFreshness({ savedAt: null, error: null });
  const module = await load();
  if (!isCurrent()) return;
  // A redraw of the screen shown keeps the person's place; one superseded by another redraw (two
  // answers arriving together) hands it on.
  keptPlace = hash === shownHash ? keepPlace(container, keptPlace) : null;
  clear(container);
  if (!needsProfile && removed.length) container.append(removedNotice());
  showPairingNeeded(needsProfile ? profile : null);
  const ctx = {
    main: container, params, profiles, isCurrent, refresh: render, theme: currentTheme, setTheme,
    selectProfile: (id) => { selectProfile(id); navigate('#/accueil'); },
    link: location.href,
    addProfile: async (link, code, deviceName) => {
      await addProfile(link, code, deviceName);
      removed = [];
      navigate('#/accueil');
    },
    ...(needsProfile ? profileContext(profile, container, isCurrent) : {}),
  };
  const rendering = module.render(ctx); // runs up to its first await: the screen's frame is drawn
  // Focus follows navigation (screen readers hear the new screen) at once, never later under the
  // user's fingers; not on the first screen (the skip link stays first) nor on a refresh.
  if (shownHash !== null && hash !== shownHash) container.focus({ preventScroll: true });
  shownHash = hash;
  await rendering;
  if (isCurrent()) {
    restorePlace(container, keptPlace);
    keptPlace = null;
  }
}
