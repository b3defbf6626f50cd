// Notifications of a phone profile (Web Push): asked for from Réglages only, never on first open.
// One browser has one push subscription (per service worker); each profile on the phone tells the
// server to use it (PUT /api/push/subscription), and the server pushes to it what concerns that profile.
import { ApiError, api } from './api-client.js';
import { fromBase64url, toBase64url } from './base64url.js';
import { deviceFetch, listProfiles, updateProfile } from './device.js';

const UNSUPPORTED = 'Les notifications ne sont pas disponibles sur cet appareil ou ce navigateur.';
const DENIED = 'Les notifications de Cartable sont bloquées : autorisez-les dans les réglages du téléphone.';

export function pushSupported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

export const permission = () => (pushSupported() ? Notification.permission : 'unsupported');

async function browserSubscription(publicKey) {
  const registration = await navigator.serviceWorker.ready;
  let subscription = await registration.pushManager.getSubscription();
  const usedKey = subscription?.options?.applicationServerKey;
  if (subscription && usedKey && toBase64url(usedKey) !== publicKey) {
    await subscription.unsubscribe(); // made with another server key: useless now
    subscription = null;
  }
  return subscription || registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64url(publicKey) });
}

/** The profile's notification controls, for Réglages (ctx.push). */
export function pushControls(profile) {
  const via = deviceFetch(profile.id);
  const settings = () => api('/api/push/settings', { via });
  return {
    supported: pushSupported,
    permission,
    settings,
    save: (values) => api('/api/push/settings', { method: 'PUT', body: values, via }),
    /** Ask for the permission (only ever from a tap in Réglages), subscribe, tell the server. */
    async enable() {
      if (!pushSupported()) throw new ApiError(0, 'push_unsupported', UNSUPPORTED);
      if (await Notification.requestPermission() !== 'granted') throw new ApiError(403, 'push_denied', DENIED);
      const { public_key: publicKey } = await settings();
      let subscription;
      try {
        subscription = await browserSubscription(publicKey);
      } catch {
        throw new ApiError(0, 'push_unsupported', UNSUPPORTED);
      }
      const saved = await api('/api/push/subscription', { method: 'PUT', body: subscription.toJSON(), via });
      await updateProfile(profile.id, { push: true, pushEndpoint: subscription.endpoint });
      return saved;
    },
    async disable() {
      await api('/api/push/subscription', { method: 'DELETE', via });
      await updateProfile(profile.id, { push: false });
    },
  };
}

/**
 * The browser's subscription changed (the worker's `pushsubscriptionchange`, or found at start): each
 * profile with notifications on sends the current one when it is not the one the server last got.
 */
export async function resendSubscriptions() {
  if (permission() !== 'granted') return;
  const profiles = (await listProfiles()).filter((profile) => profile.push && !profile.shared);
  if (!profiles.length) return;
  const registration = await navigator.serviceWorker.ready;
  let subscription = await registration.pushManager.getSubscription();
  for (const profile of profiles) {
    const via = deviceFetch(profile.id);
    try {
      subscription ??= await browserSubscription((await api('/api/push/settings', { via })).public_key);
      if (subscription.endpoint === profile.pushEndpoint) continue;
      await api('/api/push/subscription', { method: 'PUT', body: subscription.toJSON(), via });
      await updateProfile(profile.id, { pushEndpoint: subscription.endpoint });
    } catch { /* offline or refused: the next start tries again */ }
  }
}
