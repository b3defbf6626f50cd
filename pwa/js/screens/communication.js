// "Communication": discussions (read, reply, start with a teacher), information and surveys. Every write
// works offline: it is queued (encrypted, with its client id), shown "En attente d'envoi", sent when the
// network is back; a refusal (a discussion closed meanwhile) keeps what was typed on screen, saying why.
import { el, clear } from '../dom.js';
import { formatMoment } from '../format.js';
import { emptyState, field, toast } from '../ui.js';
import { refusedCard, WAITING } from './writes.js';

export async function render(ctx) {
  const [view, id] = ctx.params;
  const tabs = el('nav', { class: 'subtabs', 'aria-label': 'Communication' },
    el('a', { href: '#/messages', 'aria-current': !view || view === 'd' || view === 'nouvelle' ? 'page' : null, text: 'Discussions' }),
    el('a', { href: '#/messages/infos', 'aria-current': view === 'infos' ? 'page' : null, text: 'Informations' }));
  const body = el('div');
  ctx.main.append(tabs, body);
  ctx.whenWritesSent(() => ctx.isCurrent() && ctx.refresh());
  if (view === 'infos') return information(ctx, body);
  if (view === 'd' && id) return discussion(ctx, body, id);
  if (view === 'nouvelle') return newDiscussion(ctx, body);
  return discussions(ctx, body);
}

const started = (write) => write.target.startsWith('discussion:');
const opened = new Set(); // posts unfolded: they stay so when the screen is drawn again

async function discussions(ctx, body) {
  await ctx.show('discussions', '/api/me/discussions', async (list) => {
    const writes = (await ctx.writes()).filter(started);
    clear(body).append(el('a', { class: 'button', href: '#/messages/nouvelle', text: 'Nouvelle discussion' }),
      ...writes.map((write) => (write.refused ? refusedCard(ctx, write, `${write.body.subject}\n\n${write.body.body}`)
        : el('div', { class: 'card' }, el('strong', { text: write.body.subject }), el('p', { class: 'meta waiting', text: WAITING })))),
      ...(list.length ? list.map((d) => el('a', { class: d.unread ? 'card unread' : 'card', href: `#/messages/d/${d.id}` },
        el('strong', { text: d.subject }), d.unread ? el('span', { class: 'badge', text: 'Non lu' }) : null,
        el('p', { class: 'meta', text: `${d.with_names.join(', ')} · ${formatMoment(d.last_message_at)}` })))
        : writes.length ? [] : [emptyState('Aucune discussion.')]));
  }, { into: body });
}

async function discussion(ctx, body, id) {
  const target = `reply:${id}`;
  const draw = async (d) => {
    const writes = (await ctx.writes()).filter((write) => write.target === target);
    const form = el('form', { class: 'form reply', onsubmit: async (event) => {
      event.preventDefault();
      const clientId = crypto.randomUUID();
      await ctx.queue({ id: clientId, target, method: 'POST', path: `/api/me/discussions/${id}/messages`, keep: true,
        body: { body: form.elements.body.value, client_id: clientId } });
      form.reset();
      await draw(d);
    } }, field('reply', 'Votre réponse', el('textarea', { id: 'reply', name: 'body', required: true, maxlength: 5000, rows: 3 })),
    el('button', { type: 'submit', text: 'Envoyer' }));
    const mine = writes.filter((write) => !write.refused).map((write) => el('li', { class: 'mine' },
      el('p', { class: 'meta waiting', text: `Moi · ${WAITING}` }), el('p', { class: 'body', text: write.body.body })));
    clear(body).append(el('h2', { text: d.subject }), el('p', { class: 'meta', text: `Avec ${d.with_names.join(', ')}` }),
      el('ol', { class: 'messages' }, d.messages.map((m) => el('li', { class: m.mine ? 'mine' : '' },
        el('p', { class: 'meta', text: `${m.mine ? 'Moi' : m.author} · ${formatMoment(m.created_at)}` }),
        el('p', { class: 'body', text: m.body }))), mine),
      ...writes.filter((write) => write.refused).map((write) => refusedCard(ctx, write, write.body.body)),
      d.closed ? el('p', { class: 'alert', text: 'Discussion close : on ne peut plus y répondre.' }) : form);
  };
  await ctx.show(`discussion:${id}`, `/api/me/discussions/${id}`, draw, { into: body });
}

