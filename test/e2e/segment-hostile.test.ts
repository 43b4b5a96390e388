import { gzipSync } from 'node:zlib';
import { startTestApp, TestApp } from './tessera-app';
import { basic, logLength, readAfterLog, segmentCall, segmentPost, WRITE_KEYS } from './segment-support';

/** Hostile and odd Segment calls: each gets its documented answer, and nothing of what was refused is stored. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ SEGMENT_WRITE_KEYS: WRITE_KEYS });
});
afterAll(() => app.close());

/** Runs `call`, then checks the log grew by exactly `stored` events. */
async function storing<T>(stored: number, call: () => Promise<T>): Promise<T> {
  const before = await logLength(app);
  const result = await call();
  expect(await logLength(app)).toBe(before + stored);
  return result;
}

const track = (userId: string, extra: object = {}) => ({ type: 'track', userId, event: 'Clicked', ...extra });

describe('messages the spec makes invalid', () => {
  it('a call with neither userId nor anonymousId (placeholders do not count) is rejected, nothing stored', async () => {
    const reply = await storing(0, () => segmentCall(app, '/v1/track', { event: 'Clicked', anonymousId: 'unknown' }));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ success: false, rejected: [{ index: 0, code: 'USER_OR_ANONYMOUS_ID_REQUIRED', message: expect.any(String) }] });
  });

  it('a batch item with neither id is rejected alone; the valid ones land', async () => {
    const batch = [track('user-h1', { messageId: 'h1-a' }), { type: 'track', event: 'Clicked' }, track('user-h1', { messageId: 'h1-b' })];
    const reply = await storing(2, () => segmentCall(app, '/v1/batch', { batch }));
    expect(reply.body).toEqual({ success: false, rejected: [{ index: 1, code: 'USER_OR_ANONYMOUS_ID_REQUIRED', message: expect.any(String) }] });
    const events = await readAfterLog(app, '/v1/profiles/CRMID/user-h1/events');
    expect(events.items.map((e: { id: string }) => e.id).sort()).toEqual(['h1-a', 'h1-b']);
  });

  it('a track without event, an unknown type, a group without groupId, an alias without previousId', async () => {
    const batch = [
      { type: 'track', userId: 'user-h2' },
      { type: 'purchase', userId: 'user-h2' },
      { type: 'group', userId: 'user-h2' },
      { type: 'alias', userId: 'user-h2' },
      'not an object',
    ];
    const reply = await storing(0, () => segmentCall(app, '/v1/batch', { batch }));
    expect(reply.body.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([
      [0, 'EVENT_NAME_REQUIRED'],
      [1, 'UNKNOWN_TYPE'],
      [2, 'GROUP_ID_REQUIRED'],
      [3, 'PREVIOUS_ID_REQUIRED'],
      [4, 'VALIDATION_FAILED'],
    ]);
  });

  it('a message breaking a rule of ordinary ingestion gets ingestion\'s code', async () => {
    const reply = await storing(0, () => segmentCall(app, '/v1/identify', { userId: 'user-h3', traits: { 'a.b': 1 } }));
    expect(reply.body.rejected).toEqual([{ index: 0, code: 'INVALID_ATTRIBUTE_KEY', message: expect.any(String) }]);
  });

  it('33 KB of properties: over the 32 KB per message, rejected alone', async () => {
    const big = { blob: 'x'.repeat(33 * 1024) };
    const single = await storing(0, () => segmentCall(app, '/v1/track', track('user-h4', { properties: big })));
    expect(single.body.rejected).toEqual([{ index: 0, code: 'MESSAGE_TOO_LARGE', message: expect.any(String) }]);
    const batch = await storing(1, () => segmentCall(app, '/v1/batch', { batch: [track('user-h4', { properties: big }), track('user-h4')] }));
    expect(batch.body.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([[0, 'MESSAGE_TOO_LARGE']]);
  });

  it('a batch of 3,000: the first 2,500 land, the rest are rejected one by one', async () => {
    const batch = Array.from({ length: 3000 }, (_, i) => ({ type: 'track', userId: 'u5', event: 'e', messageId: `m${i}` }));
    const reply = await storing(2500, () => segmentCall(app, '/v1/batch', { batch }));
    expect(reply.body.success).toBe(false);
    expect(reply.body.rejected).toHaveLength(500);
    expect(reply.body.rejected[0]).toEqual({ index: 2500, code: 'BATCH_TOO_MANY_ITEMS', message: expect.any(String) });
    expect(reply.body.rejected.at(-1).index).toBe(2999);
  });
});

