// The demo outbox: /api/demo/outbox answers 404 outside demo mode, and then this page shows nothing.
import { api, say } from './espace.js';

const list = document.getElementById('messages');
const error = document.getElementById('error');

async function load() {
  say(error, '');
  try {
    const { messages } = await api('/api/demo/outbox');
    list.replaceChildren(...messages.map((message) => {
      const item = document.createElement('li');
      const head = document.createElement('strong');
      const when = new Date(message.created_at).toLocaleTimeString('fr-FR');
      head.textContent = `${message.channel === 'sms' ? 'SMS' : 'E-mail'} à ${message.destination} — ${when}`;
      const subject = document.createElement('div');
      subject.textContent = message.subject;
      const body = document.createElement('p');
      body.textContent = message.body;
      item.append(head, subject, body);
      return item;
    }));
    if (!messages.length) list.textContent = 'Aucun message.';
  } catch (failure) {
    say(error, failure.status === 404 ? 'Cette page n\'existe qu\'en démonstration.' : failure.message);
  }
}

document.getElementById('refresh').addEventListener('click', load);
load();
