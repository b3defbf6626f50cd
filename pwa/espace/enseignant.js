// Teacher's space: week of lessons, lesson content and homework (with attachments and the "done"
// report), roll call, evaluations, communication. Rich text is sanitised again by the server.
import { api, el, reporter, say, session, signOut, toSignIn } from './espace.js';
import { addDays, count, formatDateTime, formatDay as frDate, localDay, mondayOf } from '/js/format.js';

const $ = (id) => document.getElementById(id);
const errorBox = $('error');
let teaching = [];
let currentLesson = null;
let editingHomework = null;

const signedIn = session();
const run = reporter(errorBox, signedIn);

const newId = () => crypto.randomUUID();

// A small rich-text editor: bold, italic, underline, lists. The browser produces <b>/<i>/<div>;
// they are renamed to the server's allow-list (strong/em/p) before sending.
function editor(slot, label) {
  const area = el('div', { class: 'editor', contentEditable: 'true', role: 'textbox', 'aria-multiline': 'true',
    'aria-label': label });
  // The letters G, I, S stand for their names (read out instead); the lists are named as shown.
  const button = (shown, command, name) => el('button', { type: 'button', title: name,
    onclick: () => { area.focus(); document.execCommand(command); } },
  shown ? [el('span', { 'aria-hidden': 'true', text: shown }), el('span', { class: 'sr-only', text: name })] : name);
  slot.replaceChildren(el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': `Mise en forme : ${label}` },
    button('G', 'bold', 'Gras'), button('I', 'italic', 'Italique'), button('S', 'underline', 'Souligné'),
    button(null, 'insertUnorderedList', 'Liste à puces'), button(null, 'insertOrderedList', 'Liste numérotée')),
  area);
  return {
    get html() {
      const copy = area.cloneNode(true);
      for (const [from, to] of [['b', 'strong'], ['i', 'em'], ['div', 'p']]) {
        copy.querySelectorAll(from).forEach((node) => { node.replaceWith(el(to, {}, ...node.childNodes)); });
      }
      return copy.innerHTML;
    },
    set html(value) { area.innerHTML = value || ''; }, // server-sanitised HTML only
    area,
  };
}

async function upload(path, file) {
  const form = new FormData();
  form.append('file', file);
  try {
    return await api(path, { method: 'POST', form });
  } catch (error) {
    error.message = `${file.name} : ${error.message}`;
    throw error;
  }
}

// ---- Week and lessons ----
let monday = null; // ISO
const contentEditor = editor($('content-editor'), 'Contenu de la séance');
const homeworkEditor = editor($('hw-editor'), 'Travail à faire');

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

async function loadWeek(day) {
  if (!ISO_DAY.test(day)) return; // a week field that holds no date
  monday = mondayOf(day);
  $('week-date').value = monday;
  const week = await run(() => api(`/api/school/lessons?week=${monday}`));
  if (!week) return;
  $('week-label').textContent = frDate(week.week);
  const list = $('lessons');
  list.replaceChildren(...week.lessons.map((lesson) => el('li', {}, el('button', {
    type: 'button', 'aria-current': String(lesson.id === currentLesson?.id), onclick: () => openLesson(lesson),
  }, `${lesson.audience} — ${lesson.subject}`, el('span', { class: 'meta' },
    `${frDate(lesson.date)}, ${lesson.starts_at.slice(0, 5)}–${lesson.ends_at.slice(0, 5)}${lesson.has_content ? ' · contenu saisi' : ''}`)))));
  $('no-lessons').hidden = week.lessons.length > 0;
  // The school calendar's events of the week: the whole school's and those of the teacher's classes.
  const events = week.events || [];
  $('week-events').replaceChildren(...events.map((event) => el('li', {},
    el('strong', {}, `${event.kind_label} : ${event.title}`), el('span', { class: 'meta' }, eventWhen(event)))));
  $('week-events').hidden = $('week-events-title').hidden = events.length === 0;
}

function eventWhen(event) {
  const days = event.first_day === event.last_day ? frDate(event.first_day)
    : `du ${frDate(event.first_day)} au ${frDate(event.last_day)}`;
  const hours = event.starts_at ? `, ${event.starts_at.slice(0, 5)}–${event.ends_at.slice(0, 5)}` : '';
  const place = event.location ? ` · ${event.location}` : '';
  const classes = event.classes.length ? ` · ${event.classes.map((c) => c.name).join(', ')}` : '';
  return `${days}${hours}${place}${classes}`;
}

