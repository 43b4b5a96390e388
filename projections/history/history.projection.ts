import {
  applyItem,
  createGraphState,
  foldItems,
  type GraphItem,
  type GraphState,
  type ItemRejection,
} from '../identity-graph';
import { identityKey, type IdentityKey, type IdentitySettings } from '../model';
import {
  applyRecordToFragment,
  DEFAULT_ATTRIBUTE_MERGE,
  type AttributeMerge,
  type Fragment,
  type ProfileRecord,
} from '../unified-profile';
import { diffViews, isEmpty, type SubjectChanges } from './subject-changes';
import { EMPTY_VIEW, graphView, mergedLeaves, sameMembers, type SubjectView } from './subject-view';

/** The rules the graph is folded under at one point of the log. */
export interface HistoryRules {
  settings: IdentitySettings;
  /** Rejected pairs (model linkKey). */
  rejected: ReadonlySet<string>;
}

/**
 * One entry of the subject's log, in log order: an item (with its record, for records), or a change of rules,
 * which re-derives the graph from every item so far under the new rules (what the projector does).
 */
export type HistoryEntry =
  | { kind: 'item'; item: GraphItem; record?: ProfileRecord }
  | { kind: 'rules'; rules: HistoryRules };

export interface HistoryStep {
  /** Index of the entry in the input. */
  index: number;
  changes: SubjectChanges;
  /** Set when rule 1 turned the item away: it changed nothing. */
  rejection?: ItemRejection;
}

/**
 * The history of one subject's profile: the log entries folded one by one, each diffed against the subject's graph
 * and merged attributes before it. An item is a step when it holds an identity of the subject's graph (before or
 * after it) or changed it; a change of rules only when it changed the subject's graph. The entries must be every
 * item that can reach the subject (its co-occurrence closure) and the rule changes, in log order.
 */
export function subjectHistory(
  subject: IdentityKey,
  rules: HistoryRules,
  entries: readonly HistoryEntry[],
  policy: AttributeMerge = DEFAULT_ATTRIBUTE_MERGE,
): HistoryStep[] {
  const fold = new SubjectFold(subject, rules, policy);
  const steps: HistoryStep[] = [];
  entries.forEach((entry, index) => {
    const step = entry.kind === 'item' ? fold.applyItem(entry.item, entry.record) : fold.applyRules(entry.rules);
    if (step) steps.push({ index, ...step });
  });
  return steps;
}

/** The fold of the subject's entries, with the view of its profile after the last one. */
class SubjectFold {
  private state: GraphState = createGraphState();
  private readonly items: GraphItem[] = [];
  private readonly fragments = new Map<IdentityKey, Map<string, Fragment>>();
  private view: SubjectView = EMPTY_VIEW;

  constructor(
    private readonly subject: IdentityKey,
    private rules: HistoryRules,
    private readonly policy: AttributeMerge,
  ) {}

  applyItem(item: GraphItem, record?: ProfileRecord): Omit<HistoryStep, 'index'> | undefined {
    const outcome = applyItem(this.state, this.rules.settings, item, this.rules.rejected);
    this.items.push(item);
    if (record) this.applyRecord(record);
    const before = this.view;
    this.view = this.nextView(before, record?.primaryKey);
    const removed = outcome.removedLinks.map((r) => r.key);
    const changes = diffViews(before, this.view, { added: outcome.addedLinks, removed, restored: outcome.restoredLinks });
    const keys = [...item.identities, ...(item.unlinked ?? [])].map(identityKey);
    const holds = keys.some((k) => before.members.has(k) || this.view.members.has(k));
    if (!holds && isEmpty(changes)) return undefined;
    return outcome.rejection ? { changes, rejection: outcome.rejection } : { changes };
  }

  applyRules(rules: HistoryRules): Omit<HistoryStep, 'index'> | undefined {
    const wasRejected = this.rules.rejected;
    this.rules = rules;
    this.state = foldItems(rules.settings, this.items, rules.rejected);
    const before = this.view;
    this.view = this.nextView(before, undefined);
    const changes = diffViews(before, this.view, { rejected: rules.rejected, wasRejected });
    return isEmpty(changes) ? undefined : { changes };
  }

  private applyRecord(record: ProfileRecord): void {
    const bySource = this.fragments.get(record.primaryKey) ?? new Map<string, Fragment>();
    bySource.set(record.source, applyRecordToFragment(bySource.get(record.source), record));
    this.fragments.set(record.primaryKey, bySource);
  }

  /** Attributes are merged again only when the graph's identities or one of their fragments changed. */
  private nextView(before: SubjectView, recordPrimary: IdentityKey | undefined): SubjectView {
    const graph = graphView(this.state, this.subject);
    const recordInGraph = recordPrimary !== undefined && graph.members.has(recordPrimary);
    if (sameMembers(before.members, graph.members) && !recordInGraph) return { ...graph, leaves: before.leaves };
    const fragmentsOf = (key: IdentityKey) => [...(this.fragments.get(key)?.values() ?? [])];
    return { ...graph, leaves: mergedLeaves(graph.members, fragmentsOf, this.policy) };
  }
}
