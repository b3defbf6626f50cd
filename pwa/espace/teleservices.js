// Families' téléservices: the "Démarches" of each child (from /api/teleservices/summary), then one
// request at a time (#bourse/<id>, #orientation/<id>), drawn by the bourse and orientation modules.
import { api, el, reporter, session, signOut, toSignIn } from './espace.js';
import { tone } from './teleservices-common.js';
import { badge } from './widgets.js';
import { count } from '/js/format.js';
import { showBourse } from './teleservices-bourse.js';
import { showContact } from './teleservices-coordonnees.js';
import { showOrientation } from './teleservices-orientation.js';

const $ = (id) => document.getElementById(id);
const run = reporter($('error'));
const context = { refresh: () => route() };

const START = { file: 'Faire la demande', send_piece: 'Envoyer la pièce', enter_wishes: 'Saisir les vœux', answer: 'Répondre' };

async function open(child, demarche) {
  if (demarche.request_id) {
    location.hash = `#${demarche.kind}/${demarche.request_id}`;
    return;
  }
  const path = demarche.kind === 'bourse' ? '/api/teleservices/bourses' : '/api/teleservices/orientation';
  const opened = await run(() => api(path, { method: 'POST',
    body: { campaign_id: demarche.campaign_id, student_id: child.student.id } }));
  if (opened) location.hash = `#${demarche.kind}/${opened.id}`;
}

function item(child, demarche) {
  const name = `${demarche.title} — ${child.student.first_name}`;
  const canStart = demarche.request_id || demarche.window.status === 'open';
  const label = demarche.pending ? START[demarche.pending.code] : (demarche.request_id ? 'Consulter' : 'Commencer');
  return el('li', { class: 'ts-item' },
    el('div', {},
      el('h4', {}, demarche.title, ' ', badge(tone(demarche.state), demarche.state_label)),
      el('p', { class: 'hint' }, demarche.window.label),
      demarche.pending ? el('p', { class: 'ts-pending' }, demarche.pending.label) : null),
    canStart ? el('button', { type: 'button', 'aria-label': `${label} : ${name}`, onclick: () => open(child, demarche) }, label) : null);
}

async function showList() {
  $('detail').hidden = true;
  $('list').hidden = false;
  $('contact').hidden = false;
  showContact(run);
  const summary = await run(() => api('/api/teleservices/summary'));
  if (!summary) return;
  $('pending').hidden = summary.pending_count === 0;
  $('pending').textContent = `${count(summary.pending_count, 'démarche vous attend', 'démarches vous attendent')}.`;
  $('children').replaceChildren(...summary.children.map((child) => el('section', { class: 'ts-child' },
    el('h3', {}, `${child.student.first_name} ${child.student.last_name}${child.student.class_name ? ` — ${child.student.class_name}` : ''}`),
    child.demarches.length
      ? el('ul', { class: 'ts-items' }, ...child.demarches.map((d) => item(child, d)))
      : el('p', { class: 'hint' }, `Aucun téléservice ouvert pour ${child.student.first_name} cette année (${summary.school_year}).`))));
  if (!summary.children.length) $('children').replaceChildren(el('p', { class: 'hint' }, 'Aucun enfant rattaché à votre compte.'));
  $('list').setAttribute('aria-busy', 'false');
}

async function showRequest(kind, id) {
  $('list').hidden = true;
  $('contact').hidden = true;
  $('detail').hidden = false;
  $('detail').setAttribute('aria-busy', 'true');
  const shown = kind === 'bourse' ? await showBourse(id, context, run) : await showOrientation(id, context, run);
  if (!shown) return;
  $('detail-title').textContent = `${shown.campaign.title} — ${shown.student.first_name} ${shown.student.last_name}`;
  $('detail').setAttribute('aria-busy', 'false');
}

async function route() {
  const [kind, id] = location.hash.slice(1).split('/');
  if (['bourse', 'orientation'].includes(kind) && id) await showRequest(kind, id);
  else await showList();
}

$('back').addEventListener('click', () => { location.hash = ''; });
$('signout').addEventListener('click', signOut);
window.addEventListener('hashchange', () => { $('status').hidden = true; route(); });

(async () => {
  const me = await session().catch(() => null);
  if (!me) { toSignIn(); return; }
  if (me.user.role !== 'parent') {
    location.href = ['staff', 'admin'].includes(me.user.role) ? '/espace/teleservices-ecole.html' : '/espace/portail.html';
    return;
  }
  $('who').textContent = `${me.user.first_name} ${me.user.last_name}`;
  $('school').textContent = `${me.user.school_name} — Téléservices`;
  await route();
})();
