import { pageOf } from './api.js';
import { h, keyOf, errorBox, timeEl } from './dom.js';

/**
 * What shaped the profile, oldest first: each entry's kind, when it happened and was logged, and what it changed
 * (attributes set or deleted, links added or removed, and why). Unknown fields are still shown in the raw view.
 */
export async function historyView(historyPromise) {
  const section = h('div', { class: 'history-view' });
  try {
    const { items } = pageOf(await historyPromise);
    if (items.length === 0) section.append(h('p', { class: 'muted' }, 'No history.'));
    else section.append(h('ol', { class: 'history', 'data-testid': 'history' }, items.map(historyItem)));
  } catch (error) {
    section.append(errorBox(error));
  }
  return section;
}

/** The log time of a history entry: what `asOf` compares against. */
export function loggedAt(entry) {
  return entry.recordedAt ?? entry.loggedAt ?? entry.appendedAt ?? entry.at ?? entry.timestamp;
}

export function entryTitle(entry) {
  const kind = entry.kind ?? entry.type ?? entry.eventType ?? 'change';
  const source = entry.source ?? entry.item?.source;
  return source ? `${kind} from ${source}` : kind;
}

function historyItem(entry) {
  return h('li', { class: 'history-entry', 'data-testid': 'history-entry' },
    h('div', { class: 'event-head' },
      timeEl(loggedAt(entry)),
      h('span', { class: 'event-type' }, entryTitle(entry)),
      entry.timestamp && entry.timestamp !== loggedAt(entry)
        ? h('span', { class: 'muted' }, 'observed ', timeEl(entry.timestamp)) : null),
    changesList(entry),
    h('details', { class: 'event-data' }, h('summary', {}, 'Raw entry'), h('pre', {}, JSON.stringify(entry, null, 2))));
}

function changesList(entry) {
  const changes = entry.changes ?? entry.changed ?? entry;
  const lines = [
    ...attributeLines(changes.attributes),
    ...linkLines(changes.linksAdded ?? changes.addedLinks ?? changes.links?.added, 'linked'),
    ...linkLines(changes.linksRemoved ?? changes.removedLinks ?? changes.links?.removed, 'unlinked'),
    ...linkLines(changes.linksRestored ?? changes.restoredLinks, 'relinked'),
    ...keyLines(changes.joined, 'joined the graph'),
    ...keyLines(changes.left, 'left the graph'),
  ];
  const why = entry.reason ?? changes.reason ?? entry.why ?? entry.rejection?.reason;
  if (why) lines.push(`why: ${typeof why === 'string' ? why : JSON.stringify(why)}`);
  return lines.length ? h('ul', { class: 'changes' }, lines.map((line) => h('li', {}, line))) : null;
}

function keyLines(keys, verb) {
  return Array.isArray(keys) ? keys.map((key) => `${keyOf(key)} ${verb}`) : [];
}

function attributeLines(attributes) {
  if (!attributes) return [];
  if (Array.isArray(attributes)) {
    return attributes.map((change) => typeof change === 'string' ? `set ${change}` : describeAttribute(change));
  }
  return Object.entries(attributes).map(([path, value]) => `${path} = ${JSON.stringify(value)}`);
}

function describeAttribute(change) {
  const path = change.path ?? change.leaf ?? change.name ?? '?';
  if ('before' in change || 'after' in change) return leafChange(path, change.before, change.after);
  if ('to' in change || 'from' in change) return leafChange(path, change.from, change.to);
  if ('value' in change) return `${path} = ${JSON.stringify(change.value)}`;
  return `${path} changed`;
}

function leafChange(path, before, after) {
  if (before === null || before === undefined) return `${path} set to ${JSON.stringify(after)}`;
  if (after === null || after === undefined) return `${path} deleted (was ${JSON.stringify(before)})`;
  return `${path}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`;
}

function linkLines(links, verb) {
  if (!Array.isArray(links)) return [];
  return links.map((link) => {
    const reason = link.reason ? ` (${link.reason})` : '';
    return `${verb} ${keyOf(link.from ?? link.a)} — ${keyOf(link.to ?? link.b)}${reason}`;
  });
}
