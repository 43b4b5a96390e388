import { api, pageOf } from './api.js';
import { h, append, errorBox, timeEl } from './dom.js';

/** #/computed: every computed-attribute definition with what it computes, its status and backfill progress. */
export async function renderComputedPage(page) {
  append(page, h('h1', {}, 'Computed attributes'));
  try {
    const { items } = pageOf(await api.computedAttributes());
    page.append(items.length ? definitionTable(items) : h('p', { class: 'status', role: 'status' }, 'No computed attributes yet.'));
  } catch (error) {
    page.append(errorBox(error));
  }
}

function definitionTable(items) {
  const rows = items.map((d) => h('tr', { 'data-computed-definition': d.name },
    h('th', { scope: 'row' }, d.name),
    h('td', {}, h('code', {}, d.field ? `${d.function}(${d.field})` : d.function)),
    h('td', {}, eventTypes(d.eventType)),
    h('td', {}, d.where ? h('code', {}, JSON.stringify(d.where)) : '—'),
    h('td', {}, d.window?.last ?? 'all time'),
    h('td', { 'data-testid': `status-${d.name}` }, d.status),
    h('td', { class: 'num' }, progress(d)),
    h('td', { class: 'num' }, String(d.version)),
    h('td', {}, timeEl(d.updatedAt))));
  const headings = ['Name', 'Computes', 'Events', 'Where', 'Window', 'Status', 'Progress', 'Version', 'Updated'];
  return h('table', { class: 'computed-definitions', 'data-testid': 'computed-list' },
    h('thead', {}, h('tr', {}, headings.map((label) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, rows));
}

function eventTypes(eventType) {
  if (eventType === undefined) return 'every event';
  return Array.isArray(eventType) ? eventType.join(', ') : eventType;
}

function progress(d) {
  const { done = 0, total = 0 } = d.progress ?? {};
  if (d.status === 'ready') return `${done} / ${total}`;
  return h('progress', { max: String(Math.max(total, 1)), value: String(done), 'aria-label': `${d.name} backfill` }, `${done} / ${total}`);
}
