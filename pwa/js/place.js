// The person's place on a screen survives the screen being drawn again (fresh data arriving, another
// write sent, a post acknowledged next to a half-answered survey): where the keyboard was, and what was
// typed or chosen in its forms and not sent. Only fields inside a <form> that the person changed are
// kept, found again by id, else by a name that names one field (a radio or checkbox by name and value):
// text never lands in a field it was not typed in.
const typed = new WeakSet();

/** Record the person's changes under `container` (once per container). */
export function watchTyping(container) {
  container.addEventListener('input', (event) => {
    if (event.target.form && event.target.type !== 'file') typed.add(event.target);
  });
  // A form sent (its write is queued now, kept and shown as such) or emptied keeps nothing: the next
  // redraw draws it from the data. Caught on the way down, before the form's own handler awaits.
  const forget = (event) => {
    for (const field of event.target.elements || []) typed.delete(field);
  };
  container.addEventListener('submit', forget, true);
  container.addEventListener('reset', forget, true);
}

const checkable = (field) => field.type === 'radio' || field.type === 'checkbox';

/**
 * The place under `container`, about to be drawn again. `carried`: the place a redraw superseded by
 * this one kept (focus had already fallen to the page by then); what is on screen now wins over it.
 */
export function keepPlace(container, carried = null) {
  const fields = new Map(carried?.fields);
  for (const field of container.querySelectorAll('input, textarea, select')) {
    if (!typed.has(field) || (!field.id && !field.name)) continue;
    const choice = checkable(field) ? field.value : undefined;
    fields.set(`${field.id}|${field.name}|${choice}`,
      { id: field.id, name: field.name, choice, state: checkable(field) ? field.checked : field.value });
  }
  return { focus: focusMark(container) || carried?.focus || null, fields };
}

/** Put the place back on the screen drawn anew (never over what was typed, or focused, since). */
export function restorePlace(container, place) {
  for (const kept of place?.fields.values() || []) {
    const field = findField(container, kept);
    if (!field || typed.has(field) || field.disabled || !field.form) continue;
    if (kept.choice !== undefined) field.checked = kept.state;
    else field.value = kept.state;
    typed.add(field);
  }
  if (place?.focus) restoreFocus(container, place.focus);
}

function findField(container, { id, name, choice }) {
  if (id) return container.querySelector(`#${CSS.escape(id)}`);
  const same = [...container.querySelectorAll(`[name="${CSS.escape(name)}"]`)]
    .filter((field) => !field.id && (choice === undefined || (checkable(field) && field.value === choice)));
  return same.length === 1 ? same[0] : null;
}

/** Where the keyboard is: its id, else the how-manieth of its kind. */
function focusMark(container) {
  const node = document.activeElement;
  if (!node || node === container || !container.contains(node)) return null;
  return { id: node.id, tag: node.tagName, index: [...container.querySelectorAll(node.tagName)].indexOf(node) };
}

/** A redraw removed the focused control: focus its new self, so a keyboard or screen-reader user goes
 * on where they were instead of from the top of the page. */
function restoreFocus(container, mark) {
  if (document.activeElement && document.activeElement !== document.body) return; // they moved on
  const node = (mark.id && document.getElementById(mark.id)) || container.querySelectorAll(mark.tag)[mark.index];
  (node && container.contains(node) ? node : container).focus({ preventScroll: true });
}
