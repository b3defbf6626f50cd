// One request on the school's side: a bourse (pieces, expected échelon, ask for a piece, grant,
// refuse) or a fiche dialogue (the council's opinion on each wish, its proposal in the final phase), or,
// in the final phase, a student whose family sent no wishes (the council's proposal, once the window closed).
import { api, el, say } from './espace.js';
import { euros, historyList, tone } from './teleservices-common.js';
import { count, formatDate, formatDateTime } from '/js/format.js';
import { badge, clientId, field } from './widgets.js';
import { wishList } from './teleservices-orientation.js';
import { wishEditor } from './teleservices-wishes.js';

const $ = (id) => document.getElementById(id);

// Send a decision (with a fresh idempotency key), redraw the request, say what happened.
function act(method, path, body, message, context, run) {
  return run(async () => {
    await api(path, { method, body: { ...body, client_id: clientId() } });
    await context.refresh();
    say($('status'), message);
  });
}

// After the families' reply date, the school no longer asks them anything: it says so.
function tooLateToAsk(campaign, what) {
  return el('p', { class: 'hint' }, `Date limite de réponse des familles dépassée (${formatDate(campaign.window.replies_until)}) : ${what}`);
}

// Only the decisions the request's state allows (`actions`): an incomplete request may be refused.
function bourseDecisions(request, context, run) {
  if (!request.actions.length) return null;
  const can = (action) => request.actions.includes(action);
  const path = `/api/school/teleservices/bourses/${request.id}/actions`;
  const message = el('textarea', { id: 'piece-message', rows: 2, maxLength: 2000 });
  const expected = request.simulation?.echelon;
  const echelon = el('input', { type: 'number', id: 'grant-echelon', min: 1, max: 20, value: expected ?? '' });
  const reason = el('textarea', { id: 'refuse-reason', rows: 2, maxLength: 2000 });
  return el('div', {},
    el('h3', {}, 'Décision'),
    ...(can('request_piece') ? [field('Pièce à demander à la famille', message),
      el('button', { type: 'button', class: 'secondary', onclick: () => act('POST', path, { action: 'request_piece', message: message.value },
        'Pièce demandée : la famille est prévenue par courriel.', context, run) }, 'Demander une pièce')]
      : request.state !== 'incomplete' ? [tooLateToAsk(request.campaign, 'plus de pièce à demander.')] : []),
    ...(can('grant') ? [field('Échelon accordé', echelon, expected ? `Le barème de l'année donne l'échelon ${expected}.` : 'Hors barème ou barème non publié.'),
      el('button', { type: 'button', onclick: () => act('POST', path, { action: 'grant', echelon: Number(echelon.value) },
        'Bourse accordée : la famille est prévenue par courriel.', context, run) }, 'Accorder la bourse')] : []),
    ...(can('refuse') ? [field('Motif du refus', reason),
      el('button', { type: 'button', class: 'secondary', onclick: () => act('POST', path, { action: 'refuse', reason: reason.value },
        'Bourse refusée : la famille est prévenue par courriel.', context, run) }, 'Refuser la bourse')] : []));
}

function bourseBody(request, context, run) {
  return [
    el('p', {}, 'État : ', badge(tone(request.state), request.state_label), ` · demande de ${request.filed_by}`),
    request.state === 'granted' ? el('p', { class: 'ts-decision' }, `Échelon ${request.echelon} — ${euros(request.yearly_amount_cents)} par an`) : null,
    request.state === 'refused' ? el('p', { class: 'ts-decision' }, `Refusée : ${request.decision_reason}`) : null,
    request.reference_income !== null
      ? el('p', {}, `${count(request.dependent_children, 'enfant', 'enfants')} à charge · revenu fiscal de référence ${euros(request.reference_income * 100)}`
        + ` · ${request.sworn_statement ? 'attestation sur l\'honneur cochée' : 'attestation non cochée'}`)
      : el('p', { class: 'hint' }, 'Formulaire non rempli.'),
    request.simulation ? el('p', { class: 'notice' }, `Selon le barème : ${request.simulation.label}`) : null,
    el('h3', {}, 'Pièces'),
    request.pieces.length
      ? el('ul', { class: 'ts-pieces' }, ...request.pieces.map((p) => el('li', {},
        el('a', { href: p.url, download: p.filename }, `${p.kind_label} : ${p.filename}`), ` (${formatDateTime(p.uploaded_at)})`)))
      : el('p', { class: 'hint' }, 'Aucune pièce.'),
    bourseDecisions(request, context, run),
  ];
}

// The choices of the campaign's level, and the proposal's editor (required when it is the whole answer).
async function proposalEditor(campaign, proposal, required, run) {
  const choices = await run(() => api(`/api/teleservices/orientation-choices?level=${encodeURIComponent(campaign.level)}`));
  if (!choices) return null;
  const editor = wishEditor(choices, proposal, 'proposal',
    required ? 'Proposition du conseil de classe' : 'Proposition du conseil de classe (facultative)');
  editor.node.querySelector('#proposal-track').required = required;
  return editor;
}

