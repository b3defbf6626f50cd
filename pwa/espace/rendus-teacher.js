// The teacher's side of Travail à rendre: mark a homework "à rendre" (deadline, formats), see who
// handed in, on time or late, download the copies and return a comment and a corrected copy.
import { count, formatDate, formatDateTime, localDay, localTime } from '/js/format.js';
import { api, el, say } from './espace.js';
import { $, badge, clientId, postForm } from './widgets.js';

const TYPES = { pdf: 'PDF', jpg: 'JPEG', png: 'PNG', odt: 'ODT', docx: 'DOCX' };
let run = null;
let current = null;

// The deadline's day and time fields show a moment in local time.
function showDeadline(value) {
  const moment = new Date(value);
  $('deadline-day').value = localDay(moment);
  $('deadline-time').value = localTime(moment);
}

async function loadList() {
  const list = await run(() => api('/api/school/hand-ins'));
  if (!list) return;
  $('homework').replaceChildren(...list.map((hw) => {
    const title = `${hw.audience} — ${hw.subject}, pour le ${formatDate(hw.due_on)}`;
    const action = hw.hand_in ? 'Voir les copies' : 'Demander de le rendre en ligne';
    return el('li', { class: 'item' },
      el('h3', {}, `${title} `, hw.hand_in ? badge('info', `À rendre : ${hw.handed_in}/${hw.student_count}`) : null),
      el('div', { class: 'rich', html: hw.html }), // sanitised by the server (nh3)
      el('button', { type: 'button', class: 'link', 'aria-label': `${action} : ${title}`, onclick: () => open(hw) }, action));
  }));
  $('no-homework').hidden = list.length > 0;
}

function copies(report) {
  const rows = report.students.map((line) => {
    const sub = line.submission;
    const name = `${line.first_name} ${line.last_name}`;
    const comment = el('textarea', { rows: 2, maxLength: 2000, 'aria-label': `Commentaire : ${name}`, value: sub.return_comment });
    const file = el('input', { type: 'file', 'aria-label': `Copie corrigée : ${name}` });
    let key = null;
    const giveBackLabel = sub.returned_at ? 'Rendre à nouveau' : 'Rendre la copie';
    const giveBack = () => run(async () => {
      key = key || clientId();
      const form = new FormData();
      form.append('client_id', key);
      form.append('comment', comment.value);
      if (file.files.length) form.append('file', file.files[0]);
      showReport(await postForm(`/api/school/homework/${report.homework_id}/submissions/${line.submission_id}/return`, form));
      say($('status'), `Travail rendu à ${name}.`);
    });
    return el('tr', {}, el('th', { scope: 'row' }, `${line.last_name} ${line.first_name}`),
      el('td', {}, badge(sub.status, sub.status_label), sub.handed_in_at ? ` ${formatDateTime(sub.handed_in_at)}` : ''),
      el('td', {}, ...sub.files.map((f) => el('div', {}, el('a', { href: f.url, download: '' }, f.filename)))),
      el('td', {}, sub.status === 'missing' ? '—' : el('div', {}, comment, file,
        el('button', { type: 'button', 'aria-label': `${giveBackLabel} : ${name}`, onclick: giveBack }, giveBackLabel),
        sub.returned_at ? el('p', { class: 'hint' }, `Rendu le ${formatDateTime(sub.returned_at)}`) : null)));
  });
  return el('div', {}, el('h3', {}, `Copies : ${count(report.handed_in, 'rendue', 'rendues')} sur ${report.student_count}, dont ${report.late} en retard`),
    el('div', { class: 'scroll' }, el('table', { class: 'grid' }, el('thead', {}, el('tr', {},
      ...['Élève', 'État', 'Fichiers', 'Retour'].map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, ...rows))));
}

function showReport(report) {
  $('rule-remove').hidden = false;
  showDeadline(report.hand_in.deadline);
  $('types').querySelectorAll('input').forEach((box) => { box.checked = report.hand_in.accepted_types.includes(box.value); });
  $('copies').replaceChildren(copies(report));
}

async function open(hw) {
  current = hw;
  $('detail').hidden = false;
  $('detail-title').textContent = `${hw.audience} — ${hw.subject}, pour le ${formatDate(hw.due_on)}`;
  $('copies').replaceChildren();
  $('rule-remove').hidden = true;
  $('deadline-day').value = hw.due_on;
  $('deadline-time').value = '08:00';
  $('types').querySelectorAll('input').forEach((box) => { box.checked = ['pdf', 'jpg', 'png'].includes(box.value); });
  if (hw.hand_in) {
    const report = await run(() => api(`/api/school/homework/${hw.homework_id}/submissions`));
    if (report) showReport(report);
  }
  $('detail-title').focus();
}

export async function showTeacherSide(me, reporter) {
  run = reporter;
  $('teacher').hidden = false;
  $('types').replaceChildren(...Object.entries(TYPES).map(([value, label]) => el('label', {},
    el('input', { type: 'checkbox', value }), ` ${label}`)));
  $('rule-form').addEventListener('submit', () => run(async () => {
    const types = [...$('types').querySelectorAll('input:checked')].map((box) => box.value);
    // Sent with the browser's offset: the server keeps the moment the teacher meant.
    if (!$('deadline-day').value) throw new Error('Choisissez la date limite.');
    const deadline = new Date(`${$('deadline-day').value}T${$('deadline-time').value || '08:00'}`).toISOString();
    showReport(await api(`/api/school/homework/${current.homework_id}/hand-in`, { method: 'PUT',
      body: { deadline, accepted_types: types } }));
    say($('status'), 'Devoir à rendre en ligne : les élèves peuvent déposer leur travail.');
    await loadList();
  }));
  $('rule-remove').addEventListener('click', () => run(async () => {
    await api(`/api/school/homework/${current.homework_id}/hand-in`, { method: 'DELETE' });
    say($('status'), 'Ce devoir n\'est plus à rendre en ligne.');
    $('copies').replaceChildren();
    $('rule-remove').hidden = true;
    await loadList();
  }));
  await loadList();
}
