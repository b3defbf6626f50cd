// "Vie scolaire": absences, lateness, remarks, punishments; a parent reports an absence.
import { cached, sendJson, route } from '../app.js';
import { h, clear, emptyState, formatDay, formatMoment, section, toast } from '../ui.js';

export async function render(ctx) {
  const body = h('div');
  ctx.main.append(body);
  if (ctx.profile.role === 'parent') ctx.main.append(reportForm(ctx));
  await cached(ctx, `vie-scolaire:${ctx.studentId}`, `/api/students/${ctx.studentId}/vie-scolaire`, (data) => {
    clear(body).append(
      section('Absences', ...(data.absences.length ? data.absences.map((a) => h('article', { class: 'card' },
        h('p', {}, h('strong', { text: `Du ${formatMoment(a.starts_at)} au ${formatMoment(a.ends_at)}` })),
        a.reason ? h('p', { text: a.reason }) : null,
        h('p', { class: `badge ${a.justification_state}`, text: a.justification_label }))) : [emptyState('Aucune absence.')])),
      section('Retards', ...(data.lateness.length ? data.lateness.map((x) => h('article', { class: 'card' },
        h('p', {}, h('strong', { text: `${formatMoment(x.occurred_at)} · ${x.minutes} min` })),
        h('p', { class: 'badge', text: x.justified ? 'Justifié' : 'Non justifié' }))) : [emptyState('Aucun retard.')])),
      section('Observations', ...(data.remarks.length ? data.remarks.map((r) => h('article', { class: 'card' },
        h('p', { class: 'meta' }, h('strong', { text: r.kind }), ` · ${r.author} · ${formatMoment(r.created_at)}`),
        r.text ? h('p', { text: r.text }) : null)) : [emptyState('Aucune observation.')])),
      section('Punitions', ...(data.punishments.length ? data.punishments.map((p) => h('article', { class: 'card' },
        h('p', { class: 'meta' }, h('strong', { text: p.kind }), ` · ${p.author}`),
        h('p', { text: p.reason }),
        p.due_on ? h('p', { class: 'meta', text: `À faire pour le ${formatDay(p.due_on)}${p.done ? ' · Fait' : ''}` }) : null))
        : [emptyState('Aucune punition.')])));
  });
}

function reportForm(ctx) {
  const today = new Date().toISOString().slice(0, 10);
  const form = h('form', { class: 'card form', onsubmit: async (event) => {
    event.preventDefault();
    const f = new FormData(form);
    const at = (day, time) => new Date(`${day}T${time}`).toISOString();
    try {
      await sendJson(ctx.profile, `/api/students/${ctx.studentId}/absences`, 'POST', {
        starts_at: at(f.get('day'), f.get('from')), ends_at: at(f.get('to_day') || f.get('day'), f.get('to')),
        reason: f.get('reason') });
      toast("L'absence a été signalée à la vie scolaire.");
      route();
    } catch (error) {
      toast(navigator.onLine ? error.message : 'Hors ligne : réessayez une fois connecté.');
    }
  } },
  h('h2', { text: 'Signaler une absence' }),
  field('abs-day', 'Du', h('input', { id: 'abs-day', name: 'day', type: 'date', required: true, value: today })),
  field('abs-from', 'À partir de', h('input', { id: 'abs-from', name: 'from', type: 'time', required: true, value: '08:00' })),
  field('abs-to-day', 'Au', h('input', { id: 'abs-to-day', name: 'to_day', type: 'date', value: today })),
  field('abs-to', "Jusqu'à", h('input', { id: 'abs-to', name: 'to', type: 'time', required: true, value: '17:00' })),
  field('abs-reason', 'Motif', h('input', { id: 'abs-reason', name: 'reason', required: true, maxlength: 200 })),
  h('button', { type: 'submit', text: 'Signaler' }));
  return form;
}

export function field(id, label, input) {
  return h('p', { class: 'field' }, h('label', { for: id, text: label }), input);
}