const NO_WISHES_SENT = 'Aucun vœu transmis par la famille : la réponse du conseil de classe est sa proposition.';

async function councilForm(form, context, run) {
  const rows = form.wishes.map((wish, index) => {
    const opinion = el('select', { id: `opinion-${index + 1}` },
      ...[['favourable', 'Favorable'], ['reserved', 'Réservé'], ['unfavourable', 'Défavorable']]
        .map(([value, label]) => el('option', { value, selected: wish.opinion === value }, label)));
    const comment = el('input', { type: 'text', id: `opinion-comment-${index + 1}`, maxLength: 2000, value: wish.comment });
    return { wish, opinion, comment, node: el('fieldset', { class: 'ts-wish' }, el('legend', {}, `Vœu ${wish.rank} : ${wish.label}`),
      field('Avis du conseil de classe', opinion), field('Commentaire', comment)) };
  });
  const withoutWishes = !form.wishes.length;  // answered on a proposal alone (no wishes were sent)
  const proposal = form.campaign.service === 'orientation_final'
    ? await proposalEditor(form.campaign, form.proposal, withoutWishes, run) : null;
  const comment = el('textarea', { id: 'council-comment', rows: 2, maxLength: 2000, value: form.council_comment });
  const save = el('form', { id: 'council-form' }, el('h3', {}, 'Réponse du conseil de classe'),
    withoutWishes ? el('p', { class: 'hint' }, NO_WISHES_SENT) : null, ...rows.map((r) => r.node),
    proposal ? proposal.node : null, field('Commentaire général', comment),
    el('button', { type: 'submit' }, 'Enregistrer la réponse du conseil'));
  save.addEventListener('submit', (event) => {
    event.preventDefault();
    const answers = rows.map((r) => ({ wish_id: r.wish.id, opinion: r.opinion.value, comment: r.comment.value }));
    act('PUT', `/api/school/teleservices/orientation/${form.id}/council`, { answers, proposal: proposal?.value() || null, comment: comment.value },
      'Réponse du conseil enregistrée : la famille est prévenue par courriel.', context, run);
  });
  return save;
}

async function orientationBody(form, context, run) {
  const family = form.responded_by
    ? el('p', { class: 'ts-decision' }, `Famille : ${form.state === 'accepted' ? 'acceptée' : 'refusée — rendez-vous demandé'}`
      + ` par ${form.responded_by} le ${formatDateTime(form.responded_at)}`, form.response_comment ? el('q', {}, ` ${form.response_comment}`) : null)
    : null;
  return [
    el('p', {}, 'État : ', badge(tone(form.state), form.state_label)),
    family,
    form.actions.includes('answer') ? await councilForm(form, context, run)
      : el('div', {}, el('h3', {}, 'Vœux de la famille'),
        form.wishes.length ? wishList(form.wishes) : el('p', { class: 'hint' }, form.proposal ? 'Aucun vœu transmis par la famille.' : 'Aucun vœu.'),
        form.proposal ? el('p', { class: 'ts-decision' }, `Proposition du conseil : ${form.proposal.label}`) : null),
    ['submitted', 'answered'].includes(form.state) && !form.actions.includes('answer')
      ? tooLateToAsk(form.campaign, 'la réponse du conseil ne peut plus être enregistrée.') : null,
  ];
}

export async function showSchoolRequest(kind, id, context, run) {
  const path = kind === 'bourse' ? `/api/school/teleservices/bourses/${id}` : `/api/school/teleservices/orientation/${id}`;
  const request = await run(() => api(path));
  if (!request) return null;
  const body = kind === 'bourse' ? bourseBody(request, context, run) : await orientationBody(request, context, run);
  $('request-body').replaceChildren(...body.filter(Boolean), historyList(request.history));
  return request;
}

// A student of the final phase's level whose family sent no wishes: what the council may do, and its
// proposal once the families' window has closed. Once the school may read the fiche, it is shown instead.
export async function showNoWishes(campaignId, studentId, context, run) {
  const path = `/api/school/teleservices/orientation/campaigns/${campaignId}/students/${studentId}`;
  const target = await run(() => api(path));
  if (!target) return null;
  if (target.form_id) return showSchoolRequest('orientation', target.form_id, context, run);
  const body = [el('p', {}, 'État : ', badge(tone(target.state), target.state_label)), el('p', {}, target.note)];
  const proposal = target.actions.includes('propose') ? await proposalEditor(target.campaign, null, true, run) : null;
  if (proposal) {
    const comment = el('textarea', { id: 'council-comment', rows: 2, maxLength: 2000 });
    const save = el('form', { id: 'proposal-form' }, el('h3', {}, 'Réponse du conseil de classe'), proposal.node,
      field('Commentaire général', comment), el('button', { type: 'submit' }, 'Enregistrer la proposition du conseil'));
    save.addEventListener('submit', (event) => {
      event.preventDefault();
      act('PUT', `${path}/proposal`, { proposal: proposal.value(), comment: comment.value },
        'Proposition du conseil enregistrée : la famille est prévenue par courriel.', context, run);
    });
    body.push(save);
  }
  $('request-body').replaceChildren(...body);
  return target;
}
