// The bourse scale of a school year as a grid: one row per number of dependent children, one column per
// échelon (income ceilings in euros), and the yearly amount of each échelon. The administrator edits
// it (its shape too: how many échelons, how many rows); staff read it.
import { api, el, say } from './espace.js';
import { field } from './widgets.js';
import { count } from '/js/format.js';

const $ = (id) => document.getElementById(id);

function number(id, value, label, readOnly) {
  return el('input', { type: 'number', id, min: 0, value: value ?? '', readOnly, 'aria-label': label });
}

function grid(shape, values, readOnly) {
  const { echelons, children } = shape;
  const heads = Array.from({ length: echelons }, (_, e) => el('th', { scope: 'col' }, `Échelon ${e + 1}`));
  const amounts = Array.from({ length: echelons }, (_, e) => el('td', {},
    number(`amount-${e + 1}`, values.amounts[e + 1], `Montant annuel de l'échelon ${e + 1} (euros)`, readOnly)));
  const rows = Array.from({ length: children }, (_, n) => el('tr', {},
    el('th', { scope: 'row' }, n + 1 === children ? `${n + 1} et plus` : String(n + 1)),
    ...Array.from({ length: echelons }, (_, e) => el('td', {}, number(`ceiling-${n + 1}-${e + 1}`,
      values.ceilings[`${n + 1}-${e + 1}`], `Plafond pour ${count(n + 1, 'enfant', 'enfants')}, échelon ${e + 1} (euros)`, readOnly)))));
  return el('table', { class: 'grid ts-scale' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Enfants à charge'), ...heads)),
    el('tbody', {}, ...rows, el('tr', {}, el('th', { scope: 'row' }, 'Montant annuel (€)'), ...amounts)));
}

function read(shape) {
  const echelons = Array.from({ length: shape.echelons }, (_, e) => ({
    echelon: e + 1, yearly_amount_cents: Math.round(Number($(`amount-${e + 1}`).value) * 100) }));
  const ceilings = [];
  for (let n = 1; n <= shape.children; n += 1) {
    for (let e = 1; e <= shape.echelons; e += 1) {
      ceilings.push({ dependent_children: n, echelon: e, max_income: Number($(`ceiling-${n}-${e}`).value) });
    }
  }
  return { echelons, ceilings };
}

// `query` names the school year ("?school_year_id=…"; empty: the current one).
export async function showScale(context, run, query = '') {
  const name = $('scale-name').value;
  const scale = await run(() => api(`/api/school/teleservices/scales/${name}${query}`));
  if (!scale) return;
  const values = { amounts: {}, ceilings: {} };
  for (const e of scale.echelons) values.amounts[e.echelon] = e.yearly_amount_cents / 100;
  for (const c of scale.ceilings) values.ceilings[`${c.dependent_children}-${c.echelon}`] = c.max_income;
  const shape = { echelons: scale.echelons.length || 3, children: Math.max(0, ...scale.ceilings.map((c) => c.dependent_children)) || 8 };
  const holder = el('div', {}, grid(shape, values, !context.admin));
  if (!context.admin) {
    $('scale').replaceChildren(el('p', { class: 'hint' }, `Année ${scale.school_year}.`), holder);
    return;
  }
  const echelons = el('input', { type: 'number', id: 'scale-echelons', min: 1, max: 20, value: shape.echelons });
  const children = el('input', { type: 'number', id: 'scale-children', min: 1, max: 20, value: shape.children });
  // Redrawn on request only: redrawing while the user tabs into the grid would lose their place.
  const clamp = (input) => Math.min(20, Math.max(1, Math.round(Number(input.value)) || 1));
  const reshape = el('button', { type: 'button', class: 'secondary', onclick: () => {
    Object.assign(values, readValues(shape));
    shape.echelons = clamp(echelons);
    shape.children = clamp(children);
    holder.replaceChildren(grid(shape, values, false));
  } }, 'Redessiner la grille');
  const save = el('button', { type: 'button', onclick: () => run(async () => {
    await api(`/api/school/teleservices/scales/${name}${query}`, { method: 'PUT', body: read(shape) });
    say($('scale-status'), `Barème ${scale.school_year} enregistré.`);
  }) }, 'Enregistrer le barème');
  $('scale').replaceChildren(el('p', { class: 'hint' }, `Année ${scale.school_year}.`),
    el('div', { class: 'row' }, field('Nombre d\'échelons', echelons), field('Lignes (enfants à charge)', children), reshape),
    holder, save);
}

function readValues(shape) {
  const { echelons, ceilings } = read(shape);
  return {
    amounts: Object.fromEntries(echelons.map((e) => [e.echelon, e.yearly_amount_cents / 100])),
    ceilings: Object.fromEntries(ceilings.map((c) => [`${c.dependent_children}-${c.echelon}`, c.max_income])),
  };
}
