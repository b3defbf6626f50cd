// "Réglages": this profile, notifications, the calendar link, appearance, the app lock, and
// "Retirer ce profil" (which wipes its data on this phone).
import { el } from '../dom.js';
import { toast } from '../ui.js';
import { calendarSection } from './settings-calendar.js';
import { notificationsSection } from './settings-notifications.js';

const THEMES = [['auto', 'Comme le téléphone'], ['light', 'Clair'], ['dark', 'Sombre']];

function appearance(ctx) {
  const current = ctx.theme();
  return el('section', { class: 'card-list' }, el('h2', { text: 'Apparence' }),
    el('fieldset', { class: 'card' }, el('legend', { text: 'Thème' }),
      THEMES.map(([value, label]) => el('label', { class: 'choice' },
        el('input', { type: 'radio', name: 'theme', value, checked: value === current, onchange: () => ctx.setTheme(value) }),
        ` ${label}`))));
}

export async function render(ctx) {
  const { profile } = ctx;
  const lock = el('input', { type: 'checkbox', id: 'lock', checked: profile.lockEnabled, onchange: async (event) => {
    const enabled = event.target.checked;
    try {
      await ctx.setLock(enabled);
      toast(enabled ? 'Verrouillage activé.' : 'Verrouillage désactivé.');
    } catch (error) {
      event.target.checked = !enabled;
      toast(error.message || 'Impossible de modifier le verrouillage.');
    }
  } });
  ctx.main.append(
    el('section', { class: 'card-list' }, el('h2', { text: 'Ce profil' }),
      el('dl', { class: 'card facts' },
        el('dt', { text: 'Profil' }), el('dd', { text: `${profile.displayName} (${profile.role === 'parent' ? 'responsable' : 'élève'})` }),
        el('dt', { text: 'Établissement' }), el('dd', { text: profile.schoolName }),
        el('dt', { text: 'Nom de cet appareil' }), el('dd', { text: profile.deviceName || '—' })),
      el('a', { class: 'button secondary', href: '#/profils', text: 'Changer de profil' })),
    notificationsSection(ctx),
    calendarSection(ctx),
    appearance(ctx),
    el('section', { class: 'card-list' }, el('h2', { text: 'Sécurité' }),
      el('div', { class: 'card done-toggle' }, lock, el('label', { for: 'lock', text: "Verrouiller l'application sur cet appareil" }))),
    el('section', { class: 'card-list' }, el('h2', { text: 'Retirer' }),
      el('p', { text: 'Les devoirs et messages enregistrés pour ce profil seront effacés de cet appareil.' }),
      el('button', { type: 'button', class: 'danger', text: 'Retirer ce profil', onclick: async () => {
        if (!confirm(`Retirer le profil de ${profile.displayName} de cet appareil ?`)) return;
        await ctx.removeProfile();
        location.hash = '#/profils';
      } })));
}
