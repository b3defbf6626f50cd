// Shared helpers for the desktop web space (espace) pages: the session, messages in live regions,
// form submission, the password rule. Requests go through the app's API client (error shape, CSRF)
// and elements are built with the app's el(); both are re-exported so pages import one module.
// date-field.js makes every date and time field, and every form's validation messages, French.
import { api, onSessionEnded, request, setCsrf } from '/js/api-client.js';
import { el } from '/js/dom.js';
import '/js/date-field.js';

export { api, el, request, setCsrf };

const SIGN_IN = '/espace/index.html';

/** No session (never signed in, signed out, expired): to the sign-in page. */
export function toSignIn() {
  location.replace(SIGN_IN);
}

// Any request of any page finding the session ended goes to sign-in (api-client.js).
onSessionEnded(toSignIn);

// Every form here is sent by script. Until a page has attached its handler (it may first wait for
// the session), a native submit would reload the page and put the fields, a password included,
// in the URL: never let one through.
document.addEventListener('submit', (event) => event.preventDefault(), { capture: true });

/** The signed-in session (its CSRF token kept by the API client), or null. */
export async function session() {
  try {
    const current = await api('/api/session', { signedOutOk: true }); // nobody signed in is an answer here
    setCsrf(current.csrf_token);
    return current;
  } catch {
    return null;
  }
}

// Where a signed-in user lands: the first-login steps until they are done, else the portal.
export function homeFor(sessionBody) {
  return sessionBody.first_login_pending ? '/espace/premiere-connexion.html' : '/espace/portail.html';
}

// Demo mode shows sent SMS and e-mails at /espace/outbox.html: reveal the hint pointing there.
export function showDemoHint(hint) {
  api('/api/demo/outbox').then(() => { hint.hidden = false; }, () => {});
}

export async function signOut() {
  try {
    // Cartable opened on this shared computer goes with the session (and is revoked on the server).
    await (await import('/desktop/shared-computer.js')).forgetHere().catch(() => {});
    await api('/api/session', { method: 'DELETE', signedOutOk: true });
  } finally { location.href = SIGN_IN; }
}

// Show a message in a live region (role=alert / role=status in the HTML) and move focus there for errors.
export function say(element, text) {
  element.textContent = text || '';
  element.hidden = !text;
}

// Run a form submission with its button disabled and errors shown in `errorElement`.
export function onSubmit(form, errorElement, handler) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    say(errorElement, '');
    if (button) button.disabled = true;
    try {
      await handler(new FormData(form));
    } catch (error) {
      say(errorElement, error.message);
      errorElement.focus?.();
    } finally {
      if (button) button.disabled = false;
    }
  });
}

const SPECIALS = '!?@#$%^&*<>£µ.;,';
export function passwordClasses(password) {
  return {
    lower: /\p{Ll}/u.test(password),
    upper: /\p{Lu}/u.test(password),
    digit: /\p{Nd}/u.test(password),
    special: [...password].some((c) => SPECIALS.includes(c)),
  };
}

// Live feedback on the password rule: ticks each criterion in `list` (li[data-rule]) while typing,
// then asks the server (debounced) about the common-password list.
export function watchPassword(input, list, serverMessage) {
  let timer = null;
  const update = () => {
    const value = input.value;
    const classes = passwordClasses(value);
    const count = Object.values(classes).filter(Boolean).length;
    for (const item of list.querySelectorAll('li[data-rule]')) {
      const rule = item.dataset.rule;
      const met = rule === 'length' ? value.length >= 8 : rule === 'three' ? count >= 3 : classes[rule];
      item.classList.toggle('met', Boolean(met));
    }
    clearTimeout(timer);
    say(serverMessage, '');
    if (value.length >= 8 && count >= 3) {
      timer = setTimeout(async () => {
        try {
          const verdict = await api('/api/accounts/password-check', { method: 'POST', body: { password: value } });
          if (input.value === value) say(serverMessage, verdict.ok ? '' : verdict.problems.join(' '));
        } catch { /* feedback only */ }
      }, 400);
    }
  };
  input.addEventListener('input', update);
  update();
}

// Returns run(action): runs it, showing its French error in `errorBox` (a lost session has gone to
// sign-in already: onSessionEnded).
// With `ready` (the page's session() promise), actions wait for it: a click made while the page is
// still loading must not be sent without the session's CSRF token.
export function reporter(errorBox, ready = null) {
  return async (action) => {
    say(errorBox, '');
    try {
      await ready;
      return await action();
    } catch (error) {
      say(errorBox, error.message);
      return undefined;
    }
  };
}
