// Travail à rendre: a student hands in files (one upload per file, each with its own key so a
// retried upload is received once), reads the return; a parent follows; a teacher's side is in
// rendus-teacher.js.
import { api, el, reporter, say } from './espace.js';
import { formatDate, formatDateTime } from '/js/format.js';
import { $, badge, childPicker, clientId, postForm, startPage } from './widgets.js';
import { showTeacherSide } from './rendus-teacher.js';

const run = reporter($('error'));
const ACCEPT = { pdf: '.pdf', png: '.png', jpg: '.jpg,.jpeg', odt: '.odt', docx: '.docx' };
let studentId = null;

function fileList(files, remove) {
  return el('ul', { class: 'files' }, ...files.map((file) => el('li', {},
    el('a', { href: file.url, download: '' }, file.filename), ` (${formatDateTime(file.created_at)})`,
    remove ? el('button', { type: 'button', class: 'link', 'aria-label': `Retirer ${file.filename}`,
      onclick: () => remove(file) }, 'Retirer') : null)));
}

function item(work) {
  const sub = work.submission;
  const remove = work.can_hand_in ? (file) => run(async () => {
    await api(file.url, { method: 'DELETE' });
    say($('status'), `${file.filename} retiré.`);
    await load();
  }) : null;
  const input = el('input', { type: 'file', id: `file-${work.homework_id}`, multiple: true,
    accept: work.hand_in.accepted_types.map((t) => ACCEPT[t]).join(',') });
  const send = () => run(async () => {
    if (!input.files.length) throw new Error('Choisissez un fichier.');
    for (const file of input.files) {
      const form = new FormData();
      form.append('file', file);
      form.append('client_id', clientId());
      await postForm(`/api/students/${studentId}/homework/${work.homework_id}/submission/files`, form);
    }
    say($('status'), 'Travail rendu.');
    await load();
  });
  return el('li', { class: 'item' },
    el('h3', {}, `${work.subject} — pour le ${formatDate(work.due_on)} `, badge(sub.status, sub.status_label)),
    el('p', { class: 'hint' }, `${work.teacher} · à rendre avant le ${formatDateTime(work.hand_in.deadline)} · formats : ${work.hand_in.accepted_label}`),
    el('div', { class: 'rich', html: work.html }), // sanitised by the server (nh3)
    sub.files.length ? fileList(sub.files, remove) : null,
    work.can_hand_in ? el('div', { class: 'actions' },
      el('label', { htmlFor: input.id }, `Fichier à rendre (${work.hand_in.accepted_label}, 5 Mo max.)`), input,
      el('button', { type: 'button', 'aria-label': `Rendre le fichier : ${work.subject}`, onclick: send }, 'Rendre le fichier')) : null,
    sub.returned_at ? el('div', {}, el('h4', {}, `Rendu corrigé le ${formatDateTime(sub.returned_at)}`),
      sub.return_comment ? el('p', {}, sub.return_comment) : null,
      sub.corrections.length ? fileList(sub.corrections) : null) : null);
}

async function load() {
  const list = await run(() => api(`/api/students/${studentId}/hand-ins`));
  if (!list) return;
  $('hand-ins').replaceChildren(...list.map(item));
  $('none').hidden = list.length > 0;
}

(async () => {
  const me = await startPage('Travail à rendre', ['student', 'parent', 'teacher']);
  if (!me) return;
  if (me.user.role === 'teacher') {
    await showTeacherSide(me, run);
    return;
  }
  $('family').hidden = false;
  childPicker(me, $('child-slot'), (id) => { studentId = id; load(); });
})();
