import { h, timeEl } from './dom.js';
import { audienceHref } from './audience-page.js';

const OPS = { eq: '=', neq: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤', in: 'in', nin: 'not in' };

/** An explained condition as a tree: every node matched (✓) or not (✗), every leaf with the evidence that decided it. */
export function explainTree(node) {
  return h('ul', { class: 'explain-tree', 'data-testid': 'explain-tree' }, explainNode(node));
}

function explainNode(node) {
  const mark = h('span', { class: node.matched ? 'matched' : 'unmatched', 'aria-label': node.matched ? 'matched' : 'not matched' },
    node.matched ? '✓' : '✗');
  const children = node.and ?? node.or ?? (node.not ? [node.not] : null);
  if (children) {
    const label = node.and ? 'all of' : node.or ? 'any of' : 'not';
    return h('li', {}, mark, ' ', h('strong', {}, label), h('ul', {}, children.map(explainNode)));
  }
  return h('li', { 'data-matched': String(node.matched) }, mark, ' ', describe(node), evidenceOf(node));
}

function describe(node) {
  if ('attribute' in node) return h('span', {}, h('code', {}, node.attribute), ` ${opText(node)}`);
  if ('computed' in node) return h('span', {}, 'computed ', h('code', {}, node.computed), ` ${opText(node)}`);
  if ('identity' in node) return `${node.op === 'exists' ? 'has' : 'has no'} ${node.identity} identity`;
  if ('audience' in node) {
    return h('span', {}, node.op === 'member' ? 'member of ' : 'not a member of ', h('a', { href: audienceHref(node.audience) }, node.audience));
  }
  const types = [node.event.type].flat().join(' or ');
  const count = node.count ?? { op: 'gte', value: 1 };
  const window = node.window ? ` in the last ${node.window.last}` : ' ever';
  return `${types} events${node.event.where ? ' (filtered)' : ''}${window}: count ${OPS[count.op] ?? count.op} ${count.value}`;
}

function opText(node) {
  if (node.op === 'exists') return 'exists';
  if (node.op === 'notExists') return 'does not exist';
  return `${OPS[node.op] ?? node.op} ${JSON.stringify(node.value)}`;
}

function evidenceOf(node) {
  const e = node.evidence ?? {};
  if ('records' in e) {
    return h('div', { class: 'evidence' }, 'value ', h('code', {}, JSON.stringify(e.value)),
      e.records.map((r) => h('span', { class: 'muted' }, ` · from ${r.source} record ${r.recordId} at `, timeEl(r.timestamp))));
  }
  if ('count' in e) {
    return h('div', { class: 'evidence' }, `${e.count} matching`,
      e.eventIds?.length ? h('span', { class: 'muted' }, ': ', e.eventIds.slice(0, 20).join(', ')) : null);
  }
  if ('identities' in e) return h('div', { class: 'evidence' }, e.identities.map((i) => `${i.namespace}:${i.id}`).join(', ') || 'none');
  if ('member' in e) return h('div', { class: 'evidence' }, e.member ? 'member' : 'not a member', e.enteredAt ? [' since ', timeEl(e.enteredAt)] : null);
  if ('value' in e) return h('div', { class: 'evidence' }, 'value ', h('code', {}, JSON.stringify(e.value)));
  return null;
}
