import type { AllStreamResolvedEvent, Position as EsdbPosition, ResolvedEvent } from '@eventstore/db-client';
import type { RecordedEvent } from '../event-store.port';
import type { Position } from '../position';

/** Conversions between EventStoreDB's shapes and the port's, kept apart so the adapter reads as behaviour. */

export function toPosition(position: EsdbPosition): Position {
  return `${position.commit}/${position.prepare}`;
}

/** Accepts our 'commit/prepare' form; a bare number (another adapter's position) is read as commit = prepare. */
export function fromPosition(position: Position): EsdbPosition {
  const [commit, prepare = commit] = position.split('/');
  return { commit: BigInt(commit), prepare: BigInt(prepare) };
}

/** EventStoreDB's own events ($metadata, $stats, projections' output) are not part of Tessera's log. */
export function isSystemEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): boolean {
  const event = resolved.event;
  return !event || event.type.startsWith('$') || event.streamId.startsWith('$');
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !(value instanceof Uint8Array)
    ? (value as Record<string, unknown>)
    : {};
}

export function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent {
  const event = resolved.event;
  if (!event?.position) throw new Error('EventStoreDB returned an event without a position');
  return {
    eventId: event.id,
    type: event.type,
    stream: event.streamId,
    revision: Number(event.revision),
    position: toPosition(event.position),
    recordedAt: event.created,
    data: asRecord(event.data),
    metadata: asRecord(event.metadata),
  };
}
