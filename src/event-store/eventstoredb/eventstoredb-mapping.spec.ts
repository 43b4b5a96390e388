import type { AllStreamResolvedEvent } from '@eventstore/db-client';
import { comparePositions, isPosition } from '../position';
import { fromPosition, isSystemEvent, toPosition, toRecordedEvent } from './eventstoredb-mapping';

const resolved = (overrides: Record<string, unknown> = {}): AllStreamResolvedEvent =>
  ({
    event: {
      id: '0b1c5c83-1d1f-4a5e-9d3c-6d8f1e2a3b4c',
      streamId: 'profile-abc',
      revision: 3n,
      type: 'RecordObserved',
      data: { a: 1 },
      metadata: { schemaVersion: 2 },
      isJson: true,
      created: new Date('2026-01-02T03:04:05.678Z'),
      position: { commit: 1234n, prepare: 1200n },
      ...overrides,
    },
  }) as unknown as AllStreamResolvedEvent;

describe('EventStoreDB mapping', () => {
  it('writes positions as commit/prepare, valid and ordered like the server orders them', () => {
    const a = toPosition({ commit: 99n, prepare: 99n });
    const b = toPosition({ commit: 100n, prepare: 10n });
    expect([a, b]).toEqual(['99/99', '100/10']);
    expect(isPosition(a) && isPosition(b)).toBe(true);
    expect(comparePositions(a, b)).toBe(-1);
  });

  it('reads its own positions back, and a bare number as commit = prepare', () => {
    expect(fromPosition('18446744073709551615/7')).toEqual({ commit: 18446744073709551615n, prepare: 7n });
    expect(fromPosition('42')).toEqual({ commit: 42n, prepare: 42n });
  });

  it('turns a resolved event into the port shape, log time from `created`', () => {
    expect(toRecordedEvent(resolved())).toEqual({
      eventId: '0b1c5c83-1d1f-4a5e-9d3c-6d8f1e2a3b4c',
      type: 'RecordObserved',
      stream: 'profile-abc',
      revision: 3,
      position: '1234/1200',
      recordedAt: new Date('2026-01-02T03:04:05.678Z'),
      data: { a: 1 },
      metadata: { schemaVersion: 2 },
    });
  });

  it('reads absent or binary metadata as empty', () => {
    expect(toRecordedEvent(resolved({ metadata: undefined })).metadata).toEqual({});
    expect(toRecordedEvent(resolved({ metadata: new Uint8Array([1]) })).metadata).toEqual({});
  });

  it("tells EventStoreDB's own events by a $ type or a $ stream", () => {
    expect(isSystemEvent(resolved())).toBe(false);
    expect(isSystemEvent(resolved({ type: '$metadata' }))).toBe(true);
    expect(isSystemEvent(resolved({ streamId: '$stats-node' }))).toBe(true);
  });
});
