// "Communication": discussions (read, reply, start with a teacher), information and surveys.
import { el, clear } from '../dom.js';
import { formatMoment } from '../format.js';
import { emptyState, field, toast } from '../ui.js';

const problem = (error, offline) => (error.offline ? offline : error.message);

export async function render(ctx) {
  const [view, id] = ctx.params;
  const tabs = el('nav', { class: 'subtabs', 'aria-label': 'Communication' },
    el('a', { href: '#/messages', 'aria-current': !view || view === 'd' || view === 'nouvelle' ? 'page' : null, text: 'Discussions' }),
    el('a', { href: '#/messages/infos', 'aria-current': view === 'infos' ? 'page' : null, text: 'Informations' }));
  const body = el('div');
  ctx.main.append(tabs, body);
  if (view === 'infos') return information(ctx, body);
  if (view === 'd' && id) return discussion(ctx, body, id);
  if (view === 'nouvelle') return newDiscussion(ctx, body);
  return discussions(ctx, body);
}

async function discussions(ctx, body) {
  await ctx.show('discussions', '/api/me/discussions', (list) => {
    clear(body).append(el('a', { class: 'button', href: '#/messages/nouvelle', text: 'Nouvelle discussion' }),
      ...(list.length ? list.map((d) => el('a', { class: d.unread ? 'card unread' : 'card', href: `#/messages/d/${d.id}` },
        el('strong', { text: d.subject }), d.unread ? el('span', { class: 'badge', text: 'Non lu' }) : null,
        el('p', { class: 'meta', text: `${d.with_names.join(', ')} · ${formatMoment(d.last_message_at)}` })))
        : [emptyState('Aucune discussion.')]));
  }, { into: body });
}

async function discussion(ctx, body, id) {
  const clientId = crypto.randomUUID(); // the same id if "Envoyer" is pressed twice
  const draw = (d) => {
    const form = el('form', { class: 'form reply', onsubmit: async (event) => {
      event.preventDefault();
      try {
        await ctx.api(`/api/me/discussions/${id}/messages`, { method: 'POST', body: { body: form.elements.body.value, client_id: clientId } });
        ctx.refresh();
      } catch (error) { toast(problem(error, 'Hors ligne : votre message n’est pas parti.')); }
    } }, field('reply', 'Votre réponse', el('textarea', { id: 'reply', name: 'body', required: true, maxlength: 5000, rows: 3 })),
    el('button', { type: 'submit', text: 'Envoyer' }));
    clear(body).append(el('h2', { text: d.subject }), el('p', { class: 'meta', text: `Avec ${d.with_names.join(', ')}` }),
      el('ol', { class: 'messages' }, d.messages.map((m) => el('li', { class: m.mine ? 'mine' : '' },
        el('p', { class: 'meta', text: `${m.mine ? 'Moi' : m.author} · ${formatMoment(m.created_at)}` }),
        el('p', { class: 'body', text: m.body })))), form);
  };
  await ctx.show(`discussion:${id}`, `/api/me/discussions/${id}`, draw, { into: body });
}

async function newDiscussion(ctx, body) {
  let teachers = [];
  try { teachers = await ctx.api(`/api/students/${ctx.studentId}/teachers`); } catch (error) {
    clear(body).append(emptyState(problem(error, 'Hors ligne : impossible de démarrer une discussion.')));
    return;
  }
  const clientId = crypto.randomUUID();
  const form = el('form', { class: 'form card', onsubmit: async (event) => {
    event.preventDefault();
    const f = new FormData(form);
    try {
      const created = await ctx.api('/api/me/discussions', { method: 'POST', body: {
        teacher_id: f.get('teacher'), student_id: ctx.studentId, subject: f.get('subject'), body: f.get('body'), client_id: clientId } });
      location.hash = `#/messages/d/${created.id}`;
    } catch (error) { toast(problem(error, 'Hors ligne : votre message n’est pas parti.')); }
  } },
  field('teacher', 'Professeur', el('select', { id: 'teacher', name: 'teacher', required: true },
    teachers.map((t) => el('option', { value: t.id, text: `${t.name} (${t.subjects.join(', ')})` })))),
  field('subject', 'Objet', el('input', { id: 'subject', name: 'subject', required: true, maxlength: 200 })),
  field('body', 'Message', el('textarea', { id: 'body', name: 'body', required: true, maxlength: 5000, rows: 5 })),
  el('button', { type: 'submit', text: 'Envoyer' }));
  clear(body).append(form);
}

async function information(ctx, body) {
  await ctx.show('information', '/api/me/information', (posts) => {
    clear(body).append(...(posts.length ? posts.map((post) => postCard(ctx, post)) : [emptyState('Aucune information.')]));
  }, { into: body });
}

function postCard(ctx, post) {
  const act = async (path, data) => {
    try {
      await ctx.api(`/api/me/information/${post.id}/${path}`, { method: 'POST', body: data });
      ctx.refresh();
    } catch (error) { toast(problem(error, 'Hors ligne : réessayez une fois connecté.')); }
  };
  const details = el('details', { ontoggle: (e) => { if (e.target.open && !post.read) act('read', {}); } },
    el('summary', {}, el('strong', { text: post.title }), post.read ? '' : ' · Non lu'),
    el('p', { class: 'meta', text: `${post.author} · ${formatMoment(post.published_at)}` }),
    el('div', { class: 'rich', html: post.html }));
  if (post.is_survey) details.append(survey(post, act));
  else details.append(post.acknowledged ? el('p', { class: 'badge done', text: 'Lu et pris en compte' })
    : el('button', { type: 'button', text: "J'ai pris connaissance", onclick: () => act('acknowledge', {}) }));
  return el('article', { class: post.read ? 'card' : 'card unread' }, details);
}

function survey(post, act) {
  const form = el('form', { class: 'form', onsubmit: (event) => {
    event.preventDefault();
    const f = new FormData(form);
    act('answers', { answers: post.questions.map((q) => (q.kind === 'text'
      ? { question_id: q.id, text: f.get(q.id) || '' }
      : { question_id: q.id, choices: f.getAll(q.id).map(Number) })) });
  } }, ...post.questions.map((q) => el('fieldset', {}, el('legend', { text: q.text }),
    q.kind === 'text' ? el('textarea', { name: q.id, 'aria-label': q.text, text: q.answer?.text || '' })
      : q.choices.map((choice, i) => el('label', { class: 'choice' },
        el('input', { type: q.kind === 'single' ? 'radio' : 'checkbox', name: q.id, value: String(i), checked: (q.answer || []).includes?.(i) }),
        ` ${choice}`)))),
  el('button', { type: 'submit', text: post.questions.some((q) => q.answer) ? 'Modifier ma réponse' : 'Répondre' }));
  return form;
}
