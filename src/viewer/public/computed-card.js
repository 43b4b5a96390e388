import { h } from './dom.js';

/**
 * The profile's computed attributes (API.md "Computed attributes"): one row per definition with its value now, or
 * as it was under asOf. The values come with the profile body, so the card costs no request of its own.
 */
export function computedView(profile, { asOf } = {}) {
  const entries = Object.entries(profile.computed ?? {});
  const rows = entries.map(([name, value]) => h('tr', { 'data-computed': name },
    h('th', { scope: 'row' }, name),
    h('td', { class: 'value' }, formatComputed(value))));
  const empty = entries.length ? null : h('p', { class: 'muted' },
    asOf ? 'No computed attribute was defined at that moment.' : 'No computed attribute is defined.');
  return h('section', { class: 'card computed', 'aria-labelledby': 'computed-title' },
    h('h2', { id: 'computed-title' }, 'Computed'),
    entries.length ? h('table', { class: 'computed-values', 'data-testid': 'computed' }, h('tbody', {}, rows)) : empty,
    h('p', {}, h('a', { href: '#/computed' }, 'Definitions')));
}

export function formatComputed(value) {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.length ? value.map(String).join(', ') : '(none)';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toLocaleString('en-US', { maximumFractionDigits: 4 });
  return String(value);
}
