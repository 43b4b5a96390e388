import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { TESSERA_CONFIG, TesseraConfig } from '../config';
import { decode, encode } from '../events';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import type { Position } from '../event-store';
import type { IdentityRef, IdentitySettings } from '../../projections/model';
import { checkRequestedIdentity } from '../../projections/identity-graph';
import { unprocessable } from '../common';
import { ChangeIdentitySettings, decide, evolve, initialSettingsState, SETTINGS_STREAM, SettingsState } from './identity-settings.decider';

export interface CurrentSettings {
  settings: IdentitySettings;
  /** 0 for the defaults of a fresh store. */
  version: number;
  /** Position of the change that produced these settings; undefined for the defaults. */
  position?: Position;
}

/**
 * The current identity settings, loaded from the 'tessera-settings' stream at start and kept in memory: ingestion
 * reads them on every item. In distributed mode another instance may have changed them: callers that meet an
 * unknown namespace call refresh() before rejecting.
 */
@Injectable()
export class IdentitySettingsService implements OnModuleInit {
  private state: SettingsState = initialSettingsState();
  /** Revision of the last event folded, -1 when the stream does not exist yet. */
  private revision = -1;
  private position: Position | undefined;
  private reading: Promise<CurrentSettings> | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(TESSERA_CONFIG) private readonly config: TesseraConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.refresh();
  }

  current(): CurrentSettings {
    return { settings: this.state.settings, version: this.state.version, position: this.position };
  }

  get distributed(): boolean {
    return this.config.mode === 'distributed';
  }

  /**
   * Folds whatever the settings stream gained since the last read. Concurrent callers share one read, so a burst
   * of items with an unknown namespace costs one stream read, not one each.
   */
  refresh(): Promise<CurrentSettings> {
    this.reading ??= this.readNewEvents().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readNewEvents(): Promise<CurrentSettings> {
    const events = await this.store.readStream(SETTINGS_STREAM, { fromRevision: this.revision + 1 });
    for (const recorded of events) {
      if (recorded.revision <= this.revision) continue;
      const { event, position } = decode(recorded);
      if (event.type === 'IdentitySettingsChanged') this.state = evolve(this.state, event.data);
      this.revision = recorded.revision;
      this.position = position;
    }
    return this.current();
  }

  /**
   * An identity named in an operator's or a data subject's request, normalised exactly as ingestion normalised what
   * it stored (so the request finds it), with ingestion's rules as 422s. `path` names the field in error details.
   */
  async normaliseRequested(identity: IdentityRef, path: string): Promise<IdentityRef> {
    const find = (s: CurrentSettings) => s.settings.namespaces.find((n) => n.code === identity.namespace);
    const setting = find(this.current()) ?? (this.distributed ? find(await this.refresh()) : undefined);
    const checked = checkRequestedIdentity(setting?.type, identity, path);
    if (!('code' in checked)) return checked;
    // An unknown namespace names its field, as ingestion does; the value problems answer without details.
    const { code, message } = checked;
    throw unprocessable(code, message, code === 'UNKNOWN_NAMESPACE' ? [{ path: `${path}.namespace`, code, message }] : undefined);
  }

  /** Decides on the freshest state and appends with the exact expected revision (a concurrent change is a 409). */
  async change(command: ChangeIdentitySettings): Promise<{ version: number; position: Position }> {
    await this.refresh();
    const events = decide(command, this.state);
    const expected = this.revision < 0 ? 'no_stream' : this.revision;
    // A fresh id per attempt: the expected revision, not id idempotency, must decide between two concurrent changes.
    const encoded = events.map((e) => encode(e, randomUUID()));
    const result = await this.store.append(SETTINGS_STREAM, encoded, expected);
    // Fold from the log rather than locally, so a refresh running meanwhile cannot fold the same change twice; a
    // read that was already in flight may predate the append, hence the loop.
    while (this.revision < result.nextExpectedRevision) await this.refresh();
    return { version: events[events.length - 1].data.version, position: result.position };
  }
}
