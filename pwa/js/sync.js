// Queued writes of every profile reach the server: sent at once when online, else at the next start,
// when the network comes back, when Background Sync wakes the worker, or after Retry-After (30 s
// when the server did not say) while the server answers 503.
import { request } from './api-client.js';
import { deviceFetch, listProfiles } from './device.js';
import { enqueue, flush, pendingByTarget } from './outbox.js';
import { updateSnapshot } from './store.js';

const DEFAULT_RETRY_MS = 30_000;
const droppedListeners = new Set();
let retryTimer = null;

/** callback(count): the server refused queued writes for good (they are gone from the outbox). */
export function onDropped(callback) {
  droppedListeners.add(callback);
}

export async function sendOutboxes() {
  clearTimeout(retryTimer);
  let wait = null;
  for (const profile of await listProfiles()) {
    const via = deviceFetch(profile.id);
    try {
      const result = await flush(profile.id, (entry) => request(entry.path, { method: entry.method, body: entry.body, via }));
      if (result.dropped) for (const callback of droppedListeners) callback(result.dropped);
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

