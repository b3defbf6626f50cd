// Queued writes of every profile reach the server: sent at once when online, else at the next start,
// when the network comes back, when Background Sync wakes the worker, or after Retry-After (30 s
// when the server did not say) while the server answers 503.
import { request } from './api-client.js';
import { deviceFetch, listProfiles } from './device.js';
import { enqueue, flush, pendingByTarget } from './outbox.js';
import { updateSnapshot } from './store.js';

const DEFAULT_RETRY_MS = 30_000;
const sentListeners = new Set();
let retryTimer = null;

/**
 * callback({ profileId, sent, dropped, refused }) each time a profile's queue got answers: `sent` writes
 * the server has, `dropped` ones it refused for good (gone from the outbox), `refused` the reasons of
 * typed ones it refused (kept in the outbox for the person to see). Returns unsubscribe.
 */
export function onOutboxSent(callback) {
  sentListeners.add(callback);
  return () => sentListeners.delete(callback);
}

let sending = null; // the run under way
let sendAgain = false;

/**
 * Send every profile's queue. One run at a time: a call during a run (the write just queued, Background
 * Sync waking the page, the network back) makes one more run after it, so a write queued meanwhile
 * leaves at once, and the answers of one run are told once (each telling redraws the screen shown).
 */
export function sendOutboxes() {
  if (sending) {
    sendAgain = true;
    return sending;
  }
  sending = (async () => {
    do {
      sendAgain = false;
      await sendEveryQueue();
    } while (sendAgain);
  })().finally(() => { sending = null; });
  return sending;
}

async function sendEveryQueue() {
  clearTimeout(retryTimer);
  let wait = null;
  for (const profile of await listProfiles()) {
    const via = deviceFetch(profile.id);
    try {
      const send = (entry) => request(entry.path, { method: entry.method, body: entry.body, form: entry.form, via });
      const result = await flush(profile.id, send);
      if (result.sent || result.dropped || result.refused.length) {
        const news = { profileId: profile.id, sent: result.sent, dropped: result.dropped, refused: result.refused };
        for (const callback of sentListeners) callback(news);
      }
      if (result.left) wait = Math.min(wait ?? Infinity, result.retryAfter ?? DEFAULT_RETRY_MS);
    } catch { /* revoked: the profile and its outbox are gone */ }
  }
  if (wait !== null) retryTimer = setTimeout(sendOutboxes, wait);
}

// Background Sync, where it exists, wakes the worker when the network is back; it asks a page to send.
async function requestSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register('outbox');
  } catch { /* not supported: the online event and the next start send it */ }
}

/**
 * A write that must survive being offline: { id, target, method, path, body | form, keep } (body carrying `id`
 * as its idempotency key; `keep` for what the person typed), and `snapshot: { name, change(value) }`
 * to show it in stored data at once. → the targets still waiting for the server.
 */
export async function queueWrite(profileId, { snapshot, ...write }) {
  await enqueue(profileId, write);
  if (snapshot) await updateSnapshot(profileId, snapshot.name, snapshot.change);
  requestSync();
  if (navigator.onLine) await sendOutboxes();
  return new Set((await pendingByTarget(profileId)).keys());
}

