import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import type { IdentityRef } from '../../../projections/model';
import { AppError, notFound, unprocessable } from '../../common';
import { TESSERA_CONFIG, type TesseraConfig } from '../../config';
import {
  decode,
  type DecodedEvent,
  deriveEventId,
  encode,
  type PrivacyCounts,
  type PrivacyRequestAcceptedV1,
} from '../../events';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import type { Position } from '../../event-store';
import { IdentitySettingsService } from '../../identity';
import { GetProfileQuery } from '../../profiles';
import { ReadModelWatermark } from '../../projector';
import { READ_STORE, type ReadStore } from '../../read-store/read-store.port';
import { buildAccessExport, type AccessExport } from '../access/access-export';
import { eraseSubject, ErasureStalledError } from '../erasure/erase-subject';
import { profileIdOf } from '../../read-models';
import { SuppressionList } from '../erasure/suppression-list';
import { SubjectKeys } from '../subject-keys';
import { collectSubjectItems, resolveSubjectSet, type SubjectSet } from '../subject-set';
import { foldRequests, type PrivacyRequestState } from './privacy-request-state';
import type { PrivacyRequestDto, PrivacyRequestStatusDto } from './privacy-request.dto';

/** Every privacy request's events; identities inside are sealed with their subject's key like any item's. */
export const PRIVACY_STREAM = 'tessera-privacy';
/** How long a request waits for the read models to reach it (and, for an erasure, to pass it). */
const READ_MODEL_WAIT_MS = 120_000;
/** Exports are personal data: held in memory only, a bounded number, and dropped whenever anyone is erased. */
const MAX_EXPORTS = 100;

/**
 * Accepts access and erasure requests, runs them one at a time in this process (a queue: erasures never
 * interleave), and keeps their status durably as events of the privacy stream.
 */
