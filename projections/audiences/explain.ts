import type { Condition } from '../conditions';
import { anonymousName } from './compile-event';
import type { LeafCondition } from './condition-reads';
import { attributeAt, countValue, evaluateLeaf, type ProfileView } from './evaluate';
import type { Membership } from './membership';

export interface AttributeRecord {
  source: string;
  timestamp: string;
  recordId: string;
}

/** What explain may show beyond what evaluation reads: where values came from and which events were counted. */
export interface ExplainView extends ProfileView {
  /** By leaf path, as on the profile body. */
  provenance: Readonly<Record<string, AttributeRecord>>;
  identities: ReadonlyArray<{ namespace: string; id: string }>;
  /** The profile's memberships; `enteredAt` when it is known (stored memberships, not a read-time evaluation). */
  memberships: ReadonlyMap<string, Partial<Pick<Membership, 'enteredAt'>>>;
  /** Ids of the events an anonymous count counts now, newest first. */
  matchingEvents(anonymousName: string): string[];
}

/** The definition with `matched` on every node and, on every leaf, the evidence that decided it. */
export type ExplainedCondition = Record<string, unknown> & { matched: boolean };

export function explainCondition(condition: Condition, view: ExplainView): ExplainedCondition {
  if ('and' in condition) {
    const and = condition.and.map((c) => explainCondition(c, view));
    return { and, matched: and.every((c) => c.matched) };
  }
  if ('or' in condition) {
    const or = condition.or.map((c) => explainCondition(c, view));
    return { or, matched: or.some((c) => c.matched) };
  }
  if ('not' in condition) {
    const not = explainCondition(condition.not, view);
    return { not, matched: !not.matched };
  }
  const members = new Set(view.memberships.keys());
  return { ...condition, matched: evaluateLeaf(condition, view, members), evidence: evidenceOf(condition, view) };
}

function evidenceOf(leaf: LeafCondition, view: ExplainView): Record<string, unknown> {
  if ('attribute' in leaf) {
    const value = attributeAt(view.attributes, leaf.attribute);
    return { value: value ?? null, records: recordsUnder(view.provenance, leaf.attribute) };
  }
  if ('computed' in leaf) return { value: view.computed[leaf.computed] ?? null };
  if ('identity' in leaf) {
    return { identities: view.identities.filter((i) => i.namespace === leaf.identity) };
  }
  if ('audience' in leaf) {
    const membership = view.memberships.get(leaf.audience);
    if (!membership) return { member: false };
    return membership.enteredAt ? { member: true, enteredAt: membership.enteredAt } : { member: true };
  }
  const name = anonymousName(leaf);
  return { count: countValue(view, name), eventIds: view.matchingEvents(name) };
}

/** The record behind the leaf, or behind every leaf under an object path. */
function recordsUnder(provenance: ExplainView['provenance'], path: string): Array<AttributeRecord & { path: string }> {
  return Object.keys(provenance)
    .filter((leaf) => leaf === path || leaf.startsWith(`${path}.`))
    .sort()
    .map((leaf) => ({ path: leaf, ...provenance[leaf]! }));
}
