// One bulletin as a table, the same for every reader (families, teachers, vie scolaire).
import { count } from '/js/format.js';
import { el } from './espace.js';
import { $, mark } from './widgets.js';

export function showBulletin(bulletin, pdfUrl) {
  $('bulletin').hidden = false;
  $('bulletin-title').textContent = `${bulletin.student} — ${bulletin.class_name} — ${bulletin.period.name}`;
  const rows = bulletin.subjects.map((line) => el('tr', {},
    el('th', { scope: 'row' }, line.subject, el('small', {}, line.teachers.join(', '))),
    el('td', { class: 'num', 'data-label': 'Moyenne' }, mark(line.average)),
    el('td', { class: 'num', 'data-label': 'Moy. classe' }, mark(line.class_average)),
    el('td', { 'data-label': 'Positionnement' }, line.positioning_label || '—'),
    el('td', { 'data-label': 'Appréciation' }, line.appreciation)));
  const seen = bulletin.attendance;
  $('bulletin-body').replaceChildren(
    el('div', { class: 'scroll' }, el('table', { class: 'grid bulletin' },
      el('thead', {}, el('tr', {}, ...['Matière', 'Moyenne', 'Moy. classe', 'Positionnement', 'Appréciation']
        .map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...rows, el('tr', {}, el('th', { scope: 'row' }, 'Moyenne générale'),
        el('td', { class: 'num', 'data-label': 'Moyenne' }, mark(bulletin.general_average)),
        el('td', { class: 'num', 'data-label': 'Moy. classe' }, mark(bulletin.class_general_average)))))),
    el('p', {}, `Absences : ${count(seen.absent_half_days, 'demi-journée', 'demi-journées')}, dont ${count(seen.unjustified_half_days, 'non justifiée', 'non justifiées')} — retards : ${seen.late}`),
    el('h3', {}, 'Appréciation générale du conseil de classe'),
    el('p', {}, bulletin.council_appreciation || '—'),
    bulletin.mention_label ? el('p', {}, el('strong', {}, `Mention : ${bulletin.mention_label}`)) : null,
    pdfUrl ? el('a', { class: 'button', href: pdfUrl, download: '' }, 'Télécharger le bulletin (PDF)') : null);
}

