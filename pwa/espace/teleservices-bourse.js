// A family's bourse request: the form with its simulator, the tax notice, filing, the school's
// request for a piece, the decision. What the viewer may do comes from the request's `actions`.
import { api, el, say } from './espace.js';
import { euros, historyList, tone } from './teleservices-common.js';
import { count, formatDateTime } from '/js/format.js';
import { badge, clientId, field, postForm } from './widgets.js';

const $ = (id) => document.getElementById(id);

function decision(request) {
  if (request.state === 'granted') {
    return el('p', { class: 'ts-decision' },
      `Bourse accordée : échelon ${request.echelon}, ${euros(request.yearly_amount_cents)} par an.`);
  }
  if (request.state === 'refused') return el('p', { class: 'ts-decision' }, `Bourse refusée : ${request.decision_reason}`);
  if (request.state === 'incomplete') {
    return el('p', { class: 'ts-pending' }, `L'établissement demande une pièce : « ${request.school_message} »`);
  }
  return null;
}

function form(request, context, run) {
  const children = el('input', { type: 'number', id: 'ts-children', min: 1, max: 20, required: true,
    value: request.dependent_children ?? '' });
  const income = el('input', { type: 'number', id: 'ts-income', min: 0, max: 10000000, required: true,
    value: request.reference_income ?? '' });
  const sworn = el('input', { type: 'checkbox', id: 'ts-sworn', checked: request.sworn_statement });
  const estimate = el('p', { class: 'notice', role: 'status', id: 'ts-simulation' }, request.simulation?.label || '');
  let timer = null;
  const simulate = () => {
    clearTimeout(timer);
    if (!children.value || income.value === '') return;
    timer = setTimeout(async () => {
      const query = `dependent_children=${children.value}&reference_income=${income.value}`;
      const result = await api(`/api/teleservices/campaigns/${request.campaign.id}/simulation?${query}`).catch(() => null);
      if (result) estimate.textContent = result.label;
    }, 300);
  };
  children.addEventListener('input', simulate);
  income.addEventListener('input', simulate);
  const save = el('form', { id: 'ts-form' },
    field('Nombre d\'enfants à charge', children),
    field('Revenu fiscal de référence (en euros)', income,
      `Il figure en première page de votre ${request.tax_notice} : c'est cet avis qui compte pour l'année ${request.campaign.school_year}.`),
    estimate,
    el('label', { class: 'check' }, sworn,
      'Je certifie sur l\'honneur l\'exactitude des renseignements fournis.'),
    el('button', { type: 'submit' }, 'Enregistrer'));
  save.addEventListener('submit', (event) => {
    event.preventDefault();
    run(async () => {
      await api(`/api/teleservices/bourses/${request.id}`, { method: 'PUT', body: {
        dependent_children: Number(children.value), reference_income: Number(income.value), sworn_statement: sworn.checked } });
      await context.refresh();
      say($('status'), 'Formulaire enregistré.');
    });
  });
  return save;
}

function pieces(request, context, run) {
  const list = el('ul', { class: 'ts-pieces' }, ...request.pieces.map((piece) => el('li', {},
    el('a', { href: piece.url, download: piece.filename }, `${piece.kind_label} : ${piece.filename}`),
    ` (${formatDateTime(piece.uploaded_at)})`,
    request.state === 'draft' && request.actions.includes('edit')
      ? el('button', { type: 'button', class: 'link', 'aria-label': `Retirer ${piece.filename}`,
        onclick: () => run(async () => {
          await api(`${piece.url}`, { method: 'DELETE' });
          await context.refresh();
        }) }, 'Retirer')
      : null)));
  if (!request.actions.includes('upload')) return request.pieces.length ? el('div', {}, el('h3', {}, 'Pièces jointes'), list) : null;
  const file = el('input', { type: 'file', id: 'ts-file', accept: 'application/pdf,image/png,image/jpeg', required: true });
  const what = request.state === 'incomplete' ? 'Pièce demandée' : `Votre ${request.tax_notice}`;
  const upload = el('form', { id: 'ts-upload' }, field(`${what} (PDF, PNG ou JPEG, 5 Mo au plus)`, file),
    el('button', { type: 'submit', class: 'secondary' }, 'Joindre le fichier'));
  upload.addEventListener('submit', (event) => {
    event.preventDefault();
    run(async () => {
      const body = new FormData();
      body.append('file', file.files[0]);
      body.append('client_id', clientId());
      await postForm(`/api/teleservices/bourses/${request.id}/pieces`, body);
      await context.refresh();
      say($('status'), 'Fichier joint.');
    });
  });
  return el('div', {}, el('h3', {}, 'Pièces jointes'), list, upload);
}

