/**
 * Hash routes, so the service serves one page and every view is a link a person can share:
 *   #/                                   search and browse
 *   #/profile/{namespace}/{id}?asOf=&mergePolicy=&tab=
 *   #/simulator
 *   #/audiences, #/audiences/{id} (an editor; `new` for a new audience)
 *   #/computed                           the computed-attribute definitions with their status
 */
export function parseRoute(hash) {
  const raw = (hash ?? '').replace(/^#/, '');
  const [path, search = ''] = splitOnce(raw, '?');
  const params = Object.fromEntries(new URLSearchParams(search));
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'simulator') return { name: 'simulator', params };
  if (parts[0] === 'audiences') return { name: 'audiences', audienceId: parts[1] ? safeDecode(parts[1]) : undefined, params };
  if (parts[0] === 'computed') return { name: 'computed', params };
  if (parts[0] === 'profile' && parts.length >= 3) {
    const namespace = safeDecode(parts[1]);
    const id = safeDecode(parts.slice(2).join('/'));
    return { name: 'profile', identity: { namespace, id }, params };
  }
  return { name: 'search', params };
}

export function profileHref(identity, params = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const suffix = search.toString() ? `?${search}` : '';
  return `#/profile/${encodeURIComponent(identity.namespace)}/${encodeURIComponent(identity.id)}${suffix}`;
}

/** Changes the query part of the current profile route without adding a history entry per keystroke. */
export function updateParams(route, changes) {
  const params = { ...route.params, ...changes };
  const href = profileHref(route.identity, params);
  history.replaceState(null, '', href);
  return { ...route, params: Object.fromEntries(Object.entries(params).filter(([, v]) => v)) };
}

function splitOnce(text, separator) {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

function safeDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
