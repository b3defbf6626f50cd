// Placeholder: the PWA issue brings the real service worker.
self.addEventListener('install', () => self.skipWaiting());
