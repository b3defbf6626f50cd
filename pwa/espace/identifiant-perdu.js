import { api, onSubmit, say } from './espace.js';

const form = document.getElementById('form');
const label = document.getElementById('value-label');
const input = document.getElementById('value');
form.addEventListener('change', () => {
  const email = form.channel.value === 'email';
  label.textContent = email ? 'Adresse e-mail' : 'Numéro de téléphone portable';
  input.type = email ? 'email' : 'tel';
  input.autocomplete = email ? 'email' : 'tel';
});
onSubmit(form, document.getElementById('error'), async (data) => {
  const value = (data.get('value') || '').trim();
  if (value.length < 3) throw new Error('Renseignez votre numéro ou votre adresse e-mail.');
  const done = await api('/api/accounts/recovery/identifier', { method: 'POST', body: { channel: data.get('channel'), value } });
  say(document.getElementById('status'), done.message);
});
