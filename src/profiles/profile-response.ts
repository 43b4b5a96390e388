import { type IdentityRef, type IdentitySettings, type LinkState, parseIdentityKey } from '../../projections/model';
import type { UnifiedProfile } from '../../projections/unified-profile';
import type { Position } from '../event-store';
import type { GraphView, ProfileDoc } from '../read-store/read-store.port';

/** The API's profile body (API.md "Profiles"). */
export type ProfileBody = UnifiedProfile & { profileId: string; position: Position | null };

/** Stored profile documents carry their graph id for the read store; the API never shows it (it is a raw value). */
export function profileBody(doc: ProfileDoc & Record<string, unknown>, position: Position | undefined): ProfileBody {
  const { graphId: _graphId, ...rest } = doc;
  return { ...rest, position: position ?? null };
}

const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());

/** The API's graph body: identities with types and times, active links inside the graph, removed links touching it. */
export function graphBody(view: GraphView, settings: IdentitySettings) {
  const types = new Map(settings.namespaces.map((n) => [n.code, n.type] as const));
  const inGraph = new Set(view.nodes.map((n) => n.key));
  const sorted = [...view.nodes].sort((a, b) => (a.key < b.key ? -1 : 1));
  const links = view.links.filter((l) => l.status === 'active' && inGraph.has(l.a) && inGraph.has(l.b));
  const removed = view.links.filter((l) => l.status === 'removed');
  return {
    identities: sorted.map((n) => ({
      namespace: n.namespace,
      id: n.id,
      type: types.get(n.namespace) ?? null,
      firstSeen: iso(n.firstSeen),
      lastSeen: iso(n.lastSeen),
    })),
    links: links.map((l) => ({ ...ends(l), firstSeen: iso(l.firstSeen), lastSeen: iso(l.lastSeen), sources: l.sources, createdBy: l.createdBy })),
    removedLinks: removed.map((l) => ({
      ...ends(l),
      firstSeen: iso(l.firstSeen),
      lastSeen: iso(l.lastSeen),
      removedAt: iso(l.removedAt),
      reason: l.reason ?? null,
      removedBy: l.removedBy ?? null,
    })),
  };
}

function ends(link: LinkState): { from: IdentityRef; to: IdentityRef } {
  return { from: parseIdentityKey(link.a), to: parseIdentityKey(link.b) };
}
