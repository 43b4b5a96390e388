import type { Condition, EventCondition } from '../conditions';
import { anonymousName } from './compile-event';

/** What one condition reads: the dependency index is built from these (DESIGN.md "Cost follows the change"). */
export interface ConditionReads {
  attributes: Set<string>;
  /** Named computed attributes and the anonymous ones the event conditions compile to. */
  computed: Set<string>;
  identities: Set<string>;
  eventTypes: Set<string>;
  audiences: Set<string>;
}

export function emptyReads(): ConditionReads {
  return { attributes: new Set(), computed: new Set(), identities: new Set(), eventTypes: new Set(), audiences: new Set() };
}

export function readsOf(condition: Condition, into: ConditionReads = emptyReads()): ConditionReads {
  forEachLeaf(condition, (leaf) => {
    if ('attribute' in leaf) into.attributes.add(leaf.attribute);
    else if ('computed' in leaf) into.computed.add(leaf.computed);
    else if ('identity' in leaf) into.identities.add(leaf.identity);
    else if ('audience' in leaf) into.audiences.add(leaf.audience);
    else {
      into.computed.add(anonymousName(leaf));
      for (const type of eventTypesOf(leaf)) into.eventTypes.add(type);
    }
  });
  return into;
}

export type LeafCondition = Exclude<Condition, { and: Condition[] } | { or: Condition[] } | { not: Condition }>;

export function forEachLeaf(condition: Condition, visit: (leaf: LeafCondition) => void): void {
  if ('and' in condition) condition.and.forEach((c) => forEachLeaf(c, visit));
  else if ('or' in condition) condition.or.forEach((c) => forEachLeaf(c, visit));
  else if ('not' in condition) forEachLeaf(condition.not, visit);
  else visit(condition);
}

export function eventTypesOf(condition: EventCondition): string[] {
  const type = condition.event.type;
  return [...new Set(Array.isArray(type) ? type : [type])].sort();
}

/** Every event condition of a definition, each once by its anonymous name. */
export function eventConditionsOf(condition: Condition): Map<string, EventCondition> {
  const found = new Map<string, EventCondition>();
  forEachLeaf(condition, (leaf) => {
    if ('event' in leaf) found.set(anonymousName(leaf), leaf);
  });
  return found;
}
