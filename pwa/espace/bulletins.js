// Bulletins: families read the published ones (and download the server's PDF); teachers write their
// appreciations, the vie scolaire the council's, the head of school publishes (bulletins-school.js).
import { api, el, reporter } from './espace.js';
import { formatDate } from '/js/format.js';
import { $, childPicker, startPage } from './widgets.js';
import { showSchoolSide } from './bulletins-school.js';
import { showBulletin } from './bulletin-view.js';

const run = reporter($('error'));

async function showChild(studentId) {
  $('bulletin').hidden = true;
  const published = await run(() => api(`/api/students/${studentId}/bulletins`));
  if (!published) return;
  $('published').replaceChildren(...published.map((item) => el('li', { class: 'item' },
    el('h3', {}, item.period.name), el('p', { class: 'hint' }, `Publié le ${formatDate(item.visible_from)}`),
    el('div', { class: 'actions' },
      el('button', { type: 'button', 'aria-label': `Lire le bulletin : ${item.period.name}`, onclick: () => run(async () => {
        showBulletin(await api(`/api/students/${studentId}/bulletins/${item.period.id}`), item.pdf_url);
        $('bulletin-title').focus();
      }) }, 'Lire'),
      el('a', { href: item.pdf_url, download: '', 'aria-label': `PDF du bulletin : ${item.period.name}` }, 'PDF')))));
  $('none').hidden = published.length > 0;
}

(async () => {
  const me = await startPage('Bulletins');
  if (!me) return;
  if (['student', 'parent'].includes(me.user.role)) {
    $('family').hidden = false;
    childPicker(me, $('child-slot'), showChild);
  } else {
    await showSchoolSide(me, run);
  }
})();
