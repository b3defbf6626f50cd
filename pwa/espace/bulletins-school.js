// The school's side of bulletins: a teacher's appreciations for a class and subject; the council's
// general appreciation and mention for a class (vie scolaire, direction); the head of school's
// publication. Each sheet is saved whole: the server's PUT is idempotent.
import { api, el, say } from './espace.js';
import { formatDate } from '/js/format.js';
import { $, mark } from './widgets.js';
import { showBulletin } from './bulletin-view.js';

let context = null;
let services = []; // a teacher's classes and subjects (GET /api/school/teaching)
let save = null; // the current sheet's save action
let run = null;

const periodId = () => $('period').value;
const option = (value, label) => el('option', { value }, label);
const cell = (...children) => el('td', {}, ...children);

function sheet(headers, rows) {
  $('sheet').replaceChildren(el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...rows));
}

function showLocked(locked) {
  $('locked').hidden = !locked;
  $('locked').textContent = 'Bulletins publiés : les appréciations ne peuvent plus être modifiées.';
  $('sheet-save').hidden = locked;
}

async function loadAppreciations() {
  const service = services[Number($('service').value)];
  if (!service) return;
  const audience = service.class_id ? `class_id=${service.class_id}` : `group_id=${service.group_id}`;
  const data = await run(() => api(`/api/school/bulletins/${periodId()}/appreciations?subject_id=${service.subject_id}&${audience}`));
  if (!data) return;
  sheet(['Élève', 'Moyenne', 'Positionnement', 'Appréciation'], data.students.map((s) => el('tr', {},
    el('th', { scope: 'row' }, `${s.last_name} ${s.first_name}`), cell(mark(s.average)), cell(s.positioning_label || '—'),
    cell(el('textarea', { rows: 2, maxLength: 600, value: s.text, disabled: s.locked,
      'aria-label': `Appréciation : ${s.first_name} ${s.last_name}`, 'data-student': s.student_id })))));
  showLocked(data.students.some((s) => s.locked));
  save = async () => {
    const entries = [...$('sheet').querySelectorAll('textarea:not([disabled])')]
      .map((area) => ({ student_id: area.dataset.student, text: area.value }));
    await api(`/api/school/bulletins/${periodId()}/appreciations`, { method: 'PUT', body: {
      subject_id: service.subject_id, class_id: service.class_id, group_id: service.group_id, entries } });
    say($('status'), 'Appréciations enregistrées.');
  };
}

async function loadCouncil() {
  const classId = $('class').value;
  if (!classId) return;
  const data = await run(() => api(`/api/school/bulletins/${periodId()}/classes/${classId}`));
  if (!data) return;
  const mentions = [['', 'Aucune'], ...Object.entries(context.mentions)];
  sheet(['Élève', 'Moyenne générale', 'Appréciations', 'Appréciation du conseil', 'Mention', 'Bulletin'], data.students.map((s) => {
    const name = `${s.first_name} ${s.last_name}`;
    return el('tr', { 'data-student': s.student_id },
      el('th', { scope: 'row' }, `${s.last_name} ${s.first_name}`), cell(mark(s.general_average)), cell(`${s.appreciations}/${s.subjects}`),
      cell(el('textarea', { rows: 2, maxLength: 600, value: s.appreciation, disabled: data.locked, 'aria-label': `Appréciation du conseil : ${name}` })),
      cell(el('select', { disabled: data.locked, 'aria-label': `Mention : ${name}` },
        ...mentions.map(([code, label]) => el('option', { value: code, selected: code === s.mention }, label)))),
      cell(el('button', { type: 'button', class: 'link', 'aria-label': `Aperçu du bulletin : ${name}`,
        onclick: () => run(async () => showBulletin(await api(`/api/school/bulletins/${periodId()}/students/${s.student_id}`),
          `/api/school/bulletins/${periodId()}/students/${s.student_id}/pdf`)) }, 'Aperçu')));
  }));
  showLocked(data.locked);
  save = async () => {
    const entries = [...$('sheet').querySelectorAll('tbody tr')].map((row) => ({ student_id: row.dataset.student,
      appreciation: row.querySelector('textarea').value, mention: row.querySelector('select').value }));
    await api(`/api/school/bulletins/${periodId()}/classes/${classId}/council`, { method: 'PUT', body: { entries } });
    say($('status'), 'Conseil de classe enregistré.');
  };
}

async function loadPublication() {
  const lines = await run(() => api(`/api/school/bulletins/${periodId()}/publication`));
  if (!lines) return;
  $('publication-classes').replaceChildren(...lines.map((line) => el('label', {},
    el('input', { type: 'checkbox', value: line.class_id }), ` ${line.class_name}`)));
  $('publication-lines').replaceChildren(...lines.filter((l) => l.visible_from).map((line) => el('li', { class: 'item' },
    `${line.class_name} : ${line.visible ? 'lu par les familles depuis le' : 'visible par les familles à partir du'} ${formatDate(line.visible_from)} `,
    el('button', { type: 'button', class: 'link', 'aria-label': `Retirer la publication : ${line.class_name}`,
      onclick: () => run(async () => {
        await api(`/api/school/bulletins/${periodId()}/publication/${line.class_id}`, { method: 'DELETE' });
        await Promise.all([loadPublication(), loadCouncil()]);
      }) }, 'Retirer'))));
}

function load() {
  const teacher = services.length > 0;
  const loads = [teacher ? loadAppreciations() : loadCouncil()];
  if (!$('publication').hidden) loads.push(loadPublication());
  return Promise.all(loads);
}

export async function showSchoolSide(me, reporter) {
  run = reporter;
  context = await run(() => api('/api/school/bulletins'));
  if (!context) return;
  $('school-side').hidden = false;
  $('period').replaceChildren(...context.periods.map((p) => option(p.id, p.name)));
  $('period').value = context.current_period_id || '';
  if (me.user.role === 'teacher') {
    services = await run(() => api('/api/school/teaching')) || [];
    $('service-slot').hidden = false;
    $('service').replaceChildren(...services.map((s, index) => option(String(index), `${s.audience} — ${s.subject}`)));
    $('service').addEventListener('change', load);
  } else {
    $('class-slot').hidden = false;
    $('class').replaceChildren(...context.classes.map((c) => option(c.id, c.name)));
    $('class').addEventListener('change', load);
    $('publication').hidden = me.user.role !== 'admin';
  }
  $('period').addEventListener('change', load);
  for (const picker of ['period', 'service', 'class']) $(picker).addEventListener('change', () => say($('status'), ''));
  $('sheet-form').addEventListener('submit', () => run(async () => { await save(); await load(); }));
  $('publication-form').addEventListener('submit', () => run(async () => {
    const classIds = [...$('publication-classes').querySelectorAll('input:checked')].map((i) => i.value);
    await api(`/api/school/bulletins/${periodId()}/publication`, { method: 'PUT',
      body: { visible_from: $('visible-from').value, class_ids: classIds } });
    await load();
  }));
  await load();
}