async function newDiscussion(ctx, body) {
  await ctx.show(`teachers:${ctx.studentId}`, `/api/students/${ctx.studentId}/teachers`, (teachers) => {
    const form = el('form', { class: 'form card', onsubmit: async (event) => {
      event.preventDefault();
      const f = new FormData(form);
      const clientId = crypto.randomUUID();
      await ctx.queue({ id: clientId, target: `discussion:${clientId}`, method: 'POST', path: '/api/me/discussions', keep: true,
        body: { teacher_id: f.get('teacher'), student_id: ctx.studentId, subject: f.get('subject'), body: f.get('body'), client_id: clientId } });
      toast(navigator.onLine ? 'Message envoyé.' : 'Hors ligne : le message partira dès le retour du réseau.');
      location.hash = '#/messages';
    } },
    field('teacher', 'Professeur', el('select', { id: 'teacher', name: 'teacher', required: true },
      teachers.map((t) => el('option', { value: t.id, text: `${t.name} (${t.subjects.join(', ')})` })))),
    field('subject', 'Objet', el('input', { id: 'subject', name: 'subject', required: true, maxlength: 200 })),
    field('body', 'Message', el('textarea', { id: 'body', name: 'body', required: true, maxlength: 5000, rows: 5 })),
    el('button', { type: 'submit', text: 'Envoyer' }));
    clear(body).append(form);
  }, { into: body });
}

async function information(ctx, body) {
  await ctx.show('information', '/api/me/information', async (posts) => {
    const writes = await ctx.writes();
    clear(body).append(...(posts.length ? posts.map((post) => postCard(ctx, post, writes)) : [emptyState('Aucune information.')]));
  }, { into: body });
}

function postCard(ctx, post, writes) {
  const queued = (kind) => writes.find((write) => write.target === `${kind}:${post.id}`);
  const act = async (kind, path, data = {}, keep = false) => {
    const clientId = crypto.randomUUID();
    await ctx.queue({ id: clientId, target: `${kind}:${post.id}`, method: 'POST', path: `/api/me/information/${post.id}/${path}`,
      keep, body: { ...data, client_id: clientId } });
    ctx.refresh();
  };
  const details = el('details', { open: opened.has(post.id), ontoggle: (e) => {
    // A <details> drawn open fires `toggle` too: only the person's own opening or closing counts.
    if (e.target.open === opened.has(post.id)) return;
    if (e.target.open) opened.add(post.id);
    else opened.delete(post.id);
    if (e.target.open && !post.read && !queued('read')) {
      // Stored as read at once (offline too), so no redraw shows it unread and marks it again.
      const snapshot = { name: 'information', change: (posts) => { const saved = posts.find((p) => p.id === post.id); if (saved) saved.read = true; } };
      ctx.queue({ target: `read:${post.id}`, method: 'POST', path: `/api/me/information/${post.id}/read`, body: {}, snapshot })
        .catch(() => {});
    }
  } },
  el('summary', {}, el('strong', { text: post.title }), post.read ? '' : ' · Non lu'),
  el('p', { class: 'meta', text: `${post.author} · ${formatMoment(post.published_at)}` }),
  el('div', { class: 'rich', html: post.html }));
  const answers = queued('answers');
  if (post.is_survey) {
    details.append(survey(post, answers, (data) => act('answers', 'answers', { ...data, answered_at: new Date().toISOString() }, true)));
    if (answers?.refused) details.append(refusedCard(ctx, answers, 'Votre réponse est restée remplie ci-dessus.'));
    else if (answers) details.append(el('p', { class: 'meta waiting', text: `Votre réponse : ${WAITING}` }));
  } else if (post.acknowledged) {
    details.append(el('p', { class: 'badge done', text: 'Lu et pris en compte' }));
  } else if (queued('ack')) {
    details.append(el('p', { class: 'meta waiting', text: `Pris en compte · ${WAITING}` }));
  } else {
    details.append(el('button', { type: 'button', text: "J'ai pris connaissance", onclick: () => act('ack', 'acknowledge') }));
  }
  return el('article', { class: post.read ? 'card' : 'card unread' }, details);
}

function survey(post, queued, send) {
  // What is shown filled in: the answer waiting to be sent (or refused), else the one the server has.
  const waiting = new Map((queued?.body.answers || []).map((a) => [a.question_id, a.text !== undefined ? { text: a.text } : a.choices]));
  const form = el('form', { class: 'form', onsubmit: (event) => {
    event.preventDefault();
    const f = new FormData(form);
    send({ answers: post.questions.map((q) => (q.kind === 'text'
      ? { question_id: q.id, text: f.get(q.id) || '' }
      : { question_id: q.id, choices: f.getAll(q.id).map(Number) })) });
  } }, ...post.questions.map((q) => {
    const answer = waiting.get(q.id) ?? q.answer;
    return el('fieldset', {}, el('legend', { text: q.text }),
      q.kind === 'text' ? el('textarea', { name: q.id, 'aria-label': q.text, text: answer?.text || '' })
        : q.choices.map((choice, i) => el('label', { class: 'choice' },
          el('input', { type: q.kind === 'single' ? 'radio' : 'checkbox', name: q.id, value: String(i), checked: (answer || []).includes?.(i) }),
          ` ${choice}`)));
  }),
  el('button', { type: 'submit', text: post.questions.some((q) => q.answer) ? 'Modifier ma réponse' : 'Répondre' }));
  return form;
}