@Injectable()
export class PrivacyRequestsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Privacy');
  private readonly states = new Map<string, PrivacyRequestState>();
  private readonly exports = new Map<string, AccessExport>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    @Inject(EVENT_STORE) private readonly log: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(TESSERA_CONFIG) private readonly config: TesseraConfig,
    private readonly keys: SubjectKeys,
    private readonly suppression: SuppressionList,
    private readonly watermark: ReadModelWatermark,
    private readonly settings: IdentitySettingsService,
    private readonly queries: QueryBus,
  ) {}

  /** Requests accepted but never finished (the process stopped) run again: every step is safe to repeat. */
  async onApplicationBootstrap(): Promise<void> {
    const events = await this.readStream();
    foldRequests(events, this.states);
    for (const decoded of events) {
      if (decoded.event.type !== 'PrivacyRequestAccepted') continue;
      const request = decoded.event.data;
      if (this.states.get(request.requestId)?.status === 'pending') this.enqueue(request, decoded.position);
    }
  }

  async accept(dto: PrivacyRequestDto): Promise<{ requestId: string }> {
    if (dto.suppress && dto.type !== 'erase') {
      throw unprocessable('PRIVACY_SUPPRESS_NEEDS_ERASE', 'suppress applies to erasure requests only');
    }
    const request: PrivacyRequestAcceptedV1 = {
      requestId: randomUUID(),
      type: dto.type,
      scope: dto.scope,
      identity: await this.normalise(dto.identity),
      suppress: dto.suppress ?? false,
    };
    const position = await this.append({ type: 'PrivacyRequestAccepted', data: request }, request.requestId);
    this.states.set(request.requestId, { requestId: request.requestId, type: request.type, status: 'pending', createdAt: new Date() });
    this.enqueue(request, position);
    return { requestId: request.requestId };
  }

  async status(requestId: string): Promise<PrivacyRequestStatusDto> {
    // Another instance may have accepted it: read the stream again before answering 404.
    if (!this.states.has(requestId)) foldRequests(await this.readStream(), this.states);
    const state = this.states.get(requestId);
    if (!state) throw notFound('PRIVACY_REQUEST_NOT_FOUND', 'No privacy request has this id');
    const exported = this.exports.get(requestId);
    return {
      requestId,
      type: state.type,
      status: state.status,
      createdAt: state.createdAt.toISOString(),
      ...(state.completedAt ? { completedAt: state.completedAt.toISOString() } : {}),
      ...(state.counts ? { counts: state.counts } : {}),
      ...(exported ? { export: exported as unknown as Record<string, unknown> } : {}),
      ...(state.error ? { error: state.error } : {}),
    };
  }

  private enqueue(request: PrivacyRequestAcceptedV1, acceptedAt: Position): void {
    this.queue = this.queue.then(() => this.run(request, acceptedAt));
  }

  private async run(request: PrivacyRequestAcceptedV1, acceptedAt: Position): Promise<void> {
    const state = this.states.get(request.requestId)!;
    state.status = 'running';
    try {
      if (request.identity.id === '') throw new AppError('PRIVACY_SUBJECT_ERASED', 422, 'The subject of this request was erased before it ran');
      // Everything logged before the request must be in the read models the subject set is found in.
      if (!(await this.watermark.whenProcessed(acceptedAt, READ_MODEL_WAIT_MS))) {
        throw new ErasureStalledError('The read models did not catch up with the request in time; submit it again');
      }
      const set = await resolveSubjectSet(this.store, this.config.identityHashKey!, request.identity, request.scope);
      const counts = request.type === 'access' ? await this.access(request, set) : await this.erase(request, set);
      await this.append({ type: 'PrivacyRequestCompleted', data: { requestId: request.requestId, counts } }, `${request.requestId}/done`);
      Object.assign(state, { status: 'completed', completedAt: new Date(), counts });
    } catch (error) {
      const reason = error instanceof AppError || error instanceof ErasureStalledError ? error.message : 'The request failed inside the service';
      this.logger.error(`privacy request ${request.requestId} failed: ${error instanceof Error ? error.message : String(error)}`);
      await this.append({ type: 'PrivacyRequestFailed', data: { requestId: request.requestId, reason } }, `${request.requestId}/done`).catch(() => undefined);
      Object.assign(state, { status: 'failed', completedAt: new Date(), error: reason });
    }
  }

  private async access(request: PrivacyRequestAcceptedV1, set: SubjectSet): Promise<PrivacyCounts> {
    const items = await collectSubjectItems(this.log, this.store, set);
    const graphLinks = await this.store.getLinksTouching(set.keys);
    const built = buildAccessExport(set, [...items.own, ...items.others], graphLinks, await this.profileOf(request.identity));
    this.exports.set(request.requestId, built.export);
    if (this.exports.size > MAX_EXPORTS) this.exports.delete(this.exports.keys().next().value as string);
    return built.counts;
  }

  private async erase(request: PrivacyRequestAcceptedV1, set: SubjectSet): Promise<PrivacyCounts> {
    this.exports.clear();
    return eraseSubject(
      {
        log: this.log,
        keys: this.keys,
        store: this.store,
        audit: (event) => this.append({ type: 'SubjectErased', data: event }, `${request.requestId}/erased`),
        processed: (position) => this.watermark.whenProcessed(position, READ_MODEL_WAIT_MS),
        suppress: (s) => this.suppression.add(s.identities),
        now: () => new Date(),
        profileIdOf: (graphId) => profileIdOf(this.config.identityHashKey!, graphId),
        timed: (ms) => this.logger.log(`erasure ${request.requestId} took ms ${JSON.stringify(ms)}`),
      },
      set,
      request.requestId,
      request.suppress,
    );
  }

  private async profileOf(identity: IdentityRef): Promise<Record<string, unknown> | null> {
    try {
      return await this.queries.execute(new GetProfileQuery(identity.namespace, identity.id));
    } catch (error) {
      if (error instanceof AppError && error.status === 404) return null;
      throw error;
    }
  }

  /** The same normalisation ingestion applies, so the request names exactly what ingestion stored. */
  private normalise(identity: IdentityRef): Promise<IdentityRef> {
    return this.settings.normaliseRequested(identity, 'identity');
  }

  private async append(event: Parameters<typeof encode>[0], key: string): Promise<Position> {
    return (await this.log.append(PRIVACY_STREAM, [encode(event, deriveEventId('privacy', 'tessera', `${event.type}:${key}`))])).position;
  }

  private async readStream(): Promise<DecodedEvent[]> {
    const out: DecodedEvent[] = [];
    for (;;) {
      const page = await this.log.readStream(PRIVACY_STREAM, { fromRevision: out.length, limit: 1000 });
      out.push(...page.map(decode));
      if (page.length < 1000) return out;
    }
  }
}
