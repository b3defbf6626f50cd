// Passkeys on the desktop: the server sends WebAuthn options as a JSON string, we hand them to
// navigator.credentials and send the credential back as a JSON string (formats: /js/webauthn.js).
import { api } from './espace.js';
import { creationOptions, credentialJson, requestOptions } from '/js/webauthn.js';

export async function registerPasskey(name) {
  const { flow, options } = await api('/api/accounts/passkeys/register/options', { method: 'POST', body: {} });
  const credential = await navigator.credentials.create({ publicKey: creationOptions(JSON.parse(options)) });
  return api('/api/accounts/passkeys/register', {
    method: 'POST', body: { flow, name, credential: JSON.stringify(credentialJson(credential)) },
  });
}

export async function passkeySignIn(identifier) {
  const { flow, options } = await api('/api/accounts/passkeys/signin/options', {
    method: 'POST', body: { identifier } });
  let credential;
  try {
    credential = await navigator.credentials.get({ publicKey: requestOptions(JSON.parse(options)) });
  } catch {
    throw new Error('Connexion par clé d\'accès annulée ou impossible sur cet appareil.');
  }
  return api('/api/accounts/passkeys/signin', {
    method: 'POST', body: { flow, credential: JSON.stringify(credentialJson(credential)) } });
}
