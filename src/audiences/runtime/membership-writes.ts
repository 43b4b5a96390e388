import {
  exitAll,
  reevaluate,
  type AudienceEngine,
  type Membership,
  type ProfileChange,
  type ProfileView,
  type Transition,
  type TransitionCause,
} from '../../../projections/audiences';
import type { IdentityRef } from '../../../projections/model';
import type { AudienceWrites, MembershipRow, ProfileRecord } from '../../read-store/read-store.port';

/** A profile as the projector holds it after a change: its stored record and its computed values (named and anonymous). */
export interface ProfileAfter {
  record: ProfileRecord;
  values: Record<string, unknown>;
  /** What changed for it; absent: everything (a new, merged or split profile, a re-derivation, a backfill). */
  change?: ProfileChange;
  /** Its own cause when it differs from the step's (the batch's last item that touched it, a merge). */
  cause?: TransitionCause;
  /** Its own log time (epoch ms), with its own cause. */
  at?: number;
}

/** A graph gone (merged away, emptied): by id alone (the step's time and cause), or with its own. */
export type Gone = string | { graphId: string; at: number; cause: TransitionCause };

export interface MembershipStep {
  writes: AudienceWrites;
  /** audience.entered / audience.exited, in order, for the change feed. */
  transitions: Transition[];
}

/**
 * The membership writes of some profiles after a change: each profile still present is evaluated against the
 * memberships its graph held (all audiences, or only `audiences`), each graph gone exits everything. Pure.
 */
export function membershipStep(
  engine: AudienceEngine,
  before: readonly MembershipRow[],
  after: readonly ProfileAfter[],
  gone: readonly Gone[],
  at: number,
  cause: TransitionCause,
  audiences?: readonly string[],
): MembershipStep {
  const held = groupByGraph(before);
  const iso = new Date(at).toISOString();
  const step: MembershipStep = { writes: { enter: [], exit: [] }, transitions: [] };
  for (const g of gone) {
    const { graphId, at: goneAt, cause: goneCause } = typeof g === 'string' ? { graphId: g, at, cause } : g;
    const memberships = held.get(graphId);
    if (!memberships) continue;
    const profileId = profileIdOfRows(before, graphId);
    const when = goneAt === at ? iso : new Date(goneAt).toISOString();
    record(step, graphId, undefined, exitAll(profileId, memberships, when, goneCause), goneAt);
  }
  for (const { record: profile, values, change: changed, cause: own, at: ownAt } of after) {
    const doc = profile.doc as unknown as { profileId: string; primaryIdentity: IdentityRef | null; attributes?: Record<string, unknown>; identities?: IdentityRef[] };
    const view: ProfileView = {
      attributes: doc.attributes ?? {},
      computed: values,
      namespaces: new Set((doc.identities ?? []).map((i) => i.namespace)),
    };
    const change = audiences ? { audiences } : changed ?? { everything: true };
    const when = ownAt ?? at;
    const result = reevaluate(engine, { profileId: doc.profileId, view, memberships: held.get(profile.graphId) ?? new Map() }, change, new Date(when).toISOString(), own ?? cause);
    record(step, profile.graphId, doc, result.transitions, when);
  }
  return step;
}

function record(step: MembershipStep, graphId: string, doc: { profileId: string; primaryIdentity: IdentityRef | null } | undefined, transitions: Transition[], at: number): void {
  for (const t of transitions) {
    step.transitions.push(t);
    if (t.kind === 'exited') step.writes.exit!.push({ audienceId: t.audienceId, graphId, exitedAt: at, doc: { exitCause: t.cause } });
    else step.writes.enter!.push({ audienceId: t.audienceId, graphId, enteredAt: at, doc: { profileId: t.profileId, primaryIdentity: doc?.primaryIdentity ?? null, cause: t.cause } });
  }
}

function groupByGraph(rows: readonly MembershipRow[]): Map<string, Map<string, Membership>> {
  const byGraph = new Map<string, Map<string, Membership>>();
  // A graph's memberships mostly share a few entry times (one item enters many audiences at once): each time is
  // formatted once per step, not once per row (toISOString was most of this function's cost with fifty audiences).
  const isoOf = new Map<number, string>();
  for (const row of rows) {
    const doc = row.doc as { cause?: TransitionCause };
    let enteredAt = isoOf.get(row.enteredAt);
    if (enteredAt === undefined) isoOf.set(row.enteredAt, (enteredAt = new Date(row.enteredAt).toISOString()));
    const membership: Membership = { audienceId: row.audienceId, enteredAt, cause: doc.cause ?? { kind: 'item' } };
    const held = byGraph.get(row.graphId);
    if (held) held.set(row.audienceId, membership);
    else byGraph.set(row.graphId, new Map([[row.audienceId, membership]]));
  }
  return byGraph;
}

function profileIdOfRows(rows: readonly MembershipRow[], graphId: string): string {
  const row = rows.find((r) => r.graphId === graphId);
  return String((row?.doc as { profileId?: string } | undefined)?.profileId ?? graphId);
}

export function mergeWrites(into: AudienceWrites, more: AudienceWrites): AudienceWrites {
  return {
    enter: [...(into.enter ?? []), ...(more.enter ?? [])],
    exit: [...(into.exit ?? []), ...(more.exit ?? [])],
    ...(into.backfills || more.backfills
      ? { backfills: { upsert: [...(into.backfills?.upsert ?? []), ...(more.backfills?.upsert ?? [])], delete: [...(into.backfills?.delete ?? []), ...(more.backfills?.delete ?? [])] } }
      : {}),
  };
}
