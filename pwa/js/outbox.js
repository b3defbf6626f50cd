// Writes made on the phone wait here (IndexedDB, encrypted) until the server has them, in order.
// Each entry carries its own id, which the request body uses as idempotency key (`change_id`,
// `client_id`), so a resend after a lost answer is recognised by the server. An entry leaves the
// outbox only once the server answered.
import { db, encrypt, decrypt } from './store.js';

/** Queue { id, target, method, path, body }; `target` names what it changes ("done:<homework>"). */
export async function enqueue(profileId, { id = crypto.randomUUID(), target, method, path, body }, at = Date.now()) {
  const sealed = await encrypt(profileId, { path, method, body });
  await (await db()).put('outbox', { id, profileId, target, createdAt: at, attempts: 0, ...sealed });
  return id;
}

// → [{ id, target, createdAt, attempts, path, method, body }] oldest first.
export async function pending(profileId) {
  const rows = await (await db()).getAllFromIndex('outbox', 'profileId', profileId);
  const out = [];
  for (const row of rows.sort((a, b) => a.createdAt - b.createdAt)) {
    const request = await decrypt(profileId, row);
    if (request) out.push({ id: row.id, target: row.target, createdAt: row.createdAt, attempts: row.attempts, ...request });
  }
  return out;
}

/** The newest queued body per target: what the screen shows until the server has it. */
export async function pendingByTarget(profileId) {
  const latest = new Map();
  for (const entry of await pending(profileId)) latest.set(entry.target, entry.body);
  return latest;
}

// Refusals that will never succeed: drop the entry (the server's state stays the truth).
const PERMANENT = new Set([400, 403, 404, 409, 410, 422]);
const flushing = new Map();

/**
 * Send a profile's queue, oldest first, one run at a time. `send(entry)` resolves when the server
 * accepted it and throws the API client's ApiError otherwise. Stops at the first answer that means
 * "later" (offline, 503, 429, 5xx…). → { sent, dropped, left, retryAfter }
 */
export function flush(profileId, send) {
  if (!flushing.has(profileId)) {
    flushing.set(profileId, runFlush(profileId, send).finally(() => flushing.delete(profileId)));
  }
  return flushing.get(profileId);
}

async function runFlush(profileId, send) {
  let sent = 0;
  let dropped = 0;
  let retryAfter = null;
  const database = await db();
  for (const entry of await pending(profileId)) {
    try {
      await send(entry);
      sent += 1;
    } catch (error) {
      if (error.code === 'device_revoked') throw error;
      if (!PERMANENT.has(error.status)) {
        const row = await database.get('outbox', entry.id);
        if (row) await database.put('outbox', { ...row, attempts: row.attempts + 1 });
        retryAfter = error.retryAfter ?? null;
        break;
      }
      dropped += 1;
    }
    await database.delete('outbox', entry.id);
  }
  return { sent, dropped, left: (await pending(profileId)).length, retryAfter };
}
