import {
  jsonCopy,
  openPersonalFields,
  personalFieldsOf,
  personalIdentitiesOf,
  sealedSubjectsOf,
  sealPersonalFields,
} from '../events';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  LogSubscription,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
} from '../event-store/event-store.port';
import type { Position } from '../event-store';
import type { IdentityRef } from '../../projections/model';
import { subjectIdOfStream } from '../identity';
import { SubjectCipher } from './subject-cipher';
import type { SubjectKeys } from './subject-keys';

const EMPTY_KEYS: Map<string, Buffer> = new Map();
/** Metadata flag of a sealed event: only these are opened, so a plain value that looks sealed is left alone. */
const SEALED_FLAG = 'sealed';

export interface EncryptionOptions {
  /** Seal personal fields on append (default). Off only for benchmark comparison; sealed events still open. */
  sealOnAppend: boolean;
}

/**
 * Crypto-shredding in one place: wraps the event store port, seals the personal fields of every appended event
 * (src/events/personal-fields.ts says which, and whose) and opens them on every read and subscription. Keys are
 * fetched before a page is opened (async), then the field map runs synchronously. What reads back after an
 * erasure is decided by the field map: erased identities left out, erased owners' items as `ItemErased`.
 */
export class EncryptingEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    readonly keys: SubjectKeys,
    private readonly hashKey: string,
    private readonly options: EncryptionOptions = { sealOnAppend: true },
  ) {}

  async append(stream: string, events: EventToAppend[], expectedRevision?: ExpectedRevision): Promise<AppendResult> {
    if (!this.options.sealOnAppend || !events.some((e) => personalFieldsOf(e.type))) {
      return this.inner.append(stream, events, expectedRevision);
    }
    const naming = new SubjectCipher(this.hashKey, new Map(), this.keys.cipherCache);
    const owner = subjectIdOfStream(stream);
    const subjects = new Set<string>(owner !== undefined ? [owner] : []);
    for (const e of events) personalIdentitiesOf(e.type, e.data).forEach((ref) => subjects.add(naming.subjectOf(ref)));
    const cipher = new SubjectCipher(this.hashKey, await this.keys.ensure([...subjects]), this.keys.cipherCache);
    const sealed = events.map((e) => (personalFieldsOf(e.type) ? this.sealOne(e, owner, cipher) : e));
    // As the log will give it back (JSON), before the await: nobody can change it in between.
    const plain = events.map((e) => (personalFieldsOf(e.type) ? (jsonCopy(e.data) as Record<string, unknown>) : undefined));
    const result = await this.inner.append(stream, sealed, expectedRevision);
    result.events.forEach((appended, i) => {
      const data = plain[i];
      // A duplicate's position is its original's, whose payload this append did not write.
      if (data !== undefined && !appended.duplicate) this.keys.cipherCache.appended.set(appended.position, data);
    });
    return result;
  }

  /**
   * The subject id of an identity, from the same cache the seal uses (cleared with the keys on every erasure, so it
   * keeps no identity of an erased subject): ingestion names an item's stream by it, and the seal that follows
   * then finds the primary identity's id computed (a keyed hash per item less).
   */
  subjectOf(identity: IdentityRef): string {
    return new SubjectCipher(this.hashKey, EMPTY_KEYS, this.keys.cipherCache).subjectOf(identity);
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.openPage(await this.inner.readStream(stream, options));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.openPage(await this.inner.readAll(options));
  }

  subscribeToAll(options?: { after?: Position }): LogSubscription {
    const source = this.inner.subscribeToAll(options);
    const self = this;
    async function* opened(): AsyncGenerator<RecordedEvent> {
      for await (const recorded of source) {
        // Another process erased someone: its keys must not live on in this one's cache.
        if (recorded.type === 'SubjectErased') self.keys.forgetAll();
        if (!isSealed(recorded)) {
          yield recorded;
          continue;
        }
        // Sealed by this process a moment ago: its plaintext is what opening it would give (keys of an erased
        // subject clear the hand-off with the caches, so an erasure in between still opens it as erased).
        const handedOff = self.keys.cipherCache.appended.take(recorded.position);
        yield handedOff ? { ...recorded, data: handedOff } : self.openOne(recorded, await self.keysFor([recorded]));
      }
    }
    const iterable = opened();
    return { caughtUp: source.caughtUp, close: () => source.close(), [Symbol.asyncIterator]: () => iterable };
  }

  eraseStreams(streams: string[]): Promise<number> {
    return this.inner.eraseStreams(streams);
  }

  headPosition(): Promise<Position | undefined> {
    return this.inner.headPosition();
  }

  async close(): Promise<void> {
    await this.inner.close();
    await this.keys.store.close();
  }

  private sealOne(event: EventToAppend, owner: string | undefined, cipher: SubjectCipher): EventToAppend {
    const primary = event.data.primary as { namespace: string; id: string } | undefined;
    const itemOwner = owner ?? (primary ? cipher.subjectOf(primary) : undefined);
    return {
      ...event,
      data: sealPersonalFields(event.type, event.data, itemOwner, cipher),
      metadata: { ...event.metadata, [SEALED_FLAG]: itemOwner ?? true },
    };
  }

  private async openPage(page: RecordedEvent[]): Promise<RecordedEvent[]> {
    const sealed = page.filter(isSealed);
    if (sealed.length === 0) return page;
    const keys = await this.keysFor(sealed);
    return page.map((r) => (isSealed(r) ? this.openOne(r, keys) : r));
  }

  private async keysFor(sealed: RecordedEvent[]): Promise<Map<string, Buffer>> {
    const probe = new SubjectCipher(this.hashKey, new Map(), this.keys.cipherCache);
    const subjects = new Set<string>();
    for (const r of sealed) sealedSubjectsOf(r.type, r.data, ownerOf(r), probe).forEach((s) => subjects.add(s));
    const ids = [...subjects];
    return this.keys.tryCached(ids) ?? (await this.keys.load(ids));
  }

  private openOne(recorded: RecordedEvent, keys: Map<string, Buffer>): RecordedEvent {
    const opened = openPersonalFields(recorded.type, recorded.data, ownerOf(recorded), new SubjectCipher(this.hashKey, keys, this.keys.cipherCache));
    return { ...recorded, type: opened.type, data: opened.data };
  }
}


/** The owner recorded when the event was sealed (metadata), so reading never depends on the stream's name. */
function ownerOf(recorded: RecordedEvent): string | undefined {
  const owner = recorded.metadata?.[SEALED_FLAG];
  return typeof owner === 'string' ? owner : undefined;
}

function isSealed(recorded: RecordedEvent): boolean {
  return recorded.metadata?.[SEALED_FLAG] !== undefined;
}
