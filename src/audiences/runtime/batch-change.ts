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
  const attributes = new Set<string>();
  const identities = new Set<string>();
  const eventTypes = new Set<string>();
  for (const { event } of segment) {
    if (event.type !== 'RecordIngested' && event.type !== 'ExperienceEventIngested' && event.type !== 'LinkObserved') continue;
    for (const i of [...event.data.identities, ...(event.data.unlinked ?? [])]) identities.add(i.namespace);
    if (event.type === 'RecordIngested') for (const w of flattenAttributes(event.data.attributes)) attributes.add(w.path);
    if (event.type === 'ExperienceEventIngested') eventTypes.add(event.data.type);
  }
  return { attributes, identities, eventTypes };
}

export function movedValues(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => JSON.stringify(before[n]) !== JSON.stringify(after[n]));
}

/**
 * The batch's last item that touched each graph, so a transition carries the log time and the id of the item that
 * caused it, not those of the batch's end. A graph is found through the nodes the batch wrote.
 */
export function lastItemByGraph(writes: ReadModelBatch, segment: readonly DecodedEvent[]): Map<string, DecodedEvent> {
  const graphOf = new Map((writes.nodes?.upsert ?? []).map((n) => [n.key, n.graphId]));
  const last = new Map<string, DecodedEvent>();
  for (const decoded of segment) {
    const { event } = decoded;
    if (event.type !== 'RecordIngested' && event.type !== 'ExperienceEventIngested' && event.type !== 'LinkObserved') continue;
    for (const identity of event.data.identities) {
      const graphId = graphOf.get(identityKey(identity));
      if (graphId !== undefined) last.set(graphId, decoded);
    }
  }
  return last;
}
