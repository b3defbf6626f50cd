// "Travail à faire" (by due date, "Fait" toggle for students) and "Contenu des cours".
import { cached, flushAll, requestSync } from '../app.js';
import { loadSnapshot, saveSnapshot } from '../store.js';
import { pendingDone, queueDone } from '../outbox.js';
import { h, clear, dueLabel, emptyState, formatDay } from '../ui.js';

export async function render(ctx) {
  const tab = ctx.params[0] === 'contenu' ? 'contenu' : 'travail';
  const name = `homework:${ctx.studentId}`;
  const tabs = h('nav', { class: 'subtabs', 'aria-label': 'Cahier de textes' },
    h('a', { href: '#/devoirs', 'aria-current': tab === 'travail' ? 'page' : null, text: 'Travail à faire' }),
    h('a', { href: '#/devoirs/contenu', 'aria-current': tab === 'contenu' ? 'page' : null, text: 'Contenu des cours' }));
  const body = h('div', { id: 'homework' });
  ctx.main.append(tabs, body);
  await cached(ctx, name, `/api/students/${ctx.studentId}/homework`, async (data) => {
    clear(body);
    if (tab === 'contenu') body.append(...contents(data.contents));
    else body.append(...await homeworkList(ctx, name, data));
  });
}

function contents(items) {
  if (!items.length) return [emptyState('Aucun contenu de cours récent.')];
  return items.map((c) => h('article', { class: 'card', color: c.color },
    h('p', { class: 'meta' }, h('strong', { text: c.subject }), ` · ${formatDay(c.date)}`),
    c.title ? h('h3', { text: c.title }) : null,
    h('div', { class: 'rich', html: c.html })));
}

async function homeworkList(ctx, name, data) {
  if (!data.items.length) return [emptyState('Aucun travail à faire pour les semaines à venir.')];
  const local = await pendingDone(ctx.profile.id); // changes not yet on the server
  const canToggle = ctx.profile.role === 'student';
  const byDay = new Map();
  for (const item of data.items) {
    if (!byDay.has(item.due_on)) byDay.set(item.due_on, []);
    byDay.get(item.due_on).push(item);
  }
  return [...byDay].map(([day, items]) => h('section', { class: 'card-list' },
    h('h2', { text: dueLabel(day) }),
    ...items.map((item) => card(ctx, name, item, local.has(item.id) ? local.get(item.id) : item.done, canToggle, local.has(item.id)))));
}

function card(ctx, name, item, done, canToggle, queued = false) {
  const id = `done-${item.id}`;
  const state = canToggle
    ? h('div', { class: 'done-toggle' },
      h('input', { type: 'checkbox', id, checked: done, onchange: (event) => toggle(ctx, name, item, event.target) }),
      h('label', { for: id, text: 'Fait' }), queued ? h('span', { class: 'meta', text: 'En attente d’envoi' }) : null)
    : h('p', { class: done ? 'badge done' : 'badge', text: done ? 'Fait' : 'Non fait' });
  return h('article', { class: done ? 'card is-done' : 'card', color: item.color, 'data-homework': item.id },
    h('p', { class: 'meta' }, h('strong', { text: item.subject }), item.teacher ? ` · ${item.teacher}` : ''),
    h('div', { class: 'rich', html: item.html }),
    item.attachments.length ? h('ul', { class: 'attachments' }, item.attachments.map((a) =>
      h('li', {}, h('a', { href: a.url, download: a.filename, text: a.filename })))) : null,
    item.estimated_minutes ? h('p', { class: 'meta', text: `Temps estimé : ${item.estimated_minutes} min` }) : null,
    item.lesson_content ? h('details', {}, h('summary', { text: 'Contenu du cours' }),
      h('div', { class: 'rich', html: item.lesson_content.html })) : null,
    state);
}

async function toggle(ctx, name, item, checkbox) {
  checkbox.closest('.card').classList.toggle('is-done', checkbox.checked);
  if (!checkbox.nextSibling.nextSibling) checkbox.parentElement.append(h('span', { class: 'meta', text: 'En attente d’envoi' }));
  await queueDone(ctx.profile.id, ctx.studentId, item.id, checkbox.checked);
  // Keep the saved list in step, so a reload (even after the change is sent) shows it.
  const snapshot = await loadSnapshot(ctx.profile.id, name);
  if (snapshot) {
    const saved = snapshot.value.items.find((i) => i.id === item.id);
    if (saved) saved.done = checkbox.checked;
    await saveSnapshot(ctx.profile.id, name, snapshot.value, snapshot.savedAt);
  }
  requestSync();
  if (navigator.onLine) await flushAll();
  const still = await pendingDone(ctx.profile.id);
  for (const card of document.querySelectorAll('[data-homework]')) {
    if (!still.has(card.dataset.homework)) card.querySelector('.done-toggle .meta')?.remove();
  }
}
