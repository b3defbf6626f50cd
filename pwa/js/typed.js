// What a person typed or chose in a form and has not sent survives a redraw of the screen (fresh data
// arriving, another write sent, a post acknowledged next to a half-answered survey). Only fields inside
// a <form> that the person changed are kept, and found again by id, else by a name that names one field
// (a radio or checkbox by name and value): text never lands in a field it was not typed in.
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

function keyOf(field) {
  if (field.id) return `#${field.id}`;
  if (!field.name) return null;
  return checkable(field) ? `${field.name}=${field.value}` : field.name;
}

function find(container, key) {
  if (key.startsWith('#')) return container.querySelector(`#${CSS.escape(key.slice(1))}`);
  const cut = key.indexOf('=');
  const [name, value] = cut < 0 ? [key, undefined] : [key.slice(0, cut), key.slice(cut + 1)];
  const candidates = [...container.querySelectorAll(`[name="${CSS.escape(name)}"]`)]
    .filter((field) => !field.id && (value === undefined || (checkable(field) && field.value === value)));
  return candidates.length === 1 ? candidates[0] : null;
}

/** key → value (or checked) of every changed field under `container`, before it is drawn again. */
export function keepTyped(container) {
  const kept = new Map();
  for (const field of container.querySelectorAll('input, textarea, select')) {
    const key = typed.has(field) ? keyOf(field) : null;
    if (key) kept.set(key, checkable(field) ? field.checked : field.value);
  }
  return kept;
}

/** Put what `keepTyped` kept back into the fields drawn anew (never over what was typed since). */
export function restoreTyped(container, kept) {
  for (const [key, value] of kept || []) {
    const field = find(container, key);
    if (!field || typed.has(field) || field.disabled || !field.form) continue;
    if (typeof value === 'boolean') field.checked = value;
    else field.value = value;
    typed.add(field);
  }
}
