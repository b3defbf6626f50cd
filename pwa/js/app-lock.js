// "Verrouiller l'application": WebAuthn user verification when the app opens (docs/pairing.md §6).
// The credential is registered at pairing time; it never replaces the device key.
import { apiFetch, getProfile, updateProfile } from './device.js';

function failure(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}

const fromB64url = (text) => {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0)).buffer;
};
const toB64url = (buffer) => {
  let binary = '';
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

export function lockSupported() {
  return typeof window.PublicKeyCredential === 'function' && Boolean(navigator.credentials);
}

async function postJson(profileId, path, body) {
  const response = await apiFetch(profileId, path, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body ?? {}),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw failure(data?.error?.code || 'error', data?.error?.message || 'Une erreur est survenue.');
  return data;
}

function creationOptions(json) {
  if (PublicKeyCredential.parseCreationOptionsFromJSON) return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  return { ...json, challenge: fromB64url(json.challenge), user: { ...json.user, id: fromB64url(json.user.id) },
    excludeCredentials: (json.excludeCredentials || []).map((c) => ({ ...c, id: fromB64url(c.id) })) };
}

function requestOptions(json) {
  if (PublicKeyCredential.parseRequestOptionsFromJSON) return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  return { ...json, challenge: fromB64url(json.challenge),
    allowCredentials: (json.allowCredentials || []).map((c) => ({ ...c, id: fromB64url(c.id) })) };
}

function credentialJson(credential) {
  if (typeof credential.toJSON === 'function') return credential.toJSON();
  const r = credential.response;
  const response = { clientDataJSON: toB64url(r.clientDataJSON) };
  if (r.attestationObject) response.attestationObject = toB64url(r.attestationObject);
  if (r.authenticatorData) response.authenticatorData = toB64url(r.authenticatorData);
  if (r.signature) response.signature = toB64url(r.signature);
  if (r.userHandle) response.userHandle = toB64url(r.userHandle);
  return { id: credential.id, rawId: toB64url(credential.rawId), type: credential.type, response,
    clientExtensionResults: credential.getClientExtensionResults?.() || {} };
}

/** Register this profile's WebAuthn credential (called during the claim). Returns false if unsupported. */
export async function registerLockCredential(profileId) {
  if (!lockSupported()) return false;
  const { options } = await postJson(profileId, '/api/pairing/webauthn/register-options');
  const credential = await navigator.credentials.create({ publicKey: creationOptions(options) });
  await postJson(profileId, '/api/pairing/webauthn/register', { credential: credentialJson(credential) });
  await updateProfile(profileId, { lockAvailable: true });
  return true;
}

/** User verification (fingerprint, face, phone PIN): resolves true, or throws Error{code}. */
export async function unlock(profileId) {
  if (!lockSupported()) throw failure('lock_unsupported', "Cet appareil ne permet pas le verrouillage.");
  const { options } = await postJson(profileId, '/api/pairing/webauthn/unlock-options');
  let credential;
  try {
    credential = await navigator.credentials.get({ publicKey: requestOptions(options) });
  } catch (error) {
    throw failure('unlock_cancelled', 'Déverrouillage annulé.');
  }
  await postJson(profileId, '/api/pairing/webauthn/unlock', { credential: credentialJson(credential) });
  return true;
}

export async function enableLock(profileId) {
  const profile = await getProfile(profileId);
  if (!profile) throw failure('profile_missing', "Ce profil n'existe plus sur cet appareil.");
  if (!profile.lockAvailable) await registerLockCredential(profileId);
  await unlock(profileId); // proves the verification works before the app depends on it
  return updateProfile(profileId, { lockEnabled: true });
}

export async function disableLock(profileId) {
  return updateProfile(profileId, { lockEnabled: false });
}
