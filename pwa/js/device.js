// Phone profiles bound to a device key (see docs/pairing.md).
// Each profile has its own non-extractable ECDSA P-256 key kept in IndexedDB; every API call carries
// `Authorization: DPoP <access token>` and a fresh proof signed by that key. Tokens refresh silently.
import { openDB } from '/vendor/idb/index.js';

const DB_NAME = 'cartable-devices';
const STORE = 'profiles';
const GONE_CODES = new Set(['device_revoked', 'account_disabled']);
const goneCallbacks = new Set();
let dbPromise = null;

function database() {
  dbPromise ??= openDB(DB_NAME, 1, {
    upgrade(db) { db.createObjectStore(STORE, { keyPath: 'id' }); },
  });
  return dbPromise;
}

// ---- encoding helpers ----
const encoder = new TextEncoder();
function b64url(bytes) {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
const b64urlJson = (value) => b64url(encoder.encode(JSON.stringify(value)));
const randomId = () => b64url(crypto.getRandomValues(new Uint8Array(18)));

function failure(code, message, extra = {}) {
  const error = new Error(message);
  error.code = code;
  Object.assign(error, extra);
  return error;
}

async function errorFrom(response) {
  const data = await response.json().catch(() => null);
  return failure(data?.error?.code || 'error', data?.error?.message || 'Une erreur est survenue.',
    { status: response.status, details: data?.error?.details });
}

// ---- DPoP proofs (RFC 9449, ES256) ----
async function proof(record, method, url, { accessToken = null, nonce = null } = {}) {
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: record.publicJwk };
  const payload = { jti: randomId(), htm: method, htu: url.split(/[?#]/)[0], iat: Math.floor(Date.now() / 1000) };
  if (accessToken) payload.ath = b64url(await crypto.subtle.digest('SHA-256', encoder.encode(accessToken)));
  if (nonce) payload.nonce = nonce;
  const input = `${b64urlJson(header)}.${b64urlJson(payload)}`;
  // WebCrypto's ECDSA signature is already the raw r‖s form JWS expects.
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, record.privateKey, encoder.encode(input));
  return `${input}.${b64url(signature)}`;
}

async function newKeyPair() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { privateKey: pair.privateKey, publicJwk: { kty, crv, x, y } };
}

// ---- profile records ----
function publicView(record) {
  return {
    id: record.id, userId: record.userId, role: record.role, displayName: record.displayName,
    schoolName: record.schoolName, children: record.children, deviceName: record.deviceName,
    lockEnabled: Boolean(record.lockEnabled), lockAvailable: Boolean(record.lockAvailable),
  };
}

function childrenFrom(profile) {
  return profile.children.map((c) => ({ id: c.id, firstName: c.first_name, lastName: c.last_name, className: c.class_name }));
}

async function getRecord(profileId) {
  return (await database()).get(STORE, profileId);
}

async function saveRecord(record) {
  await (await database()).put(STORE, record);
  return record;
}

/** Internal for app-lock.js: update a profile's local settings. */
export async function updateProfile(profileId, changes) {
  const record = await getRecord(profileId);
  if (!record) return null;
  return publicView(await saveRecord({ ...record, ...changes }));
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

export function onProfileGone(callback) {
  goneCallbacks.add(callback);
  return () => goneCallbacks.delete(callback);
}

async function forgetLocally(profileId) {
  await (await database()).delete(STORE, profileId); // the private key goes with the record
  for (const callback of goneCallbacks) {
    try { await callback(profileId); } catch (error) { console.error('onProfileGone', error); }
  }
}

// ---- pairing link ----
export function parsePairingLink(text) {
  if (typeof text !== 'string' || !text.trim()) return null;
  let url;
  try { url = new URL(text.trim(), location.href); } catch { return null; }
  // The link is `${origin}/#/ajouter-profil?p=…&s=…`; accept the parameters in the query too.
  const hashQuery = url.hash.includes('?') ? url.hash.slice(url.hash.indexOf('?') + 1) : '';
  const params = new URLSearchParams(hashQuery || url.search);
  const pairingId = params.get('p');
  const secret = params.get('s');
  const token = /^[A-Za-z0-9_-]+$/;
  if (!pairingId || !secret || pairingId.length !== 43 || secret.length < 22 || !token.test(pairingId) || !token.test(secret)) {
    return null;
  }
  return { pairingId, secret, origin: url.origin };
}

// ---- claim ----
async function postWithProof(record, path, body, { accessToken = null } = {}) {
  let nonce = record.nonce || null;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json',
      DPoP: await proof(record, 'POST', location.origin + path, { accessToken, nonce }) };
    const response = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body), credentials: 'omit' });
    const serverNonce = response.headers.get('DPoP-Nonce');
    if (serverNonce) record.nonce = serverNonce;
    if (response.status === 401 && serverNonce && attempt === 0) {
      const error = await errorFrom(response.clone());
      if (error.code === 'use_dpop_nonce') { nonce = serverNonce; continue; }
    }
    return response;
  }
  throw failure('error', 'Une erreur est survenue.');
}

