import type { EventToAppend, RecordedEvent } from '../event-store/event-store.port';
import type { Position } from '../event-store';
import { CURRENT_VERSIONS, DomainEvent, EventType, EVENT_TYPES } from './catalogue';

/**
 * The one place payloads are (de)serialised. Everything that writes to or reads from the log goes through
 * encode/decode, so that personal fields can later be encrypted per subject here and nowhere else, and old
 * versions are upcast here before any projection sees them.
 */
export interface DecodedEvent<K extends EventType = EventType> {
  event: DomainEvent<K>;
  eventId: string;
  stream: string;
  revision: number;
  position: Position;
  recordedAt: Date;
}

type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** upcasters[type][fromVersion] turns a payload of fromVersion into fromVersion + 1. */
const upcasters: Partial<Record<EventType, Record<number, Upcaster>>> = {};

export function encode(event: DomainEvent, eventId: string): EventToAppend {
  return {
    eventId,
    type: event.type,
    data: event.data as unknown as Record<string, unknown>,
    metadata: { schemaVersion: CURRENT_VERSIONS[event.type] },
  };
}

export class UnknownEventTypeError extends Error {
  constructor(readonly type: string) {
    super(`Unknown event type in the log: ${type}`);
  }
}

export function isKnownEventType(type: string): type is EventType {
  return (EVENT_TYPES as string[]).includes(type);
}

export function decode(recorded: RecordedEvent): DecodedEvent {
  if (!isKnownEventType(recorded.type)) throw new UnknownEventTypeError(recorded.type);
  const type = recorded.type;
  let version = Number(recorded.metadata?.schemaVersion ?? 1);
  let data = recorded.data;
  while (version < CURRENT_VERSIONS[type]) {
    const up = upcasters[type]?.[version];
    if (!up) throw new Error(`No upcaster for ${type} v${version}`);
    data = up(data);
    version++;
  }
  return {
    event: { type, data } as unknown as DomainEvent,
    eventId: recorded.eventId,
    stream: recorded.stream,
    revision: recorded.revision,
    position: recorded.position,
    recordedAt: recorded.recordedAt,
  };
}
