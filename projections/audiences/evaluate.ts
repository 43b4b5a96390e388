import { compare, readPath, type Condition } from '../conditions';
import { anonymousName, countOf } from './compile-event';
import type { LeafCondition } from './condition-reads';

/**
 * A profile as conditions see it: merged attributes (default merge policy), computed values including the anonymous
 * counts of event conditions, the namespaces of its identities and the audiences it is a member of. The window
 * engine keeps the counts current for "now"; evaluation itself never looks at the clock or at events.
 */
export interface ProfileView {
  attributes: Readonly<Record<string, unknown>>;
  computed: Readonly<Record<string, unknown>>;
  namespaces: ReadonlySet<string>;
}

export function evaluateCondition(
  condition: Condition,
  view: ProfileView,
  memberships: ReadonlySet<string>
): boolean {
  // Loops, not every/some: the projector evaluates every touched profile's audiences each batch, and a closure per
  // node was a visible share of what it allocated.
  if ('and' in condition) {
    for (const c of condition.and) if (!evaluateCondition(c, view, memberships)) return false;
    return true;
  }
  if ('or' in condition) {
    for (const c of condition.or) if (evaluateCondition(c, view, memberships)) return true;
    return false;
  }
  if ('not' in condition) return !evaluateCondition(condition.not, view, memberships);
  return evaluateLeaf(condition, view, memberships);
}

export function evaluateLeaf(
  leaf: LeafCondition,
  view: ProfileView,
  memberships: ReadonlySet<string>
): boolean {
  if ('attribute' in leaf) return compare(leaf.op, attributeAt(view.attributes, leaf.attribute), leaf.value);
  if ('computed' in leaf) return compare(leaf.op, ownValue(view.computed, leaf.computed), leaf.value);
  if ('identity' in leaf) return view.namespaces.has(leaf.identity) === (leaf.op === 'exists');
  if ('audience' in leaf) return memberships.has(leaf.audience) === (leaf.op === 'member');
  const count = countValue(view, anonymousName(leaf));
  const { op, value } = countOf(leaf);
  return compare(op, count, value);
}

/** A count the engine has not produced (no matching event ever) is 0, as API.md says of `count`. */
export function countValue(view: ProfileView, name: string): number {
  const value = ownValue(view.computed, name);
  return typeof value === 'number' ? value : 0;
}

/** The value at a leaf path of the merged attributes; own keys only (attribute keys are client data). */
export function attributeAt(attributes: Readonly<Record<string, unknown>>, path: string): unknown {
  return readPath(attributes, path);
}

function ownValue(object: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}
