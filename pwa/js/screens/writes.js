// Pieces the screens share for queued writes: the waiting mark, and a refused write's card, which keeps
// what the person typed in front of them with the server's reason until they let it go.
import { el } from '../dom.js';
import { toast } from '../ui.js';

export const WAITING = 'En attente d’envoi';

export function refusedCard(ctx, write, text) {
  return el('div', { class: 'card refused', role: 'group', 'aria-label': 'Non envoyé' },
    el('p', { class: 'refused-reason' }, el('strong', { text: 'Non envoyé : ' }), write.refused.message),
    el('p', { class: 'body', text }),
    el('button', { type: 'button', class: 'secondary-button', text: 'Copier le texte', onclick: async () => {
      try { await navigator.clipboard.writeText(text); toast('Texte copié.'); } catch { toast('Sélectionnez le texte pour le copier.'); }
    } }),
    el('button', { type: 'button', class: 'secondary-button', text: 'Supprimer', onclick: async () => {
      await ctx.forgetWrite(write.id);
      ctx.refresh();
    } }));
}
