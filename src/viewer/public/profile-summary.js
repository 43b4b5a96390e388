import { h, keyOf, timeEl } from './dom.js';

/** Counts and first/last seen of the profile, as a definition list. */
export function summaryView(profile) {
  const row = (term, value) => [h('dt', {}, term), h('dd', {}, value)];
  return h('section', { class: 'card summary', 'aria-labelledby': 'summary-title' },
    h('h2', { id: 'summary-title' }, 'Summary'),
    h('dl', { 'data-testid': 'summary' },
      row('Events', h('span', { 'data-testid': 'event-count' }, String(profile.eventCount ?? 0))),
      row('Identities', String(profile.identities?.length ?? 0)),
      row('Sources', (profile.sources ?? []).join(', ') || '—'),
      row('First seen', timeEl(profile.createdAt)),
      row('Last updated', timeEl(profile.updatedAt)),
      row('Last event', timeEl(profile.lastEventAt)),
      row('Profile id', h('code', {}, String(profile.profileId ?? '—')))));
}

export function identitiesView(profile) {
  const primary = profile.primaryIdentity ? keyOf(profile.primaryIdentity) : null;
  return h('section', { class: 'card identities', 'aria-labelledby': 'identities-title' },
    h('h2', { id: 'identities-title' }, 'Identities'),
    h('ul', { class: 'identity-list', 'data-testid': 'identities' },
      (profile.identities ?? []).map((identity) => h('li', { class: 'identity' },
        h('span', { class: `type-badge type-${identity.type}` }, identity.type ?? '?'),
        h('span', { class: 'ns' }, identity.namespace), ' ', h('span', { class: 'value' }, identity.id),
        keyOf(identity) === primary ? h('span', { class: 'muted' }, ' (primary)') : null))));
}

/** Merged attributes, one row per leaf, each with the source and time its value came from. */
export function attributesView(profile) {
  const leaves = flatten(profile.attributes ?? {});
  const provenance = profile.provenance ?? {};
  const rows = leaves.map(([path, value]) => {
    const origin = provenanceFor(provenance, path);
    return h('tr', { class: 'attribute', 'data-path': path },
      h('th', { scope: 'row' }, path),
      h('td', { class: 'value' }, formatValue(value)),
      h('td', { class: 'source' }, origin?.source ?? '—'),
      h('td', { class: 'observed' }, origin?.timestamp ? timeEl(origin.timestamp) : '—'));
  });
  return h('section', { class: 'card attributes', 'aria-labelledby': 'attributes-title' },
    h('h2', { id: 'attributes-title' }, 'Attributes'),
    leaves.length === 0 ? h('p', { class: 'muted' }, 'No attributes.') : h('div', { class: 'table-wrap' },
      h('table', { class: 'attributes-table', 'data-testid': 'attributes' },
        h('thead', {}, h('tr', {}, ['Attribute', 'Value', 'Source', 'Observed'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows))));
}

/** Leaf paths as the API names them in `provenance`: objects are walked, arrays are one value (replaced whole). */
export function flatten(value, prefix = '') {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [[prefix, value]];
  const entries = Object.entries(value);
  if (entries.length === 0) return prefix ? [[prefix, value]] : [];
  return entries.flatMap(([name, child]) => flatten(child, prefix ? `${prefix}.${name}` : name));
}

function provenanceFor(provenance, path) {
  for (let at = path; at; at = at.includes('.') ? at.slice(0, at.lastIndexOf('.')) : '') {
    if (provenance[at]) return provenance[at];
  }
  return undefined;
}

function formatValue(value) {
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
