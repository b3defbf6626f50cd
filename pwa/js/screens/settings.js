// "Réglages": this profile, the app lock, "Retirer ce profil" (which wipes its data on this phone).
import { el } from '../dom.js';
import { toast } from '../ui.js';

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
