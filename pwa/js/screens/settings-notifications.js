// Réglages › Notifications: the permission is asked here only (a tap on "Activer"), then what to hear
// of for each child, quiet hours (one morning digest instead), discreet lock-screen text, the reminder.
import { el, clear } from '../dom.js';
import { field, toast } from '../ui.js';

const say = (error) => toast(error.offline ? 'Hors ligne : réessayez une fois connecté.' : error.message);

function toggle(id, label, checked) {
  return el('p', { class: 'done-toggle' }, el('input', { type: 'checkbox', id, checked }), el('label', { for: id, text: label }));
}

function timeInput(id, value) {
  return el('input', { type: 'time', id, value: value || '', required: true });
}

function form(ctx, settings, children) {
  const muted = new Set(settings.muted);
  const quiet = settings.quiet_start !== null;
  const box = el('form', { class: 'card form', onsubmit: async (event) => {
    event.preventDefault();
    const checked = (id) => box.querySelector(`#${id}`).checked;
    const values = {
      muted: children.flatMap((child) => settings.kinds.filter((kind) => !checked(`n-${child.id}-${kind.id}`))
        .map((kind) => `${child.id}:${kind.id}`)),
      quiet_start: checked('n-quiet') ? box.querySelector('#n-quiet-start').value : null,
      quiet_end: checked('n-quiet') ? box.querySelector('#n-quiet-end').value : null,
      generic_text: checked('n-generic'),
      reminder_enabled: checked('n-reminder'),
      reminder_time: box.querySelector('#n-reminder-time').value || '18:00',
    };
    try {
      await ctx.push.save(values);
      toast('Réglages des notifications enregistrés.');
    } catch (error) { say(error); }
  } },
  ...children.map((child) => el('fieldset', {}, el('legend', { text: children.length > 1 ? `Pour ${child.firstName}` : 'Me prévenir de' }),
    settings.kinds.map((kind) => toggle(`n-${child.id}-${kind.id}`, kind.label, !muted.has(`${child.id}:${kind.id}`))))),
  el('fieldset', {}, el('legend', { text: 'La nuit' }),
    toggle('n-quiet', 'Rien pendant les heures de silence : un résumé le matin', quiet),
    field('n-quiet-start', 'Silence à partir de', timeInput('n-quiet-start', settings.quiet_start || '21:00')),
    field('n-quiet-end', "Jusqu'à", timeInput('n-quiet-end', settings.quiet_end || '07:00'))),
  el('fieldset', {}, el('legend', { text: 'Écran verrouillé' }),
    toggle('n-generic', 'Texte discret : « Du nouveau dans Cartable. »', settings.generic_text)),
  el('fieldset', {}, el('legend', { text: 'Rappel' }),
    toggle('n-reminder', 'Rappel du travail non fait pour le lendemain', settings.reminder_enabled),
    field('n-reminder-time', 'Heure du rappel', timeInput('n-reminder-time', settings.reminder_time))),
  el('button', { type: 'submit', text: 'Enregistrer' }));
  return box;
}

export function notificationsSection(ctx) {
  const status = el('p', { role: 'status' });
  const body = el('div');
  const children = ctx.profile.children || []; // a student's profile lists the student themself
  const section = el('section', { class: 'card-list', 'aria-labelledby': 'notifications-title' },
    el('h2', { id: 'notifications-title', text: 'Notifications' }), status, body);

  const draw = (settings) => {
    const blocked = ctx.push.permission() === 'denied';
    status.textContent = !ctx.push.supported() ? 'Les notifications ne sont pas disponibles sur cet appareil.'
      : settings.subscribed ? 'Activées sur cet appareil pour ce profil.'
        : blocked ? 'Bloquées dans les réglages du téléphone.' : 'Désactivées sur cet appareil.';
    const action = settings.subscribed
      ? el('button', { type: 'button', class: 'secondary-button', text: 'Désactiver les notifications', onclick: () => run(ctx.push.disable) })
      : el('button', { type: 'button', text: 'Activer les notifications', disabled: !ctx.push.supported(), onclick: () => run(ctx.push.enable) });
    clear(body).append(action, form(ctx, settings, children));
  };
  const run = async (change) => {
    try {
      await change();
      draw(await ctx.push.settings());
    } catch (error) { say(error); }
  };
  ctx.show('push-settings', '/api/push/settings', async (settings) => {
    // A subscription the server forgot (the push service said it was gone): made again, silently.
    if (ctx.profile.push && !settings.subscribed && ctx.push.permission() === 'granted') {
      try { settings = await ctx.push.enable(); } catch { /* shown as off: the person can try again */ }
    }
    draw(settings);
  }, { into: body });
  return section;
}
