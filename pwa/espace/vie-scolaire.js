// Vie scolaire / direction: absences by day (justify, contact the family), punishments, CSV import
// with its report, student accounts and activation letters.
import { api, el, reporter, request, say, session, signOut, toSignIn } from './espace.js';
import { count, formatDate, formatTime, localDay } from '/js/format.js';
import { saveBlob } from '/js/ui.js';

const $ = (id) => document.getElementById(id);
const errorBox = $('error');
let classes = [];
let contactStudent = null;

const signedIn = session();
const run = reporter(errorBox, signedIn);

const STATES = { unjustified: 'Non justifiée', pending: 'En attente', justified: 'Justifiée', refused: 'Refusée' };

// ---- Absences ----
async function loadAbsences() {
  const day = $('absence-day').value || localDay();
  const rows = await run(() => api(`/api/school/absences?day=${day}`));
  if (!rows) return;
  $('absences').replaceChildren(...rows.map((a) => {
    const name = `${a.last_name} ${a.first_name}`;
    const state = el('select', { 'aria-label': `${name} : état` }, ...Object.entries(STATES).filter(([k]) => k !== 'pending' || a.justification_state === 'pending')
      .map(([key, label]) => el('option', { value: key, selected: a.justification_state === key }, label)));
    const reason = el('input', { type: 'text', value: a.reason, maxLength: 200, 'aria-label': `${name} : motif` });
    return el('tr', {}, el('th', { scope: 'row' }, name), el('td', {}, a.class_name), el('td', {}, `${formatTime(a.starts_at)}–${formatTime(a.ends_at)}`),
      el('td', {}, state), el('td', {}, reason),
      el('td', {}, el('button', { type: 'button', class: 'link', onclick: () => run(async () => {
        await api(`/api/school/absences/${a.id}/justification`, { method: 'POST', body: { state: state.value, reason: reason.value } });
        say($('absence-status'), `Absence de ${name} mise à jour.`);
      }) }, 'Enregistrer'), ' · ',
      el('button', { type: 'button', class: 'link', onclick: () => openContact(a, name) }, 'Contacter la famille')));
  }));
  $('no-absences').hidden = rows.length > 0;
}

function openContact(absence, name) {
  contactStudent = absence.student_id;
  $('contact-form').hidden = false;
  $('contact-title').textContent = `Contacter la famille de ${name}`;
  $('contact-subject').value = `Absence de ${name} le ${formatDate(localDay(absence.starts_at))}`;
  $('contact-body').focus();
}

$('contact-cancel').addEventListener('click', () => { $('contact-form').hidden = true; });
$('contact-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    await api('/api/school/discussions', { method: 'POST', body: { student_id: contactStudent,
      subject: $('contact-subject').value, body: $('contact-body').value, client_id: crypto.randomUUID() } });
    $('contact-form').hidden = true; $('contact-body').value = '';
    say($('absence-status'), 'Message envoyé aux responsables légaux.');
  });
});
$('absence-day').addEventListener('change', loadAbsences);

// ---- Punishments ----
async function fillStudents(classId, select) {
  const students = classId ? await run(() => api(`/api/school/classes/${classId}/students`)) : [];
  select.replaceChildren(...(students || []).map((s) => el('option', { value: s.id }, `${s.last_name} ${s.first_name}`)));
  return students || [];
}

async function loadPunishments() {
  const rows = await run(() => api('/api/school/punishments'));
  if (!rows) return;
  $('punishments').replaceChildren(...rows.map((p) => el('tr', {}, el('th', { scope: 'row' }, `${p.last_name} ${p.first_name}`),
    el('td', {}, p.kind), el('td', {}, p.reason), el('td', {}, p.due_on ? formatDate(p.due_on) : ''),
    el('td', {}, el('input', { type: 'checkbox', checked: p.done, 'aria-label': `Punition de ${p.first_name} faite`,
      onchange: (event) => run(() => api(`/api/school/punishments/${p.id}`, { method: 'PATCH', body: { done: event.target.checked } })) })))));
}

$('pun-class').addEventListener('change', () => fillStudents($('pun-class').value, $('pun-student')));
$('punishment-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    await api('/api/school/punishments', { method: 'POST', body: { student_id: $('pun-student').value,
      kind: $('pun-kind').value, reason: $('pun-reason').value, due_on: $('pun-due').value || null } });
    $('pun-reason').value = '';
    await loadPunishments();
  });
});

