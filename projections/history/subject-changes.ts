import { REMOVAL_REASONS } from '../identity-graph';
import type { IdentityKey, LinkState } from '../model';
import type { SubjectView } from './subject-view';

export interface AttributeChange {
  path: string;
  /** null: the leaf did not exist on that side. */
  before: unknown;
  after: unknown;
}

/** What one step of the log changed in one subject's profile. Lists are sorted (paths, keys). */
export interface SubjectChanges {
  attributes: AttributeChange[];
  /** Links that became active in the subject's graph (new, or not touching it before). */
  linksAdded: LinkState[];
  /** Links touching the subject's graph that stopped being active; `reason` says which rule removed them. */
  linksRemoved: LinkState[];
  /** Links removed earlier that are active again. */
  linksRestored: LinkState[];
  /** Identities that joined the subject's graph (a merge), or left it (a split). */
  joined: IdentityKey[];
  left: IdentityKey[];
}

/** The links one item changed, as its ItemOutcome names them. */
export interface LinkTouches {
  added: readonly string[];
  removed: readonly string[];
  restored: readonly string[];
}

/**
 * The difference between two views of the subject. An item says which links it changed (`touches`): a merge brings
 * the other graph's links into view without changing them. A change of rules names none, so for it a link changed
 * when it was in view before with another status, or is gone: a rejected pair is never observed under the rules
 * that reject it, so it is shown removed with the rule that decided it.
 */
export function diffViews(
  before: SubjectView,
  after: SubjectView,
  touches: LinkTouches | RuleChange,
): SubjectChanges {
  const links = 'rejected' in touches ? ruleChanges(before, after, touches) : itemChanges(after, touches);
  return {
    attributes: diffLeaves(before.leaves, after.leaves),
    ...links,
    joined: sorted([...after.members].filter((k) => !before.members.has(k))),
    left: sorted([...before.members].filter((k) => !after.members.has(k))),
  };
}

/** The rejected pairs (model linkKey) before and after a change of rules. */
export interface RuleChange {
  wasRejected: ReadonlySet<string>;
  rejected: ReadonlySet<string>;
}

type LinkChanges = Pick<SubjectChanges, 'linksAdded' | 'linksRemoved' | 'linksRestored'>;

function itemChanges(after: SubjectView, touches: LinkTouches): LinkChanges {
  const inView = (keys: readonly string[]) =>
    sorted(keys.filter((k) => after.links.has(k))).map((k) => after.links.get(k)!);
  return {
    linksAdded: inView(touches.added),
    linksRemoved: inView(touches.removed),
    linksRestored: inView(touches.restored),
  };
}

function ruleChanges(before: SubjectView, after: SubjectView, { rejected, wasRejected }: RuleChange): LinkChanges {
  const linksRemoved: LinkState[] = [];
  const linksRestored: LinkState[] = [];
  for (const key of sorted(before.links.keys())) {
    const then = before.links.get(key)!;
    const now = after.links.get(key);
    if (now === undefined && then.status === 'active' && rejected.has(key)) {
      linksRemoved.push({ ...then, status: 'removed', reason: REMOVAL_REASONS.rejected });
    } else if (now !== undefined && now.status !== then.status) {
      (now.status === 'removed' ? linksRemoved : linksRestored).push(now);
    }
  }
  for (const key of sorted(after.links.keys())) {
    const now = after.links.get(key)!;
    if (!before.links.has(key) && wasRejected.has(key) && now.status === 'active') linksRestored.push(now);
  }
  return { linksAdded: [], linksRemoved, linksRestored };
}

export function isEmpty(changes: SubjectChanges): boolean {
  return Object.values(changes).every((list: unknown[]) => list.length === 0);
}

function diffLeaves(before: ReadonlyMap<string, unknown>, after: ReadonlyMap<string, unknown>): AttributeChange[] {
  const changes: AttributeChange[] = [];
  for (const path of sorted(new Set([...before.keys(), ...after.keys()]))) {
    const [x, y] = [before.get(path) ?? null, after.get(path) ?? null];
    if (JSON.stringify(x) !== JSON.stringify(y)) changes.push({ path, before: x, after: y });
  }
  return changes;
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}
