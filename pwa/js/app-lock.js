// "Verrouiller l'application": WebAuthn user verification when the app opens (docs/pairing.md §6).
// The credential is registered right after pairing; it never replaces the device key.
import { ApiError, api } from './api-client.js';
import { deviceFetch, getProfile, updateProfile } from './device.js';
import { creationOptions, credentialJson, requestOptions, webauthnSupported } from './webauthn.js';

const post = (profileId, path, body = {}) => api(path, { method: 'POST', body, via: deviceFetch(profileId) });

/** Register this profile's WebAuthn credential. Returns false where the platform has none. */
export async function registerLockCredential(profileId) {
  if (!webauthnSupported()) return false;
  const { options } = await post(profileId, '/api/pairing/webauthn/register-options');
  const credential = await navigator.credentials.create({ publicKey: creationOptions(options) });
  await post(profileId, '/api/pairing/webauthn/register', { credential: credentialJson(credential) });
  await updateProfile(profileId, { lockAvailable: true });
  return true;
}

/** User verification (fingerprint, face, phone PIN): resolves true, or throws ApiError. */
export async function unlock(profileId) {
  if (!webauthnSupported()) throw new ApiError(400, 'lock_unsupported', 'Cet appareil ne permet pas le verrouillage.');
  const { options } = await post(profileId, '/api/pairing/webauthn/unlock-options');
  let credential;
  try {
    credential = await navigator.credentials.get({ publicKey: requestOptions(options) });
  } catch {
    throw new ApiError(400, 'unlock_cancelled', 'Déverrouillage annulé.');
  }
  await post(profileId, '/api/pairing/webauthn/unlock', { credential: credentialJson(credential) });
  return true;
}

export async function setLock(profileId, enabled) {
  if (!enabled) return updateProfile(profileId, { lockEnabled: false });
  const profile = await getProfile(profileId);
  if (!profile) throw new ApiError(401, 'profile_missing', "Ce profil n'existe plus sur cet appareil.");
  if (!profile.lockAvailable) await registerLockCredential(profileId);
  await unlock(profileId); // proves the verification works before the app depends on it
  return updateProfile(profileId, { lockEnabled: true });
}
