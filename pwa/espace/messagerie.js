// Messagerie: discussions and information for every role, on the existing communication APIs
// (families: /api/me/…; teachers and staff: /api/school/…). A family writes to a teacher; the vie
// scolaire and the head of school write to a student's family (the form's other half). Messages are
// plain text; information HTML was sanitised by the server when it was written.
import { count, formatDateTime } from '/js/format.js';
import { api, el, reporter, say } from './espace.js';
import { $, badge, childPicker, clientId, startPage } from './widgets.js';

const run = reporter($('error'));
const FAMILY = {
  list: '/api/me/discussions', one: (id) => `/api/me/discussions/${id}`,
  reply: (id) => `/api/me/discussions/${id}/messages`, posts: '/api/me/information',
};
const SCHOOL = {
  list: '/api/school/discussions', one: (id) => `/api/school/discussions/${id}`,
  reply: (id) => `/api/school/discussions/${id}/messages`, posts: '/api/school/posts',
};
let paths = FAMILY;
let isFamily = true;
let current = null;
let replyKey = null; // kept until the reply is saved: a retried send acts once
let newKey = null;
let studentId = null;
let toFamily = false; // the new discussion goes to a student's family (teachers, vie scolaire, direction)
// Who writes to a student's family from here (api/auth/scope.py require_student): staff and the head
// to any student's, a teacher to the families of the students they teach.
const WRITES_TO_FAMILIES = ['teacher', 'staff', 'admin'];
let taught = null; // a teacher's students (StudentCard: id, names, class_id, class_name), by class

// ---- Discussions ----
async function loadDiscussions() {
  const list = await run(() => api(paths.list));
  if (!list) return;
  $('discussions').replaceChildren(...list.map((d) => el('li', { class: `item${d.unread ? ' unread' : ''}` },
    el('h3', {}, d.subject),
    el('p', { class: 'hint' }, `Avec ${d.with_names.join(', ') || '—'} · ${formatDateTime(d.last_message_at)}${d.unread ? ' · non lu' : ''}`),
    el('button', { type: 'button', class: 'link', 'aria-label': `Lire : ${d.subject}`, onclick: () => openDiscussion(d.id) }, 'Lire'))));
  $('no-discussions').hidden = list.length > 0;
}

async function openDiscussion(id) {
  const discussion = await run(() => api(paths.one(id)));
  if (!discussion) return;
  current = discussion;
  $('new-form').hidden = true;
  $('discussion').hidden = false;
  $('discussion-title').textContent = `${discussion.subject} — ${discussion.with_names.join(', ')}`;
  $('messages').replaceChildren(...discussion.messages.map((m) => el('li', { class: m.mine ? 'mine' : '' },
    el('span', { class: 'meta' }, `${m.mine ? 'Moi' : m.author} · ${formatDateTime(m.created_at)}`), m.body)));
  // A closed discussion takes no reply (a phone's queued one is refused and kept there); the school closes.
  $('reply-form').hidden = discussion.closed;
  $('closed-note').hidden = !discussion.closed;
  $('close-discussion').hidden = isFamily;
  $('discussion-title').focus();
  loadDiscussions();
}

$('reply-form').addEventListener('submit', () => run(async () => {
  replyKey = replyKey || clientId();
  await api(paths.reply(current.id), { method: 'POST', body: { body: $('reply-body').value, client_id: replyKey } });
  replyKey = null;
  $('reply-body').value = '';
  say($('status'), 'Message envoyé.');
  await openDiscussion(current.id);
}));

$('close-discussion').addEventListener('click', () => run(async () => {
  await api(`/api/school/discussions/${current.id}/close`, { method: 'POST' });
  await openDiscussion(current.id);
  say($('status'), 'Discussion close.');
}));

async function chooseChild(id) {
  studentId = id;
  const teachers = await run(() => api(`/api/students/${id}/teachers`));
  $('new-teacher').replaceChildren(...(teachers || []).map((t) => el('option', { value: t.id },
    `${t.name} (${t.subjects.join(', ')})`)));
}

async function chooseClass(classId) {
  const students = taught ? taught.filter((s) => (s.class_id || '') === classId)
    : classId ? await run(() => api(`/api/school/classes/${classId}/students`)) : [];
  $('new-student').replaceChildren(...(students || []).map((s) => el('option', { value: s.id },
    `${s.last_name.toUpperCase()} ${s.first_name}`)));
}

async function classOptions(me) {
  if (me.user.role === 'teacher') { // only the classes of the students they teach
    taught = taught || await run(() => api('/api/school/teaching/students'));
    const classes = new Map((taught || []).map((s) => [s.class_id || '', s.class_name]));
    return [...classes].map(([id, name]) => el('option', { value: id }, name || 'Sans classe'));
  }
  const classes = await run(() => api('/api/school/classes'));
  return (classes || []).map((c) => el('option', { value: c.id }, c.name));
}

async function openNew(me) {
  $('discussion').hidden = true;
  $('new-form').hidden = false;
  $('new-title').focus();
  if (!toFamily) {
    childPicker(me, $('new-child'), chooseChild);
    return;
  }
  $('new-class').replaceChildren(...await classOptions(me));
  await chooseClass($('new-class').value);
}

$('new-class').addEventListener('change', () => chooseClass($('new-class').value));
$('new-form').addEventListener('submit', () => run(async () => {
  newKey = newKey || clientId();
  const common = { subject: $('new-subject').value, body: $('new-body').value, client_id: newKey };
  const discussion = toFamily
    ? await api('/api/school/discussions', { method: 'POST', body: { ...common,
      student_id: $('new-student').value, with_student: $('new-with-student').checked } })
    : await api('/api/me/discussions', { method: 'POST', body: { ...common, teacher_id: $('new-teacher').value,
      student_id: studentId } });
  newKey = null;
  $('new-subject').value = ''; $('new-body').value = ''; $('new-with-student').checked = false;
  say($('status'), toFamily ? 'Message envoyé à la famille.' : 'Message envoyé au professeur.');
  await openDiscussion(discussion.id);
}));
$('new-cancel').addEventListener('click', () => { $('new-form').hidden = true; });

