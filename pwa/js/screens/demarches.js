// "Démarches" (parents): each child's téléservices of the year with their state and the school's
// last word (#/demarches), then one request: a bourse and the missing piece to send
// (#/demarches/bourse/<id>), a fiche dialogue and the family's answer (#/demarches/orientation/<id>);
// in the final phase the council may have proposed without wishes: the fiche says none were sent, and
// shows a draft's saved wishes as "non transmis", as the espace does (teleservices-orientation.js).
// Filling a bourse form or ranking wishes is done on a computer (espace, Téléservices).
import { el, clear } from '../dom.js';
import { count, formatMoment } from '../format.js';
import { emptyState, field, section, toast } from '../ui.js';

const DESKTOP = 'À faire depuis un ordinateur : espace Cartable, Téléservices.';
const TONES = { granted: 'done', accepted: 'done', favourable: 'done', refused: 'refused', declined: 'refused',
  withdrawn: 'refused', unfavourable: 'refused', incomplete: 'pending', answered: 'pending', draft: 'pending', reserved: 'pending' };
const euros = (cents) => `${(cents / 100).toLocaleString('fr-FR', { maximumFractionDigits: 2 })} €`;

// DOM append() would write null as "null": optional parts are left out here.
const fill = (main, ...nodes) => clear(main).append(...nodes.flat().filter(Boolean));
// A numbered or bulleted list in a card (app.css has no such rule; the shell's CSS stays untouched).
const LIST = { class: 'card', style: { 'padding-left': '32px' } };
const badge = (state, label) => el('span', { class: `badge ${TONES[state] || ''}`, text: label });
const quote = (who, text) => el('p', {}, el('strong', { text: `${who} : ` }), `« ${text} »`);

export async function render(ctx) {
  if (ctx.profile.role !== 'parent') {
    ctx.main.append(emptyState('Les démarches (bourse, orientation) sont faites par les responsables légaux.'));
    return;
  }
  const [kind, id] = ctx.params;
  if (kind === 'bourse' && id) return showBourse(ctx, id);
  if (kind === 'orientation' && id) return showOrientation(ctx, id);
  return ctx.show('demarches', '/api/teleservices/summary', (summary) => fill(ctx.main,
    summary.pending_count ? el('p', { class: 'alert', text: `${count(summary.pending_count, 'démarche vous attend', 'démarches vous attendent')}.` }) : null,
    ...summary.children.map((child) => section(`${child.student.first_name}${child.student.class_name ? ` · ${child.student.class_name}` : ''}`,
      ...(child.demarches.length ? child.demarches.map((d) => demarche(child, d))
        : [emptyState(`Aucun téléservice ouvert cette année (${summary.school_year}).`)]))),
    summary.children.length ? null : emptyState('Aucun enfant rattaché à ce profil.')));
}

function demarche(child, d) {
  return el('article', { class: 'card' },
    el('h3', { text: d.title }), badge(d.state, d.state_label),
    el('p', { class: 'meta', text: d.window.label }),
    d.outcome ? el('p', { class: 'grade', text: d.outcome }) : null,
    d.school_message ? quote('Message de l’établissement', d.school_message) : null,
    d.pending ? el('p', {}, el('strong', { text: d.pending.label })) : null,
    d.request_id
      ? el('a', { class: 'button secondary', href: `#/demarches/${d.kind}/${d.request_id}`,
        'aria-label': `Voir la demande : ${d.title}, ${child.student.first_name}` }, 'Voir la demande')
      : d.pending ? el('p', { class: 'meta', text: DESKTOP }) : null);
}

function head(request) {
  return [el('a', { href: '#/demarches', text: '← Mes démarches' }),
    el('h2', { class: 'card-title', text: `${request.campaign.title} — ${request.student.first_name}` }),
    el('p', {}, badge(request.state, request.state_label), ' ', el('span', { class: 'meta', text: request.campaign.window.label }))];
}

