import { chunksUnder, sizeOnDisk } from './append-chunks';

const event = (bytes: number, type = 'T') => ({ eventId: String(bytes), type, data: { b: 'x'.repeat(bytes) } });

describe('chunksUnder', () => {
  it('counts an event as the server does: data and metadata JSON bytes, and the type twice', () => {
    expect(sizeOnDisk({ eventId: 'e', type: 'Typed', data: { a: 'é' }, metadata: { m: 1 } })).toBe(10 + 7 + 10);
  });

  it('cuts runs in order so that each stays within the limit', () => {
    const events = [event(40), event(40), event(40), event(10)];
    const chunks = chunksUnder(events, 120);
    expect(chunks.map((c) => c.map((e) => e.eventId))).toEqual([['40', '40'], ['40', '10']]);
  });

  it('gives an event alone over the limit a run of its own, for the server to refuse', () => {
    expect(chunksUnder([event(10), event(500), event(10)], 100).map((c) => c.length)).toEqual([1, 1, 1]);
  });
});
