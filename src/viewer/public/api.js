/** The public HTTP API of API.md, and nothing else: the viewer has no private channel into the service. */
const KEY_STORAGE = 'tessera.apiKey';

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function getApiKey() {
  return sessionStorage.getItem(KEY_STORAGE) ?? '';
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function request(method, path, params, body) {
  const headers = { accept: 'application/json' };
  const key = getApiKey();
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path + query(params), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const error = payload?.error ?? {};
    throw new ApiError(response.status, error.code ?? `HTTP_${response.status}`, error.message ?? response.statusText,
      error.details ?? []);
  }
  return payload;
}

/** `/{namespace}/{id}` with the id percent-encoded: values hold `+`, `/`, `@`, spaces. */
export function identityPath(identity) {
  return `${encodeURIComponent(identity.namespace)}/${encodeURIComponent(identity.id)}`;
}

/** URL parsers drop `.` and `..` path segments (percent-encoded too): such a value never reaches the service in a path. */
export function travelsInPath(identity) {
  return identity.id !== '.' && identity.id !== '..';
}

/**
 * The profile read has a query-string form for identities no path can carry. The other reads exist by path only;
 * events, graph and history answer for the whole graph, so they go through another identity of the same profile,
 * learnt from its profile read (explain, whose answer depends on where it starts, is asked from the other end).
 */
const standIns = new Map();
const standInKey = (identity) => `${identity.namespace}:${identity.id}`;
const pathIdentity = (identity) => (travelsInPath(identity) ? identity : standIns.get(standInKey(identity)) ?? identity);
const profileBase = (identity) => `/v1/profiles/${identityPath(pathIdentity(identity))}`;

async function readProfile(identity, params) {
  const profile = travelsInPath(identity)
    ? await request('GET', profileBase(identity), params)
    : await request('GET', '/v1/profiles/lookup', { ...params, namespace: identity.namespace, id: identity.id });
  const identities = profile?.identities ?? [];
  const standIn = identities.find(travelsInPath);
  if (!standIn) return profile;
  for (const stuck of identities.filter((known) => !travelsInPath(known))) {
    standIns.set(standInKey(stuck), { namespace: standIn.namespace, id: standIn.id });
  }
  return profile;
}

async function explainPath(identity, params) {
  if (travelsInPath(identity)) return request('GET', `${profileBase(identity)}/graph/explain`, params);
  const at = params.to.indexOf(':');
  const other = { namespace: params.to.slice(0, at), id: params.to.slice(at + 1) };
  const body = await request('GET', `/v1/profiles/${identityPath(other)}/graph/explain`, { ...params, to: standInKey(identity) });
  return { ...body, from: body.to, to: body.from, links: [...(body.links ?? [])].reverse() };
}

export const api = {
  computedAttributes: () => request('GET', '/v1/computed-attributes'),
  settings: () => request('GET', '/v1/identity/settings'),
  mergePolicies: () => request('GET', '/v1/merge-policies'),
  profiles: (params) => request('GET', '/v1/profiles', params),
  profile: readProfile,
  events: (identity, params) => request('GET', `${profileBase(identity)}/events`, params),
  graph: (identity, params) => request('GET', `${profileBase(identity)}/graph`, params),
  history: (identity, params) => request('GET', `${profileBase(identity)}/history`, params),
  explain: explainPath,
  simulate: (body) => request('POST', '/v1/identity/simulate', undefined, body),
  audiences: () => request('GET', '/v1/audiences'),
  audience: (id) => request('GET', `/v1/audiences/${encodeURIComponent(id)}`),
  saveAudience: (id, body) => request('PUT', `/v1/audiences/${encodeURIComponent(id)}`, undefined, body),
  deleteAudience: (id) => request('DELETE', `/v1/audiences/${encodeURIComponent(id)}`),
  previewAudience: (body) => request('POST', '/v1/audiences/preview', undefined, body),
  audienceMembers: (id, params) => request('GET', `/v1/audiences/${encodeURIComponent(id)}/members`, params),
  explainMembership: (identity, id, params) =>
    request('GET', `${profileBase(identity)}/audiences/${encodeURIComponent(id)}/explain`, params),
};

/** List endpoints name their page and cursor slightly differently; the viewer accepts each spelling. */
export function pageOf(body) {
  const items = Array.isArray(body) ? body : body?.items ?? body?.profiles ?? body?.entries ?? body?.history ?? [];
  return { items, nextCursor: body?.nextCursor ?? body?.next ?? body?.cursor ?? null };
}
