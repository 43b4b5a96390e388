import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { unprocessable } from '../../common';
import { decode, encode } from '../../events';
import { EVENT_STORE, EventStore } from '../../event-store/event-store.port';
import type { Position } from '../../event-store';
import { IdentitySettingsService } from '../../identity';
import { LINK_REJECTIONS_STREAM } from '../../read-models';
import type { IdentityRef } from '../../../projections/model';
import {
  decideLinkRejection,
  evolveLinkRejections,
  initialLinkRejectionState,
  type LinkRejection,
  type LinkRejectionCommand,
  type LinkRejectionEvent,
  type LinkRejectionState,
} from './link-rejection.decider';


/**
 * The shell around the decider: folds the rejections stream on demand (reading only what it gained since the last
 * fold, so another instance's change is seen at the next call), decides, and appends with the exact expected
 * revision, so two concurrent operators cannot both act on a stale state (the loser gets 409).
 */
@Injectable()
export class LinkRejectionsService {
  private state: LinkRejectionState = initialLinkRejectionState();
  private revision = -1;

  constructor(
    @Inject(EVENT_STORE) private readonly log: EventStore,
    private readonly settings: IdentitySettingsService,
  ) {}

  async list(): Promise<LinkRejection[]> {
    await this.refresh();
    return [...this.state.rejections.values()];
  }

  async reject(from: IdentityRef, to: IdentityRef, reason: string): Promise<{ id: string; position: Position }> {
    const [a, b] = [await this.normalise(from, 'from'), await this.normalise(to, 'to')];
    if (a.namespace === b.namespace && a.id === b.id) {
      throw unprocessable('LINK_REJECTION_SAME_IDENTITY', 'A link joins two different identities: from and to are the same');
    }
    const id = randomUUID();
    return { id, position: await this.execute({ type: 'RejectLink', rejectionId: id, from: a, to: b, reason }) };
  }

  async withdraw(id: string): Promise<{ id: string; position: Position }> {
    return { id, position: await this.execute({ type: 'WithdrawLinkRejection', rejectionId: id }) };
  }

  private async execute(command: LinkRejectionCommand): Promise<Position> {
    await this.refresh();
    const events = decideLinkRejection(command, this.state);
    // A fresh id per decision: a derived one would make a concurrent, different decision look like a retry.
    const encoded = events.map((e) => encode(e, randomUUID()));
    const result = await this.log.append(LINK_REJECTIONS_STREAM, encoded, this.revision < 0 ? 'no_stream' : this.revision);
    await this.refresh();
    return result.position;
  }

  private async refresh(): Promise<void> {
    const recorded = await this.log.readStream(LINK_REJECTIONS_STREAM, { fromRevision: this.revision + 1 });
    for (const r of recorded) {
      if (r.revision <= this.revision) continue;
      const decoded = decode(r);
      const at = { position: decoded.position, recordedAt: decoded.recordedAt.getTime() };
      this.state = evolveLinkRejections(this.state, decoded.event as LinkRejectionEvent, at);
      this.revision = r.revision;
    }
  }

  /** The same normalisation ingestion applies, so a rejection names exactly what ingestion stored. */
  private normalise(identity: IdentityRef, path: string): Promise<IdentityRef> {
    return this.settings.normaliseRequested(identity, path);
  }
}
