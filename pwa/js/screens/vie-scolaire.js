// "Vie scolaire": absences, lateness, remarks, punishments; a parent reports an absence (offline too:
// queued with its client id, shown "En attente d'envoi" until the school has it).
import { el, clear } from '../dom.js';
import { formatDay, formatMoment, localToday } from '../format.js';
import { emptyState, field, section, toast } from '../ui.js';
import { refusedCard, WAITING } from './writes.js';

const list = (items, empty, card) => (items.length ? items.map(card) : [emptyState(empty)]);

export async function render(ctx) {
  const body = el('div');
  ctx.main.append(body);
  if (ctx.profile.role === 'parent') ctx.main.append(reportForm(ctx));
  ctx.whenWritesSent(() => ctx.isCurrent() && ctx.refresh());
  await ctx.show(`vie-scolaire:${ctx.studentId}`, `/api/students/${ctx.studentId}/vie-scolaire`, async (data) => {
    const reports = (await ctx.writes()).filter((write) => write.target === `absence:${ctx.studentId}`);
    clear(body).append(
      section('Absences', ...reports.map((write) => (write.refused ? refusedCard(ctx, write, write.body.reason)
        : el('article', { class: 'card' },
          el('p', {}, el('strong', { text: `Du ${formatMoment(write.body.starts_at)} au ${formatMoment(write.body.ends_at)}` })),
          el('p', { text: write.body.reason }), el('p', { class: 'meta waiting', text: WAITING })))),
      ...(data.absences.length || !reports.length ? list(data.absences, 'Aucune absence.', (a) => el('article', { class: 'card' },
        el('p', {}, el('strong', { text: `Du ${formatMoment(a.starts_at)} au ${formatMoment(a.ends_at)}` })),
        a.reason ? el('p', { text: a.reason }) : null,
        el('p', { class: `badge ${a.justification_state}`, text: a.justification_label }))) : [])),
      section('Retards', ...list(data.lateness, 'Aucun retard.', (x) => el('article', { class: 'card' },
        el('p', {}, el('strong', { text: `${formatMoment(x.occurred_at)} · ${x.minutes} min` })),
        el('p', { class: 'badge', text: x.justified ? 'Justifié' : 'Non justifié' })))),
      section('Observations', ...list(data.remarks, 'Aucune observation.', (r) => el('article', { class: 'card' },
        el('p', { class: 'meta' }, el('strong', { text: r.kind }), ` · ${r.author} · ${formatMoment(r.created_at)}`),
        r.text ? el('p', { text: r.text }) : null))),
      section('Punitions', ...list(data.punishments, 'Aucune punition.', (p) => el('article', { class: 'card' },
        el('p', { class: 'meta' }, el('strong', { text: p.kind }), ` · ${p.author}`),
        el('p', { text: p.reason }),
        p.due_on ? el('p', { class: 'meta', text: `À faire pour le ${formatDay(p.due_on)}${p.done ? ' · Fait' : ''}` }) : null))));
  }, { into: body });
}

function reportForm(ctx) {
  const today = localToday();
  const input = (id, name, type, value, required = true) => el('input', { id, name, type, value, required });
  const form = el('form', { class: 'card form', onsubmit: async (event) => {
    event.preventDefault();
    const f = new FormData(form);
    const at = (day, time) => new Date(`${day}T${time}`).toISOString();
    const clientId = crypto.randomUUID();
    await ctx.queue({ id: clientId, target: `absence:${ctx.studentId}`, method: 'POST', keep: true,
      path: `/api/students/${ctx.studentId}/absences`, body: {
        starts_at: at(f.get('day'), f.get('from')), ends_at: at(f.get('to_day') || f.get('day'), f.get('to')),
        reason: f.get('reason'), client_id: clientId } });
    const queued = (await ctx.writes()).find((write) => write.id === clientId);
    if (!queued) toast("L'absence a été signalée à la vie scolaire.");
    else if (!queued.refused) toast("Hors ligne : l'absence sera signalée dès le retour du réseau.");
    ctx.refresh();
  } },
  el('h2', { text: 'Signaler une absence' }),
  field('abs-day', 'Du', input('abs-day', 'day', 'date', today)),
  field('abs-from', 'À partir de', input('abs-from', 'from', 'time', '08:00')),
  field('abs-to-day', 'Au', input('abs-to-day', 'to_day', 'date', today, false)),
  field('abs-to', "Jusqu'à", input('abs-to', 'to', 'time', '17:00')),
  field('abs-reason', 'Motif', el('input', { id: 'abs-reason', name: 'reason', required: true, maxlength: 200 })),
  el('button', { type: 'submit', text: 'Signaler' }));
  return form;
}
