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

/** Whether `subscription` was made with another server key than `publicKey` (base64url): the data
 * directory was wiped, say, and a new key made; pushes signed with the new one are refused, the phone
 * goes silent. A subscription that does not say its key is taken as it is. */
export function madeWithOtherKey(subscription, publicKey) {
  const usedKey = subscription?.options?.applicationServerKey;
  return Boolean(usedKey) && toBase64url(usedKey) !== publicKey;
}

/** The browser's subscription for the server's key: the one it has, or a new one (`fresh`). */
async function browserSubscription(publicKey) {
  const { pushManager } = await navigator.serviceWorker.ready;
  const current = await pushManager.getSubscription();
  if (current && !madeWithOtherKey(current, publicKey)) return { subscription: current, fresh: false };
  await current?.unsubscribe(); // made with another server key: useless now
  const subscription = await pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64url(publicKey) });
  return { subscription, fresh: true };
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
        ({ subscription } = await browserSubscription(publicKey));
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
 * At start, and when the browser's subscription changed (the worker's `pushsubscriptionchange`): a
 * subscription made with another key than the server's is made anew; each profile with notifications
 * on then sends the current one when it is not the one the server last got.
 */
export async function resendSubscriptions() {
  if (permission() !== 'granted') return;
  const profiles = (await listProfiles()).filter((profile) => profile.push && !profile.shared);
  if (!profiles.length) return;
  let found = null; // { subscription, fresh }: one per browser, checked against the server's key once
  for (const profile of profiles) {
    const via = deviceFetch(profile.id);
    try {
      found ??= await browserSubscription((await api('/api/push/settings', { via })).public_key);
      const { subscription, fresh } = found;
      if (!fresh && subscription.endpoint === profile.pushEndpoint) continue;
      await api('/api/push/subscription', { method: 'PUT', body: subscription.toJSON(), via });
      await updateProfile(profile.id, { pushEndpoint: subscription.endpoint });
    } catch {
      // Offline or refused: the next start tries again (sending a new subscription, even at the same address).
      if (found?.fresh) await updateProfile(profile.id, { pushEndpoint: null }).catch(() => {});
    }
  }
}
