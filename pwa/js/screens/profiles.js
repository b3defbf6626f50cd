// The profile list (several children, several accounts on one phone) and "Ajouter un profil".
import { selectProfile } from '../app.js';
import { h, emptyState } from '../ui.js';

export async function render(ctx) {
  ctx.main.append(h('section', { class: 'card-list' }, h('h2', { text: 'Profils sur cet appareil' }),
    ...(ctx.profiles.length ? ctx.profiles.map((p) => h('button', { type: 'button', class: 'card profile', onclick: () => {
      selectProfile(p.id);
      location.hash = '#/accueil';
    } }, h('strong', { text: p.displayName }),
    h('span', { class: 'meta', text: `${p.role === 'parent' ? 'Responsable' : 'Élève'} · ${p.schoolName}` }),
    p.children?.length ? h('span', { class: 'meta', text: p.children.map((c) => c.firstName).join(', ') }) : null))
      : [emptyState('Aucun profil sur cet appareil.')]),
    h('a', { class: 'button', href: '#/ajouter-profil', text: 'Ajouter un profil' })));
}
