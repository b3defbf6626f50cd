// "Réglages": device name, app lock, "Retirer ce profil" (which wipes its data on this device).
import { forgetProfile } from '../app.js';
import { h, toast } from '../ui.js';

export async function render(ctx) {
  const { profile } = ctx;
  const lock = h('input', { type: 'checkbox', id: 'lock', checked: profile.lockEnabled, onchange: async (event) => {
    const appLock = await import('../app-lock.js');
    try {
      if (event.target.checked) await appLock.enableLock(profile.id); else await appLock.disableLock(profile.id);
      toast(event.target.checked ? 'Verrouillage activé.' : 'Verrouillage désactivé.');
    } catch (error) {
      event.target.checked = !event.target.checked;
      toast(error.message || 'Impossible de modifier le verrouillage.');
    }
  } });
  ctx.main.append(
    h('section', { class: 'card-list' }, h('h2', { text: 'Ce profil' }),
      h('dl', { class: 'card facts' },
        h('dt', { text: 'Profil' }), h('dd', { text: `${profile.displayName} (${profile.role === 'parent' ? 'responsable' : 'élève'})` }),
        h('dt', { text: 'Établissement' }), h('dd', { text: profile.schoolName }),
        h('dt', { text: 'Nom de cet appareil' }), h('dd', { text: profile.deviceName || '—' }))),
    h('section', { class: 'card-list' }, h('h2', { text: 'Sécurité' }),
      h('div', { class: 'card done-toggle' }, lock, h('label', { for: 'lock', text: "Verrouiller l'application sur cet appareil" }))),
    h('section', { class: 'card-list' }, h('h2', { text: 'Retirer' }),
      h('p', { text: 'Les devoirs et messages enregistrés pour ce profil seront effacés de cet appareil.' }),
      h('button', { type: 'button', class: 'danger', text: 'Retirer ce profil', onclick: async () => {
        if (!confirm(`Retirer le profil de ${profile.displayName} de cet appareil ?`)) return;
        await forgetProfile(profile.id);
        location.hash = '#/profils';
      } })));
}
