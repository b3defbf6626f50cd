import { api, onSubmit, say, showDemoHint, session, signOut, toSignIn, watchPassword } from './espace.js';

const error = document.getElementById('error');
const status = document.getElementById('status');
const STEPS = ['password', 'student', 'email', 'charter'];

async function confirmEmailLink(token) {
  history.replaceState(null, '', location.pathname);  // the token must not linger in the address bar
  try {
    const done = await api('/api/accounts/first-login/email/confirm', { method: 'POST', body: { token } });
    say(status, done.message);
  } catch (failure) { say(error, failure.message); }
}

async function refresh() {
  const current = await session();
  if (!current) {
    if (!status.textContent) toSignIn();
    else document.getElementById('intro').textContent = 'Vous pouvez fermer cette page ou vous connecter.';
    return;
  }
  const state = await api('/api/accounts/first-login');
  const next = STEPS.find((step) => state.steps[step]);
  for (const step of STEPS) document.getElementById(`${step}-step`).hidden = step !== next;
  document.getElementById('finished').hidden = Boolean(next);
  if (state.student) {
    document.getElementById('student-name').textContent = `${state.student.first_name} ${state.student.last_name}`;
    document.getElementById('student-class').textContent = state.student.class_name || '—';
  }
  if (next === 'email') {
    if (state.email) document.getElementById('email').value ||= state.email;
    if (state.email_sent_to) say(status, `Un lien a été envoyé à ${state.email_sent_to}. Ouvrez-le pour continuer.`);
  }
  if (!next) { location.replace('/espace/portail.html'); return; }
  document.getElementById(`${next}-step`).querySelector('input')?.focus();
}

onSubmit(document.getElementById('password-step'), error, async (data) => {
  if (data.get('new_password') !== data.get('confirm')) throw new Error('Les deux mots de passe ne sont pas identiques.');
  const done = await api('/api/accounts/first-login/password', { method: 'POST',
    body: { new_password: data.get('new_password') } });
  say(status, done.message);
  await refresh();
});

onSubmit(document.getElementById('student-step'), error, async (data) => {
  if (!data.get('birth_date')) throw new Error('Indiquez votre date de naissance.');
  const done = await api('/api/accounts/first-login/student', { method: 'POST',
    body: { birth_date: data.get('birth_date'), confirmed: data.get('confirmed') === 'on' } });
  say(status, done.message);
  await refresh();
});

onSubmit(document.getElementById('email-step'), error, async (data) => {
  const done = await api('/api/accounts/first-login/email', { method: 'POST', body: { email: data.get('email').trim() } });
  say(status, `${done.message} Ouvrez-le pour continuer.`);
});
document.getElementById('email-check').addEventListener('click', () => { say(error, ''); refresh(); });

onSubmit(document.getElementById('charter-step'), error, async (data) => {
  await api('/api/accounts/first-login/charter', { method: 'POST', body: { accepted: data.get('accepted') === 'on' } });
  await refresh();
});

watchPassword(document.getElementById('new-password'), document.getElementById('rules'),
  document.getElementById('password-server'));
document.getElementById('signout').addEventListener('click', signOut);
showDemoHint(document.getElementById('demo-hint'));

const token = new URLSearchParams(location.search).get('validation');
(token ? confirmEmailLink(token) : Promise.resolve()).then(refresh);
