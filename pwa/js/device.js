// Phone profiles bound to a device key (docs/pairing.md): the records in IndexedDB (`cartable-devices`),
// the claim that creates one, its tokens, and the signed fetch its API calls go through.
// A record keeps its private key as a non-extractable CryptoKey object, never as bytes.
import { openDB } from '/vendor/idb/index.js';
import { ApiError, errorFrom, request } from './api-client.js';
import { newDeviceKey, signedFetch } from './dpop.js';
import { parsePairingLink } from './pairing-link.js';

const STORE = 'profiles';
// Answers after which this phone will never be let in again with this profile.
const GONE_CODES = new Set(['device_revoked', 'account_disabled']);
const goneListeners = new Set();
let dbPromise = null;

function database() {
  dbPromise ??= openDB('cartable-devices', 1, {
    upgrade(db) { db.createObjectStore(STORE, { keyPath: 'id' }); },
  });
  return dbPromise;
}

// ---- records ----
function publicView(record) {
  return {
    id: record.id, userId: record.userId, role: record.role, displayName: record.displayName,
    schoolName: record.schoolName, children: record.children, deviceName: record.deviceName,
    lockEnabled: Boolean(record.lockEnabled), lockAvailable: Boolean(record.lockAvailable), push: Boolean(record.push),
  };
}

function childrenFrom(profile) {
  return profile.children.map((c) => ({ id: c.id, firstName: c.first_name, lastName: c.last_name, className: c.class_name }));
}

const getRecord = async (profileId) => (await database()).get(STORE, profileId);

async function saveRecord(record) {
  await (await database()).put(STORE, record);
  return record;
}

const missing = () => new ApiError(401, 'profile_missing', "Ce profil n'existe plus sur cet appareil.");

/** Change a profile's local settings (lock, names); → its public view, or null if it is gone. */
export async function updateProfile(profileId, changes) {
  const record = await getRecord(profileId);
  return record ? publicView(await saveRecord({ ...record, ...changes })) : null;
}

export async function getProfile(profileId) {
  const record = await getRecord(profileId);
  return record ? publicView(record) : null;
}

export async function listProfiles() {
  const records = await (await database()).getAll(STORE);
  records.sort((a, b) => a.createdAt - b.createdAt);
  return records.map(publicView);
}

/** callback(profile, reason): 'revoked' (refused by the server) or 'removed' (asked for on this phone). */
export function onProfileGone(callback) {
  goneListeners.add(callback);
  return () => goneListeners.delete(callback);
}

async function forget(record, reason) {
  await (await database()).delete(STORE, record.id); // the private key goes with the record
  for (const callback of goneListeners) {
    try { await callback(publicView(record), reason); } catch (error) { console.error('onProfileGone', error); }
  }
}

async function revoked(record, error) {
  await forget(record, 'revoked');
  return new ApiError(401, 'device_revoked', error.message);
}

// ---- claim ----
export async function claimPairing(linkText, code, deviceName) {
  const link = parsePairingLink(linkText);
  if (!link) throw new ApiError(400, 'invalid_link', "Ce lien n'est pas un lien d'accès à l'espace mobile de Cartable.");
  const cleanCode = String(code || '').trim().toUpperCase();
  if (!/^[A-Z0-9]{4}$/.test(cleanCode)) throw new ApiError(400, 'invalid_code', 'Le code doit comporter 4 lettres ou chiffres.');
  const key = { ...(await newDeviceKey()), nonce: null };
  const claimed = await (await request('/api/pairing/claim', {
    method: 'POST', via: (path, init) => signedFetch(key, path, init),
    body: { pairing: link.pairingId, secret: link.secret, code: cleanCode, device_name: deviceName || '' },
  })).json();
  const profile = claimed.profile;
  const record = await saveRecord({
    id: claimed.device_id, userId: profile.user_id, role: profile.role, displayName: profile.display_name,
    schoolName: profile.school_name, children: childrenFrom(profile),
    deviceName: deviceName || 'Téléphone', lockEnabled: false, lockAvailable: false,
    privateKey: key.privateKey, publicJwk: key.publicJwk, nonce: key.nonce,
    accessToken: claimed.access_token, accessExpiresAt: Date.now() + claimed.expires_in * 1000,
    refreshToken: claimed.refresh_token, createdAt: Date.now(),
  });
  return publicView(record);
}

// ---- tokens ----
async function withLock(name, task) {
  if (navigator.locks?.request) return navigator.locks.request(name, task);
  return task();
}

// One refresh at a time per profile, across tabs: a refresh token is single use.
async function refreshTokens(profileId, staleAccessToken) {
  return withLock(`cartable-refresh-${profileId}`, async () => {
    const record = await getRecord(profileId);
    if (!record) throw missing();
    // Another tab may have refreshed while we waited for the lock.
    if (record.accessToken !== staleAccessToken && record.accessExpiresAt - 30_000 > Date.now()) return record;
    const send = () => request('/api/pairing/token', { method: 'POST', body: { refresh_token: record.refreshToken },
      via: (path, init) => signedFetch(record, path, init) });
    let response;
    try {
      // The answer may have been lost after the server rotated the token: the grace window allows one resend.
      response = await send().catch((error) => { if (error.status === 0) return send(); throw error; });
    } catch (error) {
      await saveRecord(record); // keep the nonce learnt
      if (GONE_CODES.has(error.code) || error.code === 'token_invalid') throw await revoked(record, error);
      throw error;
    }
    const tokens = await response.json();
    return saveRecord({ ...record, accessToken: tokens.access_token, refreshToken: tokens.refresh_token,
      accessExpiresAt: Date.now() + tokens.expires_in * 1000 });
  });
}

/**
 * The fetch of a phone profile, for the API client's `via`: access token + fresh DPoP proof, silent
 * refresh, and on `device_revoked` / `account_disabled` the profile is forgotten here (listeners
 * wipe its data) and an ApiError `device_revoked` is thrown.
 */
export function deviceFetch(profileId) {
  return async (path, init = {}) => {
    let record = await getRecord(profileId);
    if (!record) throw missing();
    if (!record.accessToken || record.accessExpiresAt - 30_000 < Date.now()) {
      record = await refreshTokens(profileId, record.accessToken);
    }
    for (let attempt = 0; ; attempt += 1) {
      const nonce = record.nonce;
      const response = await signedFetch(record, path, init, record.accessToken);
      if (record.nonce !== nonce) record = await saveRecord({ ...((await getRecord(profileId)) || record), nonce: record.nonce });
      if (response.status !== 401) return response;
      const error = await errorFrom(response);
      if (GONE_CODES.has(error.code)) throw await revoked(record, error);
      if (attempt > 0 || !['token_expired', 'token_invalid'].includes(error.code)) return response;
      record = await refreshTokens(profileId, record.accessToken);
    }
  };
}

/** "Retirer ce profil": tell the server (best effort: offline or already revoked, it goes anyway). */
export async function removeProfile(profileId) {
  await request('/api/pairing/device', { method: 'DELETE', via: deviceFetch(profileId) }).catch(() => {});
  const record = await getRecord(profileId);
  if (record) await forget(record, 'removed');
}

/** Ask the server for the profile (names, children): the check that finds revoked profiles. */
export async function syncProfile(profileId) {
  const profile = await (await request('/api/pairing/profile', { via: deviceFetch(profileId) })).json();
  return updateProfile(profileId, { displayName: profile.display_name, schoolName: profile.school_name,
    children: childrenFrom(profile) });
}