async function openLesson(lesson) {
  currentLesson = lesson;
  document.querySelectorAll('#lessons button').forEach((b) => b.setAttribute('aria-current', 'false'));
  $('lesson').hidden = false;
  $('lesson-title').textContent = `${lesson.audience} — ${lesson.subject}, ${frDate(lesson.date)} ${lesson.starts_at.slice(0, 5)}`;
  // Reset the forms before any await: what the teacher starts typing must not be wiped afterwards.
  resetHomeworkForm();
  $('content-title').value = ''; contentEditor.html = '';
  $('hw-due').min = addDays(lesson.date, 1); // date-field.js refuses an earlier day, in French
  $('lesson').setAttribute('aria-busy', 'true');
  const content = await run(() => api(`/api/school/lessons/${lesson.id}/content`));
  if (content && currentLesson === lesson) { $('content-title').value = content.title; contentEditor.html = content.html; }
  await Promise.all([loadHomework(), loadRoll()]);
  $('lesson').setAttribute('aria-busy', 'false');
}

$('content-save').addEventListener('click', () => run(async () => {
  const saved = await api(`/api/school/lessons/${currentLesson.id}/content`, { method: 'PUT',
    body: { title: $('content-title').value, html: contentEditor.html } });
  contentEditor.html = saved.html;
  say($('content-status'), 'Contenu enregistré.');
  await loadWeek(monday);
}));

async function loadHomework() {
  const items = await run(() => api(`/api/school/lessons/${currentLesson.id}/homework`));
  if (!items) return;
  $('homework-list').replaceChildren(...items.map((hw) => {
    const body = el('div'); body.innerHTML = hw.html; // sanitised by the server
    const files = el('ul', {}, ...hw.attachments.map((a) => el('li', {}, el('a', { href: a.url }, a.filename),
      ` (${Math.ceil(a.size_bytes / 1024)} Ko) `, el('button', { type: 'button', class: 'link',
        onclick: () => run(async () => { await api(`/api/school/homework/${hw.id}/attachments/${a.id}`, { method: 'DELETE' }); await loadHomework(); }) },
      'Retirer'))));
    const report = el('div', { class: 'done-report' });
    return el('li', {}, el('strong', {}, `Pour ${frDate(hw.due_on)}`),
      hw.estimated_minutes ? el('span', {}, ` · ${hw.estimated_minutes} min`) : null, body, files,
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'link', onclick: () => editHomework(hw) }, 'Modifier'),
        el('button', { type: 'button', class: 'link', onclick: () => deleteHomework(hw) }, 'Supprimer'),
        el('button', { type: 'button', class: 'link', onclick: () => showDone(hw, report) }, 'Qui l\'a fait ?')),
      report);
  }));
}

async function showDone(hw, box) {
  const report = await run(() => api(`/api/school/homework/${hw.id}/done`));
  if (!report) return;
  box.replaceChildren(el('p', {}, `${count(report.done_count, 'élève', 'élèves')} sur ${report.student_count} ${report.done_count > 1 ? "l'ont" : "l'a"} marqué fait.`),
    el('ul', {}, ...report.students.map((s) => el('li', {}, `${s.last_name} ${s.first_name} : ${s.done ? 'fait' : 'pas encore'}`))));
}

// One idempotency key per homework being written: resending after a lost answer (flaky school
// Wi-Fi) finds the homework already given instead of giving it twice.
function newRequestId() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
let homeworkRequestId = newRequestId();

function resetHomeworkForm() {
  editingHomework = null;
  homeworkRequestId = newRequestId();
  homeworkEditor.html = '';
  $('hw-due').value = ''; $('hw-minutes').value = ''; $('hw-files').value = '';
  $('homework-form-title').textContent = 'Donner du travail';
  $('hw-submit').textContent = 'Donner le travail';
  $('hw-cancel').hidden = true;
}

function editHomework(hw) {
  editingHomework = hw;
  homeworkEditor.html = hw.html;
  $('hw-due').value = hw.due_on; $('hw-minutes').value = hw.estimated_minutes ?? '';
  $('homework-form-title').textContent = 'Modifier le travail';
  $('hw-submit').textContent = 'Enregistrer la modification';
  $('hw-cancel').hidden = false;
  homeworkEditor.area.focus();
}

async function deleteHomework(hw) {
  if (!confirm('Supprimer ce travail à faire ?')) return;
  await run(() => api(`/api/school/homework/${hw.id}`, { method: 'DELETE' }));
  await loadHomework();
}

