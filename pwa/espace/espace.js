// Shared helpers for the desktop web space (espace) pages: fetch with the session's CSRF token,
// the common error shape turned into a French message, small form and password-rule helpers.
let csrfToken = null;

// Every form here is sent by script. Until a page has attached its handler (it may first wait for
// the session), a native submit would reload the page and put the fields, a password included,
// in the URL: never let one through.
document.addEventListener('submit', (event) => event.preventDefault(), { capture: true });

export async function session() {
  const response = await fetch('/api/session', { credentials: 'same-origin' });
  if (response.status === 401) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) return null;
  csrfToken = data.csrf_token;
  return data;
}

export function setCsrf(token) { csrfToken = token; }

export async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(data?.error?.message || 'Une erreur est survenue.');
    error.code = data?.error?.code;
    error.status = response.status;
    error.details = data?.error?.details;
    throw error;
  }
  return data;
}

// Where a signed-in user lands: the first-login steps until they are done, else the portal.
export function homeFor(sessionBody) {
  return sessionBody.first_login_pending ? '/espace/premiere-connexion.html' : '/espace/portail.html';
}

export async function signOut() {
  try { await api('/api/session', { method: 'DELETE' }); } finally { location.href = '/espace/index.html'; }
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

// Builds an element: `class`, `on<event>` listeners, properties the element has, attributes otherwise
// (`list` is a read-only property on inputs, so it stays an attribute).
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key in node && key !== 'list') node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

// Returns run(action): runs it, showing its French error in `errorBox`; a lost session goes to sign-in.
export function reporter(errorBox) {
  return async (action) => {
    say(errorBox, '');
    try { return await action(); } catch (error) {
      if (error.status === 401) location.href = '/espace/index.html';
      say(errorBox, error.message);
      return undefined;
    }
  };
}
