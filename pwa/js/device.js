// Phone profiles bound to a device key (docs/pairing.md): the records in IndexedDB (`cartable-devices`),
// the QR claim that creates one (a browser signed in to the espace claims in espace/open-here.js), its
// tokens, and the signed fetch its API calls go through.
// A record keeps its private key as a non-extractable CryptoKey object, never as bytes. A shared
// computer's record (`shared`) never reaches IndexedDB: it lives in this page (`inPage`), with its data.
import { openDB } from '/vendor/idb/index.js';
import { ApiError, errorFrom, request } from './api-client.js';
import { newDeviceKey, signedFetch } from './dpop.js';
import { parsePairingLink } from './pairing-link.js';
import { keepInPage } from './store.js';

const STORE = 'profiles';
// Answers after which this phone will never be let in again with this profile.
const GONE_CODES = new Set(['device_revoked', 'account_disabled']);
const goneListeners = new Set();
const pairingListeners = new Set();
const inPage = new Map(); // id → a shared computer's record: gone with the page
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
    pushEndpoint: record.pushEndpoint || null, shared: Boolean(record.shared), needsPairing: Boolean(record.needsPairing),
  };
}

// Every read of the records goes through here: a shared computer's data are kept in the page (store.js).
function known(record) {
  if (record?.shared) keepInPage(record.id);
  return record;
}

function childrenFrom(profile) {
  return profile.children.map((c) => ({ id: c.id, firstName: c.first_name, lastName: c.last_name, className: c.class_name }));
}

const getRecord = async (profileId) => known(inPage.get(profileId) ?? await (await database()).get(STORE, profileId));

async function saveRecord(record) {
  if (record.shared) inPage.set(record.id, record);
  else await (await database()).put(STORE, record);
  return record;
}

/** A shared computer's profile, kept in this page only. */
export const isInPage = (profileId) => inPage.has(profileId);

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
  const stored = (await (await database()).getAll(STORE)).filter((record) => !record.removing);
  const records = [...stored, ...inPage.values()].map(known);
  records.sort((a, b) => a.createdAt - b.createdAt);
  return records.map(publicView);
}

/** callback(profile, reason): 'revoked' (refused by the server) or 'removed' (asked for on this phone). */
export function onProfileGone(callback) {
  goneListeners.add(callback);
  return () => goneListeners.delete(callback);
}

// `unpairLater`: the server has not heard of the removal yet (offline): only what signs the request
// stays, names and children go (sendUnpairs sends it when the network is back).
async function forget(record, reason, unpairLater = false) {
  if (unpairLater) {
    const { id, privateKey, publicJwk, nonce, accessToken, accessExpiresAt, refreshToken, createdAt } = record;
    await saveRecord({ id, privateKey, publicJwk, nonce, accessToken, accessExpiresAt, refreshToken, createdAt, removing: true });
  } else if (!inPage.delete(record.id)) {
    await (await database()).delete(STORE, record.id); // the private key goes with the record
  }
  for (const callback of goneListeners) {
    try { await callback(publicView(record), reason); } catch (error) { console.error('onProfileGone', error); }
  }
}

async function revoked(record, error) {
  if (record.removing) await (await database()).delete(STORE, record.id); // its unpairing is moot
  else await forget(record, 'revoked');
  return new ApiError(401, 'device_revoked', error.message);
}

// The server no longer knows this profile's tokens (`token_invalid` on a refresh: not a revocation, the
// device was not ended, and no one can say it was). The profile cannot be used without a new pairing;
// what it stored stays readable until then, and pairing the same account again replaces it (profiles.js).
export const pairingNeeded = (profile) => new ApiError(401, 'pairing_needed',
  `Cet appareil n’est plus reconnu pour le profil ${profile.displayName} : ajoutez-le à nouveau avec un QR code `
  + '(espace Cartable, Application mobile). Ses données déjà enregistrées restent consultables ici.');

