// Writes made on the phone wait here (IndexedDB, encrypted) until the server has them, in order.
// Each entry carries its own id, which the request body uses as idempotency key (`change_id`,
// `client_id`), so a resend after a lost answer is recognised by the server. An entry leaves the
// outbox only once the server answered. What the person typed (`keep`: a message, an answer) never
// goes silently: refused for good (a discussion closed meanwhile), it stays here, marked `refused`
// with the server's French reason, until the person has seen it and lets it go.
import { db, encrypt, decrypt, decryptBlob, encryptBlob } from './store.js';

/**
 * Queue { id, target, method, path, body, keep } or, for an upload, { …, form } (FormData: its files'
 * bytes are sealed apart, their names and types with the request); `target` names what it changes
 * ("done:<homework>").
 */
export async function enqueue(profileId, { id = crypto.randomUUID(), target, method, path, body, form, keep = false }, at = Date.now()) {
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
  await (await db(profileId)).put('outbox', { id, profileId, target, keep, createdAt: at, attempts: 0, blobs, ...sealed });
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

// → [{ id, target, keep, refused, createdAt, attempts, path, method, body | form }] oldest first.
export async function pending(profileId) {
  const rows = await (await db(profileId)).getAllFromIndex('outbox', 'profileId', profileId);
  const out = [];
  for (const row of rows.sort((a, b) => a.createdAt - b.createdAt)) {
    const { fields, files, ...request } = (await decrypt(profileId, row)) || {};
    if (fields) request.form = await formOf(profileId, { fields, files }, row.blobs);
    if (request.path && (!fields || request.form)) {
      out.push({ id: row.id, target: row.target, keep: Boolean(row.keep), refused: row.refused || null,
        createdAt: row.createdAt, attempts: row.attempts, ...request });
    }
  }
  return out;
}

/** The newest queued body per target, refused ones aside: what the screen shows until the server has it. */
export async function pendingByTarget(profileId) {
  const latest = new Map();
  for (const entry of await pending(profileId)) if (!entry.refused) latest.set(entry.target, entry.body ?? entry.form);
  return latest;
}

/** The writes still waiting in one profile's queue, queued in another's (the same account paired again). */
export async function moveOutbox(fromProfileId, toProfileId) {
  for (const entry of await pending(fromProfileId)) {
    if (!entry.refused) await enqueue(toProfileId, entry, entry.createdAt); // same ids: the server acts once
  }
}

/** Let a refused write go (the person has read why, and copied what they wanted). */
export async function forget(profileId, id) {
  const database = await db(profileId);
  const row = await database.get('outbox', id);
  if (row?.profileId === profileId) await database.delete('outbox', id);
}

// Refusals that will never succeed: drop the entry (the server's state stays the truth).
const PERMANENT = new Set([400, 403, 404, 409, 410, 413, 415, 422]);
// The profile itself can no longer send (device.js): stop, keep everything.
const PROFILE_ENDED = new Set(['device_revoked', 'pairing_needed']);
const flushing = new Map();

/**
 * Send a profile's queue, oldest first, one run at a time. `send(entry)` resolves when the server
 * accepted it and throws the API client's ApiError otherwise. Stops at the first answer that means
 * "later" (offline, 503, 429, 5xx…). → { sent, dropped, refused: [{ code, message }], left, retryAfter }
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
  const refused = [];
  let retryAfter = null;
  const database = await db(profileId);
  for (const entry of await pending(profileId)) {
    if (entry.refused) continue;
    try {
      await send(entry);
      sent += 1;
    } catch (error) {
      if (PROFILE_ENDED.has(error.code)) throw error;
      if (!PERMANENT.has(error.status)) {
        const row = await database.get('outbox', entry.id);
        if (row) await database.put('outbox', { ...row, attempts: row.attempts + 1 });
        retryAfter = error.retryAfter ?? null;
        break;
      }
      if (entry.keep) {
        const row = await database.get('outbox', entry.id);
        const reason = { code: error.code, message: error.message, at: Date.now() };
        if (row) await database.put('outbox', { ...row, refused: reason });
        refused.push(reason);
        continue;
      }
      dropped += 1;
    }
    await database.delete('outbox', entry.id);
  }
  const left = (await pending(profileId)).filter((entry) => !entry.refused).length;
  return { sent, dropped, refused, left, retryAfter };
}
