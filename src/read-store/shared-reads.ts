import type { IdentityKey } from '../../projections/model';
import { encodeProfilesCursor } from './query-bounds';
import type { GraphView, Page, ProfileRecord, ReadStore } from './read-store.port';

/**
 * Reads every adapter answers the same way from its own primitives, written once: a graph is its nodes plus the
 * links touching them, and a profile page is `limit` rows out of the `limit + 1` an adapter fetched after the cursor.
 */
export async function graphFromParts(
  store: Pick<ReadStore, 'getNodesOfGraphs' | 'getLinksTouching'>,
  graphId: IdentityKey,
): Promise<GraphView> {
  const nodes = await store.getNodesOfGraphs([graphId]);
  const links = nodes.length === 0 ? [] : await store.getLinksTouching(nodes.map((n) => n.key));
  return { nodes, links };
}

export function profilePage(fetched: ProfileRecord[], limit: number): Page<ProfileRecord> {
  const items = fetched.slice(0, limit);
  const more = fetched.length > limit;
  return { items, nextCursor: more ? encodeProfilesCursor(items[items.length - 1].graphId) : undefined };
}
