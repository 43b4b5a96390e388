/**
 * A tiny element builder. Every piece of customer data goes in as a text node or an attribute value, never as
 * markup, so a value such as `<img onerror=...>` from a source shows as text.
 */
export function h(tag, attrs = {}, ...children) {
  const svg = SVG_TAGS.has(tag);
  const el = svg ? document.createElementNS(SVG_NS, tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) setAttr(el, name, value);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const SVG_TAGS = new Set(['svg', 'g', 'line', 'circle', 'text', 'title', 'path', 'rect']);

function setAttr(el, name, value) {
  if (value === undefined || value === null || value === false) return;
  if (name.startsWith('on') && typeof value === 'function') {
    el.addEventListener(name.slice(2).toLowerCase(), value);
  } else if (name === 'dataset') {
    Object.assign(el.dataset, value);
  } else if (name === 'value' || name === 'checked' || name === 'selected') {
    el[name] = value;
  } else {
    el.setAttribute(name, value === true ? '' : String(value));
  }
}

export function append(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Times are shown in UTC, as the API gives them, so two people comparing screens see the same value. */
export function formatTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z').replace(/Z$/, ' UTC');
}

export function timeEl(iso) {
  return h('time', { datetime: iso ?? undefined, title: iso ?? undefined }, formatTime(iso));
}

/** `{namespace, id}` or an already-formatted key, as the key the API and graph drawing use. */
export function keyOf(identity) {
  if (typeof identity === 'string') return identity;
  if (identity && typeof identity === 'object') return `${identity.namespace}:${identity.id}`;
  return String(identity);
}

export function splitKey(key) {
  const colon = key.indexOf(':');
  return colon < 0 ? { namespace: key, id: '' } : { namespace: key.slice(0, colon), id: key.slice(colon + 1) };
}

export function errorBox(error) {
  const unknownIdentity = error?.status === 404 && error?.code !== 'ROUTE_NOT_FOUND';
  const text = unknownIdentity ? 'Nothing is known about this identity.' : error?.message ?? String(error);
  const needsKey = error?.status === 401 || error?.status === 403;
  return h('p', { class: 'error', role: 'alert' }, text, error?.code ? ` (${error.code})` : '',
    needsKey ? h('span', { class: 'hint' }, ' Enter an API key with the read scope under "API key" above.') : null);
}
