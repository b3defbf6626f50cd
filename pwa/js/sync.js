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
 * callback({ profileId, sent, dropped }) each time a profile's queue got answers: `sent` writes the
 * server has, `dropped` ones it refused for good (both gone from the outbox). Returns unsubscribe.
 */
export function onOutboxSent(callback) {
  sentListeners.add(callback);
  return () => sentListeners.delete(callback);
}

export async function sendOutboxes() {
  clearTimeout(retryTimer);
  let wait = null;
  for (const profile of await listProfiles()) {
    const via = deviceFetch(profile.id);
    try {
      const result = await flush(profile.id, (entry) => request(entry.path, { method: entry.method, body: entry.body, form: entry.form, via }));
      if (result.sent || result.dropped) {
        for (const callback of sentListeners) callback({ profileId: profile.id, sent: result.sent, dropped: result.dropped });
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
 * A write that must survive being offline: { id, target, method, path, body } (body carrying `id`
 * as its idempotency key), and `snapshot: { name, change(value) }` to show it in stored data at once.
 * → the targets still waiting for the server.
 */
export async function queueWrite(profileId, { snapshot, ...write }) {
  await enqueue(profileId, write);
  if (snapshot) await updateSnapshot(profileId, snapshot.name, snapshot.change);
  requestSync();
  if (navigator.onLine) await sendOutboxes();
  return new Set((await pendingByTarget(profileId)).keys());
}

