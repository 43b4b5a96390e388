import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  evolveDefinitions,
  initialDefinitions,
  type AudienceDefinition,
  type AudienceDefinitionEvent,
  type AudienceDefinitions,
} from '../../projections/audiences';
import { notFound } from '../common';
import { TESSERA_CONFIG, TesseraConfig } from '../config';
import { decode, encode } from '../events';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import type { Position } from '../event-store';
import { IdentitySettingsService } from '../identity';
import { decideAudience, type AudienceCommand } from './audience.decider';

export const AUDIENCES_STREAM = 'tessera-audiences';
const REFRESH_MS = 1_000;

/**
 * Audience definitions, folded from their stream into memory (they are few and small), reading only what the stream
 * gained since the last fold. Embedded, every change goes through this instance; distributed, reads re-fold at most
 * once per REFRESH_MS and an unknown id re-folds at once before it is a 404. The projector folds the same events
 * from the log itself (log order decides, not this cache).
 */
@Injectable()
export class AudienceDefinitionsService {
  private state: AudienceDefinitions = initialDefinitions();
  private revision = -1;
  private foldedAt = -Infinity;
  private reading: Promise<void> | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly log: EventStore,
    @Inject(TESSERA_CONFIG) private readonly config: TesseraConfig,
    private readonly identitySettings: IdentitySettingsService,
  ) {}

  async definitions(): Promise<AudienceDefinitions> {
    await this.fresh();
    return this.state;
  }

  async list(): Promise<AudienceDefinition[]> {
    const { byId } = await this.definitions();
    return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async get(id: string): Promise<AudienceDefinition> {
    await this.fresh();
    if (!this.state.byId.has(id)) await this.refresh();
    const found = this.state.byId.get(id);
    if (!found) throw notFound('AUDIENCE_NOT_FOUND', `No audience ${id}`);
    return found;
  }

  /**
   * The definitions as they were at log time `asOf` (the changes logged before it), folded from the stream afresh:
   * for reads as of a moment, which are rare; the stream is small.
   */
  async definitionsBefore(asOf: number): Promise<AudienceDefinitions> {
    let state = initialDefinitions();
    for (const r of await this.log.readStream(AUDIENCES_STREAM)) {
      const { event, recordedAt } = decode(r);
      if (recordedAt.getTime() >= asOf) break;
      state = evolveDefinitions(state, event as AudienceDefinitionEvent, recordedAt.toISOString());
    }
    return state;
  }

  /** Decides on the freshest state and appends with the exact revision: a concurrent change is a 409. */
  async execute(command: AudienceCommand): Promise<{ position: Position; version?: number }> {
    await this.refresh();
    const namespaces = new Set(this.identitySettings.current().settings.namespaces.map((n) => n.code));
    const events = decideAudience(command, this.state, { namespaces });
    // A fresh id per decision: a derived one would make a concurrent, different decision look like a retry.
    const encoded = events.map((e) => encode(e, randomUUID()));
    const result = await this.log.append(AUDIENCES_STREAM, encoded, this.revision < 0 ? 'no_stream' : this.revision);
    // Fold from the log, so createdAt/updatedAt are the log's times, as the projector and a rebuild see them.
    while (this.revision < result.nextExpectedRevision) await this.refresh();
    const saved = events.find((e) => e.type === 'AudienceSaved');
    return { position: result.position, ...(saved?.type === 'AudienceSaved' ? { version: saved.data.version } : {}) };
  }

  private async fresh(): Promise<void> {
    const stale = this.config.mode === 'distributed' && Date.now() - this.foldedAt > REFRESH_MS;
    if (this.foldedAt === -Infinity || stale) await this.refresh();
  }

  /** Concurrent callers share one read of the stream. */
  private refresh(): Promise<void> {
    this.reading ??= this.readNew().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readNew(): Promise<void> {
    this.foldedAt = Date.now();
    const recorded = await this.log.readStream(AUDIENCES_STREAM, { fromRevision: this.revision + 1 });
    for (const r of recorded) {
      if (r.revision <= this.revision) continue;
      const { event, recordedAt } = decode(r);
      this.state = evolveDefinitions(this.state, event as AudienceDefinitionEvent, recordedAt.toISOString());
      this.revision = r.revision;
    }
  }
}
