// One wish of a fiche dialogue as a small form: the track, then what that track needs (a field for a
// 2de pro or a CAP, a series for a 1re techno, three specialities for a 1re générale). Used by the
// families' wishes and the class council's proposal.
import { el } from './espace.js';
import { field } from './widgets.js';

export function wishEditor(choices, wish, prefix, legend) {
  const track = el('select', { id: `${prefix}-track` }, el('option', { value: '' }, '—'),
    ...choices.tracks.map((t) => el('option', { value: t.code, selected: wish?.track === t.code }, t.label)));
  const detail = el('input', { type: 'text', id: `${prefix}-detail`, maxLength: 120,
    value: choices.tracks_with_field.includes(wish?.track) ? wish.detail : '' });
  const series = el('select', { id: `${prefix}-series` }, el('option', { value: '' }, '—'),
    ...choices.series.map((s) => el('option', { value: s.code, selected: wish?.detail === s.code }, `${s.code} — ${s.label}`)));
  const boxes = choices.specialities.map((s) => el('input', { type: 'checkbox', value: s.code,
    id: `${prefix}-spe-${s.code}`, checked: (wish?.specialities || []).includes(s.code) }));
  const detailField = field('Spécialité ou famille de métiers', detail);
  const seriesField = field('Série', series);
  const specialities = el('fieldset', { class: 'checks' },
    el('legend', {}, `Spécialités (${choices.speciality_count})`),
    ...boxes.map((box, index) => el('label', { htmlFor: box.id }, box, ` ${choices.specialities[index].label}`)));
  const update = () => {
    detailField.hidden = !choices.tracks_with_field.includes(track.value);
    seriesField.hidden = track.value !== '1t';
    specialities.hidden = track.value !== '1g';
  };
  track.addEventListener('change', update);
  update();
  const node = el('fieldset', { class: 'ts-wish' }, el('legend', {}, legend),
    field('Voie', track), detailField, seriesField, specialities);
  const value = () => {
    if (!track.value) return null;
    if (track.value === '1t') return { track: track.value, detail: series.value };
    if (track.value === '1g') return { track: track.value, specialities: boxes.filter((b) => b.checked).map((b) => b.value) };
    return { track: track.value, detail: choices.tracks_with_field.includes(track.value) ? detail.value : '' };
  };
  return { node, value };
}
