// "Cantine": the week's published menus (#/cantine, #/cantine/<day>), each dish with its allergens and
// the vegetarian label; Accueil shows today's and tomorrow's with menuCard().
import { el, clear } from '../dom.js';
import { addDays, formatDay, localToday, mondayOf } from '../format.js';
import { emptyState } from '../ui.js';

const VEGETARIAN = 'Végétarien';

export function menuCard(menu, title = formatDay(menu.day)) {
  return el('article', { class: 'card menu' },
    el('p', { class: 'split' }, el('strong', { text: title }),
      menu.vegetarian ? el('span', { class: 'badge done', text: 'Menu végétarien' }) : null),
    el('ul', { class: 'dishes' }, menu.dishes.map((dish) => el('li', {},
      el('span', { class: 'meta', text: `${dish.course_label} : ` }), dish.name,
      dish.vegetarian && !menu.vegetarian ? el('span', { class: 'badge done', text: VEGETARIAN }) : null,
      dish.allergens.length ? el('p', { class: 'meta', text: `Allergènes : ${dish.allergens.map((a) => a.label).join(', ')}` }) : null))));
}

export async function render(ctx) {
  const monday = mondayOf(ctx.params[0] || localToday());
  const body = el('div', { class: 'canteen-week' }); // a column per day on a desktop (app.css)
  ctx.main.append(el('nav', { class: 'pager', 'aria-label': 'Semaine' },
    el('a', { href: `#/cantine/${addDays(monday, -7)}`, 'aria-label': 'Semaine précédente', text: '‹' }),
    el('span', { class: 'pager-label', text: `Semaine du ${formatDay(monday)}` }),
    el('a', { href: `#/cantine/${addDays(monday, 7)}`, 'aria-label': 'Semaine suivante', text: '›' })), body);
  await ctx.show(`canteen:${monday}`, `/api/canteen/menus?start=${monday}&end=${addDays(monday, 6)}`, (data) => {
    const byDay = new Map(data.menus.map((menu) => [menu.day, menu]));
    const days = [...new Set([0, 1, 2, 3, 4].map((n) => addDays(monday, n)).concat(data.menus.map((m) => m.day)))].sort();
    clear(body).append(...days.map((day) => (byDay.has(day) ? menuCard(byDay.get(day))
      : el('div', { class: 'card menu' }, el('strong', { text: formatDay(day) }), emptyState('Menu non publié.')))));
  }, { into: body });
}