async function mustPairAgain(record) {
  if (!record.needsPairing) {
    await saveRecord({ ...record, accessToken: null, refreshToken: null, needsPairing: true });
    for (const callback of pairingListeners) {
      try { await callback(publicView(record)); } catch (error) { console.error('onPairingNeeded', error); }
    }
  }
  return pairingNeeded(record);
}

/** callback(profile) when a profile must be paired again (its tokens unknown to the server). */
export function onPairingNeeded(callback) {
  pairingListeners.add(callback);
  return () => pairingListeners.delete(callback);
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
  return saveClaimed(claimed, key, deviceName || 'Téléphone');
}

/** Keep a claimed profile (the server's answer) with its key (in this page only when `shared`); → its public view. */
export async function saveClaimed(claimed, key, deviceName, shared = false) {
  const profile = claimed.profile;
  const record = known(await saveRecord({
    id: claimed.device_id, userId: profile.user_id, role: profile.role, displayName: profile.display_name,
    schoolName: profile.school_name, children: childrenFrom(profile),
    deviceName, lockEnabled: false, lockAvailable: false, shared,
    privateKey: key.privateKey, publicJwk: key.publicJwk, nonce: key.nonce,
    accessToken: claimed.access_token, accessExpiresAt: Date.now() + claimed.expires_in * 1000,
    refreshToken: claimed.refresh_token, createdAt: Date.now(),
  }));
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
    if (record.needsPairing) throw pairingNeeded(record);
    // Another tab may have refreshed while we waited for the lock.
    if (record.accessToken !== staleAccessToken && record.accessExpiresAt - 30_000 > Date.now()) return record;
    let response;
    try {
      // The answer may have been lost after the server rotated the token: the grace window allows one resend.
      response = await request('/api/pairing/token', { method: 'POST', body: { refresh_token: record.refreshToken },
        retry: true, via: (path, init) => signedFetch(record, path, init) });
    } catch (error) {
      await saveRecord(record); // keep the nonce learnt
      if (GONE_CODES.has(error.code)) throw await revoked(record, error);
      if (error.code === 'token_invalid' && !record.removing) throw await mustPairAgain(record);
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
 * wipe its data) and an ApiError `device_revoked` is thrown; a refresh answered `token_invalid` marks it
 * `needsPairing` (its data kept) and throws `pairing_needed`, as does every later call.
 */
export function deviceFetch(profileId) {
  return async (path, init = {}) => {
    let record = await getRecord(profileId);
    if (!record) throw missing();
    if (record.needsPairing) throw pairingNeeded(record);
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

// Tell the server this device no longer holds the profile: → false when it could not hear it (offline).
async function unpair(profileId) {
  try {
    await request('/api/pairing/device', { method: 'DELETE', via: deviceFetch(profileId) });
  } catch (error) {
    if (error.offline) return false; // already revoked, or any refusal: nothing more to tell
  }
  return true;
}

/**
 * "Retirer ce profil": its data go at once; the server is told, now or, offline, as soon as the network
 * is back (sendUnpairs): its device and push subscription must not outlive the profile there.
 */
export async function removeProfile(profileId) {
  const told = await unpair(profileId);
  const record = await getRecord(profileId);
  if (record) await forget(record, 'removed', !told && !record.shared);
}

/** Removals made offline reach the server (at start, when the network comes back). */
export async function sendUnpairs() {
  for (const record of await (await database()).getAll(STORE)) {
    if (record.removing && (await unpair(record.id))) await (await database()).delete(STORE, record.id);
  }
}

/** Ask the server for the profile (names, children): the check that finds revoked profiles. */
export async function syncProfile(profileId) {
  const profile = await (await request('/api/pairing/profile', { via: deviceFetch(profileId) })).json();
  return updateProfile(profileId, { displayName: profile.display_name, schoolName: profile.school_name,
    children: childrenFrom(profile) });
}
