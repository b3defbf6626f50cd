import { api, el, onSubmit, say, showDemoHint, watchPassword } from './espace.js';

const error = document.getElementById('error');
const forms = [1, 2, 3].map((n) => document.getElementById(`step${n}`));
let flow = null;
let identifier = '';

function show(step) {
  forms.forEach((form, index) => { form.hidden = index !== step - 1; });
  document.getElementById('done').hidden = step !== 4;
  for (const item of document.querySelectorAll('.steps li')) {
    const n = Number(item.dataset.step);
    item.classList.toggle('current', n === step);
    item.classList.toggle('done', n < step);
  }
  const target = step === 4 ? document.getElementById('done') : forms[step - 1];
  target.querySelector('input, a')?.focus();
}

showDemoHint(document.getElementById('demo-hint'));

onSubmit(forms[0], error, async (data) => {
  const body = { last_name: data.get('last_name').trim(), first_name: data.get('first_name').trim(),
    phone: data.get('phone').trim() };
  if (!body.last_name || !body.first_name || !body.phone) throw new Error('Renseignez les trois champs.');
  const started = await api('/api/accounts/activation/start', { method: 'POST', body });
  flow = started.flow;
  say(document.getElementById('sent'), started.message);
  show(2);
});

let children = 1;
document.getElementById('add-child').addEventListener('click', () => {
  const container = document.getElementById('birth-dates');
  const id = `birth-${children}`;
  children += 1;
  const input = el('input', { type: 'date', id, name: 'birth_date' });
  container.append(el('label', { for: id, text: `Date de naissance de votre enfant n° ${children}` }), input);
  input.focus();
});

document.getElementById('resend').addEventListener('click', async () => {
  say(error, '');
  try {
    const done = await api('/api/accounts/activation/resend', { method: 'POST', body: { flow } });
    say(document.getElementById('sent'), done.message);
  } catch (failure) { say(error, failure.message); }
});

onSubmit(forms[1], error, async (data) => {
  const code = (data.get('code') || '').trim();
  const dates = data.getAll('birth_date').filter(Boolean);
  if (!/^\d{6}$/.test(code)) throw new Error('Le code comporte 6 chiffres.');
  if (!dates.length) throw new Error('Indiquez la date de naissance de votre enfant.');
  const verified = await api('/api/accounts/activation/verify', {
    method: 'POST', body: { flow, code, birth_dates: dates } });
  identifier = verified.identifier;
  document.getElementById('identifier').textContent = identifier;
  document.getElementById('children').textContent = verified.children.length
    ? `${verified.children.length > 1 ? 'Enfants rattachés' : 'Enfant rattaché'} : ${verified.children.join(', ')}.` : '';
  show(3);
});

const password = document.getElementById('password');
watchPassword(password, document.getElementById('rules'), document.getElementById('password-server'));

onSubmit(forms[2], error, async (data) => {
  if (data.get('password') !== data.get('confirm')) throw new Error('Les deux mots de passe ne sont pas identiques.');
  const done = await api('/api/accounts/activation/complete', {
    method: 'POST', body: { flow, password: data.get('password') } });
  say(document.getElementById('done-message'), done.message);
  document.getElementById('go-signin').href = `/espace/index.html?identifiant=${encodeURIComponent(identifier)}`;
  show(4);
});
