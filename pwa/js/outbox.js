// Writes made offline wait here (IndexedDB, encrypted body) until the server has them.
// Each entry has an id the server uses to ignore resends; the device time rides along so the
// later change wins on the server. An entry leaves the outbox only once the server answered.
import { db, encrypt, decrypt } from './store.js';

// "Fait" for one homework: PUT, idempotent by change_id (= entry id).
export async function queueDone(profileId, studentId, homeworkId, done, at = new Date()) {
  const id = crypto.randomUUID();
  const body = { done, changed_at: at.toISOString(), change_id: id };
  const path = `/api/students/${studentId}/homework/${homeworkId}/done`;
  const sealed = await encrypt(profileId, { path, method: 'PUT', body });
  const entry = { id, profileId, target: `done:${studentId}:${homeworkId}`, createdAt: at.getTime(), attempts: 0, ...sealed };
  await (await db()).put('outbox', entry);
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

// The local view: the newest queued "done" per homework, for showing the list as the user left it.
export async function pendingDone(profileId) {
  const latest = new Map();
  for (const entry of await pending(profileId)) {
    if (entry.target.startsWith('done:')) latest.set(entry.target.split(':')[2], entry.body.done);
  }
  return latest;
}

// Answers that mean "never going to work": drop the entry (the server's state stays the truth).
const PERMANENT = new Set([400, 403, 404, 409, 410, 422]);
const flushing = new Map();

// Send everything queued for a profile, oldest first. `send(path, init)` returns a Response or throws.
// Stops at the first network failure (still offline); returns { sent, dropped, left }.
export function flush(profileId, send) {
  if (!flushing.has(profileId)) {
    const run = runFlush(profileId, send).finally(() => flushing.delete(profileId));
    flushing.set(profileId, run);
  }
  return flushing.get(profileId);
}

async function runFlush(profileId, send) {
  let sent = 0;
  let dropped = 0;
  const database = await db();
  for (const entry of await pending(profileId)) {
    let response;
    try {
      response = await send(entry.path, {
        method: entry.method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(entry.body),
      });
    } catch (error) {
      const row = await database.get('outbox', entry.id);
      if (row) await database.put('outbox', { ...row, attempts: row.attempts + 1 });
      if (error && error.code === 'device_revoked') throw error;
      break;
    }
    if (response.ok || PERMANENT.has(response.status)) {
      await database.delete('outbox', entry.id);
      if (response.ok) sent += 1; else dropped += 1;
    } else {
      break; // 401/429/5xx: try again later, in order
    }
  }
  return { sent, dropped, left: (await pending(profileId)).length };
}
