// The pairing link the desktop shows as a QR code: `${origin}/#/ajouter-profil?p=<pairing>&s=<secret>`.
// → { pairingId, secret, origin }, or null for anything else.
export function parsePairingLink(text) {
  if (typeof text !== 'string' || !text.trim()) return null;
  let url;
  try { url = new URL(text.trim(), location.href); } catch { return null; }
  // The parameters ride in the fragment (never sent to a server); accept them in the query too.
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
