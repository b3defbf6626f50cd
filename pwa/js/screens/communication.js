// "Communication": discussions (read, reply, start with a teacher), information and surveys.
import { api, cached, sendJson, route } from '../app.js';
import { h, clear, emptyState, formatMoment, toast } from '../ui.js';
import { field } from './vie-scolaire.js';

export async function render(ctx) {
  const [view, id] = ctx.params;
  const tabs = h('nav', { class: 'subtabs', 'aria-label': 'Communication' },
    h('a', { href: '#/messages', 'aria-current': !view || view === 'd' || view === 'nouvelle' ? 'page' : null, text: 'Discussions' }),
    h('a', { href: '#/messages/infos', 'aria-current': view === 'infos' ? 'page' : null, text: 'Informations' }));
  const body = h('div');
  ctx.main.append(tabs, body);
  if (view === 'infos') return information(ctx, body);
  if (view === 'd' && id) return discussion(ctx, body, id);
  if (view === 'nouvelle') return newDiscussion(ctx, body);
  return discussions(ctx, body);
}

async function discussions(ctx, body) {
  await cached(ctx, 'discussions', '/api/me/discussions', (list) => {
    clear(body).append(h('a', { class: 'button', href: '#/messages/nouvelle', text: 'Nouvelle discussion' }),
      ...(list.length ? list.map((d) => h('a', { class: d.unread ? 'card unread' : 'card', href: `#/messages/d/${d.id}` },
        h('strong', { text: d.subject }), d.unread ? h('span', { class: 'badge', text: 'Non lu' }) : null,
        h('p', { class: 'meta', text: `${d.with_names.join(', ')} · ${formatMoment(d.last_message_at)}` })))
        : [emptyState('Aucune discussion.')]));
  });
}

async function discussion(ctx, body, id) {
  const draw = (d) => {
    const form = h('form', { class: 'form reply', onsubmit: async (event) => {
      event.preventDefault();
      const text = form.elements.body.value;
      try {
        await sendJson(ctx.profile, `/api/me/discussions/${id}/messages`, 'POST', { body: text, client_id: form.dataset.clientId });
        route();
      } catch (error) { toast(navigator.onLine ? error.message : 'Hors ligne : votre message n’est pas parti.'); }
    } }, field('reply', 'Votre réponse', h('textarea', { id: 'reply', name: 'body', required: true, maxlength: 5000, rows: 3 })),
    h('button', { type: 'submit', text: 'Envoyer' }));
    form.dataset.clientId = crypto.randomUUID(); // the same id if "Envoyer" is pressed twice
    clear(body).append(h('h2', { text: d.subject }), h('p', { class: 'meta', text: `Avec ${d.with_names.join(', ')}` }),
      h('ol', { class: 'messages' }, d.messages.map((m) => h('li', { class: m.mine ? 'mine' : '' },
        h('p', { class: 'meta', text: `${m.mine ? 'Moi' : m.author} · ${formatMoment(m.created_at)}` }),
        h('p', { class: 'body', text: m.body })))), form);
  };
  await cached(ctx, `discussion:${id}`, `/api/me/discussions/${id}`, draw);
}

async function newDiscussion(ctx, body) {
  let teachers = [];
  try { teachers = await api(ctx.profile, `/api/students/${ctx.studentId}/teachers`); } catch (error) {
    clear(body).append(emptyState(navigator.onLine ? error.message : 'Hors ligne : impossible de démarrer une discussion.'));
    return;
  }
  const clientId = crypto.randomUUID();
  const form = h('form', { class: 'form card', onsubmit: async (event) => {
    event.preventDefault();
    const f = new FormData(form);
    try {
      const created = await sendJson(ctx.profile, '/api/me/discussions', 'POST', {
        teacher_id: f.get('teacher'), student_id: ctx.studentId, subject: f.get('subject'), body: f.get('body'), client_id: clientId });
      location.hash = `#/messages/d/${created.id}`;
    } catch (error) { toast(error.message); }
  } },
  field('teacher', 'Professeur', h('select', { id: 'teacher', name: 'teacher', required: true },
    teachers.map((t) => h('option', { value: t.id, text: `${t.name} (${t.subjects.join(', ')})` })))),
  field('subject', 'Objet', h('input', { id: 'subject', name: 'subject', required: true, maxlength: 200 })),
  field('body', 'Message', h('textarea', { id: 'body', name: 'body', required: true, maxlength: 5000, rows: 5 })),
  h('button', { type: 'submit', text: 'Envoyer' }));
  clear(body).append(form);
}

async function information(ctx, body) {
  await cached(ctx, 'information', '/api/me/information', (posts) => {
    clear(body).append(...(posts.length ? posts.map((post) => postCard(ctx, post)) : [emptyState('Aucune information.')]));
  });
}

function postCard(ctx, post) {
  const act = async (path, data) => {
    try { await sendJson(ctx.profile, `/api/me/information/${post.id}/${path}`, 'POST', data); route(); } catch (error) {
      toast(navigator.onLine ? error.message : 'Hors ligne : réessayez une fois connecté.');
    }
  };
  const details = h('details', { ontoggle: (e) => { if (e.target.open && !post.read) act('read', {}); } },
    h('summary', {}, h('strong', { text: post.title }), post.read ? '' : ' · Non lu'),
    h('p', { class: 'meta', text: `${post.author} · ${formatMoment(post.published_at)}` }),
    h('div', { class: 'rich', html: post.html }));
  if (post.is_survey) details.append(survey(post, act));
  else details.append(post.acknowledged ? h('p', { class: 'badge done', text: 'Lu et pris en compte' })
    : h('button', { type: 'button', text: "J'ai pris connaissance", onclick: () => act('acknowledge', {}) }));
  return h('article', { class: post.read ? 'card' : 'card unread' }, details);
}

function survey(post, act) {
  const form = h('form', { class: 'form', onsubmit: (event) => {
    event.preventDefault();
    const f = new FormData(form);
    act('answers', { answers: post.questions.map((q) => q.kind === 'text'
      ? { question_id: q.id, text: f.get(q.id) || '' }
      : { question_id: q.id, choices: f.getAll(q.id).map(Number) }) });
  } }, ...post.questions.map((q) => h('fieldset', {}, h('legend', { text: q.text }),
    q.kind === 'text' ? h('textarea', { name: q.id, 'aria-label': q.text, text: q.answer?.text || '' })
      : q.choices.map((choice, i) => h('label', { class: 'choice' },
        h('input', { type: q.kind === 'single' ? 'radio' : 'checkbox', name: q.id, value: i, checked: (q.answer || []).includes?.(i) }),
        ` ${choice}`)))),
  h('button', { type: 'submit', text: post.questions.some((q) => q.answer) ? 'Modifier ma réponse' : 'Répondre' }));
  return form;
}
