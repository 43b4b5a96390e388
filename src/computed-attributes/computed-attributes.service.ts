import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  evolveComputedDefinitions,
  initialComputedDefinitions,
  type ComputedAttributeDefinition,
  type ComputedDefinitionEvent,
  type ComputedDefinitionsState,
} from '../../projections/computed-attributes';
import { notFound } from '../common';
import { TESSERA_CONFIG, type TesseraConfig } from '../config';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import type { Position } from '../event-store';
import { decode, encode } from '../events';
import { READ_STORE, type ComputedBackfill, type ReadStore } from '../read-store/read-store.port';
import { decideComputedAttribute, type ComputedAttributeCommand } from './computed-attribute.decider';
import { COMPUTED_ATTRIBUTES_STREAM } from './stream';

export interface ComputedAttributeView extends ComputedAttributeDefinition {
  status: 'backfilling' | 'ready';
  progress: { done: number; total: number; ratio: number };
  createdAt: string;
  updatedAt: string;
}

const REFRESH_MS = 1_000;

/**
 * Definitions are few and small: the stream is folded into memory like merge policies (re-folded at most once per
 * second in distributed mode, where another instance may write). Status and progress come from the projector's
 * backfill record in the read store.
 */
@Injectable()
export class ComputedAttributesService {
  private state: ComputedDefinitionsState = initialComputedDefinitions();
  private readonly times = new Map<string, { createdAt: string; updatedAt: string; position: Position }>();
  private revision = -1;
  private foldedAt = -Infinity;

  constructor(
    @Inject(EVENT_STORE) private readonly log: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(TESSERA_CONFIG) private readonly config: TesseraConfig,
  ) {}

  async list(): Promise<ComputedAttributeView[]> {
    await this.fresh();
    const names = [...this.state.definitions.keys()].sort();
    const backfills = new Map((await this.store.getComputedBackfills()).map((b) => [b.name, b]));
    return names.map((name) => this.view(this.state.definitions.get(name)!, backfills.get(name)));
  }

  /** The definitions in force, by name, from memory: what every profile read shows (no read-store query). */
  async inForce(): Promise<ComputedAttributeDefinition[]> {
    await this.fresh();
    return [...this.state.definitions.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async get(name: string): Promise<ComputedAttributeView> {
    await this.fresh();
    if (!this.state.definitions.has(name)) await this.refresh();
    const definition = this.state.definitions.get(name);
    if (!definition) throw notFound('COMPUTED_ATTRIBUTE_NOT_FOUND', `No computed attribute ${name}`);
    const backfill = (await this.store.getComputedBackfills()).find((b) => b.name === name);
    return this.view(definition, backfill);
  }

  /** Decides on the freshest state and appends with the exact revision (a concurrent change is a 409). */
  async execute(command: ComputedAttributeCommand): Promise<{ position?: Position }> {
    await this.refresh();
    const events = decideComputedAttribute(command, this.state);
    if (events.length === 0) return { position: this.times.get(command.name)?.position };
    const encoded = events.map((e) => encode(e, randomUUID()));
    const result = await this.log.append(COMPUTED_ATTRIBUTES_STREAM, encoded, this.revision < 0 ? 'no_stream' : this.revision);
    await this.refresh();
    return { position: result.position };
  }

  private view(definition: ComputedAttributeDefinition, backfill: ComputedBackfill | undefined): ComputedAttributeView {
    const current = backfill?.version === definition.version ? backfill : undefined;
    const done = current?.done ?? 0;
    const total = current?.total ?? 0;
    return {
      ...definition,
      status: current?.status ?? 'backfilling',
      progress: { done, total, ratio: current?.status === 'ready' ? 1 : total === 0 ? 0 : done / total },
      createdAt: this.times.get(definition.name)!.createdAt,
      updatedAt: this.times.get(definition.name)!.updatedAt,
    };
  }

  private async fresh(): Promise<void> {
    const stale = this.config.mode === 'distributed' && Date.now() - this.foldedAt > REFRESH_MS;
    if (this.foldedAt === -Infinity || stale) await this.refresh();
  }

  private async refresh(): Promise<void> {
    this.foldedAt = Date.now();
    for (;;) {
      const recorded = await this.log.readStream(COMPUTED_ATTRIBUTES_STREAM, { fromRevision: this.revision + 1, limit: 1000 });
      for (const r of recorded) {
        if (r.revision <= this.revision) continue;
        const event = decode(r).event as ComputedDefinitionEvent;
        this.state = evolveComputedDefinitions(this.state, event);
        this.noteTimes(event, r.recordedAt.toISOString(), r.position);
        this.revision = r.revision;
      }
      if (recorded.length < 1000) return;
    }
  }

  private noteTimes(event: ComputedDefinitionEvent, at: string, position: Position): void {
    const name = event.data.name;
    if (event.type === 'ComputedAttributeDeleted') this.times.delete(name);
    else this.times.set(name, { createdAt: this.times.get(name)?.createdAt ?? at, updatedAt: at, position });
  }

  /** The log position of the save that put a definition in force. */
  async positionOf(name: string): Promise<Position | undefined> {
    await this.fresh();
    return this.times.get(name)?.position;
  }
}
