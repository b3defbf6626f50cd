// A profile opened on a shared computer ("Ordinateur partagé", docs/pairing.md §6). Its data never
// reach the disk (store.js keeps them in the page); the profile itself is forgotten, and revoked on
// the server when it answers, at sign-out (here or in the espace: every tab of Cartable hears it),
// when the browser session ends (a cookie without expiry, which the browser drops when it closes) and
// after IDLE_MS without input in any tab. The server ends it too: with its espace session, and after
// 30 minutes without a request.
// Online only, like everything in /desktop/ (api/pwa_shell.py): the app loads it when this browser holds
// a shared profile, which nobody opens offline, and the phone's precached shell stays small.
import { api, setCsrf } from '/js/api-client.js';
import { listProfiles } from '/js/device.js';
import { forgetSharedProfiles } from '/js/profiles.js';

const COOKIE = 'cartable_shared';
const ACTIVE = 'cartable.shared.active'; // the last input in any tab (localStorage: tabs share it)
const IDLE_MS = 15 * 60_000;
const INPUT = ['pointerdown', 'keydown', 'wheel', 'touchstart'];
const channel = 'BroadcastChannel' in globalThis ? new BroadcastChannel('cartable-shared') : null;
export const SIGNED_OUT = '/espace/index.html';
const PORTAL = '/espace/portail.html';

/** This browser session holds a shared profile (set when one is opened). */
export function markBrowserSession() {
  document.cookie = `${COOKIE}=1; path=/; SameSite=Strict`;
}

const browserSessionOpen = () => document.cookie.split(/;\s*/).includes(`${COOKIE}=1`);

/** Forget this browser's shared profiles, and tell the other tabs. */
export async function forgetHere() {
  localStorage.removeItem(ACTIVE);
  if (await forgetSharedProfiles()) channel?.postMessage('forgotten');
}

/**
 * From the app's start, before anything is drawn: a shared profile of a browser session that ended
 * goes; then it goes after 15 idle minutes (the espace session stays), and this tab leaves the child's
 * screens when another one forgets it (this page's memory goes with it).
 */
export async function watch() {
  if (!browserSessionOpen()) await forgetSharedProfiles();
  forgetWhenIdle(() => location.replace(PORTAL));
  channel?.addEventListener('message', async () => {
    if ((await listProfiles()).length) location.reload();
    else location.replace(PORTAL);
  });
}

/** "Se déconnecter" on a shared computer: its profiles go, then the espace session. */
export async function signOut() {
  await forgetHere();
  try {
    setCsrf((await api('/api/session')).csrf_token);
    await api('/api/session', { method: 'DELETE' });
  } catch { /* the session had already ended */ }
  document.cookie = `${COOKIE}=; path=/; max-age=0`;
}

/** Forget the shared profiles after IDLE_MS without a key, a click or a touch in any tab, then then(). */
function forgetWhenIdle(then) {
  let timer = null;
  let last = 0;
  let written = 0;
  const lastInput = () => Math.max(last, Number(localStorage.getItem(ACTIVE)) || 0);
  const check = async () => {
    const idle = Date.now() - lastInput();
    if (idle < IDLE_MS) { arm(IDLE_MS - idle); return; }
    if ((await listProfiles()).some((profile) => profile.shared)) await forgetHere().then(then);
  };
  const arm = (delay) => { clearTimeout(timer); timer = setTimeout(check, delay); };
  const onInput = () => {
    last = Date.now();
    if (last - written > 5_000) localStorage.setItem(ACTIVE, String((written = last))); // a write per 5 s at most
    arm(IDLE_MS);
  };
  for (const type of INPUT) addEventListener(type, onInput, { capture: true, passive: true });
  onInput();
}
