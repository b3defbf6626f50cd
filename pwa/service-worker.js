// Cartable's service worker: precaches the app shell in a versioned cache, serves it offline, and
// offers updates (the page shows "Mettre à jour"; we wait until asked). Private API responses never
// enter the Cache API: /api/ goes straight to the network, and the app keeps its own encrypted copy.
const VERSION = 'v1-2026-11-23';
const SHELL_CACHE = `cartable-shell-${VERSION}`;
const SHELL = [
  '/', '/index.html', '/manifest.json', '/css/app.css',
  '/js/app.js', '/js/ui.js', '/js/store.js', '/js/outbox.js', '/js/freshness.js', '/js/device.js',
  '/js/screens/home.js', '/js/screens/homework.js', '/js/screens/timetable.js', '/js/screens/evaluations.js',
  '/js/screens/vie-scolaire.js', '/js/screens/communication.js', '/js/screens/settings.js', '/js/screens/profiles.js',
  '/vendor/idb/index.js', '/icons/icon.svg', '/icons/icon-192.png',
];
// Files of the pairing screens: cached when present, never a reason to fail the install.
const OPTIONAL = ['/js/pairing-screen.js', '/js/app-lock.js', '/css/pairing.css', '/js/scan.js'];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    await cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' })));
    await Promise.all(OPTIONAL.map((url) => cache.add(new Request(url, { cache: 'reload' })).catch(() => {})));
  })());
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

function isPrivateOrForeign(url) {
  return url.origin !== self.location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/schema')
    || url.pathname.startsWith('/espace');
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (isPrivateOrForeign(url)) return; // network only, never cached here
  if (request.mode === 'navigate') {
    event.respondWith(caches.match('/index.html', { cacheName: SHELL_CACHE })
      .then((cached) => cached || fetch(request)));
    return;
  }
  event.respondWith(caches.match(request, { cacheName: SHELL_CACHE, ignoreSearch: true }).then((cached) => {
    if (cached) return cached;
    return fetch(request).then((response) => {
      // Lazily loaded shell files (pairing screen, QR decoder) join the cache of this version.
      if (response.ok && response.type === 'basic' && !url.pathname.startsWith('/api/')) {
        const copy = response.clone();
        caches.open(SHELL_CACHE).then((cache) => cache.put(request, copy));
      }
      return response;
    });
  }));
});

// Background Sync: the network is back; the outbox lives in the page's encrypted store, so ask an
// open page to send it (the next start sends it otherwise).
self.addEventListener('sync', (event) => {
  if (event.tag !== 'outbox') return;
  event.waitUntil(self.clients.matchAll({ type: 'window' }).then((clients) => {
    for (const client of clients) client.postMessage({ type: 'flush-outbox' });
  }));
});
