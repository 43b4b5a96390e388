import { createGraphState, type GraphState } from '../../../projections/identity-graph';
import { rejectedPairLinks } from '../../../projections/history';
import type { IdentityKey, IdentityNode, LinkState } from '../../../projections/model';
import type { DecodedEvent } from '../../events';
import { maxPosition, type Position } from '../../event-store';
import {
  evolveRules,
  graphItemOf,
  initialRules,
  projectBatch,
  rejectedPairs,
  type LoadedScope,
  type ProjectionContext,
  type ProjectionRules,
} from '../../read-models';
import type { GraphView } from '../../read-store/read-store.port';

/** The subject's part of the read models as they stood at one moment, folded from its closure and the rules then. */
export interface AsOfSnapshot {
  subject: IdentityKey;
  /** The subject's node, undefined when nothing was known of it yet. */
  node?: IdentityNode;
  scope: LoadedScope;
  rules: ProjectionRules;
  ctx: ProjectionContext;
  /** The closure's items, in log order. */
  items: DecodedEvent[];
  /** The newest log position the snapshot reflects (closure items and rule events); null before any. */
  position: Position | null;
}

/**
 * Folds the closure's items in log order under the rules in force then, with the projector's own batch projection
 * (graph, fragments, event stats): the very code that built the live read models, so "as of now" equals them.
 */
export function foldSnapshot(
  subject: IdentityKey,
  items: DecodedEvent[],
  ruleEvents: readonly DecodedEvent[],
  profileIdOf: (graphId: IdentityKey) => string,
): AsOfSnapshot {
  const rules = ruleEvents.reduce(evolveRules, initialRules());
  const ctx: ProjectionContext = { settings: rules.settings, rejected: rejectedPairs(rules), profileIdOf };
  const scope: LoadedScope = { graph: createGraphState(), fragments: new Map(), stats: new Map(), graphsBefore: new Set() };
  if (items.length > 0) projectBatch(scope, items, ctx);
  const position = [...items, ...ruleEvents].reduce<Position | undefined>((max, e) => maxPosition(max, e.position), undefined);
  const node = scope.graph.nodes.get(subject);
  return { subject, node, scope, rules, ctx, items, position: position ?? null };
}

/** The subject's graph as the graph API shows it: its nodes, the links touching them, rejected pairs as removed. */
export function snapshotGraph(snapshot: AsOfSnapshot): GraphView {
  const { graph } = snapshot.scope;
  const members = snapshot.node ? [...(graph.members.get(snapshot.node.graphId) ?? [])] : [];
  const links = new Map<string, LinkState>();
  for (const key of members) for (const lk of graph.linksByNode.get(key) ?? []) links.set(lk, graph.links.get(lk)!);
  const inGraph = new Set(members);
  const rejected = rejectedLinksOf(snapshot, graph).filter((l) => inGraph.has(l.a) || inGraph.has(l.b));
  return { nodes: members.map((k) => graph.nodes.get(k)!), links: [...links.values(), ...rejected] };
}

function rejectedLinksOf(snapshot: AsOfSnapshot, graph: GraphState): LinkState[] {
  if (snapshot.rules.rejections.size === 0) return [];
  const items = snapshot.items.map(graphItemOf).filter((i) => i !== undefined);
  return rejectedPairLinks(graph, items, [...snapshot.rules.rejections.values()]);
}
