// A profile opened on a shared computer ("Ordinateur partagé", docs/pairing.md §6). Its data never
// reach the disk (store.js keeps them in the page); the profile itself is forgotten, and revoked on
// the server when it answers, at sign-out (here or in the espace), when the browser session ends (a
// cookie without expiry, which the browser drops when it closes) and after IDLE_MS without input.
// The server ends it too: with its espace session, and after 30 minutes without a request.
import { api, setCsrf } from './api-client.js';
import { listProfiles } from './device.js';
import { forgetSharedProfiles } from './profiles.js';

const COOKIE = 'cartable_shared';
const IDLE_MS = 15 * 60_000;
const INPUT = ['pointerdown', 'keydown', 'wheel', 'touchstart'];
export const SIGNED_OUT = '/espace/index.html';

/** This browser session holds a shared profile (set when one is opened). */
export function markBrowserSession() {
  document.cookie = `${COOKIE}=1; path=/; SameSite=Strict`;
}

const browserSessionOpen = () => document.cookie.split(/;\s*/).includes(`${COOKIE}=1`);

/** At start, before anything is drawn: a shared profile from a browser session that ended goes. */
export async function forgetEndedSession() {
  if (!browserSessionOpen()) await forgetSharedProfiles();
}

/** "Se déconnecter" on a shared computer: its profiles go, then the espace session. */
export async function signOut() {
  await forgetSharedProfiles();
  try {
    setCsrf((await api('/api/session')).csrf_token);
    await api('/api/session', { method: 'DELETE' });
  } catch { /* the session had already ended */ }
  document.cookie = `${COOKIE}=; path=/; max-age=0`;
}

/** Sign out after IDLE_MS without a key, a click or a touch while a shared profile is on this browser. */
export function signOutWhenIdle(then) {
  let timer = null;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if ((await listProfiles()).some((profile) => profile.shared)) await signOut().then(then);
    }, IDLE_MS);
  };
  for (const type of INPUT) addEventListener(type, arm, { capture: true, passive: true });
  arm();
}
