// Which profiles this phone holds, which one is shown (and which child of a parent), adding and
// removing them, and the check that finds the ones revoked from a desktop.
import { claimPairing, isInPage, listProfiles, onProfileGone, removeProfile, sendUnpairs, syncProfile } from './device.js';
import { moveOutbox } from './outbox.js';
import { wipeProfile } from './store.js';

const CURRENT = 'cartable.profile';
const childKey = (profile) => `cartable.child.${profile.id}`;
// A shared computer's choices stay in the page with its profile (device.js `isInPage`), never on disk.
const pageChoices = new Map();
const choices = (profileId) => (isInPage(profileId) ? {
  getItem: (key) => pageChoices.get(key) ?? null, setItem: (key, value) => pageChoices.set(key, value),
  removeItem: (key) => pageChoices.delete(key) } : localStorage);

export function currentProfileId() {
  const inPage = pageChoices.get(CURRENT);
  return inPage && isInPage(inPage) ? inPage : localStorage.getItem(CURRENT);
}

export function selectProfile(profileId) {
  if (isInPage(profileId)) pageChoices.set(CURRENT, profileId);
  else {
    pageChoices.delete(CURRENT);
    localStorage.setItem(CURRENT, profileId);
  }
}

/** The student whose data is shown: the student themself, or the parent's chosen (else first) child. */
export function studentIdOf(profile) {
  if (!profile) return null;
  if (profile.role === 'student') return profile.userId;
  const chosen = choices(profile.id).getItem(childKey(profile));
  const children = profile.children || [];
  return (children.find((c) => c.id === chosen) || children[0] || {}).id || null;
}

export function selectChild(profile, childId) {
  choices(profile.id).setItem(childKey(profile), childId);
}

/**
 * Pair with a desktop's QR link and code; the new profile becomes the one shown. It replaces a profile of
 * the same account that had to be paired again (device.js `pairingNeeded`): that one's waiting writes
 * move to it, then it goes with its data.
 */
export async function addProfile(link, code, deviceName) {
  const profile = await claimPairing(link, code, deviceName);
  for (const old of await listProfiles()) {
    if (!old.needsPairing || old.userId !== profile.userId || old.id === profile.id) continue;
    await moveOutbox(old.id, profile.id);
    await removeProfile(old.id);
  }
  try {
    // The app lock's WebAuthn credential, where the platform has one: never a reason to fail pairing.
    const { registerLockCredential } = await import('./app-lock.js');
    if (await registerLockCredential(profile.id)) profile.lockAvailable = true;
  } catch (error) {
    console.info('WebAuthn credential not registered:', error?.message || error);
  }
  selectProfile(profile.id);
  return profile;
}

/**
 * Ask the server about every profile on this phone (at start and when the network comes back):
 * names and children are refreshed, revoked profiles are wiped (onProfileGone says which), and the
 * removals made offline are told.
 */
export async function checkProfiles() {
  await Promise.all([sendUnpairs().catch(() => null),
    ...(await listProfiles()).map((profile) => syncProfile(profile.id).catch(() => null))]);
}

/** Forget this browser's shared-computer profiles (revoked on the server when it answers). → how many */
export async function forgetSharedProfiles() {
  const shared = (await listProfiles()).filter((profile) => profile.shared);
  await Promise.all(shared.map((profile) => removeProfile(profile.id)));
  return shared.length;
}

// Whatever ends a profile (revoked, disabled, removed here), its data goes with it.
onProfileGone(async (profile) => {
  await wipeProfile(profile.id);
  pageChoices.delete(childKey(profile));
  localStorage.removeItem(childKey(profile));
  if (pageChoices.get(CURRENT) === profile.id) pageChoices.delete(CURRENT);
  if (localStorage.getItem(CURRENT) === profile.id) localStorage.removeItem(CURRENT);
});
