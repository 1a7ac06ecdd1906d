// Builds DOM nodes without innerHTML, so that job payloads, results and messages are always shown as text.

/**
 * h('div', {class: 'x', dataset: {id: 1}, onclick: f, style: {'--c': 'red'}}, 'text', child, [more]) → element.
 * Props that name a DOM property (value, disabled, hidden, checked, …) are set as properties, others as attributes.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'style') for (const [name, v] of Object.entries(value)) el.style.setProperty(name, v);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** Pretty JSON for display. */
export function pretty(value) {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}
