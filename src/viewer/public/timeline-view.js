import { api, pageOf } from './api.js';
import { h, keyOf, errorBox, timeEl } from './dom.js';
import { scrollPager } from './paging.js';

const PAGE_SIZE = 25;

/** The person's events, newest first, a page at a time as the list scrolls; filterable by event type. */
export function timelineView(identity, { asOf } = {}) {
  const filter = h('select', { id: 'timeline-type', name: 'type' }, h('option', { value: '' }, 'All types'));
  const list = h('ol', { class: 'timeline', 'data-testid': 'timeline' });
  const more = h('button', { type: 'button', class: 'more', 'data-testid': 'timeline-more', hidden: true },
    'Load older events');
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const knownTypes = new Set();
  let cursor;
  let generation = 0;

  const loadPage = async () => {
    const mine = generation;
    try {
      const params = { order: 'desc', limit: PAGE_SIZE, cursor, type: filter.value, asOf };
      const { items, nextCursor } = pageOf(await api.events(identity, params));
      if (mine !== generation) return false;
      for (const item of items) list.append(eventItem(item));
      rememberTypes(items, knownTypes, filter);
      cursor = nextCursor;
      more.hidden = !cursor;
      status.textContent = list.children.length ? `${list.children.length} events shown` : 'No events.';
      return Boolean(cursor);
    } catch (error) {
      status.replaceChildren(errorBox(error));
      return false;
    }
  };
  const run = scrollPager(more, loadPage);
  more.addEventListener('click', () => void run());
  filter.addEventListener('change', () => {
    generation += 1;
    cursor = undefined;
    list.replaceChildren();
    void run();
  });
  const view = h('div', { class: 'timeline-view' },
    h('div', { class: 'field inline' }, h('label', { for: 'timeline-type' }, 'Event type'), filter),
    list, status, more);
  return { view, start: () => run() };
}

function rememberTypes(items, knownTypes, select) {
  for (const item of items) {
    if (!item.type || knownTypes.has(item.type)) continue;
    knownTypes.add(item.type);
    select.append(h('option', { value: item.type }, item.type));
  }
}

function eventItem(event) {
  const primary = event.primaryIdentity ? keyOf(event.primaryIdentity) : null;
  const identities = (event.identities ?? []).map(keyOf).map((key) => (key === primary ? `${key} (primary)` : key));
  const hasData = event.data && Object.keys(event.data).length > 0;
  return h('li', { class: 'timeline-event', 'data-testid': 'timeline-event', 'data-type': event.type },
    h('div', { class: 'event-head' },
      timeEl(event.timestamp),
      h('span', { class: 'event-type' }, event.type),
      h('span', { class: 'muted' }, `from ${event.source ?? '?'}`),
      h('span', { class: 'event-identities muted' }, identities.join(' · '))),
    hasData ? h('details', { class: 'event-data' }, h('summary', {}, 'Data'), h('pre', {}, JSON.stringify(event.data, null, 2)))
      : null);
}
