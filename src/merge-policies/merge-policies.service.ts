import { Inject, Injectable } from '@nestjs/common';
import { notFound } from '../common/app-error';
import { randomUUID } from 'node:crypto';
import { decode, encode } from '../events';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import type { Position } from '../event-store/position';
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

/**
 * Merge policies are few and small: the stream is folded on demand, reading only what it gained since the last
 * fold, so every instance (distributed mode) sees a change at its next read.
 */
@Injectable()
export class MergePoliciesService {
  private state: MergePolicyState = initialMergePolicyState();
  private revision = -1;

  constructor(@Inject(EVENT_STORE) private readonly log: EventStore) {}

  async list(): Promise<MergePolicy[]> {
    await this.refresh();
    return [...this.state.policies.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async get(id: string): Promise<MergePolicy> {
    await this.refresh();
    const policy = this.state.policies.get(id);
    if (!policy) throw notFound('MERGE_POLICY_NOT_FOUND', `No merge policy ${id}`);
    return policy;
  }

  async default(): Promise<MergePolicy> {
    await this.refresh();
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

  private async refresh(): Promise<void> {
    const recorded = await this.log.readStream(MERGE_POLICIES_STREAM, { fromRevision: this.revision + 1 });
    for (const r of recorded) {
      if (r.revision <= this.revision) continue;
      this.state = evolveMergePolicies(this.state, decode(r).event as MergePolicyEvent);
      this.revision = r.revision;
    }
  }
}