function historyOf(request) {
  return section('Historique', el('ol', LIST, request.history.map((e) => el('li', {},
    el('span', { class: 'meta', text: `${formatMoment(e.at)} · ` }), el('strong', { text: e.label }),
    ` — ${e.by}${e.by_school ? ' (établissement)' : ''}`, e.message ? el('p', { text: `« ${e.message} »` }) : null))));
}

// ---- bourse ----
function holderNote(request) {
  if (request.mine) return 'Vos ressources et votre avis d’imposition sont visibles par vous et l’établissement seulement.';
  if (request.actions.includes('take_over')) {
    return `Brouillon commencé par ${request.filed_by}, pas encore déposé : vous pouvez faire la demande à votre nom. ${DESKTOP}`;
  }
  return `Demande faite par ${request.filed_by}. Les ressources du foyer et l’avis d’imposition sont visibles par le responsable qui a déposé la demande.`;
}

function showBourse(ctx, id) {
  const name = `bourse:${id}`;
  return ctx.show(name, `/api/teleservices/bourses/${id}`, (request) => fill(ctx.main, ...head(request),
    request.state === 'granted' ? el('p', { class: 'grade',
      text: `Bourse accordée : échelon ${request.echelon}, ${euros(request.yearly_amount_cents)} par an.` }) : null,
    request.state === 'refused' ? el('p', { class: 'grade', text: `Bourse refusée : ${request.decision_reason}` }) : null,
    request.school_message ? el('p', { class: 'alert', text: `L’établissement demande une pièce : « ${request.school_message} »` }) : null,
    request.actions.includes('complete') ? pieceForm(ctx, request) : null,
    request.state === 'draft' && request.mine ? el('p', { class: 'meta', text: DESKTOP }) : null,
    request.state === 'draft' || request.actions.includes('complete')
      ? el('p', { class: 'meta', text: `Pièce à joindre : ${request.tax_notice}.` }) : null,
    el('p', { class: 'meta', text: holderNote(request) }),
    request.pieces.length ? section('Pièces envoyées', el('ul', LIST,
      request.pieces.map((p) => el('li', { text: `${p.kind_label} : ${p.filename} (${formatMoment(p.uploaded_at)})` })))) : null,
    historyOf(request)));
}

// The missing piece: a photo or a PDF from the phone, then "send to the school". Both need the network
// (a file is not kept in the outbox); each carries an idempotency key, so a retry after a lost answer
// acts once, and the school's check ("a piece sent since it asked") makes "complete" safe to retry alone.
function pieceForm(ctx, request) {
  const input = el('input', { type: 'file', id: 'piece', name: 'file', accept: 'application/pdf,image/png,image/jpeg' });
  const form = el('form', { class: 'form card', onsubmit: async (event) => {
    event.preventDefault();
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      if (input.files.length) {
        const upload = new FormData();
        upload.append('file', input.files[0]);
        upload.append('client_id', crypto.randomUUID());
        await ctx.api(`/api/teleservices/bourses/${request.id}/pieces`, { method: 'POST', form: upload });
      }
      await ctx.api(`/api/teleservices/bourses/${request.id}/actions`, { method: 'POST',
        body: { action: 'complete', client_id: crypto.randomUUID() } });
      toast('Pièce envoyée à l’établissement.');
      ctx.refresh();
    } catch (error) {
      toast(error.offline ? 'Hors ligne : envoyez la pièce une fois connecté.' : error.message);
      button.disabled = false;
    }
  } }, el('h3', { text: 'Envoyer la pièce demandée' }),
  field('piece', 'Photo ou fichier (PDF, PNG ou JPEG, 5 Mo au plus)', input),
  el('button', { type: 'submit', text: 'Envoyer à l’établissement' }));
  return form;
}

// ---- orientation ----
const ANSWERS = {
  submit: ['Transmettre les vœux', 'submitted', 'Vœux transmis'],
  accept: ['J’accepte la réponse du conseil', 'accepted', 'Acceptée par la famille'],
  decline: ['Je refuse et je demande un rendez-vous', 'declined', 'Refusée — rendez-vous demandé'],
};

