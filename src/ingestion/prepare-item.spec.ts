import { DEFAULT_LIMITS } from '../config/config';
import { deriveEventId } from '../events';
import { subjectStream } from '../identity/subject-stream';
import { DEFAULT_SETTINGS } from '../../projections/model';
import { IngestContext, prepareItem } from './prepare-item';

const ctx: IngestContext = {
  settings: DEFAULT_SETTINGS,
  hashKey: 'k'.repeat(32),
  limits: DEFAULT_LIMITS,
  now: new Date('2024-05-01T12:00:00.000Z'),
  newId: () => 'generated-1',
};

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return `${(error as { status: number }).status} ${(error as { code: string }).code}`;
  }
};

describe('prepareItem', () => {
  it('given a record without id or timestamp, when prepared, then it gets a generated id, now, and its stream', () => {
    const item = prepareItem('record', { source: 'crm', identities: [{ namespace: 'Email', id: ' A@B.CH ' }], attributes: { a: 1 } }, ctx);
    const primary = { namespace: 'Email', id: 'a@b.ch' };
    expect(item).toEqual({
      kind: 'record',
      itemId: 'generated-1',
      stream: subjectStream(ctx.hashKey, primary),
      eventId: deriveEventId('record', 'crm', 'generated-1'),
      identities: [primary],
      warnings: [],
      event: {
        type: 'RecordIngested',
        data: { itemId: 'generated-1', source: 'crm', timestamp: '2024-05-01T12:00:00.000Z', identities: [primary], primary, attributes: { a: 1 } },
      },
    });
  });

  it('names the stream by the subject id the context gives, when it gives one (the log\'s cached naming)', () => {
    const asked: string[] = [];
    const subjectOf = (ref: { namespace: string; id: string }) => (asked.push(ref.id), `id-of-${ref.id}`);
    const item = prepareItem('record', { source: 'crm', identities: [{ namespace: 'Email', id: 'a@b.ch' }], attributes: {} }, { ...ctx, subjectOf });
    expect(item.stream).toBe('subject-id-of-a@b.ch');
    expect(asked).toEqual(['a@b.ch']);
  });

  it('given an event, then data defaults to {} and unknown top-level fields are not stored', () => {
    const item = prepareItem('event', { id: 'e', source: 'web', type: 'v', timestamp: '2024-05-01T12:00:00Z', identities: [{ namespace: 'ECID', id: '1' }], extra: 1 }, ctx);
    expect(item.event.data).not.toHaveProperty('extra');
    expect(item.event).toMatchObject({ type: 'ExperienceEventIngested', data: { data: {}, type: 'v' } });
  });

  it.each<[string, string, unknown]>([
    ['400 VALIDATION_FAILED', 'record', ['not', 'an', 'object']],
    ['400 VALIDATION_FAILED', 'event', { source: 'web', identities: [] }],
    ['413 RECORD_TOO_LARGE', 'record', { source: 's', identities: [], attributes: { x: 'x'.repeat(DEFAULT_LIMITS.maxRecordBytes) } }],
    ['413 LINK_TOO_LARGE', 'link', { source: 's'.repeat(DEFAULT_LIMITS.maxEventBytes), identities: [] }],
    ['422 TOO_MANY_IDENTITIES', 'link', { source: 's', identities: Array.from({ length: 21 }, () => 1) }],
    ['422 INVALID_ATTRIBUTE_KEY', 'record', { source: 's', identities: [{ namespace: 'ECID', id: '1' }], attributes: { $set: 1 } }],
  ])('rejects with %s', (expected, kind, raw) => {
    expect(codeOf(() => prepareItem(kind as 'record' | 'event' | 'link', raw, ctx))).toBe(expected);
  });
});
