import type { RecordedEvent } from '../event-store/event-store.port';
import { isPosition } from '../event-store';

/**
 * One line of an export: a log event exactly as stored (payload not upcast, so an import reproduces the log
 * byte for byte in meaning, and the codec upcasts it on read as it would have on the source).
 */
export interface ExportedEvent {
  position: string;
  eventId: string;
  type: string;
  stream: string;
  revision: number;
  /** Log time at the source, ISO-8601 UTC. An import cannot keep it: the target store stamps its own. */
  recordedAt: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export function toExportLine(r: RecordedEvent): string {
  const line: ExportedEvent = {
    position: r.position,
    eventId: r.eventId,
    type: r.type,
    stream: r.stream,
    revision: r.revision,
    recordedAt: r.recordedAt.toISOString(),
    data: r.data,
    metadata: r.metadata,
  };
  return JSON.stringify(line);
}

/** Parses and checks one line; throws an Error naming the first problem. */
export function parseExportLine(text: string): ExportedEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
  const v = value as Record<string, unknown>;
  const problem = lineProblem(v);
  if (problem) throw new Error(problem);
  return v as unknown as ExportedEvent;
}

function lineProblem(v: Record<string, unknown>): string | undefined {
  for (const field of ['eventId', 'type', 'stream'] as const) {
    if (typeof v[field] !== 'string' || (v[field] as string).length === 0) return `${field} must be a non-empty string`;
  }
  if (!isPosition(v.position)) return 'position must be a log position';
  if (!Number.isSafeInteger(v.revision) || (v.revision as number) < 0) return 'revision must be a non-negative integer';
  if (typeof v.recordedAt !== 'string' || Number.isNaN(Date.parse(v.recordedAt))) return 'recordedAt must be a timestamp';
  if (!isObject(v.data)) return 'data must be an object';
  if (!isObject(v.metadata)) return 'metadata must be an object';
  return undefined;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
