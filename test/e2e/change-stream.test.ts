import { changeId } from '../../projections/change-feed';
import { startTestApp, type TestApp } from './tessera-app';

/** GET /v1/changes/stream: Server-Sent Events, live from the end of the feed, or resumed after Last-Event-ID. */
interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** Reads SSE frames from a streaming fetch until `count` events arrived (comments are skipped). */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: SseEvent[] = [];
  const take = async (count: number): Promise<SseEvent[]> => {
    const deadline = Date.now() + 15_000;
    while (events.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} events, got ${events.length}`);
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: SseEvent = {};
        for (const line of frame.split('\n')) {
          const [field, ...rest] = line.split(': ');
          if (field === 'id' || field === 'event' || field === 'data') event[field] = rest.join(': ');
        }
        if (event.id) events.push(event);
      }
    }
    return events.splice(0, count);
  };
  return { res, take, close: () => controller.abort() };
}

describe('change stream (SSE)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ CHANGE_FEED_POLL_MS: '5' });
  });
  afterAll(() => app.close());

  const record = (n: number) => ({ id: `s-${n}`, source: 'crm', identities: [{ namespace: 'CRMID', id: `s-${n}` }], attributes: { n } });

  it('without a cursor sends only live items; Last-Event-ID resumes right after the id it names', async () => {
    await app.ingest('/v1/records', record(1));
    await app.momentAfter(await app.ingest('/v1/records', record(2)));
    const live = await openStream(`${app.url}/v1/changes/stream`);
    expect(live.res.status).toBe(200);
    expect(live.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await app.ingest('/v1/records', record(3));
    const [first] = await live.take(1);
    const item = JSON.parse(first.data!);
    expect(first).toMatchObject({ id: item.id, event: 'profile.created' });
    const all = (await app.getOk('/v1/changes')).items;
    expect(all.at(-1)).toEqual(item);
    live.close();

    const resumed = await openStream(`${app.url}/v1/changes/stream`, { 'last-event-id': all[0].id });
    expect((await resumed.take(2)).map((e) => e.id)).toEqual([all[1].id, all[2].id]);
    resumed.close();
  });

  it('filters by type and refuses a malformed Last-Event-ID with a 400', async () => {
    const filtered = await openStream(`${app.url}/v1/changes/stream?from=&types=profile.updated`);
    await app.ingest('/v1/records', record(4));
    await app.ingest('/v1/records', { ...record(4), id: 's-4b', attributes: { n: 40 } });
    const [updated] = await filtered.take(1);
    expect(updated.event).toBe('profile.updated');
    filtered.close();
    const bad = await fetch(`${app.url}/v1/changes/stream`, { headers: { 'last-event-id': 'nope' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('CHANGE_CURSOR_INVALID');
    const far = await openStream(`${app.url}/v1/changes/stream?from=${changeId('9'.repeat(40), 0)}`);
    expect(far.res.status).toBe(200);
    far.close();
  });
});
