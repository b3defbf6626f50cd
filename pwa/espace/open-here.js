// "Ouvrir sur cet ordinateur" (the portal's Cartable tile, the Application mobile page): this browser
// becomes a profile of the signed-in parent or student in one step, with its own device key and no QR
// code (docs/pairing.md §6). A shared computer is the default: nothing is kept (the app's tab holds the
// profile in memory), and it goes at sign-out, with its tab and after 15 minutes without activity; on their own computer,
// a parent loses only a click the next time, while the other way round would leave a child's school
// life on a family, library or office computer.
import { el, say } from './espace.js';
import { listProfiles, syncProfile } from '/js/device.js';
import { selectProfile } from '/js/profiles.js';
import { addThisBrowser, openInThisTab } from '/desktop/shared-computer.js';

const APP = '/#/accueil';

/** The (personal) profile of `user` this browser holds, if the server still knows it (else it is forgotten). */
async function profileHere(user) {
  for (const profile of await listProfiles()) {
    if (profile.userId !== user.id || profile.shared) continue;
    try {
      await syncProfile(profile.id);
      return profile;
    } catch (error) {
      if (error.code !== 'device_revoked') return profile; // unreachable for now: the app will tell
    }
  }
  return null;
}

function open(profile) {
  selectProfile(profile.id);
  location.assign(APP);
}

/** Open the profile this browser holds for `user`; false when there is none (then ask, and add one). */
export async function openExisting(user) {
  const profile = await profileHere(user);
  if (profile) open(profile);
  return Boolean(profile);
}

/** The choice (shared by default) and the button that adds this browser and opens Cartable. */
export function openHereForm(user, { prefix = 'oh', cancel = null } = {}) {
  const error = el('p', { class: 'error', role: 'alert', tabindex: '-1', hidden: true });
  const choice = (value, label, hint, checked) => el('div', { class: 'oh-choice' },
    el('input', { type: 'radio', name: `${prefix}-computer`, id: `${prefix}-${value}`, value, checked,
      'aria-describedby': `${prefix}-${value}-hint` }),
    el('label', { for: `${prefix}-${value}`, text: label }),
    el('p', { class: 'hint', id: `${prefix}-${value}-hint`, text: hint }));
  const submit = el('button', { type: 'submit', text: 'Ouvrir Cartable sur cet ordinateur' });
  const form = el('form', { class: 'oh-form' },
    el('fieldset', {},
      el('legend', { text: 'Cet ordinateur est :' }),
      choice('shared', 'Partagé ou public (ordinateur familial, CDI, travail)',
        'Rien n’est gardé sur l’ordinateur. Cartable s’efface quand vous vous déconnectez, quand vous fermez '
        + 'le navigateur et après 15 minutes sans activité.', true),
      choice('personal', 'Mon ordinateur personnel',
        'Cartable reste sur cet ordinateur, même hors connexion, comme sur un téléphone. Vous pourrez le '
        + 'retirer à tout moment dans « Application mobile ».', false)),
    submit, cancel, error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    say(error, '');
    submit.disabled = true;
    submit.textContent = 'Ouverture…';
    try {
      // Shared: the app adds this tab itself and keeps it in memory (nothing here to reuse, nothing kept).
      if (form.elements[`${prefix}-computer`].value !== 'personal') { openInThisTab(APP); return; }
      if (await openExisting(user)) return;
      open(await addThisBrowser({ shared: false }));
    } catch (failure) {
      if (failure.sessionEnded) return; // gone to sign-in (onSessionEnded)
      say(error, failure.message || 'Cartable n’a pas pu être ouvert sur cet ordinateur.');
      error.focus();
      submit.disabled = false;
      submit.textContent = 'Ouvrir Cartable sur cet ordinateur';
    }
  });
  return form;
}

/** A modal asking the question (for the portal's tile); returns show(). */
export function openHereDialog(user) {
  const cancel = el('button', { type: 'button', class: 'secondary', text: 'Annuler' });
  const dialog = el('dialog', { class: 'oh-dialog', 'aria-labelledby': 'oh-title' },
    el('h2', { id: 'oh-title', text: 'Ouvrir Cartable sur cet ordinateur' }),
    el('p', { text: 'Sans téléphone ni QR code : votre connexion à l’espace suffit.' }),
    openHereForm(user, { cancel }),
    el('p', { class: 'hint' }, 'Pour un téléphone, passez par ',
      el('a', { href: '/espace/application-mobile.html', text: 'Application mobile' }), ' (QR code).'));
  cancel.addEventListener('click', () => dialog.close());
  document.body.append(dialog);
  return async () => {
    if (!(await openExisting(user))) dialog.showModal();
  };
}
