import { h, keyOf, splitKey, formatTime } from './dom.js';
import { layoutGraph } from './graph-layout.js';

const WIDTH = 640;
const HEIGHT = 400;
const REMOVED_PULL = 0.15;
const TYPES = ['person', 'email', 'phone', 'device', 'cookie', 'partner', 'nonPerson'];

/**
 * Normalises the graph shapes of the profile graph and the simulator into one:
 * identities `{key, namespace, id, type, firstSeen?, lastSeen?, outside?}`, links `{from, to, ...}` by key.
 * A removed link may end at an identity now in another graph; that end is drawn too, marked `outside`.
 */
export function toDrawable({ identities = [], links = [], removedLinks = [] }, typeOf = () => undefined) {
  const nodes = new Map();
  for (const identity of identities) {
    const key = keyOf(identity);
    nodes.set(key, { ...splitKey(key), ...identity, key, type: identity.type ?? typeOf(splitKey(key).namespace) });
  }
  const normal = (link) => ({ ...link, from: keyOf(link.from), to: keyOf(link.to) });
  const active = links.map(normal);
  const removed = removedLinks.map(normal);
  for (const link of [...active, ...removed]) {
    for (const key of [link.from, link.to]) {
      if (!nodes.has(key)) nodes.set(key, { ...splitKey(key), key, type: typeOf(splitKey(key).namespace), outside: true });
    }
  }
  return { nodes: [...nodes.values()], links: active, removed };
}

/** Draws a graph as inline SVG; `onSelect(node)` runs when a person clicks or presses Enter on an identity. */
export function renderGraph(drawable, { onSelect, label = 'Identity graph' } = {}) {
  const { nodes, links, removed } = drawable;
  const edges = [...links.map((l) => [l.from, l.to, 1]), ...removed.map((l) => [l.from, l.to, REMOVED_PULL])];
  const positions = layoutGraph(nodes.map((node) => node.key), edges, { width: WIDTH, height: HEIGHT });
  const svg = h('svg', {
    class: 'graph', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'group', 'aria-label': label, 'data-testid': 'graph',
  });
  for (const link of links) svg.append(linkEl(link, positions, false));
  for (const link of removed) svg.append(linkEl(link, positions, true));
  for (const node of nodes) svg.append(nodeEl(node, positions.get(node.key), onSelect));
  return h('figure', { class: 'graph-figure' }, svg, legend(nodes));
}

function linkEl(link, positions, isRemoved) {
  const a = positions.get(link.from);
  const b = positions.get(link.to);
  const ends = { x1: a.x, y1: a.y, x2: b.x, y2: b.y };
  return h('g', {
    class: isRemoved ? 'graph-link removed' : 'graph-link',
    'data-testid': isRemoved ? 'graph-link-removed' : 'graph-link',
    'data-from': link.from, 'data-to': link.to,
  },
  h('title', {}, isRemoved ? removedText(link) : linkText(link)),
  h('line', { class: 'hit', ...ends }),
  h('line', { class: 'stroke', ...ends }));
}

function linkText(link) {
  const lines = [`${link.from} — ${link.to}`];
  if (link.firstSeen || link.timestamp) lines.push(`first seen ${formatTime(link.firstSeen ?? link.timestamp)}`);
  if (link.lastSeen) lines.push(`last seen ${formatTime(link.lastSeen)}`);
  if (link.sources?.length) lines.push(`sources: ${link.sources.join(', ')}`);
  return lines.join('\n');
}

function removedText(link) {
  const lines = [`removed: ${link.from} — ${link.to}`];
  if (link.removedAt) lines.push(`at ${formatTime(link.removedAt)}`);
  if (link.timestamp && !link.removedAt) lines.push(`seen ${formatTime(link.timestamp)}`);
  if (link.reason) lines.push(`reason: ${link.reason}`);
  if (link.removedBy !== undefined) lines.push(`removed by ${link.removedBy}`);
  return lines.join('\n');
}

function nodeEl(node, at, onSelect) {
  const text = node.key.length > 26 ? `${node.key.slice(0, 25)}…` : node.key;
  const select = (event) => {
    const el = event.currentTarget;
    for (const other of el.ownerSVGElement?.querySelectorAll('.graph-node.selected') ?? []) other.classList.remove('selected');
    el.classList.add('selected');
    onSelect?.(node);
  };
  const classes = ['graph-node', `type-${TYPES.includes(node.type) ? node.type : 'unknown'}`];
  if (node.outside) classes.push('outside');
  return h('g', {
    class: classes.join(' '), 'data-testid': 'graph-node', 'data-key': node.key, 'data-type': node.type,
    transform: `translate(${at.x.toFixed(1)} ${at.y.toFixed(1)})`,
    tabindex: onSelect ? 0 : undefined, role: onSelect ? 'button' : undefined,
    'aria-label': `${node.key} (${node.type ?? 'unknown type'})${node.outside ? ', in another graph' : ''}`,
    onclick: select,
    onkeydown: (event) => {
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); select(event); }
    },
  },
  h('title', {}, nodeText(node)),
  h('circle', { r: 11 }),
  h('text', { y: 26, 'text-anchor': 'middle' }, text));
}

function nodeText(node) {
  const lines = [`${node.key}`, `type: ${node.type ?? 'unknown'}`];
  if (node.firstSeen) lines.push(`first seen ${formatTime(node.firstSeen)}`);
  if (node.lastSeen) lines.push(`last seen ${formatTime(node.lastSeen)}`);
  if (node.outside) lines.push('now in another graph');
  return lines.join('\n');
}

function legend(nodes) {
  const present = TYPES.filter((type) => nodes.some((node) => node.type === type));
  return h('figcaption', { class: 'legend' },
    present.map((type) => h('span', { class: `legend-item type-${type}` }, h('span', { class: 'swatch' }), type)),
    h('span', { class: 'legend-item' }, h('span', { class: 'dash' }), 'removed link'));
}

/** The links as text, for keyboard and screen-reader users (the SVG tooltips need a mouse). */
export function linkList({ links, removed }) {
  const item = (link, isRemoved) => h('li', { class: isRemoved ? 'removed' : undefined },
    isRemoved ? removedText(link).replace(/\n/g, '; ') : linkText(link).replace(/\n/g, '; '));
  return h('details', { class: 'link-list' },
    h('summary', {}, `Links (${links.length} active, ${removed.length} removed)`),
    h('ul', {}, links.map((link) => item(link, false)), removed.map((link) => item(link, true))));
}
