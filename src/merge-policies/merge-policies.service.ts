import { Inject, Injectable } from '@nestjs/common';
import { notFound } from '../common';
import { randomUUID } from 'node:crypto';
import { decode, encode } from '../events';
import { TESSERA_CONFIG, TesseraConfig } from '../config';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import type { Position } from '../event-store';
import {
  decideMergePolicy,
  defaultPolicy,
  evolveMergePolicies,
  initialMergePolicyState,
  MergePolicy,
  MergePolicyCommand,
  MergePolicyEvent,
  MergePolicyState,
} from './merge-policy.decider';

export const MERGE_POLICIES_STREAM = 'tessera-merge-policies';
const REFRESH_MS = 1_000;

/**
 * Merge policies are few and small: the stream is folded into memory, reading only what it gained since the last
 * fold. Embedded, every change goes through this instance, so memory is the truth. Distributed, another instance
 * may have changed them: reads re-fold at most once per REFRESH_MS, and an unknown policy id re-folds at once
 * before it is a 404 (a profile read must not pay a log read on every request: it showed as 18% of lookup CPU).
 */
@Injectable()
export class MergePoliciesService {
  private state: MergePolicyState = initialMergePolicyState();
  private revision = -1;
  /** When the stream was last folded; -Infinity: never. */
  private foldedAt = -Infinity;

  constructor(
    @Inject(EVENT_STORE) private readonly log: EventStore,
    @Inject(TESSERA_CONFIG) private readonly config: TesseraConfig,
  ) {}

  async list(): Promise<MergePolicy[]> {
    await this.fresh();
    return [...this.state.policies.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async get(id: string): Promise<MergePolicy> {
    await this.fresh();
    if (!this.state.policies.has(id)) await this.refresh();
    const policy = this.state.policies.get(id);
    if (!policy) throw notFound('MERGE_POLICY_NOT_FOUND', `No merge policy ${id}`);
    return policy;
  }

  async default(): Promise<MergePolicy> {
    await this.fresh();
    return defaultPolicy(this.state);
  }

  /** Decides on the freshest state and appends with the exact revision: a concurrent change is a 409. */
  async execute(command: MergePolicyCommand): Promise<{ position: Position }> {
    await this.refresh();
    const events = decideMergePolicy(command, this.state);
    // A fresh id per decision: a derived one would make a concurrent, different decision look like a retry.
    const encoded = events.map((e) => encode(e, randomUUID()));
    const result = await this.log.append(MERGE_POLICIES_STREAM, encoded, this.revision < 0 ? 'no_stream' : this.revision);
    for (const e of events) this.state = evolveMergePolicies(this.state, e);
    this.revision = result.nextExpectedRevision;
    return { position: result.position };
  }

  /** Folded once at first use; then again only in distributed mode, at most once per REFRESH_MS. */
  private async fresh(): Promise<void> {
    const stale = this.config.mode === 'distributed' && Date.now() - this.foldedAt > REFRESH_MS;
    if (this.foldedAt === -Infinity || stale) await this.refresh();
  }

  private async refresh(): Promise<void> {
    this.foldedAt = Date.now();
    const recorded = await this.log.readStream(MERGE_POLICIES_STREAM, { fromRevision: this.revision + 1 });
    for (const r of recorded) {
      if (r.revision <= this.revision) continue;
      this.state = evolveMergePolicies(this.state, decode(r).event as MergePolicyEvent);
      this.revision = r.revision;
    }
  }
}
