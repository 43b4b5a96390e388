import { api, pageOf } from './api.js';
import { h, keyOf, errorBox, timeEl } from './dom.js';
import { scrollPager } from './paging.js';

const PAGE_SIZE = 50;

const KIND_NAMES = {
  settingsChanged: 'identity settings changed',
  linkRejected: 'link rejected by an operator',
  linkRejectionWithdrawn: 'link rejection withdrawn',
  windowLapse: 'a window lapsed (no new event)',
  audienceDefinition: 'an audience definition changed',
};

/**
 * What shaped the profile, oldest first, a page at a time: each log entry's kind, when it was logged and
 * observed, and what it changed (attributes before → after, links added, removed or restored and why, identities
 * joining or leaving). The raw entry stays one click away for anything not summarised.
 */
export function historyView(identity, { asOf } = {}) {
  const list = h('ol', { class: 'history', 'data-testid': 'history' });
  const more = h('button', { type: 'button', class: 'more', hidden: true }, 'Load later changes');
  const status = h('p', { class: 'status', role: 'status' });
  let cursor;
  const run = scrollPager(more, async () => {
    try {
      const { items, nextCursor } = pageOf(await api.history(identity, { asOf, limit: PAGE_SIZE, cursor }));
      for (const entry of items) list.append(historyItem(entry));
      cursor = nextCursor;
      more.hidden = !cursor;
      status.textContent = list.children.length ? '' : 'No history.';
      return Boolean(cursor);
    } catch (error) {
      status.replaceChildren(errorBox(error));
      return false;
    }
  });
  more.addEventListener('click', () => void run());
  return { view: h('div', { class: 'history-view' }, list, status, more), start: () => run() };
}

/** The log time of a history entry: what `asOf` compares against. */
export function loggedAt(entry) {
  return entry.recordedAt ?? entry.loggedAt ?? entry.at;
}

export function entryTitle(entry) {
  if (KIND_NAMES[entry.kind]) return KIND_NAMES[entry.kind];
  const kind = [entry.kind ?? entry.type ?? 'change', entry.item?.type].filter(Boolean).join(' ');
  const source = entry.item?.source ?? entry.source;
  return source ? `${kind} from ${source}` : kind;
}

/** True when the entry changed the identity graph (not only attributes): a step worth replaying. */
export function changesGraph(entry) {
  const changes = entry.changes ?? {};
  return ['linksAdded', 'linksRemoved', 'linksRestored', 'identitiesJoined', 'identitiesLeft']
    .some((name) => Array.isArray(changes[name]) && changes[name].length > 0);
}

function historyItem(entry) {
  const observed = entry.item?.timestamp ?? entry.timestamp;
  return h('li', { class: 'history-entry', 'data-testid': 'history-entry', 'data-kind': entry.kind },
    h('div', { class: 'event-head' },
      timeEl(loggedAt(entry)),
      h('span', { class: 'event-type' }, entryTitle(entry)),
      observed ? h('span', { class: 'muted' }, 'observed ', timeEl(observed)) : null),
    changesList(entry),
    h('details', { class: 'event-data' }, h('summary', {}, 'Raw entry'), h('pre', {}, JSON.stringify(entry, null, 2))));
}

function changesList(entry) {
  const changes = entry.changes ?? {};
  const lines = [
    ...attributeLines(changes.attributes),
    ...linkLines(changes.linksAdded, 'linked'),
    ...linkLines(changes.linksRemoved, 'unlinked'),
    ...linkLines(changes.linksRestored, 'relinked'),
    ...keyLines(changes.identitiesJoined ?? changes.joined, 'joined the graph'),
    ...keyLines(changes.identitiesLeft ?? changes.left, 'left the graph'),
    ...(Array.isArray(changes.computed) ? changes.computed.map((c) => `computed ${c.name}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`) : []),
    ...(Array.isArray(changes.audiences) ? changes.audiences.map((a) => `${a.kind} audience ${a.id} (${a.cause})`) : []),
  ];
  if (entry.rejection) lines.push(`rejected: ${entry.rejection.reason ?? entry.rejection.code}`);
  return lines.length ? h('ul', { class: 'changes' }, lines.map((line) => h('li', {}, line))) : null;
}

function attributeLines(attributes) {
  if (!Array.isArray(attributes)) return [];
  return attributes.map((change) => leafChange(change.path ?? '?', change.before, change.after));
}

function leafChange(path, before, after) {
  if (before === null || before === undefined) return `${path} set to ${JSON.stringify(after)}`;
  if (after === null || after === undefined) return `${path} deleted (was ${JSON.stringify(before)})`;
  return `${path}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`;
}

function keyLines(keys, verb) {
  return Array.isArray(keys) ? keys.map((key) => `${keyOf(key)} ${verb}`) : [];
}

function linkLines(links, verb) {
  if (!Array.isArray(links)) return [];
  return links.map((link) => {
    const reason = link.reason ? ` (${link.reason})` : '';
    return `${verb} ${keyOf(link.from)} — ${keyOf(link.to)}${reason}`;
  });
}
