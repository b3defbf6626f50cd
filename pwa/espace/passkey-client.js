// WebAuthn in the browser: the server sends JSON options (base64url fields), we convert them for
// navigator.credentials and send the result back as JSON.
import { api } from './espace.js';

const toBytes = (b64url) => Uint8Array.from(atob(b64url.replace(/-/g, '+').replace(/_/g, '/')
  .padEnd(Math.ceil(b64url.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
const toB64url = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
  .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export function passkeysSupported() {
  return Boolean(window.PublicKeyCredential && navigator.credentials);
}

function credentialJSON(credential) {
  const response = credential.response;
  const json = { id: credential.id, rawId: toB64url(credential.rawId), type: credential.type,
    response: { clientDataJSON: toB64url(response.clientDataJSON) }, clientExtensionResults: {} };
  if (response.attestationObject) {
    json.response.attestationObject = toB64url(response.attestationObject);
    json.response.transports = response.getTransports ? response.getTransports() : [];
  } else {
    json.response.authenticatorData = toB64url(response.authenticatorData);
    json.response.signature = toB64url(response.signature);
    if (response.userHandle) json.response.userHandle = toB64url(response.userHandle);
  }
  return json;
}

export async function registerPasskey(name) {
  const { flow, options } = await api('/api/accounts/passkeys/register/options', { method: 'POST', body: {} });
  const publicKey = JSON.parse(options);
  publicKey.challenge = toBytes(publicKey.challenge);
  publicKey.user.id = toBytes(publicKey.user.id);
  publicKey.excludeCredentials = (publicKey.excludeCredentials || []).map((c) => ({ ...c, id: toBytes(c.id) }));
  const credential = await navigator.credentials.create({ publicKey });
  return api('/api/accounts/passkeys/register', {
    method: 'POST', body: { flow, name, credential: JSON.stringify(credentialJSON(credential)) },
  });
}

export async function passkeySignIn(identifier) {
  const { flow, options } = await api('/api/accounts/passkeys/signin/options', {
    method: 'POST', body: { identifier } });
  const publicKey = JSON.parse(options);
  publicKey.challenge = toBytes(publicKey.challenge);
  publicKey.allowCredentials = (publicKey.allowCredentials || []).map((c) => ({ ...c, id: toBytes(c.id) }));
  let credential;
  try {
    credential = await navigator.credentials.get({ publicKey });
  } catch {
    throw new Error('Connexion par clé d\'accès annulée ou impossible sur cet appareil.');
  }
  return api('/api/accounts/passkeys/signin', {
    method: 'POST', body: { flow, credential: JSON.stringify(credentialJSON(credential)) } });
}
