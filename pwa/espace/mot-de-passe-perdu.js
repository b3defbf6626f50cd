import { api, onSubmit, say, watchPassword } from './espace.js';

const error = document.getElementById('error');
const status = document.getElementById('status');
let flow = null;

function show(id) {
  for (const section of ['step1', 'step2', 'step3', 'done']) document.getElementById(section).hidden = section !== id;
  document.getElementById(id).querySelector('input, a')?.focus();
}

onSubmit(document.getElementById('step1'), error, async (data) => {
  const identifier = (data.get('identifier') || '').trim();
  if (!identifier) throw new Error('Saisissez votre identifiant.');
  const started = await api('/api/accounts/recovery/password/start', { method: 'POST',
    body: { identifier, channel: data.get('channel') } });
  flow = started.flow;
  say(status, started.message);
  show('step2');
});

document.getElementById('resend').addEventListener('click', async () => {
  say(error, '');
  try {
    say(status, (await api('/api/accounts/recovery/password/resend', { method: 'POST', body: { flow } })).message);
  } catch (failure) { say(error, failure.message); }
});

onSubmit(document.getElementById('step2'), error, async (data) => {
  const code = (data.get('code') || '').trim();
  if (!/^\d{6}$/.test(code)) throw new Error('Le code comporte 6 chiffres.');
  say(status, (await api('/api/accounts/recovery/password/verify', { method: 'POST', body: { flow, code } })).message);
  show('step3');
});

watchPassword(document.getElementById('password'), document.getElementById('rules'),
  document.getElementById('password-server'));

onSubmit(document.getElementById('step3'), error, async (data) => {
  if (data.get('password') !== data.get('confirm')) throw new Error('Les deux mots de passe ne sont pas identiques.');
  const done = await api('/api/accounts/recovery/password/complete', { method: 'POST',
    body: { flow, password: data.get('password') } });
  say(status, done.message);
  show('done');
});
