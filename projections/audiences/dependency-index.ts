import type { AudienceDefinitions } from './definitions';

/**
 * What a change to one profile touched. An item re-evaluates only the audiences that read something in it; a merge,
 * split, erasure or backfill (`everything`) re-evaluates them all for the profiles it produced.
 */
export interface ProfileChange {
  /** Leaf paths whose merged value may have changed. */
  attributes?: Iterable<string>;
  /** Computed attributes (named or anonymous) whose value changed. */
  computed?: Iterable<string>;
  /** Namespaces of identities that joined or left the profile. */
  identities?: Iterable<string>;
  /** Types of events that joined or left the profile's timeline. */
  eventTypes?: Iterable<string>;
  everything?: boolean;
}

export interface DependencyIndex {
  /** By the first key of the path: a condition on `address` and a change of `address.city` meet there. */
  byAttributeRoot: Map<string, Array<{ audienceId: string; path: string }>>;
  byComputed: Map<string, Set<string>>;
  byIdentity: Map<string, Set<string>>;
  byEventType: Map<string, Set<string>>;
  /** Audience id → the audiences whose condition names it. */
  byAudience: Map<string, Set<string>>;
}

export function buildDependencyIndex(definitions: AudienceDefinitions): DependencyIndex {
  const index: DependencyIndex = {
    byAttributeRoot: new Map(),
    byComputed: new Map(),
    byIdentity: new Map(),
    byEventType: new Map(),
    byAudience: new Map(),
  };
  for (const [audienceId, reads] of definitions.reads) {
    for (const path of reads.attributes) push(index.byAttributeRoot, rootOf(path), { audienceId, path });
    for (const name of reads.computed) add(index.byComputed, name, audienceId);
    for (const ns of reads.identities) add(index.byIdentity, ns, audienceId);
    for (const type of reads.eventTypes) add(index.byEventType, type, audienceId);
    for (const other of reads.audiences) add(index.byAudience, other, audienceId);
  }
  return index;
}

/** The audiences whose condition reads something the change touched (not yet those that name them). */
export function directlyAffected(index: DependencyIndex, definitions: AudienceDefinitions, change: ProfileChange): Set<string> {
  if (change.everything) return new Set(definitions.order);
  const out = new Set<string>();
  for (const leaf of change.attributes ?? []) {
    for (const { audienceId, path } of index.byAttributeRoot.get(rootOf(leaf)) ?? []) {
      if (overlaps(path, leaf)) out.add(audienceId);
    }
  }
  addAll(out, index.byComputed, change.computed);
  addAll(out, index.byIdentity, change.identities);
  addAll(out, index.byEventType, change.eventTypes);
  return out;
}

/** A condition on `a.b` reads a change of `a.b`, of `a.b.c` (under it) and of `a` (a whole subtree replaced). */
function overlaps(conditionPath: string, changedPath: string): boolean {
  return (
    conditionPath === changedPath ||
    changedPath.startsWith(`${conditionPath}.`) ||
    conditionPath.startsWith(`${changedPath}.`)
  );
}

const rootOf = (path: string): string => path.split('.', 1)[0]!;

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function add(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function addAll(out: Set<string>, map: Map<string, Set<string>>, keys: Iterable<string> | undefined): void {
  for (const key of keys ?? []) for (const id of map.get(key) ?? []) out.add(id);
}
