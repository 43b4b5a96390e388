import type { AudienceDefinitions } from './definitions';
import { directlyAffected, type DependencyIndex, type ProfileChange } from './dependency-index';
import { evaluateCondition, type ProfileView } from './evaluate';

/** Why a profile entered or exited an audience. `position` is the log position of the cause, when there is one. */
export type CauseKind = 'item' | 'merge' | 'split' | 'windowLapse' | 'definition' | 'erasure';

export interface TransitionCause {
  kind: CauseKind;
  position?: string;
  /** The log event id of the item, link rejection, definition change or erasure. */
  eventId?: string;
  /** For `definition`: the audience version that caused it. */
  version?: number;
}

export interface Membership {
  audienceId: string;
  /** Log time of the cause, or the moment the window lapsed: ISO UTC with milliseconds. */
  enteredAt: string;
  cause: TransitionCause;
}

/** One entry or exit, shaped for the change feed (`audience.entered` / `audience.exited`). */
export interface Transition {
  profileId: string;
  audienceId: string;
  kind: 'entered' | 'exited';
  at: string;
  cause: TransitionCause;
}

export interface AudienceEngine {
  definitions: AudienceDefinitions;
  index: DependencyIndex;
}

export interface Reevaluation {
  memberships: Map<string, Membership>;
  transitions: Transition[];
}

/**
 * Re-evaluates, for one profile, the audiences that read what `change` touched and, at once, the audiences that
 * name an audience whose membership just changed (the order puts them after it). Memberships of deleted
 * audiences exit. Nothing else is evaluated.
 */
export function reevaluate(
  engine: AudienceEngine,
  profile: { profileId: string; view: ProfileView; memberships: ReadonlyMap<string, Membership> },
  change: ProfileChange & { audiences?: Iterable<string> },
  at: string,
  cause: TransitionCause,
): Reevaluation {
  const { definitions, index } = engine;
  const memberships = new Map(profile.memberships);
  const transitions: Transition[] = [];
  const move = (audienceId: string, kind: Transition['kind']) => {
    if (kind === 'entered') memberships.set(audienceId, { audienceId, enteredAt: at, cause });
    else memberships.delete(audienceId);
    transitions.push({ profileId: profile.profileId, audienceId, kind, at, cause });
  };
  for (const audienceId of [...memberships.keys()].sort()) {
    if (!definitions.byId.has(audienceId)) move(audienceId, 'exited');
  }
  const pending = directlyAffected(index, definitions, change);
  for (const id of change.audiences ?? []) pending.add(id);
  const current = new Set(memberships.keys());
  for (const audienceId of definitions.order) {
    if (!pending.has(audienceId)) continue;
    const member = evaluateCondition(definitions.byId.get(audienceId)!.condition, profile.view, current);
    if (member === current.has(audienceId)) continue;
    if (member) current.add(audienceId);
    else current.delete(audienceId);
    move(audienceId, member ? 'entered' : 'exited');
    for (const dependent of index.byAudience.get(audienceId) ?? []) pending.add(dependent);
  }
  return { memberships, transitions };
}

/** A profile that no longer exists (merged into another, erased, emptied) exits every audience it was in. */
export function exitAll(
  profileId: string,
  memberships: ReadonlyMap<string, Membership>,
  at: string,
  cause: TransitionCause,
): Transition[] {
  return [...memberships.keys()].sort().map((audienceId) => ({ profileId, audienceId, kind: 'exited' as const, at, cause }));
}

/**
 * The memberships of a profile from scratch: what incremental evaluation must always agree with. `only` limits it to
 * some audiences (they must include every audience they name, as reachableAudiences gives).
 */
export function evaluateAll(definitions: AudienceDefinitions, view: ProfileView, only?: ReadonlySet<string>): Set<string> {
  const members = new Set<string>();
  for (const audienceId of definitions.order) {
    if (only && !only.has(audienceId)) continue;
    const { condition } = definitions.byId.get(audienceId)!;
    if (evaluateCondition(condition, view, members)) members.add(audienceId);
  }
  return members;
}

/**
 * A merge, split, unmerge or erasure replaced some profiles by others: every profile after it is evaluated in full
 * against the memberships its id held before (none for a new id), and every id that is gone exits. Transitions are
 * per profile id, so a merge that keeps a member in keeps it without a transition, and a merged profile that only
 * qualifies as the union enters once.
 */
export function regraph(
  engine: AudienceEngine,
  before: ReadonlyMap<string, ReadonlyMap<string, Membership>>,
  after: ReadonlyArray<{ profileId: string; view: ProfileView }>,
  at: string,
  cause: TransitionCause,
): { memberships: Map<string, Map<string, Membership>>; transitions: Transition[] } {
  const memberships = new Map<string, Map<string, Membership>>();
  const transitions: Transition[] = [];
  const remaining = new Set(after.map((p) => p.profileId));
  for (const [profileId, held] of [...before].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!remaining.has(profileId)) transitions.push(...exitAll(profileId, held, at, cause));
  }
  for (const { profileId, view } of after) {
    const held = before.get(profileId) ?? new Map<string, Membership>();
    const result = reevaluate(engine, { profileId, view, memberships: held }, { everything: true }, at, cause);
    memberships.set(profileId, result.memberships);
    transitions.push(...result.transitions);
  }
  return { memberships, transitions };
}
