// Reads for the screens: the snapshot on this phone draws at once, then the network answer replaces
// it. Each snapshot keeps its ETag; the next read sends If-None-Match, and a 304 keeps the snapshot
// (now "à jour") without downloading or drawing it again. Servers without ETags get plain GETs.
import { ApiError, request } from './api-client.js';
import { loadSnapshot, saveSnapshot, touchSnapshot } from './store.js';

/**
 * Bring one snapshot up to date from `path` (`via`: the profile's fetch). `snapshot` is what is
 * stored (loaded when not given). → { value, savedAt, changed }; throws ApiError.
 */
export async function revalidate(profileId, name, path, via, snapshot) {
  const current = snapshot === undefined ? await loadSnapshot(profileId, name) : snapshot;
  const response = await request(path, { via, etag: current?.etag });
  if (response.status === 304) {
    if (!current) throw new ApiError(304, 'not_modified', 'Une erreur est survenue.');
    return { value: current.value, savedAt: await touchSnapshot(profileId, name), changed: false };
  }
  const value = await response.json();
  const savedAt = await saveSnapshot(profileId, name, value, { etag: response.headers.get('ETag') });
  return { value, savedAt, changed: true };
}

/**
 * Cached-then-network read of a screen's data. `draw(value)` may run twice (stored, then fresh if it differs);
 * `report({ savedAt, error, empty })` says how fresh what is shown is; nothing happens any more once
 * `isCurrent()` is false (the user moved on while IndexedDB or the network answered).
 */
export async function read({ profileId, name, path, via, draw, report, isCurrent = () => true }) {
  const snapshot = await loadSnapshot(profileId, name);
  if (!isCurrent()) return;
  if (snapshot) {
    await draw(snapshot.value);
    report({ savedAt: snapshot.savedAt });
  }
  try {
    const fresh = await revalidate(profileId, name, path, via, snapshot);
    if (!isCurrent()) return;
    // The same content drawn again would only lose the person's place (focus, a half-filled form):
    // typically a change shown at once from the stored copy, now confirmed by the server.
    if (fresh.changed && !(snapshot && JSON.stringify(fresh.value) === JSON.stringify(snapshot.value))) await draw(fresh.value);
    report({ savedAt: fresh.savedAt });
  } catch (error) {
    if (!isCurrent() || error.code === 'device_revoked') return;
    report({ savedAt: snapshot?.savedAt ?? null, error, empty: !snapshot });
  }
}
