import type { Condition } from '../conditions';
import { readsOf, type ConditionReads } from './condition-reads';

/** An audience as its definition events leave it. Times are log times (ISO), so a rebuild agrees. */
export interface AudienceDefinition {
  id: string;
  name: string;
  description?: string;
  condition: Condition;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface AudienceSaved {
  audienceId: string;
  name: string;
  description?: string;
  condition: Condition;
  version: number;
}

export interface AudienceDeleted {
  audienceId: string;
}

export type AudienceDefinitionEvent =
  | { type: 'AudienceSaved'; data: AudienceSaved }
  | { type: 'AudienceDeleted'; data: AudienceDeleted };

export interface AudienceDefinitions {
  byId: ReadonlyMap<string, AudienceDefinition>;
  reads: ReadonlyMap<string, ConditionReads>;
  /** Every audience after the audiences it names: evaluating in this order lets audience-of-audience follow at once. */
  order: readonly string[];
}

export function initialDefinitions(): AudienceDefinitions {
  return { byId: new Map(), reads: new Map(), order: [] };
}

export function evolveDefinitions(state: AudienceDefinitions, event: AudienceDefinitionEvent, at: string): AudienceDefinitions {
  const byId = new Map(state.byId);
  const reads = new Map(state.reads);
  if (event.type === 'AudienceDeleted') {
    byId.delete(event.data.audienceId);
    reads.delete(event.data.audienceId);
  } else {
    const { audienceId, name, description, condition, version } = event.data;
    const createdAt = byId.get(audienceId)?.createdAt ?? at;
    byId.set(audienceId, { id: audienceId, name, ...(description !== undefined ? { description } : {}), condition, version, createdAt, updatedAt: at });
    reads.set(audienceId, readsOf(condition));
  }
  return { byId, reads, order: dependencyOrder(reads) };
}

/** Depth-first, ids visited in sorted order so the order is the same on every replay. Cycles are refused on write. */
function dependencyOrder(reads: ReadonlyMap<string, ConditionReads>): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id) || !reads.has(id)) return;
    seen.add(id);
    [...reads.get(id)!.audiences].sort().forEach(visit);
    order.push(id);
  };
  [...reads.keys()].sort().forEach(visit);
  return order;
}

/**
 * The cycle that saving `condition` as audience `id` would close, as the chain of ids from `id` back to itself
 * (e.g. ['a', 'b', 'a']), or undefined when there is none.
 */
export function cycleThrough(state: AudienceDefinitions, id: string, condition: Condition): string[] | undefined {
  const namedBy = (audience: string): string[] =>
    audience === id ? [...readsOf(condition).audiences].sort() : [...(state.reads.get(audience)?.audiences ?? [])].sort();
  const search = (audience: string, chain: string[], visited: Set<string>): string[] | undefined => {
    for (const next of namedBy(audience)) {
      if (next === id) return [...chain, next];
      if (visited.has(next)) continue;
      visited.add(next);
      const found = search(next, [...chain, next], visited);
      if (found) return found;
    }
    return undefined;
  };
  return search(id, [id], new Set());
}

/** The audiences whose condition names `id`: it cannot be deleted while there are any. */
export function audiencesNaming(state: AudienceDefinitions, id: string): string[] {
  return [...state.reads].filter(([other, r]) => other !== id && r.audiences.has(id)).map(([other]) => other).sort();
}

/** The audiences that name `id` directly: re-evaluated after its membership changes. */
export function dependentsOf(state: AudienceDefinitions, id: string): string[] {
  return audiencesNaming(state, id);
}

/** The audiences a condition names, directly or through other audiences, in evaluation order. */
export function reachableAudiences(state: AudienceDefinitions, condition: Condition): string[] {
  const reached = new Set<string>();
  const visit = (id: string): void => {
    if (reached.has(id) || !state.byId.has(id)) return;
    reached.add(id);
    state.reads.get(id)!.audiences.forEach(visit);
  };
  readsOf(condition).audiences.forEach(visit);
  return state.order.filter((id) => reached.has(id));
}
