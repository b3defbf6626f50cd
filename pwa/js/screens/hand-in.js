// "Travail à rendre" (#/rendre/<homework>): photos or files handed in, offline too (each waits, sealed,
// in the outbox with its client id); then "Rendu le …" or "En retard", the teacher's return. Parents read.
import { el, clear } from '../dom.js';
import { formatMoment } from '../format.js';
import { emptyState, field, saveBlob, section, toast } from '../ui.js';

const WAITING = 'En attente d’envoi';
const ARRIVAL = 'Votre travail sera transmis dès le retour du réseau ; il comptera comme rendu à ce moment-là (en retard si la date limite est passée).';
const prefix = (homeworkId) => `handin:${homeworkId}:`;

/** Names of this homework's files still in the outbox. */
export const waitingFiles = (waiting, homeworkId) => [...waiting]
  .filter(([target]) => target.startsWith(prefix(homeworkId))).map(([, form]) => form?.get?.('file')?.name);

export function handInStatus(s, waiting = 0) {
  if (waiting) return el('span', { class: 'badge pending', text: WAITING });
  if (s.status === 'missing') return el('span', { class: 'badge', text: 'Non rendu' });
  return el('span', { class: `badge ${s.status === 'late' ? 'refused' : 'done'}`,
    text: `${s.status === 'late' ? 'En retard · rendu' : 'Rendu'} le ${formatMoment(s.handed_in_at)}` });
}

export const handInRule = (rule) => el('p', { class: 'meta',
  text: `À rendre en ligne avant le ${formatMoment(rule.deadline)} (${rule.accepted_label})` });

export async function render(ctx) {
  const id = ctx.params[0];
  const path = `/api/students/${ctx.studentId}/homework/${id}/submission`;
  ctx.whenWritesSent(() => ctx.refresh());
  await ctx.show(`handin:${ctx.studentId}:${id}`, path, async (item) => {
    const waiting = waitingFiles(await ctx.pendingWrites(), id);
    const s = item.submission;
    const file = (f) => el('li', {}, el('button', { type: 'button', class: 'link', text: f.filename,
      'aria-label': `Télécharger ${f.filename}`, onclick: () => fetchFile(ctx, f) }),
    item.can_hand_in ? el('button', { type: 'button', class: 'link', text: 'Retirer', 'aria-label': `Retirer ${f.filename}`,
      onclick: () => ctx.api(`${path}/files/${f.id}`, { method: 'DELETE' }).then(ctx.refresh, (e) => toast(e.message)) }) : null);
    // The work on the left, the form beside it on a desktop (app.css); a return and the form never show together.
    clear(ctx.main).append(el('div', { class: 'hand-in-screen' }, el('div', {}, el('a', { href: '#/devoirs', text: '← Travail à faire' }),
      el('article', { class: 'card', style: { '--subject': item.color } },
        el('p', { class: 'meta' }, el('strong', { text: item.subject }), item.teacher ? ` · ${item.teacher}` : ''),
        el('div', { class: 'rich', html: item.html }), handInRule(item.hand_in), handInStatus(s, waiting.length)),
      section('Fichiers rendus', s.files.length || waiting.length ? el('ul', { class: 'attachments' }, s.files.map(file),
        waiting.map((name) => el('li', {}, `${name} `, el('span', { class: 'badge pending', text: WAITING })))) : emptyState('Aucun fichier rendu.'),
      // The server dates a hand-in when it arrives (on time or late): a file waiting here is not handed in yet.
      waiting.length || (item.can_hand_in && !navigator.onLine) ? el('p', { class: 'alert', role: 'status', text: ARRIVAL }) : null),
      s.returned_at ? section(`Corrigé le ${formatMoment(s.returned_at)}`, el('div', { class: 'card' },
        el('p', { text: s.return_comment || 'Pas de commentaire.' }), el('ul', { class: 'attachments' }, s.corrections.map(file)))) : null),
    item.can_hand_in ? form(ctx, item, path) : null));
  });
}

function form(ctx, item, path) {
  const types = item.hand_in.accepted_types;
  const pick = (id, label, props) => field(id, label, el('input', { type: 'file', id, ...props, onchange: async (event) => {
    for (const chosen of event.target.files) await queue(ctx, item, path, chosen);
    ctx.refresh();
  } }));
  return el('div', { class: 'form card' }, el('h3', { text: 'Rendre mon travail' }),
    types.includes('jpg') ? pick('hand-in-photo', 'Prendre une photo', { accept: 'image/*', capture: 'environment' }) : null,
    pick('hand-in-file', `Ou choisir un fichier (${item.hand_in.accepted_label}, 5 Mo au plus)`,
      { accept: types.map((t) => (t === 'jpg' ? '.jpg,.jpeg' : `.${t}`)).join(), multiple: true }),
    el('p', { class: 'meta', text: 'Sans réseau, le fichier attend sur ce téléphone : il compte comme rendu quand il arrive à l’établissement.' }));
}

async function queue(ctx, item, path, chosen) {
  const file = chosen.type === 'image/jpeg' && chosen.size > 1e6 ? await shrink(chosen) : chosen;
  const type = file.name.toLowerCase().split('.').pop().replace('jpeg', 'jpg');
  if (!item.hand_in.accepted_types.includes(type)) return toast(`Formats acceptés : ${item.hand_in.accepted_label}.`);
  if (file.size > 5 * 1024 * 1024) return toast('Le fichier dépasse 5 Mo.');
  const id = crypto.randomUUID();
  const body = new FormData();
  body.append('client_id', id);
  body.append('file', file, file.name);
  return ctx.queue({ id, target: prefix(item.homework_id) + id, method: 'POST', path: `${path}/files`, form: body });
}

// A camera photo (3 to 8 MB) travels as a JPEG at most 2000 px wide: under the 5 MB limit, light on the
// family's data plan. What the browser cannot decode goes as it is.
async function shrink(file) {
  try {
    const image = await createImageBitmap(file);
    const scale = Math.min(1, 2000 / Math.max(image.width, image.height));
    const canvas = el('canvas', { width: Math.round(image.width * scale), height: Math.round(image.height * scale) });
    canvas.getContext('2d').drawImage(image, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((done) => { canvas.toBlob(done, 'image/jpeg', 0.85); });
    return blob?.size < file.size ? new File([blob], file.name.replace(/\.\w+$/, '.jpg'), { type: 'image/jpeg' }) : file;
  } catch {
    return file;
  }
}

// Phones sign every call (DPoP): the file comes through the API client, then goes to the browser.
export async function fetchFile(ctx, f) {
  try {
    saveBlob(await ctx.blob(f.url), f.filename);
  } catch (error) {
    toast(error.offline ? 'Hors ligne : réessayez une fois connecté.' : error.message);
  }
}