export async function claimPairing(linkText, code, deviceName) {
  const link = parsePairingLink(linkText);
  if (!link) throw failure('invalid_link', "Ce lien n'est pas un lien d'accès à l'espace mobile de Cartable.");
  const cleanCode = String(code || '').trim().toUpperCase();
  if (!/^[A-Z0-9]{4}$/.test(cleanCode)) throw failure('invalid_code', 'Le code doit comporter 4 lettres ou chiffres.');
  const keys = await newKeyPair();
  const draft = { ...keys, nonce: null };
  let response;
  try {
    response = await postWithProof(draft, '/api/pairing/claim', {
      pairing: link.pairingId, secret: link.secret, code: cleanCode, device_name: deviceName || '',
    });
  } catch (error) {
    if (error.code) throw error;
    throw failure('offline', 'Connexion impossible. Vérifiez le réseau puis réessayez.');
  }
  if (!response.ok) throw await errorFrom(response);
  const claimed = await response.json();
  const profile = claimed.profile;
  const record = await saveRecord({
    id: claimed.device_id, userId: profile.user_id, role: profile.role, displayName: profile.display_name,
    schoolId: profile.school_id, schoolName: profile.school_name, children: childrenFrom(profile),
    deviceName: deviceName || 'Téléphone', lockEnabled: false, lockAvailable: false,
    privateKey: keys.privateKey, publicJwk: keys.publicJwk, nonce: draft.nonce,
    accessToken: claimed.access_token, accessExpiresAt: Date.now() + claimed.expires_in * 1000,
    refreshToken: claimed.refresh_token, createdAt: Date.now(),
  });
  // The app lock's WebAuthn credential, when the platform has one (never blocks the pairing).
  try {
    const { registerLockCredential } = await import('./app-lock.js');
    await registerLockCredential(record.id);
  } catch (error) {
    console.info('WebAuthn credential not registered:', error?.message || error);
  }
  return publicView(await getRecord(record.id));
}

// ---- tokens ----
async function withLock(name, task) {
  if (navigator.locks?.request) return navigator.locks.request(name, task);
  return task();
}

async function refreshTokens(profileId, staleAccessToken) {
  return withLock(`cartable-refresh-${profileId}`, async () => {
    const record = await getRecord(profileId);
    if (!record) throw failure('profile_missing', "Ce profil n'existe plus sur cet appareil.");
    // Another tab may have refreshed while we waited for the lock.
    if (record.accessToken !== staleAccessToken && record.accessExpiresAt - 30_000 > Date.now()) return record;
    let response;
    for (let attempt = 0; ; attempt += 1) {
      try {
        response = await postWithProof(record, '/api/pairing/token', { refresh_token: record.refreshToken });
        break;
      } catch (error) {
        // The answer may have been lost after the server rotated the token: retry within the grace window.
        if (attempt >= 1) throw failure('offline', 'Connexion impossible. Vérifiez le réseau puis réessayez.');
      }
    }
    if (!response.ok) {
      const error = await errorFrom(response);
      await saveRecord(record);
      if (GONE_CODES.has(error.code) || error.code === 'token_invalid') {
        await forgetLocally(profileId);
        throw failure('device_revoked', error.message, { status: 401 });
      }
      throw error;
    }
    const tokens = await response.json();
    return saveRecord({ ...record, accessToken: tokens.access_token, refreshToken: tokens.refresh_token,
      accessExpiresAt: Date.now() + tokens.expires_in * 1000 });
  });
}

export async function apiFetch(profileId, path, init = {}) {
  let record = await getRecord(profileId);
  if (!record) throw failure('profile_missing', "Ce profil n'existe plus sur cet appareil.");
  if (!record.accessToken || record.accessExpiresAt - 30_000 < Date.now()) {
    record = await refreshTokens(profileId, record.accessToken);
  }
  const method = (init.method || 'GET').toUpperCase();
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const headers = new Headers(init.headers || {});
    headers.set('Authorization', `DPoP ${record.accessToken}`);
    headers.set('DPoP', await proof(record, method, location.origin + path,
      { accessToken: record.accessToken, nonce: record.nonce }));
    if (!headers.has('Accept')) headers.set('Accept', 'application/json');
    const response = await fetch(path, { ...init, method, headers, credentials: 'omit' });
    const serverNonce = response.headers.get('DPoP-Nonce');
    if (serverNonce && serverNonce !== record.nonce) {
      record = await saveRecord({ ...(await getRecord(profileId) || record), nonce: serverNonce });
    }
    if (response.status !== 401) return response;
    const error = await errorFrom(response.clone());
    if (GONE_CODES.has(error.code)) {
      await forgetLocally(profileId);
      throw failure('device_revoked', error.message, { status: 401 });
    }
    if (attempt === 2) return response;
    if (error.code === 'use_dpop_nonce') continue;
    if (error.code === 'token_expired' || error.code === 'token_invalid') {
      record = await refreshTokens(profileId, record.accessToken);
      continue;
    }
    return response;
  }
  throw failure('error', 'Une erreur est survenue.');
}

/** Fetch the profile again (children, classes) and keep it. */
export async function syncProfile(profileId) {
  const response = await apiFetch(profileId, '/api/pairing/profile');
  if (!response.ok) throw await errorFrom(response);
  const profile = await response.json();
  return updateProfile(profileId, { displayName: profile.display_name, schoolName: profile.school_name,
    children: childrenFrom(profile) });
}

export async function removeProfile(profileId) {
  try {
    await apiFetch(profileId, '/api/pairing/device', { method: 'DELETE' });
  } catch (error) {
    // Best effort: offline or already revoked, the key and data still go.
  }
  if (await getRecord(profileId)) await forgetLocally(profileId);
}