$('hw-cancel').addEventListener('click', resetHomeworkForm);
$('homework-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if ($('hw-submit').disabled) return; // a double click must not give the homework twice
  $('hw-submit').disabled = true;
  await run(async () => {
    const minutes = $('hw-minutes').value ? Number($('hw-minutes').value) : null;
    const body = { due_on: $('hw-due').value, html: homeworkEditor.html, estimated_minutes: minutes };
    const saved = editingHomework
      ? await api(`/api/school/homework/${editingHomework.id}`, { method: 'PATCH', body })
      : await api('/api/school/homework', { method: 'POST', body: { ...body, lesson_id: currentLesson.id, client_id: homeworkRequestId } });
    for (const file of $('hw-files').files) await upload(`/api/school/homework/${saved.id}/attachments`, file);
    say($('hw-status'), editingHomework ? 'Travail modifié.' : 'Travail donné : les familles le voient.');
    resetHomeworkForm();
    await loadHomework();
  });
  $('hw-submit').disabled = false;
});

// ---- Roll call ----
async function loadRoll() {
  const roll = await run(() => api(`/api/school/lessons/${currentLesson.id}/roll`));
  if (!roll) return;
  $('roll').replaceChildren(...roll.students.map((s) => {
    const name = `${s.last_name} ${s.first_name}`;
    const radio = (value) => el('td', {}, el('input', { type: 'radio', name: `roll-${s.student_id}`, value,
      checked: s.status === value, 'aria-label': `${name} : ${value === 'present' ? 'présent' : value}` }));
    return el('tr', { 'data-student': s.student_id }, el('th', { scope: 'row' }, name), radio('present'), radio('absent'),
      radio('late'), el('td', {}, el('input', { type: 'number', min: '1', max: '240', value: s.minutes ?? '',
        'aria-label': `${name} : minutes de retard` })),
      el('td', {}, el('button', { type: 'button', class: 'link', onclick: () => remark(s, name) }, 'Observation')));
  }));
}

async function remark(student, name) {
  const text = prompt(`Observation pour ${name} (ex. : oubli de matériel, participation) :`);
  if (!text) return;
  await run(() => api('/api/school/remarks', { method: 'POST', body: {
    student_id: student.student_id, kind: text.slice(0, 40), text, lesson_id: currentLesson.id } }));
  say($('roll-status'), `Observation enregistrée pour ${name}.`);
}

$('roll-save').addEventListener('click', () => run(async () => {
  const entries = [...$('roll').querySelectorAll('tr')].map((row) => {
    const status = row.querySelector('input[type=radio]:checked')?.value || 'present';
    const minutes = Number(row.querySelector('input[type=number]').value) || null;
    return { student_id: row.dataset.student, status, minutes: status === 'late' ? minutes : null };
  });
  await api(`/api/school/lessons/${currentLesson.id}/roll`, { method: 'PUT', body: { entries } });
  say($('roll-status'), 'Appel enregistré.');
  await loadRoll();
}));

// ---- Evaluations ----
let levels = {};
let currentEvaluation = null;

async function loadEvaluations() {
  const [list, competences] = await Promise.all([run(() => api('/api/school/evaluations')), run(() => api('/api/school/competences'))]);
  if (!list || !competences) return;
  $('ev-teaching').replaceChildren(...teaching.map((t, i) => el('option', { value: String(i) }, `${t.audience} — ${t.subject}`)));
  $('ev-competences').replaceChildren(...competences.map((c) => el('label', {},
    el('input', { type: 'checkbox', value: c.id }), ` ${c.code} ${c.label}`)));
  $('evaluations').replaceChildren(...list.map((e) => el('li', {}, el('button', { type: 'button', onclick: () => openEvaluation(e.id) },
    `${e.title}`, el('span', { class: 'meta' }, `${e.audience}, ${frDate(e.given_on)}${e.publish_at ? ' · publiée' : ''}`)))));
}

$('ev-graded').addEventListener('change', () => { $('ev-grade-options').hidden = !$('ev-graded').checked; });
$('evaluation-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    const t = teaching[Number($('ev-teaching').value)];
    const graded = $('ev-graded').checked;
    const created = await api('/api/school/evaluations', { method: 'POST', body: {
      subject_id: t.subject_id, class_id: t.class_id, group_id: t.group_id, title: $('ev-title').value,
      given_on: $('ev-date').value, graded,
      competence_ids: [...$('ev-competences').querySelectorAll('input:checked')].map((i) => i.value),
      out_of: graded ? Number($('ev-out-of').value) : null, coefficient: graded ? Number($('ev-coefficient').value) : null } });
    await loadEvaluations();
    await openEvaluation(created.id);
  });
});

