// Writes made on the phone wait here (IndexedDB, encrypted) until the server has them, in order.
// Each entry carries its own id, which the request body uses as idempotency key (`change_id`,
// `client_id`), so a resend after a lost answer is recognised by the server. An entry leaves the
// outbox only once the server answered.
import { db, encrypt, decrypt, decryptBlob, encryptBlob } from './store.js';

/**
 * Queue { id, target, method, path, body } or, for an upload, { …, form } (FormData: its files' bytes
 * are sealed apart, their names and types with the request); `target` names what it changes ("done:<homework>").
 */
export async function enqueue(profileId, { id = crypto.randomUUID(), target, method, path, body, form }, at = Date.now()) {
  const fields = [];
  const files = [];
  const blobs = [];
  for (const [key, value] of form || []) {
    if (!(value instanceof Blob)) fields.push([key, value]);
    else {
      files.push({ key, name: value.name, type: value.type });
      blobs.push(await encryptBlob(profileId, value));
    }
  }
  const sealed = await encrypt(profileId, { path, method, body, ...(form ? { fields, files } : {}) });
  await (await db()).put('outbox', { id, profileId, target, createdAt: at, attempts: 0, blobs, ...sealed });
  return id;
}

// The FormData of a queued upload, its files decrypted (null if one can no longer be).
async function formOf(profileId, { fields, files }, blobs = []) {
  const form = new FormData();
  for (const [key, value] of fields) form.append(key, value);
  for (const [n, file] of files.entries()) {
    const blob = blobs[n] && await decryptBlob(profileId, blobs[n], file.type);
    if (!blob) return null;
    form.append(file.key, new File([blob], file.name, { type: file.type }));
  }
  return form;
}

// → [{ id, target, createdAt, attempts, path, method, body | form }] oldest first.
export async function pending(profileId) {
  const rows = await (await db()).getAllFromIndex('outbox', 'profileId', profileId);
  const out = [];
  for (const row of rows.sort((a, b) => a.createdAt - b.createdAt)) {
    const { fields, files, ...request } = (await decrypt(profileId, row)) || {};
    if (fields) request.form = await formOf(profileId, { fields, files }, row.blobs);
    if (request.path && (!fields || request.form)) {
      out.push({ id: row.id, target: row.target, createdAt: row.createdAt, attempts: row.attempts, ...request });
    }
  }
  return out;
}

/** The newest queued body per target: what the screen shows until the server has it. */
export async function pendingByTarget(profileId) {
  const latest = new Map();
  for (const entry of await pending(profileId)) latest.set(entry.target, entry.body ?? entry.form);
  return latest;
}

// Refusals that will never succeed: drop the entry (the server's state stays the truth).
const PERMANENT = new Set([400, 403, 404, 409, 410, 413, 415, 422]);
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