describe('requests refused whole', () => {
  it('401 for a missing or unknown write key; a bad Basic key is not rescued by a good body key', async () => {
    const message = JSON.stringify(track('user-h6'));
    const none = await storing(0, () => segmentPost(app, '/v1/track', message, { 'content-type': 'application/json' }));
    const unknown = await storing(0, () => segmentCall(app, '/v1/track', track('user-h6'), 'wk-nope'));
    const mixed = await storing(0, () =>
      segmentPost(app, '/v1/track', JSON.stringify({ ...track('user-h6'), writeKey: 'wk-node' }), { authorization: basic('wk-nope') }),
    );
    // Refused from the header alone: an oversized body is never read, so the answer is 401, not 413.
    const unread = await storing(0, () => segmentPost(app, '/v1/batch', 'x'.repeat(600 * 1024), { authorization: basic('wk-nope') }));
    for (const reply of [none, unknown, mixed, unread]) {
      expect(reply.status).toBe(401);
      expect(reply.body.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('400 for a body that is not JSON, also inside gzip; 400 for broken gzip', async () => {
    const auth = { authorization: basic('wk-node') };
    const plain = await storing(0, () => segmentPost(app, '/v1/batch', '{"batch": [', { ...auth, 'content-type': 'application/json' }));
    const zipped = await storing(0, () => segmentPost(app, '/v1/batch', gzipSync('not json'), { ...auth, 'content-encoding': 'gzip' }));
    const broken = await storing(0, () => segmentPost(app, '/v1/batch', Buffer.from([0x1f, 0x8b, 1, 2, 3]), { ...auth, 'content-encoding': 'gzip' }));
    expect([plain, zipped, broken].map((r) => [r.status, r.body.error.code])).toEqual([
      [400, 'MALFORMED_JSON'],
      [400, 'MALFORMED_JSON'],
      [400, 'MALFORMED_BODY_ENCODING'],
    ]);
  });

  it('a gzip bomb (10 MB of JSON in 10 KB) is 413 without inflating past 500 KB', async () => {
    const bomb = gzipSync(JSON.stringify({ batch: [track('user-h7', { properties: { pad: ' '.repeat(10 * 1024 * 1024) } })] }));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const reply = await storing(0, () => segmentPost(app, '/v1/batch', bomb, { authorization: basic('wk-node'), 'content-encoding': 'gzip' }));
    expect([reply.status, reply.body.error.code]).toEqual([413, 'REQUEST_TOO_LARGE']);
  });

  it('413 for a plain body over 500 KB; 422 when batch is not an array', async () => {
    const messages = Array.from({ length: 40 }, (_, i) => track('user-h8', { messageId: `h8-${i}`, properties: { pad: 'y'.repeat(16 * 1024) } }));
    const large = await storing(0, () => segmentCall(app, '/v1/batch', { batch: messages }));
    expect([large.status, large.body.error.code]).toEqual([413, 'REQUEST_TOO_LARGE']);
    const notArray = await storing(0, () => segmentCall(app, '/v1/batch', { batch: { 0: track('user-h8') } }));
    expect([notArray.status, notArray.body.error.code]).toEqual([422, 'SEGMENT_BATCH_INVALID']);
  });
});

describe('the browser library (@segment/analytics-next) request shapes', () => {
  it('text/plain JSON with writeKey in the body on /v1/t and /v1/b lands, readable cross-origin', async () => {
    const message = { type: 'track', event: 'Button Clicked', anonymousId: 'anon-b1', messageId: 'b1', writeKey: 'wk-web', sentAt: new Date().toISOString(), timestamp: new Date().toISOString() };
    const one = await segmentPost(app, '/v1/t', JSON.stringify(message), { 'content-type': 'text/plain', origin: 'https://shop.example' });
    const { writeKey: _k, sentAt: _s, ...inBatch } = message;
    const batch = await segmentPost(app, '/v1/b', JSON.stringify({ writeKey: 'wk-web', sentAt: new Date().toISOString(), batch: [{ ...inBatch, messageId: 'b2' }] }), {
      'content-type': 'text/plain',
    });
    expect([one.status, one.body, batch.body]).toEqual([200, { success: true }, { success: true }]);
    expect(one.headers.get('access-control-allow-origin')).toBe('*');
    const events = await readAfterLog(app, '/v1/profiles/ECID/anon-b1/events');
    expect(events.items.map((e: { id: string; source: string }) => [e.id, e.source]).sort()).toEqual([['b1', 'web'], ['b2', 'web']]);
  });

  it('answers the CORS preflight of pages that send application/json, and refusals carry the CORS header too', async () => {
    const preflight = await fetch(`${app.url}/v1/t`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type');
    const refused = await segmentPost(app, '/v1/t', '{}', { 'content-type': 'text/plain' });
    expect([refused.status, refused.headers.get('access-control-allow-origin')]).toEqual([401, '*']);
  });
});

describe('metrics', () => {
  it('counts messages by call type and outcome', async () => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toMatch(/tessera_segment_messages_total\{type="track",status="accepted"\} [1-9]/);
    expect(text).toMatch(/tessera_segment_messages_total\{type="track",status="rejected"\} [1-9]/);
  });
});

describe('the OpenAPI document', () => {
  it('lists every Segment route with what the contract leaves open', async () => {
    const doc = (await (await fetch(`${app.url}/docs-json`)).json()) as { paths: Record<string, { post?: { description?: string } }> };
    for (const path of ['identify', 'track', 'page', 'screen', 'group', 'alias', 'batch', 'i', 't', 'p', 's', 'g', 'a', 'b']) {
      expect(doc.paths[`/v1/${path}`]?.post?.description).toContain('500 KB');
    }
  });
});