function renderEvaluation(ev) {
  currentEvaluation = ev; levels = ev.levels;
  $('evaluation').hidden = false;
  $('evaluation-title').textContent = `${ev.title} — ${ev.audience}`;
  $('evaluation-state').textContent = ev.publish_at
    ? `Visible par les familles à partir du ${formatDateTime(ev.publish_at)}.` : 'Pas encore publiée.';
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Élève'), ...ev.competences.map((c) => el('th', { scope: 'col', title: c.label }, c.code)),
    ev.graded ? el('th', { scope: 'col' }, `Note /${Number(ev.out_of)}`) : null);
  const rows = ev.students.map((s) => {
    const name = `${s.last_name} ${s.first_name}`;
    return el('tr', { 'data-student': s.student_id }, el('th', { scope: 'row' }, name),
      ...ev.competences.map((c) => el('td', {}, el('select', { 'data-competence': c.id, 'aria-label': `${name} : ${c.code}` },
        el('option', { value: '' }, '—'), ...Object.entries(levels).map(([key, label]) =>
          el('option', { value: key, selected: s.levels[c.id] === key }, label))))),
      ev.graded ? el('td', {}, el('input', { type: 'number', step: '0.25', min: '0', max: String(Number(ev.out_of)),
        value: s.grade ?? '', 'aria-label': `${name} : note` }), el('select', { 'aria-label': `${name} : statut` },
        ...['', 'absent', 'dispensé', 'non rendu'].map((v) => el('option', { value: v, selected: s.grade_status === v }, v || '—')))) : null);
  });
  $('evaluation-grid').replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
}

async function openEvaluation(id) {
  const ev = await run(() => api(`/api/school/evaluations/${id}`));
  if (ev) renderEvaluation(ev);
}

$('evaluation-save').addEventListener('click', () => run(async () => {
  const results = []; const grades = [];
  for (const row of $('evaluation-grid').querySelectorAll('tbody tr')) {
    row.querySelectorAll('select[data-competence]').forEach((s) => results.push({
      student_id: row.dataset.student, competence_id: s.dataset.competence, level: s.value || null }));
    const value = row.querySelector('input[type=number]');
    if (value) grades.push({ student_id: row.dataset.student, value: value.value === '' ? null : Number(value.value),
      status: row.querySelector('td:last-child select').value });
  }
  renderEvaluation(await api(`/api/school/evaluations/${currentEvaluation.id}/results`, { method: 'PUT', body: { results, grades } }));
  say($('evaluation-status'), 'Évaluation enregistrée.');
}));
$('publish-now').addEventListener('click', () => run(async () => {
  renderEvaluation(await api(`/api/school/evaluations/${currentEvaluation.id}/publish`, { method: 'POST', body: {} }));
  say($('evaluation-status'), 'Publiée pour les familles.');
}));
$('publish-later').addEventListener('click', () => run(async () => {
  if (!$('publish-day').value) throw new Error('Choisissez la date de publication.');
  const at = new Date(`${$('publish-day').value}T${$('publish-time').value || '08:00'}`);
  if (Number.isNaN(at.getTime())) throw new Error('Date ou heure de publication invalide.');
  renderEvaluation(await api(`/api/school/evaluations/${currentEvaluation.id}/publish`, { method: 'POST',
    body: { at: at.toISOString() } }));
  say($('evaluation-status'), 'Publication programmée.');
}));

// ---- Communication ----
const postEditor = editor($('post-editor'), 'Texte de l\'information');
let currentDiscussion = null;

async function loadCommunication() {
  const audiences = new Map();
  for (const t of teaching) audiences.set(t.class_id || t.group_id, t);
  $('post-audience').replaceChildren(...[...audiences.values()].map((t) => el('label', {},
    el('input', { type: 'checkbox', value: t.class_id || t.group_id, 'data-kind': t.class_id ? 'class' : 'group' }), ` ${t.audience}`)));
  const [posts, discussions] = await Promise.all([run(() => api('/api/school/posts')), run(() => api('/api/school/discussions'))]);
  if (posts) $('posts').replaceChildren(...posts.map((p) => el('li', {}, el('button', { type: 'button', onclick: () => openPost(p.id) },
    p.title, el('span', { class: 'meta' }, `Lu par ${p.read} sur ${count(p.recipients, 'destinataire', 'destinataires')}, ${count(p.acknowledged, 'accusé de lecture', 'accusés de lecture')}${p.is_survey ? ' · sondage' : ''}`)))));
  if (discussions) $('discussions').replaceChildren(...discussions.map((d) => el('li', {}, el('button', { type: 'button', onclick: () => openDiscussion(d.id) },
    `${d.unread ? '● ' : ''}${d.subject}`, el('span', { class: 'meta' }, d.with_names.join(', '))))));
}

