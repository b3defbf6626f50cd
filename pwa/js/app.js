// The phone app's entry point: draws the screen the address names, and keeps the phone in step with
// the server — revoked profiles wiped, queued writes sent, new versions of the app offered.
import { listProfiles, onPairingNeeded, onProfileGone, pairingNeeded } from './device.js';
import { checkProfiles, forgetSharedProfiles, selectChild, selectProfile } from './profiles.js';
import { removedText, render, showFreshness, shownProfileId, tellRemoved } from './router.js';
import { resendSubscriptions } from './push.js';
import { onOutboxSent, sendOutboxes } from './sync.js';
import { applyTheme } from './theme.js';
import { offer, toast } from './ui.js';

// ---- profiles revoked elsewhere ----
// A toast on the screen of a profile still here; the screens without a profile (Profils, "Ajouter un
// profil", where the last one's revocation leads) keep a notice naming them until it is closed.
let removedNames = [];
let removedTimer = null;
onProfileGone((profile, reason) => {
  if (reason === 'revoked') {
    // Several may go in one check: one message names them all.
    removedNames = [...removedNames, profile.displayName];
    tellRemoved(profile.displayName);
    toast(removedText(removedNames));
    clearTimeout(removedTimer);
    removedTimer = setTimeout(() => { removedNames = []; }, 6000);
  }
  // The profile's own screen, and the profile-less ones (they list the profiles), are drawn again.
  if ([profile.id, null].includes(shownProfileId())) render();
});

// A profile the server no longer recognises (device.js `pairingNeeded`): said once here, and above its
// screens until it is paired again.
onPairingNeeded((profile) => {
  toast(pairingNeeded(profile).message);
  if ([profile.id, null].includes(shownProfileId())) render();
});

onOutboxSent(({ dropped, refused }) => {
  if (refused.length) toast(`Non envoyé : ${refused[0].message}`);
  else if (dropped) toast('Une modification a été refusée par le serveur.');
});

// Every profile is checked when the app starts, whenever the network comes back, and when an installed
// app comes back from the background (at most every CHECK_AGAIN_MS: each check is a request per profile);
// an app left open for days also asks then for a new version of itself.
const CHECK_AGAIN_MS = 5 * 60_000;
let checkedAt = 0;
let registration = null; // the service worker's, once registered
async function catchUp() {
  // Not at start, when the browser has just looked; a new worker found is offered (registerServiceWorker).
  if (checkedAt) registration?.update().catch(() => {});
  checkedAt = Date.now();
  await checkProfiles();
  resendSubscriptions().catch(() => {});
  await sendOutboxes();
}
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && navigator.onLine && Date.now() - checkedAt >= CHECK_AGAIN_MS) catchUp();
});

// ---- the service worker: offline shell, and updates offered, never forced mid-use ----
// The offer stays on screen until used (toasts never replace it); only then does the new version take over.
function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  let updating = false;
  navigator.serviceWorker.register('/service-worker.js', { scope: '/' }).then((registered) => {
    registration = registered;
    const offerUpdate = (worker) => offer('update', 'Une nouvelle version de Cartable est prête.', {
      label: 'Mettre à jour', run: () => { updating = true; worker.postMessage({ type: 'skip-waiting' }); },
    });
    if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
    registration.addEventListener('updatefound', () => {
      const worker = registration.installing;
      worker?.addEventListener('statechange', () => {
        if (worker.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(worker);
      });
    });
  });
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (updating) location.reload(); // the first install takes control silently
  });
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data?.type === 'flush-outbox') sendOutboxes();
    if (event.data?.type === 'push-subscription-changed') resendSubscriptions().catch(() => {});
    if (event.data?.type === 'open') openFromNotification(event.data);
  });
}

// A tapped notification names the profile (its device id), the child and the screen to open.
async function openFromNotification({ profile, child, screen }) {
  const profiles = await listProfiles();
  const chosen = profiles.find((p) => p.id === profile);
  if (chosen) {
    selectProfile(chosen.id);
    if (chosen.children?.some((c) => c.id === child)) selectChild(chosen, child);
  }
  const hash = `#/${screen || 'accueil'}`;
  if (location.hash === hash) render();
  else location.hash = hash;
}

function notificationInAddress() {
  const query = new URLSearchParams(location.search);
  if (!query.has('profil')) return null;
  history.replaceState(history.state, '', `/${location.hash}`); // the ids leave the address bar
  return { profile: query.get('profil'), child: query.get('enfant'), screen: location.hash.replace(/^#\/?/, '') };
}

// The skip link moves focus to the content; following its #main would be read as a route.
document.querySelector('.skip').addEventListener('click', (event) => {
  event.preventDefault();
  document.getElementById('main').focus();
});
window.addEventListener('hashchange', () => render());
window.addEventListener('online', () => { showFreshness(); catchUp().then(() => render()); });
window.addEventListener('offline', () => showFreshness());
setInterval(() => showFreshness(), 60_000);
applyTheme();
registerServiceWorker();
// A French browser's own date and time fields are French; any other's become French ones (date-field.js).
const frenchFields = /^fr\b/i.test(navigator.language) ? Promise.resolve() : import('./date-field.js');

// A shared computer's Cartable (docs/pairing.md §6) lives in this tab: opened (again, after a reload) and
// watched from before the first screen. Offline, where its online-only module cannot load, there is none.
async function openSharedComputer() {
  if (!sessionStorage.getItem('cartable.shared') && !(await listProfiles()).some((profile) => profile.shared)) return;
  await import('/desktop/shared-computer.js').then((shared) => shared.start(), () => forgetSharedProfiles());
}

const opened = notificationInAddress(); // a notification tapped with no Cartable window open
Promise.all([frenchFields, openSharedComputer()]).catch(() => {}).then(() => (opened ? openFromNotification(opened) : render())).then(catchUp);
