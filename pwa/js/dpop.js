// DPoP (RFC 9449) for phone profiles: a non-extractable P-256 key, generated on the phone, signs a
// fresh proof for every call, so a copied token is useless without the phone (docs/pairing.md).
import { toBase64url } from './base64url.js';
import { errorFrom } from './api-client.js';

const encoder = new TextEncoder();
const jsonPart = (value) => toBase64url(encoder.encode(JSON.stringify(value)));

/** → { privateKey (non-extractable CryptoKey), publicJwk } */
export async function newDeviceKey() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { privateKey: pair.privateKey, publicJwk: { kty, crv, x, y } };
}

async function proof(key, method, url, accessToken, nonce) {
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk };
  const payload = { jti: toBase64url(crypto.getRandomValues(new Uint8Array(18))), htm: method,
    htu: url.split(/[?#]/)[0], iat: Math.floor(Date.now() / 1000) };
  if (accessToken) payload.ath = toBase64url(await crypto.subtle.digest('SHA-256', encoder.encode(accessToken)));
  if (nonce) payload.nonce = nonce;
  const input = `${jsonPart(header)}.${jsonPart(payload)}`;
  // WebCrypto's ECDSA signature is already the raw r‖s form JWS expects.
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, encoder.encode(input));
  return `${input}.${toBase64url(signature)}`;
}

// A device's requests carry no cookie: the key and its token are the only credentials.
const withoutCookies = (path, init) => fetch(path, { ...init, credentials: 'omit' });

/**
 * fetch() with a fresh proof from `key` ({ privateKey, publicJwk, nonce }) and, when given, the access
 * token. A server nonce is written back to `key.nonce`; on `use_dpop_nonce` (a phone whose clock is
 * off) the request is sent once more with it. `send` is the fetch underneath: the espace session's
 * (cookie + CSRF) when a signed-in browser adds itself, no cookies otherwise.
 */
export async function signedFetch(key, path, init = {}, accessToken = null, send = withoutCookies) {
  const method = (init.method || 'GET').toUpperCase();
  for (let attempt = 0; ; attempt += 1) {
    const headers = new Headers(init.headers);
    if (accessToken) headers.set('Authorization', `DPoP ${accessToken}`);
    headers.set('DPoP', await proof(key, method, location.origin + path, accessToken, key.nonce));
    const response = await send(path, { ...init, method, headers });
    const serverNonce = response.headers.get('DPoP-Nonce');
    if (serverNonce) key.nonce = serverNonce;
    if (attempt === 0 && serverNonce && response.status === 401
        && (await errorFrom(response)).code === 'use_dpop_nonce') continue;
    return response;
  }
}