function showOrientation(ctx, id) {
  const name = `orientation:${id}`;
  return ctx.show(name, `/api/teleservices/orientation/${id}`, async (form) => {
    const waiting = (await ctx.pendingWrites()).get(name);
    fill(ctx.main, ...head(form),
      waiting ? el('p', { class: 'alert', text: 'Votre réponse est en attente d’envoi.' }) : null,
      section('Vœux de la famille', familyWishes(form)),
      unsentWishes(form),
      form.proposal ? quote('Proposition du conseil de classe', form.proposal.label) : null,
      form.council_comment ? quote('Conseil de classe', form.council_comment) : null,
      form.responded_by ? el('p', { text: `Réponse de la famille : ${form.state_label.toLowerCase()}, par ${form.responded_by}${form.responded_at ? ` (${formatMoment(form.responded_at)})` : ''}.` }) : null,
      form.actions.includes('edit') ? el('p', { class: 'meta', text: `Saisie des vœux : ${DESKTOP}` }) : null,
      waiting ? null : answerForm(ctx, name, form),
      historyOf(form));
  });
}

// The wishes sent, with the council's opinions; none sent (final phase): the council proposed without them.
function familyWishes(form) {
  if (form.wishes.length) {
    return el('ol', LIST, form.wishes.map((w) => el('li', {},
      el('strong', { text: w.label }), w.opinion ? [' — avis du conseil : ', badge(w.opinion, w.opinion_label)] : null,
      w.comment ? el('p', { class: 'meta', text: w.comment }) : null)));
  }
  if (!form.proposal) return emptyState('Aucun vœu.');
  return el('p', { class: 'card' }, el('strong', { text: 'Aucun vœu n’a été transmis à l’établissement' }),
    ' avant la fermeture de la saisie : le conseil de classe a fait sa proposition sans connaître vos vœux.');
}

// A draft's wishes, saved and never sent: the family's own, the school never received them.
function unsentWishes(form) {
  if (!form.unsent_wishes?.length) return null; // none, or a copy stored before the field existed
  return section('Vœux enregistrés mais non transmis',
    el('p', { class: 'meta', text: 'Vous aviez enregistré ces vœux sans les transmettre : l’établissement et le conseil'
      + ' de classe ne les ont pas reçus. Si la proposition du conseil ne vous convient pas, refusez-la pour demander'
      + ' un rendez-vous avec le chef d’établissement.' }),
    el('ol', LIST, form.unsent_wishes.map((w) => el('li', {}, el('strong', { text: w.label }), ' — ',
      badge('unsent', 'Non transmis')))));
}

// Answers go through the outbox: given offline, they reach the school when the phone is back online.
// Each names the council's answer it replies to (`answered_at`): if the council changed it meanwhile,
// the school refuses the queued answer (409) rather than apply it to an answer the family never read.
function answerForm(ctx, name, form) {
  const shown = Object.keys(ANSWERS).filter((action) => form.actions.includes(action));
  if (!shown.length) return null;
  const comment = el('textarea', { id: 'answer-comment', rows: 2, maxLength: 2000 });
  const answer = async (action) => {
    const id = crypto.randomUUID();
    const [, state, label] = ANSWERS[action];
    const waiting = await ctx.queue({
      id, target: name, method: 'POST', path: `/api/teleservices/orientation/${form.id}/actions`,
      body: { action, comment: comment.value, answered_at: form.answered_at, client_id: id },
      snapshot: { name, change: (data) => Object.assign(data, { state, state_label: label, actions: [] }) },
    });
    toast(waiting.has(name) ? 'Réponse en attente d’envoi : elle partira dès le retour du réseau.' : 'Réponse envoyée à l’établissement.');
    ctx.refresh();
  };
  return el('div', { class: 'form card' }, el('h3', { text: 'Votre réponse' }),
    form.actions.includes('accept') ? field('answer-comment', 'Commentaire (facultatif)', comment) : null,
    shown.map((action) => el('button', { type: 'button', class: action === 'decline' ? 'button secondary' : null,
      text: action === 'accept' && form.proposal ? 'J’accepte la proposition du conseil' : ANSWERS[action][0],
      onclick: () => answer(action) })));
}
