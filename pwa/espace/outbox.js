// The demo outbox: /api/demo/outbox answers 404 outside demo mode, and then this page shows nothing.
import { api, el, say } from './espace.js';
import { formatTime } from '/js/format.js';

const list = document.getElementById('messages');
const empty = document.getElementById('empty');
const error = document.getElementById('error');

async function load() {
  say(error, '');
  try {
    const { messages } = await api('/api/demo/outbox');
    list.replaceChildren(...messages.map((message) => {
      const when = formatTime(message.created_at);
      return el('li', {}, el('strong', { text: `${message.channel === 'sms' ? 'SMS' : 'E-mail'} à ${message.destination} — ${when}` }),
        el('div', { text: message.subject }), el('p', { text: message.body }));
    }));
    empty.hidden = messages.length > 0;
  } catch (failure) {
    say(error, failure.status === 404 ? 'Cette page n\'existe qu\'en démonstration.' : failure.message);
  }
}

document.getElementById('refresh').addEventListener('click', load);
load();
