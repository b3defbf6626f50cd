// The profiles on this phone (a parent and a student, two parents…) and "Ajouter un profil".
import { el } from '../dom.js';
import { plural } from '../format.js';
import { emptyState } from '../ui.js';

const ROLE = { parent: 'Responsable', student: 'Élève' };

function profileButton(ctx, profile) {
  return el('button', { type: 'button', class: 'card profile', onclick: () => ctx.selectProfile(profile.id) },
    el('strong', { text: profile.displayName }),
    el('span', { class: 'meta', text: `${ROLE[profile.role] || profile.role} · ${profile.schoolName}` }),
    profile.role === 'parent' && profile.children?.length
      ? el('span', { class: 'meta',
        text: `${plural(profile.children.length, 'Enfant', 'Enfants')} : ${profile.children.map((c) => c.firstName).join(', ')}` }) : null,
    profile.needsPairing ? el('span', { class: 'badge pending', text: 'À ajouter à nouveau' }) : null);
}

export async function render(ctx) {
  ctx.main.append(el('section', { class: 'card-list' }, el('h2', { text: 'Profils sur cet appareil' }),
    ...(ctx.profiles.length ? ctx.profiles.map((p) => profileButton(ctx, p)) : [emptyState('Aucun profil sur cet appareil.')]),
    el('a', { class: 'button', href: '#/ajouter-profil', text: 'Ajouter un profil' })));
}