// ---- Information ----
async function loadPosts() {
  const posts = await run(() => api(paths.posts));
  if (!posts) return;
  $('posts').replaceChildren(...posts.map((p) => el('li', { class: `item${isFamily && !p.read ? ' unread' : ''}` },
    el('h3', {}, p.title, ' ', p.is_survey ? badge('info', 'Sondage') : null),
    el('p', { class: 'hint' }, isFamily
      ? `${p.author} · ${formatDateTime(p.published_at)}${p.acknowledged ? ' · lu et confirmé' : p.read ? ' · lu' : ' · non lu'}`
      : `${formatDateTime(p.published_at)} · lu par ${p.read} sur ${p.recipients}, ${count(p.acknowledged, 'accusé de lecture', 'accusés de lecture')}`),
    el('button', { type: 'button', class: 'link', 'aria-label': `Ouvrir : ${p.title}`, onclick: () => openPost(p) }, 'Ouvrir'))));
  $('no-posts').hidden = posts.length > 0;
}

function surveyForm(post) {
  const form = el('form', { class: 'survey' });
  for (const q of post.questions) {
    const name = `q-${q.id}`;
    const answered = q.answer;
    const box = el('fieldset', {}, el('legend', {}, q.text));
    if (q.kind === 'text') {
      box.append(el('textarea', { id: name, name, rows: 3, maxLength: 2000, 'aria-label': q.text, value: answered?.text || '' }));
    } else {
      q.choices.forEach((choice, index) => box.append(el('label', { class: 'check' },
        el('input', { type: q.kind === 'single' ? 'radio' : 'checkbox', name, value: String(index),
          checked: Array.isArray(answered) && answered.includes(index) }), choice)));
    }
    form.append(box);
  }
  form.append(el('button', { type: 'submit' }, 'Envoyer mes réponses'));
  form.addEventListener('submit', () => run(async () => {
    const answers = post.questions.map((q) => (q.kind === 'text'
      ? { question_id: q.id, text: form.querySelector(`#q-${q.id}`).value }
      : { question_id: q.id, choices: [...form.querySelectorAll(`input[name="q-${q.id}"]:checked`)].map((i) => Number(i.value)) }));
    await api(`/api/me/information/${post.id}/answers`, { method: 'POST', body: { answers } });
    say($('post-status'), 'Réponses enregistrées.');
    loadPosts();
  }));
  return form;
}

async function openPost(summary) {
  $('post').hidden = false;
  say($('post-status'), '');
  $('post-title').textContent = summary.title;
  $('post-title').focus();
  if (isFamily) {
    const post = summary.read ? summary : await run(() => api(`/api/me/information/${summary.id}/read`, { method: 'POST' }));
    if (!post) return;
    $('post-meta').textContent = `${post.author} · ${formatDateTime(post.published_at)}`;
    $('post-body').replaceChildren(el('div', { html: post.html })); // sanitised by the server (nh3)
    const acknowledge = el('button', { type: 'button', onclick: () => run(async () => {
      await api(`/api/me/information/${post.id}/acknowledge`, { method: 'POST' });
      acknowledge.hidden = true;
      say($('post-status'), 'Lecture confirmée.');
      loadPosts();
    }) }, 'Confirmer la lecture');
    acknowledge.hidden = post.acknowledged;
    $('post-extra').replaceChildren(post.is_survey ? surveyForm(post) : acknowledge);
    loadPosts();
    return;
  }
  const post = await run(() => api(`/api/school/posts/${summary.id}`));
  if (!post) return;
  $('post-meta').textContent = formatDateTime(post.published_at);
  $('post-body').replaceChildren(el('div', { html: post.html })); // sanitised by the server (nh3)
  const readers = post.recipients.filter((r) => r.read_at).length;
  $('post-extra').replaceChildren(el('p', {}, `Lu par ${count(readers, 'destinataire', 'destinataires')} sur ${post.recipients.length}.`),
    ...post.questions.map((q) => el('section', {}, el('h3', {}, q.text),
      q.kind === 'text' ? el('ul', {}, ...q.texts.map((t) => el('li', {}, t)))
        : el('ul', {}, ...q.choices.map((c, i) => el('li', {}, `${c} : ${q.counts[i]}`))))));
}

// ---- Tabs and start ----
document.querySelectorAll('[data-tab]').forEach((button) => button.addEventListener('click', () => {
  document.querySelectorAll('[data-tab]').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
  document.querySelectorAll('.tab-panel').forEach((panel) => { panel.hidden = panel.id !== `tab-${button.dataset.tab}`; });
}));

(async () => {
  const me = await startPage('Messagerie');
  if (!me) return;
  isFamily = ['student', 'parent'].includes(me.user.role);
  paths = isFamily ? FAMILY : SCHOOL;
  if (!isFamily) $('posts-title').textContent = 'Informations envoyées';
  toFamily = WRITES_TO_FAMILIES.includes(me.user.role);
  $('new-discussion').hidden = !isFamily && !toFamily;
  if (toFamily) {
    $('new-discussion').textContent = 'Écrire à une famille';
    $('new-title').textContent = 'Écrire à une famille';
    $('to-teacher').hidden = true;
    $('to-family').hidden = false;
    $('new-teacher').required = false;
    $('new-student').required = true;
  }
  $('new-discussion').addEventListener('click', () => openNew(me));
  await Promise.all([loadDiscussions(), loadPosts()]);
})();
