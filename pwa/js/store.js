// Per-profile encrypted cache in IndexedDB: each profile has its own AES-GCM key, created
// non-extractable (the key object is stored, its bytes can never be read back by script), so
// what sits on disk is ciphertext. Removing a profile deletes its key first: leftovers are noise.
// A shared computer's profile keeps all of it in the page instead (/desktop/page-memory.js): nothing on disk.
import { openDB } from '/vendor/idb/index.js';

const DB_NAME = 'cartable-cache';
const pageOnly = new Set();
let dbPromise = null;

/** A shared computer's profile (device.js says which): its data never reach IndexedDB. */
export function keepInPage(profileId) {
  pageOnly.add(profileId);
}

/** Where a profile's snapshots, key and outbox live: IndexedDB, or this page for a shared computer. */
export function db(profileId) {
  if (pageOnly.has(profileId)) return import('/desktop/page-memory.js').then((module) => module.pageMemory);
  dbPromise ??= openDB(DB_NAME, 1, {
    upgrade(database) {
      database.createObjectStore('keys', { keyPath: 'profileId' });
      database.createObjectStore('snapshots', { keyPath: 'key' }).createIndex('profileId', 'profileId');
      database.createObjectStore('outbox', { keyPath: 'id' }).createIndex('profileId', 'profileId');
    },
  });
  return dbPromise;
}

async function profileKey(profileId, create = true) {
  const database = await db(profileId);
  const row = await database.get('keys', profileId);
  if (row) return row.key;
  if (!create) return null;
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  // Two tabs may race: keep whichever key was stored first.
  const tx = database.transaction('keys', 'readwrite');
  const existing = await tx.store.get(profileId);
  if (!existing) await tx.store.put({ profileId, key });
  await tx.done;
  return existing ? existing.key : key;
}

// The profile id is bound as additional data: a blob moved to another profile fails to decrypt.
async function seal(profileId, bytes) {
  const key = await profileKey(profileId);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(profileId) }, key, bytes);
  return { iv, data };
}

async function unseal(profileId, sealed) {
  const key = await profileKey(profileId, false);
  if (!key) return undefined;
  try {
    return await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: sealed.iv, additionalData: new TextEncoder().encode(profileId) }, key, sealed.data);
  } catch {
    return undefined; // tampered or from a wiped key: treat as absent
  }
}

export const encrypt = (profileId, value) => seal(profileId, new TextEncoder().encode(JSON.stringify(value)));

export async function decrypt(profileId, sealed) {
  const plain = await unseal(profileId, sealed);
  return plain === undefined ? undefined : JSON.parse(new TextDecoder().decode(plain));
}

// A file waiting in the outbox (a photo handed in offline): its bytes sealed like the rest, its name
// and type inside the sealed request. → { iv, data } / a Blob, or undefined.
export const encryptBlob = async (profileId, blob) => seal(profileId, await blob.arrayBuffer());

export async function decryptBlob(profileId, sealed, type) {
  const plain = await unseal(profileId, sealed);
  return plain === undefined ? undefined : new Blob([plain], { type });
}

const snapshotKey = (profileId, name) => `${profileId}|${name}`;

// Save the last data seen for a screen ("homework:<studentId>", "home:<studentId>", …) with the
// ETag it came with (an opaque validator, kept in clear like savedAt). → savedAt
export async function saveSnapshot(profileId, name, value, { savedAt = Date.now(), etag = null } = {}) {
  const sealed = await encrypt(profileId, value);
  await (await db(profileId)).put('snapshots', { key: snapshotKey(profileId, name), profileId, name, savedAt, etag, ...sealed });
  return savedAt;
}

// → { value, savedAt, etag } or null.
export async function loadSnapshot(profileId, name) {
  const row = await (await db(profileId)).get('snapshots', snapshotKey(profileId, name));
  if (!row) return null;
  const value = await decrypt(profileId, row);
  return value === undefined ? null : { value, savedAt: row.savedAt, etag: row.etag ?? null };
}

// The server said the snapshot is still current (304): it is as fresh as a new download. → savedAt
export async function touchSnapshot(profileId, name, savedAt = Date.now()) {
  const database = await db(profileId);
  const row = await database.get('snapshots', snapshotKey(profileId, name));
  if (row) await database.put('snapshots', { ...row, savedAt });
  return savedAt;
}

// Change a snapshot on this phone (a queued write shown at once). Its ETag is dropped: the copy no
// longer matches any server version, so the next read downloads the server's state in full.
export async function updateSnapshot(profileId, name, change) {
  const snapshot = await loadSnapshot(profileId, name);
  if (!snapshot) return;
  change(snapshot.value);
  await saveSnapshot(profileId, name, snapshot.value, { savedAt: snapshot.savedAt });
}

// Forget everything this device holds for a profile (removal, revocation): key, snapshots, outbox.
export async function wipeProfile(profileId) {
  const database = await db(profileId);
  const tx = database.transaction(['keys', 'snapshots', 'outbox'], 'readwrite');
  await tx.objectStore('keys').delete(profileId);
  for (const storeName of ['snapshots', 'outbox']) {
    const index = tx.objectStore(storeName).index('profileId');
    for (let cursor = await index.openCursor(profileId); cursor; cursor = await cursor.continue()) {
      await cursor.delete();
    }
  }
  await tx.done;
}

export async function profileHasData(profileId) {
  const database = await db(profileId);
  return Boolean(await database.get('keys', profileId)) || (await database.countFromIndex('snapshots', 'profileId', profileId)) > 0;
}
