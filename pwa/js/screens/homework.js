// "Travail à faire" (by due date, "Fait" toggle for students, kept offline; the work to hand in online
// and where it stands) and "Contenu des cours".
import { el, clear } from '../dom.js';
import { dueLabel, formatDay } from '../format.js';
import { emptyState } from '../ui.js';
import { fetchFile, handInRule, handInStatus, waitingFiles } from './hand-in.js';

const WAITING = 'En attente d’envoi';
const DESKTOP = '(min-width: 1000px)';
const doneTarget = (item) => `done:${item.id}`;

export async function render(ctx) {
  const tab = ctx.params[0] === 'contenu' ? 'contenu' : 'travail';
  const name = `homework:${ctx.studentId}`;
  const tabs = el('nav', { class: 'subtabs', 'aria-label': 'Cahier de textes' },
    el('a', { href: '#/devoirs', 'aria-current': tab === 'travail' ? 'page' : null, text: 'Travail à faire' }),
    el('a', { href: '#/devoirs/contenu', 'aria-current': tab === 'contenu' ? 'page' : null, text: 'Contenu des cours' }));
  const body = el('div', { id: 'homework' });
  ctx.main.append(tabs, body);
  ctx.whenWritesSent(async () => {
    const waiting = await ctx.pendingWrites();
    if (body.querySelector('[data-hand-in-waiting]')) ctx.refresh(); // a handed-in file reached the teacher
    else clearSent(waiting);
  });
  await ctx.show(name, `/api/students/${ctx.studentId}/homework`, async (data) => {
    const content = tab === 'contenu' ? contents(data.contents) : homeworkList(ctx, name, data, await ctx.pendingWrites());
    clear(body).append(...content);
  }, { into: body });
}

function contents(items) {
  if (!items.length) return [emptyState('Aucun contenu de cours récent.')];
  return items.map((c) => el('article', { class: 'card', style: { '--subject': c.color } },
    el('p', { class: 'meta' }, el('strong', { text: c.subject }), ` · ${formatDay(c.date)}`),
    c.title ? el('h2', { class: 'card-title', text: c.title }) : null,
    el('div', { class: 'rich', html: c.html })));
}

function homeworkList(ctx, name, data, waiting) {
  if (!data.items.length) return [emptyState('Aucun travail à faire pour les semaines à venir.')];
  const byDay = new Map();
  for (const item of data.items) {
    if (!byDay.has(item.due_on)) byDay.set(item.due_on, []);
    byDay.get(item.due_on).push(item);
  }
  return [...byDay].map(([day, items]) => el('section', { class: 'card-list' },
    el('h2', { text: dueLabel(day) }),
    ...items.map((item) => card(ctx, name, item, waiting.get(doneTarget(item)), waiting))));
}

function handIn(ctx, item, waiting) {
  const files = waitingFiles(waiting, item.id);
  const s = item.submission;
  return el('div', { class: 'hand-in', 'data-hand-in-waiting': files.length ? '' : null }, handInRule(item.hand_in),
    handInStatus(s, files.length), s.returned_at ? el('span', { class: 'badge done', text: s.has_comment ? 'Corrigé · commentaire' : 'Corrigé' }) : null,
    el('a', { class: 'button secondary', href: `#/rendre/${item.id}`,
      text: ctx.profile.role === 'student' && !s.returned_at ? 'Rendre mon travail' : 'Voir le rendu' }));
}

function card(ctx, name, item, queued, waiting) {
  const done = queued ? queued.done : item.done;
  const id = `done-${item.id}`;
  const state = ctx.profile.role === 'student'
    ? el('div', { class: 'done-toggle' },
      el('input', { type: 'checkbox', id, checked: done, onchange: (event) => toggle(ctx, name, item, event.target) }),
      el('label', { for: id, text: 'Fait' }), queued ? el('span', { class: 'meta waiting', text: WAITING }) : null)
    : el('p', { class: done ? 'badge done' : 'badge', text: done ? 'Fait' : 'Non fait' });
  // On a desktop the facts (time, "Fait") stand beside the work, and the lesson's content is open.
  return el('article', { class: done ? 'card is-done' : 'card', style: { '--subject': item.color }, 'data-homework': item.id },
    el('p', { class: 'meta' }, el('strong', { text: item.subject }), item.teacher ? ` · ${item.teacher}` : ''),
    el('div', { class: 'rich', html: item.html }),
    item.attachments.length ? el('ul', { class: 'attachments' }, item.attachments.map((a) =>
      el('li', {}, el('button', { type: 'button', class: 'link', text: a.filename, onclick: () => fetchFile(ctx, a) })))) : null,
    item.lesson_content ? el('details', { open: matchMedia(DESKTOP).matches }, el('summary', { text: 'Contenu du cours' }),
      el('div', { class: 'rich', html: item.lesson_content.html })) : null,
    el('div', { class: 'facts-side' },
      item.estimated_minutes ? el('p', { class: 'meta', text: `Temps estimé : ${item.estimated_minutes} min` }) : null,
      item.hand_in ? handIn(ctx, item, waiting) : null,
      state));
}

// "Fait" works offline: the change is queued (with its id as idempotency key) and shown at once.
async function toggle(ctx, name, item, checkbox) {
  const done = checkbox.checked;
  const card = checkbox.closest('.card');
  card.classList.toggle('is-done', done);
  if (!card.querySelector('.waiting')) checkbox.parentElement.append(el('span', { class: 'meta waiting', text: WAITING }));
  const changeId = crypto.randomUUID();
  const waiting = await ctx.queue({
    id: changeId, target: doneTarget(item), method: 'PUT',
    path: `/api/students/${ctx.studentId}/homework/${item.id}/done`,
    body: { done, changed_at: new Date().toISOString(), change_id: changeId },
    snapshot: { name, change: (data) => { const saved = data.items.find((i) => i.id === item.id); if (saved) saved.done = done; } },
  });
  clearSent(waiting);
}

// "En attente d'envoi" goes once the server has the change.
function clearSent(waiting) {
  for (const shown of document.querySelectorAll('[data-homework]')) {
    if (!waiting.has(doneTarget({ id: shown.dataset.homework }))) shown.querySelector('.waiting')?.remove();
  }
}
