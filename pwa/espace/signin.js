import { api, homeFor, onSubmit, say, session, setCsrf } from './espace.js';
import { passkeySignIn } from './passkey-client.js';
import { webauthnSupported } from '/js/webauthn.js';

const form = document.getElementById('signin');
const error = document.getElementById('error');
const passwordInput = document.getElementById('password');
const toggle = document.getElementById('show-password');

const params = new URLSearchParams(location.search);
if (params.get('identifiant')) document.getElementById('identifier').value = params.get('identifiant');

toggle.addEventListener('click', () => {
  const shown = passwordInput.type === 'text';
  passwordInput.type = shown ? 'password' : 'text';
  toggle.setAttribute('aria-pressed', String(!shown));
  toggle.textContent = shown ? 'Afficher le mot de passe' : 'Masquer le mot de passe';
});

// Already signed in: straight to where the user belongs.
session().then((current) => { if (current) location.replace(homeFor(current)); });

onSubmit(form, error, async (data) => {
  const identifier = (data.get('identifier') || '').trim();
  const password = data.get('password') || '';
  if (!identifier || !password) throw new Error('Saisissez votre identifiant et votre mot de passe.');
  const body = await api('/api/session', {
    method: 'POST', body: { identifier, password, profile: data.get('profile') },
  });
  setCsrf(body.csrf_token);
  location.href = homeFor(body);
});

const passkeyButton = document.getElementById('passkey');
if (!webauthnSupported()) passkeyButton.hidden = true;
passkeyButton.addEventListener('click', async () => {
  say(error, '');
  const identifier = document.getElementById('identifier').value.trim();
  if (!identifier) { say(error, 'Saisissez votre identifiant, puis choisissez la clé d\'accès.'); return; }
  try {
    const body = await passkeySignIn(identifier);
    location.href = homeFor(body);
  } catch (failure) {
    say(error, failure.message);
  }
});