async function openPost(id) {
  const post = await run(() => api(`/api/school/posts/${id}`));
  if (!post) return;
  const box = $('post-detail'); box.hidden = false;
  box.replaceChildren(el('h3', {}, post.title),
    el('table', { class: 'grid' }, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Destinataire'), el('th', { scope: 'col' }, 'Lu'), el('th', { scope: 'col' }, 'Accusé de lecture'))),
      el('tbody', {}, ...post.recipients.map((r) => el('tr', {}, el('td', {}, r.name), el('td', {}, r.read_at ? 'oui' : 'non'), el('td', {}, r.acknowledged_at ? 'oui' : 'non'))))),
    ...post.questions.map((q) => el('div', {}, el('h4', {}, `${q.text} (${count(q.answered, 'réponse', 'réponses')})`),
      el('ul', {}, ...q.choices.map((c, i) => el('li', {}, `${c} : ${q.counts[i]}`)), ...q.texts.map((t) => el('li', {}, t))))));
}

$('post-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    const checked = [...$('post-audience').querySelectorAll('input:checked')];
    const to = [...($('post-parents').checked ? ['parents'] : []), ...($('post-students').checked ? ['students'] : [])];
    const question = $('post-question').value.trim();
    const choices = $('post-choices').value.split('\n').map((c) => c.trim()).filter(Boolean);
    const questions = question ? [{ text: question, kind: choices.length >= 2 ? 'single' : 'text', choices }] : [];
    await api('/api/school/posts', { method: 'POST', body: { title: $('post-title').value, html: postEditor.html, to, questions,
      class_ids: checked.filter((c) => c.dataset.kind === 'class').map((c) => c.value),
      group_ids: checked.filter((c) => c.dataset.kind === 'group').map((c) => c.value) } });
    say($('post-status'), 'Information publiée.');
    $('post-form').reset(); postEditor.html = '';
    await loadCommunication();
  });
});

async function openDiscussion(id) {
  const discussion = await run(() => api(`/api/school/discussions/${id}`));
  if (!discussion) return;
  currentDiscussion = discussion;
  $('discussion').hidden = false;
  $('discussion-title').textContent = `${discussion.subject} — ${discussion.with_names.join(', ')}`;
  $('messages').replaceChildren(...discussion.messages.map((m) => el('li', { class: m.mine ? 'mine' : '' },
    el('span', { class: 'meta' }, `${m.author}, ${formatDateTime(m.created_at)}`), m.body)));
}

$('reply-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    await api(`/api/school/discussions/${currentDiscussion.id}/messages`, { method: 'POST',
      body: { body: $('reply-body').value, client_id: newId() } });
    $('reply-body').value = '';
    await openDiscussion(currentDiscussion.id);
  });
});

// ---- Start ----
const loaders = { cours: () => loadWeek(monday || localDay()), evaluations: loadEvaluations, communication: loadCommunication };
document.querySelectorAll('[data-tab]').forEach((button) => button.addEventListener('click', () => {
  document.querySelectorAll('[data-tab]').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
  document.querySelectorAll('.tab-panel').forEach((panel) => { panel.hidden = panel.id !== `tab-${button.dataset.tab}`; });
  loaders[button.dataset.tab]();
}));
$('week-prev').addEventListener('click', () => loadWeek(addDays(monday, -7)));
$('week-next').addEventListener('click', () => loadWeek(addDays(monday, 7)));
$('week-date').addEventListener('change', () => { if ($('week-date').value) loadWeek($('week-date').value); });
$('signout').addEventListener('click', signOut);

(async () => {
  const me = await signedIn;
  if (!me) { toSignIn(); return; }
  if (me.user.role !== 'teacher') { location.href = '/espace/portail.html'; return; }
  $('who').textContent = `${me.user.first_name} ${me.user.last_name}`;
  $('school').textContent = `${me.user.school_name} — Espace enseignant`;
  teaching = (await run(() => api('/api/school/teaching'))) || [];
  const start = new URLSearchParams(location.search).get('semaine');
  await loadWeek(ISO_DAY.test(start) ? start : localDay());
})();
