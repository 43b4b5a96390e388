import type { ProfileChange, TransitionCause } from '../../../projections/audiences';
import { identityKey } from '../../../projections/model';
import { flattenAttributes } from '../../../projections/unified-profile';
import type { DecodedEvent } from '../../events';
import type { ReadModelBatch } from '../../read-store/read-store.port';

/* What one batch of items changed, as audiences need it: pure, from the batch's writes and its log events. */
/**
 * Profiles the batch created, merged or split, by profile id (from the change feed's items of the batch); undefined
 * when the batch carries no feed items, and then every profile is evaluated in full.
 */
export function reshapedProfiles(writes: ReadModelBatch): Map<string, TransitionCause['kind']> | undefined {
  if (!writes.changes) return undefined;
  const shapes = new Map<string, TransitionCause['kind']>();
  for (const c of writes.changes) {
    if (c.type === 'profile.created') shapes.set(c.profileId, shapes.get(c.profileId) ?? 'item');
    if (c.type === 'profile.merged') shapes.set(c.profileId, 'merge');
    if (c.type === 'profile.split') for (const id of [c.profileId, ...((c as { into?: string[] }).into ?? [])]) shapes.set(id, 'split');
  }
  return shapes;
}

/** What the batch's items can have changed: the leaf paths records wrote, the namespaces named, the event types. */
export function changeOfItems(segment: readonly DecodedEvent[]): ProfileChange {
  const change = emptyChange();
  for (const decoded of segment) addItem(change, decoded);
  return change;
}

/** What each graph's own items changed, and the last of them (see itemsByGraph). */
export interface GraphItems {
  /** Absent for a graph only an unlinked identity of an item reached (its transitions take the batch's last item). */
  last?: DecodedEvent;
  change: ProfileChange & { attributes: Set<string>; identities: Set<string>; eventTypes: Set<string> };
}

/**
 * Per graph, what the batch's items that named one of its identities changed and the last such item, so a
 * transition carries the log time and the id of the item that caused it, not those of the batch's end, and a profile
 * re-evaluates only the audiences that read what its own items wrote (not what any item of the batch wrote for
 * others). A graph is found through the nodes the batch wrote; a graph no item named is absent.
 */
export function itemsByGraph(writes: ReadModelBatch, segment: readonly DecodedEvent[]): Map<string, GraphItems> {
  const graphOf = new Map((writes.nodes?.upsert ?? []).map((n) => [n.key, n.graphId]));
  const byGraph = new Map<string, GraphItems>();
  for (const decoded of segment) {
    const { event } = decoded;
    if (event.type !== 'RecordIngested' && event.type !== 'ExperienceEventIngested' && event.type !== 'LinkObserved') continue;
    const graphs = new Set<string>();
    for (const identity of event.data.identities) {
      const graphId = graphOf.get(identityKey(identity));
      if (graphId === undefined) continue;
      graphs.add(graphId);
      const seen = byGraph.get(graphId);
      if (seen) seen.last = decoded;
      else byGraph.set(graphId, { last: decoded, change: emptyChange() });
    }
    // An identity the item named but could not link is a graph of its own: its change counts the item too.
    for (const identity of event.data.unlinked ?? []) {
      const graphId = graphOf.get(identityKey(identity));
      if (graphId === undefined || graphs.has(graphId)) continue;
      graphs.add(graphId);
      if (!byGraph.has(graphId)) byGraph.set(graphId, { change: emptyChange() });
    }
    for (const graphId of graphs) addItem(byGraph.get(graphId)!.change, decoded);
  }
  return byGraph;
}

function emptyChange(): GraphItems['change'] {
  return { attributes: new Set(), identities: new Set(), eventTypes: new Set() };
}

function addItem(change: GraphItems['change'], { event }: DecodedEvent): void {
  if (event.type !== 'RecordIngested' && event.type !== 'ExperienceEventIngested' && event.type !== 'LinkObserved') return;
  for (const i of [...event.data.identities, ...(event.data.unlinked ?? [])]) change.identities.add(i.namespace);
  if (event.type === 'RecordIngested') for (const w of flattenAttributes(event.data.attributes)) change.attributes.add(w.path);
  if (event.type === 'ExperienceEventIngested') change.eventTypes.add(event.data.type);
}

/** The names whose value differs (by JSON; counts, the most of them, are compared as numbers first). */
export function movedValues(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => !sameValue(before[n], after[n]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return JSON.stringify(a) === JSON.stringify(b);
  return typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b);
}
