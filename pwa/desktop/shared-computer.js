// A profile opened on a shared computer ("Ordinateur partagé", docs/pairing.md §6): it lives in this tab's
// memory only (device.js, store.js, profiles.js keep its record, key, tokens, data and choices in the page),
// never on disk. The tab keeps one non-secret hint in sessionStorage, that it holds a shared Cartable and
// the id of its device, so that a reload opens it again: the page's memory went, so the espace session
// (still needed) adds the browser anew with a new key, and the previous device is revoked. Closing or
// leaving the tab revokes the device (pagehide). It is also forgotten, and revoked, at sign-out (here or
// in the espace: every tab of Cartable hears it), after IDLE_MS without input in any tab, and by the
// server with its espace session and after 30 minutes without a request.
// Online only, like everything in /desktop/ (api/pwa_shell.py): the phone's precached shell stays small.
import { api, onSessionEnded, request, setCsrf, sessionFetch } from '/js/api-client.js';
import { listProfiles, saveClaimed } from '/js/device.js';
import { newDeviceKey, signedFetch } from '/js/dpop.js';
import { forgetSharedProfiles, selectProfile } from '/js/profiles.js';
import { toast } from '/js/ui.js';

const HINT = 'cartable.shared'; // sessionStorage: {"device": id of this tab's shared device, or null}
const ACTIVE = 'cartable.shared.active'; // the last input in any tab (localStorage: tabs share it)
const IDLE_MS = 15 * 60_000;
const INPUT = ['pointerdown', 'keydown', 'wheel', 'touchstart'];
const channel = 'BroadcastChannel' in globalThis ? new BroadcastChannel('cartable-shared') : null;
export const SIGNED_OUT = '/espace/index.html';
const PORTAL = '/espace/portail.html';

export function platformName() {
  const agent = `${navigator.userAgentData?.platform || ''} ${navigator.userAgent}`;
  const found = [['Windows', /Win/], ['Mac', /Mac/], ['Chromebook', /CrOS|Chrome OS/], ['Linux', /Linux/]]
    .find(([, pattern]) => pattern.test(agent));
  return found ? `Ordinateur (${found[0]})` : 'Ordinateur';
}

/**
 * This browser becomes a profile of the signed-in user, with its own new key, in one request (session
 * cookie + CSRF + a proof of the key). A lost answer is asked again with the same client id.
 */
export async function addThisBrowser({ shared, deviceName = platformName() }) {
  const key = { ...(await newDeviceKey()), nonce: null };
  const body = { client_id: crypto.randomUUID(), shared, device_name: deviceName };
  const opened = await (await request('/api/pairing/browser', { method: 'POST', body, retry: true,
    via: (path, init) => signedFetch(key, path, init, null, sessionFetch) })).json();
  return saveClaimed(opened, key, deviceName, opened.shared);
}

/** From the espace ("Partagé ou public"): open Cartable in this tab, which adds itself as it starts. */
export function openInThisTab(address) {
  sessionStorage.setItem(HINT, JSON.stringify({ device: null }));
  location.assign(address);
}

const hint = () => { try { return JSON.parse(sessionStorage.getItem(HINT)); } catch { return null; } };

/**
 * Forget this tab's shared profiles, and tell the other tabs: they forget theirs (revoking them while the
 * espace session still lets them), and one of them answering, or a second, ends the wait.
 */
export async function forgetHere() {
  sessionStorage.removeItem(HINT);
  localStorage.removeItem(ACTIVE);
  await forgetSharedProfiles();
  if (!channel) return;
  const heard = new Promise((resolve) => {
    channel.addEventListener('message', (event) => { if (event.data === 'forgotten-too') resolve(); });
    setTimeout(resolve, 1000);
  });
  channel.postMessage('forgotten');
  await heard;
}

/**
 * From the app's start, before anything is drawn: a tab that holds a shared Cartable opens it again
 * from the espace session (revoking the device of the page before), then watches it.
 */
export async function start() {
  await forgetSharedProfiles(); // any left on disk by an older version
  const held = hint();
  if (!held) return;
  onSessionEnded(() => location.replace(SIGNED_OUT)); // the espace session ended: sign in again
  try {
    setCsrf((await api('/api/session')).csrf_token);
    if (held.device) await api(`/api/pairing/devices/${held.device}`, { method: 'DELETE' }).catch(() => {});
    const profile = await addThisBrowser({ shared: true });
    sessionStorage.setItem(HINT, JSON.stringify({ device: profile.id }));
    selectProfile(profile.id);
  } catch (error) {
    sessionStorage.removeItem(HINT);
    if (!error.sessionEnded) toast(error.message);
    return;
  }
  // Leaving the page ends its device (the next page, a reload, adds a new one); back from the
  // browser's page cache, the page reloads to get one.
  addEventListener('pagehide', () => {
    const device = hint()?.device;
    if (device) request(`/api/pairing/devices/${device}`, { method: 'DELETE', keepalive: true }).catch(() => {});
  });
  addEventListener('pageshow', (event) => { if (event.persisted) location.reload(); });
  forgetWhenIdle(() => location.replace(PORTAL));
  channel?.addEventListener('message', async (event) => {
    if (event.data !== 'forgotten') return;
    sessionStorage.removeItem(HINT);
    await forgetSharedProfiles();
    channel.postMessage('forgotten-too');
    if ((await listProfiles()).length) location.reload();
    else location.replace(PORTAL);
  });
}

/** "Se déconnecter" on a shared computer: its profiles go, then the espace session. */
export async function signOut() {
  await forgetHere();
  try {
    setCsrf((await api('/api/session', { signedOutOk: true })).csrf_token);
    await api('/api/session', { method: 'DELETE', signedOutOk: true });
  } catch { /* the session had already ended */ }
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
