// Cartable's service worker: precaches the app shell in a versioned cache, serves it offline, and
// offers updates (the page shows "Mettre à jour"; we wait until asked). Private API responses never
// enter the Cache API: /api/ goes straight to the network, and the app keeps its own encrypted copy.
//
// VERSION and SHELL are written in when this file is served (api/pwa_shell.py): the shell is every
// file of the app, and the version a hash of their content. Any change to the shell is a new worker,
// so it always reaches installed phones; nobody has to remember a bump.
const VERSION = 'development';
const SHELL = ['/', '/index.html'];
const SHELL_CACHE = `cartable-shell-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL_CACHE)
    .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('cartable-shell-') && name !== SHELL_CACHE) await caches.delete(name);
    }
    await self.clients.claim(); // the first install controls the open page at once
  })());
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'skip-waiting') self.skipWaiting();
});

// Never served from, nor kept in, the cache: the API, the schema, and what api/pwa_shell.py leaves out of
// the shell as online only (ONLINE_ONLY: the espace, and /desktop/, a shared computer's modules).
const ONLINE_ONLY = ['/api/', '/schema', '/espace/', '/desktop/'];

function networkOnly(url) {
  return url.origin !== self.location.origin || ONLINE_ONLY.some((prefix) => url.pathname.startsWith(prefix));
}

async function fromShell(event) {
  // The espace imports the app's shared modules (/js/dom.js, /js/api-client.js…): it must get the deployed
  // ones, never the copies of a worker still waiting to be replaced.
  const client = event.clientId ? await self.clients.get(event.clientId) : null;
  if (client && new URL(client.url).pathname.startsWith('/espace/')) return fetch(event.request);
  const cached = await caches.match(event.request, { cacheName: SHELL_CACHE, ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(event.request);
  // Files loaded on demand (the QR decoder) join this version's cache.
  if (response.ok && response.type === 'basic') {
    const copy = response.clone();
    caches.open(SHELL_CACHE).then((cache) => cache.put(event.request, copy));
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || networkOnly(new URL(request.url))) return;
  if (request.mode === 'navigate') {
    event.respondWith(caches.match('/index.html', { cacheName: SHELL_CACHE }).then((cached) => cached || fetch(request)));
    return;
  }
  event.respondWith(fromShell(event));
});

// Background Sync: the network is back; the outbox lives in the page's encrypted store, so ask an
// open page to send it (the next start sends it otherwise).
self.addEventListener('sync', (event) => {
  if (event.tag !== 'outbox') return;
  event.waitUntil(self.clients.matchAll({ type: 'window' }).then((clients) => {
    for (const client of clients) client.postMessage({ type: 'flush-outbox' });
  }));
});

// Is this profile (a device id) still on this device? Read from the app's records (device.js), never
// creating their database.
function profileHere(id) {
  return new Promise((resolve) => {
    const opening = indexedDB.open('cartable-devices');
    opening.onupgradeneeded = () => opening.transaction.abort();
    opening.onerror = () => resolve(false);
    opening.onsuccess = () => {
      const db = opening.result;
      const done = (found) => { db.close(); resolve(found); };
      if (!id || !db.objectStoreNames.contains('profiles')) { done(false); return; }
      const reading = db.transaction('profiles').objectStore('profiles').get(id);
      reading.onsuccess = () => done(Boolean(reading.result) && !reading.result.removing);
      reading.onerror = () => done(false);
    };
  });
}

// Web Push: the server sends a short line, already worded for a lock screen (or generic text), and
// what a tap opens: a profile of this phone (its device id), a child, a screen of the app. A push for
// a profile no longer here (removed while its unpairing waits for the network) shows only the generic
// line, and opens nothing of it: a browser must show something for each push.
self.addEventListener('push', (event) => {
  let message = {};
  try { message = event.data?.json() || {}; } catch { /* not ours: show the generic line */ }
  event.waitUntil(profileHere(message.profile).then((here) => self.registration.showNotification(
    (here && message.title) || 'Cartable', {
      body: (here && message.body) || 'Du nouveau dans Cartable.',
      tag: here ? message.tag : 'cartable', // a copy sent again replaces the first instead of showing twice
      lang: 'fr',
      icon: '/icons/icon-192.png',
      data: here ? { profile: message.profile, child: message.child, screen: message.screen } : {},
    })));
});

// The push service replaced the subscription (expiry, a new key): subscribe again with the same server
// key, and tell the open app, which sends it for each profile (push.js `sendSubscription`). The worker
// cannot sign a request itself (the DPoP key, tokens and their one-use refresh live with the app's
// modules), so the app also checks at every start: a subscription that is not the one the server has
// is sent then.
self.addEventListener('pushsubscriptionchange', (event) => {
  const options = event.oldSubscription?.options;
  event.waitUntil((options?.applicationServerKey
    ? self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: options.applicationServerKey })
    : Promise.resolve()).catch(() => {}).then(() => self.clients.matchAll({ type: 'window' })).then((clients) => {
    for (const client of clients) client.postMessage({ type: 'push-subscription-changed' });
  }));
});

async function openScreen({ profile, child, screen } = {}) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const app = windows.find((client) => new URL(client.url).pathname === '/');
  if (app) {
    app.postMessage({ type: 'open', profile, child, screen });
    return app.focus().catch(() => app); // focusing needs the tap's activation
  }
  const query = new URLSearchParams({ profil: profile || '', enfant: child || '' });
  return self.clients.openWindow(`/?${query}#/${screen || 'accueil'}`);
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const opening = openScreen(event.notification.data || {});
  if (event.isTrusted) event.waitUntil(opening); // a click dispatched by script cannot extend the event
});
