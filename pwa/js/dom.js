// The one DOM helper of the phone app and the espace: no framework, no innerHTML except for
// server-sanitised rich text (`html`).
//
// el(tag, props, ...children): `class`, `text`, `html`, `style` ({'--subject': '#c00'}: CSSOM, which
// the CSP allows), `on<event>` listeners; any other key becomes the element's property when it has one
// of the same type (`checked`, `value`, `maxLength`), an attribute otherwise (`for`, `aria-label`,
// `data-x`, `spellcheck: 'false'`). null, undefined and false are left out, children are flattened.
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'html') node.innerHTML = value; // only nh3-sanitised HTML from the API
    else if (key === 'style') for (const [name, v] of Object.entries(value)) node.style.setProperty(name, v);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key in node && typeof node[key] === typeof value) node[key] = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}
