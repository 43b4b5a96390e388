import { Inject, Injectable } from '@nestjs/common';
import { identityKey, type IdentityKey, type IdentityRef } from '../../../projections/model';
import type { DecodedEvent } from '../../events';
import { notFound, unavailable } from '../../common';
import { TESSERA_CONFIG, type TesseraConfig } from '../../config';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { profileIdOf } from '../../read-models';
import { ReadModelWatermark } from '../../projector';
import { READ_STORE, type ReadStore } from '../../read-store/read-store.port';
import { MIN_POSITION_WAIT_MS } from '../subject-lookup';
import { foldSnapshot, type AsOfSnapshot } from './as-of-snapshot';
import { ruleEventsBefore } from './log-reads';
import { loadSubjectItems } from './subject-closure';

export interface SubjectLog {
  subject: IdentityKey;
  /** The subject's co-occurrence closure, in log order. */
  items: DecodedEvent[];
  /** Settings changes, link rejections and withdrawals, in log order. */
  ruleEvents: DecodedEvent[];
}

/**
 * Reads a subject as the service knew it at a moment (log time): its closure from the identity→items index, the
 * rules logged before the moment, folded with the projector's code. Without a moment: as the log holds it now.
 */
@Injectable()
export class AsOfReader {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(EVENT_STORE) private readonly log: EventStore,
    @Inject(TESSERA_CONFIG) private readonly config: TesseraConfig,
    private readonly watermark: ReadModelWatermark,
  ) {}

  /** The snapshot of `identity` at `asOf` (epoch ms; undefined: now). 404 when nothing was known of it then. */
  async snapshot(identity: IdentityRef, asOf: number | undefined): Promise<AsOfSnapshot> {
    const { subject, items, ruleEvents } = await this.subjectLog(identity, asOf);
    const profileIdOfGraph = (graphId: IdentityKey) => profileIdOf(this.config.identityHashKey!, graphId);
    const snapshot = foldSnapshot(subject, items, ruleEvents, profileIdOfGraph);
    // Items the rules turned away (two values of a unique namespace) leave no node behind.
    if (!snapshot.node) throw notFound('PROFILE_NOT_FOUND', 'No graph held this identity at asOf');
    return snapshot;
  }

  /** The subject's closure and the rule events logged before `asOf`; 404 when no item held the subject then. */
  async subjectLog(identity: IdentityRef, asOf: number | undefined): Promise<SubjectLog> {
    if (asOf !== undefined) await this.awaitCoverage(asOf);
    const subject = identityKey(identity);
    const items = await loadSubjectItems(this.store, this.log, subject, asOf);
    if (items.length === 0) {
      const when = asOf === undefined ? 'is' : 'was';
      throw notFound('PROFILE_NOT_FOUND', `Nothing ${when} known of this identity${asOf === undefined ? '' : ' at asOf'}`);
    }
    return { subject, items, ruleEvents: await ruleEventsBefore(this.log, asOf) };
  }

  /**
   * The index holds what the projector has applied. When the first event it has not applied yet was logged before
   * `asOf`, the answer would miss it: wait (at most 5 s, then 503) until the projector reaches today's head.
   */
  private async awaitCoverage(asOf: number): Promise<void> {
    const checkpoint = await this.watermark.current();
    const [next] = await this.log.readAll({ after: checkpoint, limit: 1 });
    if (next === undefined || next.recordedAt.getTime() >= asOf) return;
    const head = await this.log.headPosition();
    if (head !== undefined && !(await this.watermark.whenProcessed(head, MIN_POSITION_WAIT_MS))) {
      throw unavailable('READ_MODEL_STALE', 'The read models did not reach the log as of asOf within 5 s');
    }
  }
}