const BUTTONS = {
  file: ['Déposer la demande', 'Demande déposée : l\'établissement va l\'étudier.'],
  complete: ['Envoyer la pièce à l\'établissement', 'Pièce envoyée à l\'établissement.'],
  withdraw: ['Retirer la demande', 'Demande retirée.'],
  reopen: ['Reprendre la demande', 'Demande reprise : vous pouvez la compléter et la déposer.'],
  take_over: ['Faire la demande à mon nom', 'La demande est à votre nom : complétez le formulaire et déposez-la.'],
};

// What a guardian is asked before acting, when the action cannot be undone.
const CONFIRM = {
  withdraw: () => 'Retirer cette demande de bourse ?',
  take_over: (request) => `Faire la demande à votre nom ? Le formulaire et les pièces saisis par ${request.filed_by}`
    + ' seront effacés ; la reprise est inscrite dans l\'historique de la demande.',
};

function actions(request, context, run) {
  const shown = Object.keys(BUTTONS).filter((action) => request.actions.includes(action));
  return el('div', { class: 'ts-actions' }, ...shown.map((action) => el('button', {
    type: 'button', class: action === 'withdraw' ? 'secondary' : '',
    onclick: () => run(async () => {
      if (CONFIRM[action] && !window.confirm(CONFIRM[action](request))) return;
      await api(`/api/teleservices/bourses/${request.id}/actions`, { method: 'POST', body: { action, client_id: clientId() } });
      await context.refresh();
      say($('status'), BUTTONS[action][1]);
    }) }, BUTTONS[action][0])));
}

export async function showBourse(id, context, run) {
  const request = await run(() => api(`/api/teleservices/bourses/${id}`));
  if (!request) return null;
  // The household's income and tax notice are the filer's: the other guardian may live elsewhere.
  const privacy = 'Les ressources du foyer et l\'avis d\'imposition sont visibles par le responsable au nom duquel est la demande'
    + ' et par l\'établissement seulement.';
  const holder = {
    draft: `Brouillon commencé par ${request.filed_by}, pas encore déposé : vous pouvez faire la demande à votre nom.`,
    withdrawn: `Demande retirée par ${request.filed_by} : vous pouvez faire la demande à votre nom.`,
  }[request.state] ?? `Demande déposée par ${request.filed_by} : vous pouvez la consulter.`;
  const owner = el('p', { class: 'hint' }, request.mine ? privacy : `${holder} ${privacy}`);
  $('detail-body').replaceChildren(...[
    el('p', {}, 'État : ', badge(tone(request.state), request.state_label), ` · ${request.campaign.window.label}`),
    owner,
    decision(request),
    request.actions.includes('edit') ? form(request, context, run) : null,
    !request.actions.includes('edit') && request.details_visible && request.reference_income !== null
      ? el('p', {}, `${count(request.dependent_children, 'enfant', 'enfants')} à charge, revenu fiscal de référence ${euros(request.reference_income * 100)}.`)
      : null,
    pieces(request, context, run),
    actions(request, context, run),
    historyList(request.history)].filter(Boolean));
  return request;
}