// ---- Import ----
$('import-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    const kind = document.querySelector('input[name=import-kind]:checked').value;
    const form = new FormData();
    form.append('file', $('import-file').files[0]);
    const report = await api(`/api/school/import/${kind}`, { method: 'POST', form });
    const counts = [['Classes créées', report.classes_created], ['Élèves créés', report.students_created],
      ['Élèves changés de classe', report.students_updated], ['Responsables créés', report.parents_created],
      ['Enseignants créés', report.teachers_created]];
    $('import-report').replaceChildren(el('h3', {}, `${count(report.lines, 'ligne lue', 'lignes lues')}, ${count(report.rejected.length, 'refusée', 'refusées')}`),
      el('ul', {}, ...counts.map(([label, n]) => el('li', {}, `${label} : ${n}`))),
      report.rejected.length ? el('table', { class: 'grid report' }, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Ligne'), el('th', { scope: 'col' }, 'Raison'))),
        el('tbody', {}, ...report.rejected.map((r) => el('tr', {}, el('td', {}, String(r.line)), el('td', { class: 'reason' }, r.reason))))) : null);
    await loadClasses();
  });
});

// ---- Accounts and letters ----
async function loadClassStudents() {
  const students = await fillStudents($('letters-class').value, el('select'));
  $('class-students').replaceChildren(...students.map((s) => el('tr', {}, el('th', { scope: 'row' }, `${s.last_name} ${s.first_name}`),
    el('td', {}, s.identifier || '—'), el('td', {}, s.signed_in ? 'oui' : 'non'))));
}

async function letters(format) {
  await run(async () => {
    const response = await request('/api/school/accounts/letters', { method: 'POST',
      body: { class_id: $('letters-class').value, format }, headers: { Accept: format === 'pdf' ? 'application/pdf' : 'text/html' } });
    if (format === 'pdf') {
      saveBlob(await response.blob(), 'lettres-activation.pdf');
    } else {
      // The server's page is escaped HTML; its letters are shown and printed from this page
      // (a blob: page could not load the stylesheet, and inline styles are not allowed).
      const parsed = new DOMParser().parseFromString(await response.text(), 'text/html');
      $('print-letters').replaceChildren(...parsed.body.childNodes);
      $('print-area').hidden = false;
      $('print-button').focus();
    }
    say($('letters-status'), 'Lettres prêtes : les mots de passe provisoires précédents ne sont plus valables.');
    await loadClassStudents();
  });
}
$('letters-pdf').addEventListener('click', () => letters('pdf'));
$('letters-html').addEventListener('click', () => letters('html'));
$('letters-class').addEventListener('change', loadClassStudents);
$('print-button').addEventListener('click', () => window.print());

async function loadClasses() {
  classes = (await run(() => api('/api/school/classes'))) || [];
  for (const select of [$('pun-class'), $('letters-class')]) {
    const kept = select.value;
    select.replaceChildren(...classes.map((c) => el('option', { value: c.id, selected: c.id === kept }, c.name)));
  }
}

// ---- Start ----
const loaders = { absences: loadAbsences, punitions: async () => { await fillStudents($('pun-class').value, $('pun-student')); await loadPunishments(); },
  import: async () => {}, comptes: loadClassStudents };
document.querySelectorAll('[data-tab]').forEach((button) => button.addEventListener('click', () => {
  document.querySelectorAll('[data-tab]').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
  document.querySelectorAll('.tab-panel').forEach((panel) => { panel.hidden = panel.id !== `tab-${button.dataset.tab}`; });
  loaders[button.dataset.tab]();
}));
$('signout').addEventListener('click', signOut);

(async () => {
  const me = await signedIn;
  if (!me) { toSignIn(); return; }
  if (!['staff', 'admin'].includes(me.user.role)) { location.href = '/espace/portail.html'; return; }
  $('who').textContent = `${me.user.first_name} ${me.user.last_name}`;
  $('school').textContent = `${me.user.school_name} — Vie scolaire`;
  $('absence-day').value = localDay();
  await loadClasses();
  await loadAbsences();
})();
