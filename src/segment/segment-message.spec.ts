import { DEFAULT_SEGMENT_NAMESPACES, SegmentNamespaces } from '../config';
import { CallType, mapMessage, MessageContext } from './segment-message';

const receivedAt = new Date('2024-05-01T12:00:00.000Z');
const ctx = (over: Partial<MessageContext> = {}): MessageContext => ({ source: 'web', namespaces: { ...DEFAULT_SEGMENT_NAMESPACES }, receivedAt, ...over });

/** given a message (and the call type its endpoint implies) → then this ingestion entry, or this rejection. */
const given = (message: unknown, type?: CallType, over: Partial<MessageContext> = {}) => {
  const mapped = mapMessage(message, ctx(over), type);
  return {
    entry: (): { kind: string; body: unknown } => {
      if (!('entry' in mapped)) throw new Error(`rejected: ${mapped.rejection.code}`);
      return mapped.entry as { kind: string; body: unknown };
    },
    code: () => ('rejection' in mapped ? mapped.rejection.code : undefined),
  };
};

describe('the mapping (API.md "Segment-compatible tracking API")', () => {
  it('identify → a record of the traits, with userId, anonymousId, traits and context e-mails and phone as identities', () => {
    const message = {
      userId: 'u1', anonymousId: 'a1', messageId: 'm1', timestamp: '2024-05-01T11:00:00Z',
      traits: { email: 'Tom@Acme.com', phone: '+41 79', plan: 'pro' }, context: { traits: { email: 'tom@work.com' } },
    };
    expect(given(message, 'identify').entry()).toEqual({
      kind: 'record',
      body: {
        id: 'm1', source: 'web', timestamp: '2024-05-01T11:00:00.000Z', attributes: message.traits,
        identities: [
          { namespace: 'CRMID', id: 'u1' }, { namespace: 'ECID', id: 'a1' },
          { namespace: 'Email', id: 'Tom@Acme.com' }, { namespace: 'Email', id: 'tom@work.com' }, { namespace: 'Phone', id: '+41 79' },
        ],
      },
    });
  });

  it('track → an event of type `event`, data = properties; page/screen → Page/Screen Viewed with name and category', () => {
    const track = given({ userId: 'u1', messageId: 'm2', event: 'Order Completed', properties: { total: 3 } }, 'track').entry();
    expect(track).toMatchObject({ kind: 'event', body: { id: 'm2', type: 'Order Completed', data: { total: 3 }, timestamp: receivedAt.toISOString() } });
    const page = given({ type: 'page', anonymousId: 'a1', messageId: 'm3', name: 'Pricing', category: 'Docs', properties: { url: '/p' } }).entry();
    expect(page).toMatchObject({ kind: 'event', body: { type: 'Page Viewed', data: { url: '/p', name: 'Pricing', category: 'Docs' } } });
    const screen = given({ anonymousId: 'a1', messageId: 'm4' }, 'screen').entry();
    expect(screen).toMatchObject({ kind: 'event', body: { type: 'Screen Viewed', data: {} } });
  });

  it('group → a record with the traits under groups.<groupId>; the group\'s e-mail is not the person\'s', () => {
    const entry = given({ userId: 'u1', messageId: 'g1', groupId: 'acme', traits: { email: 'info@acme.com', size: 40 } }, 'group').entry();
    expect(entry).toMatchObject({ kind: 'record', body: { attributes: { groups: { acme: { email: 'info@acme.com', size: 40 } } }, identities: [{ namespace: 'CRMID', id: 'u1' }] } });
  });

  it('alias → a link of previousId (anonymousId namespace) and userId, nothing else', () => {
    const entry = given({ userId: 'u1', anonymousId: 'a9', previousId: 'a0', messageId: 'al1' }, 'alias').entry();
    expect(entry).toMatchObject({ kind: 'link', body: { id: 'al1', identities: [{ namespace: 'ECID', id: 'a0' }, { namespace: 'CRMID', id: 'u1' }] } });
  });

  it('the advertising id maps by OS, unless tracking is declined or it is all zeros', () => {
    const ad = (os: string, device: object) => given({ userId: 'u1', messageId: 'x', context: { os: { name: os }, device } }, 'identify').entry();
    const ids = (entry: { body: unknown }) => (entry.body as { identities: Array<{ namespace: string }> }).identities.map((i) => i.namespace);
    expect(ids(ad('iOS', { advertisingId: 'AD-1' }))).toEqual(['CRMID', 'IDFA']);
    expect(ids(ad('Android', { advertisingId: 'AD-2' }))).toEqual(['CRMID', 'GAID']);
    expect(ids(ad('Windows', { advertisingId: 'AD-3' }))).toEqual(['CRMID']);
    expect(ids(ad('iOS', { advertisingId: 'AD-4', adTrackingEnabled: false }))).toEqual(['CRMID']);
    expect(ids(ad('iOS', { advertisingId: '00000000-0000-0000-0000-000000000000' }))).toEqual(['CRMID']);
  });

  it('SEGMENT_NAMESPACES renames and leaves out identifiers', () => {
    const namespaces: SegmentNamespaces = { userId: 'loginID', anonymousId: 'ECID', email: undefined, phone: 'Phone' };
    const entry = given({ userId: 'u1', traits: { email: 'a@b.c' }, messageId: 'n1' }, 'identify', { namespaces }).entry();
    expect(entry).toMatchObject({ body: { identities: [{ namespace: 'loginID', id: 'u1' }] } });
  });

  it('corrects clock skew with the message sentAt, else the batch sentAt; keeps the timestamp without one', () => {
    const at = (message: object, batchSentAt?: string) =>
      (given({ userId: 'u1', event: 'e', messageId: 'k', ...message }, 'track', { batchSentAt }).entry().body as { timestamp: string }).timestamp;
    expect(at({ timestamp: '2030-01-01T00:00:00Z', sentAt: '2030-01-01T00:00:30Z' })).toBe('2024-05-01T11:59:30.000Z');
    expect(at({ originalTimestamp: '2030-01-01T00:00:00Z' }, '2030-01-01T00:01:00Z')).toBe('2024-05-01T11:59:00.000Z');
    expect(at({ timestamp: '2020-01-01T00:00:00+01:00' })).toBe('2019-12-31T23:00:00.000Z');
  });

  it('a missing messageId becomes a digest that ignores sentAt, so a resend is still a duplicate', () => {
    const id = (sentAt: string) => (given({ userId: 'u1', event: 'e', sentAt }, 'track').entry().body as { id: string }).id;
    expect(id('2024-05-01T00:00:00Z')).toBe(id('2024-05-01T00:00:09Z'));
    expect(id('2024-05-01T00:00:00Z')).toMatch(/^sha256-[0-9a-f]{32}$/);
  });
});

describe('what only the Segment spec makes invalid', () => {
  ([
    [{ event: 'e' }, 'track', 'USER_OR_ANONYMOUS_ID_REQUIRED'],
    [{ userId: 'null', anonymousId: ' ', event: 'e' }, 'track', 'USER_OR_ANONYMOUS_ID_REQUIRED'],
    [{ userId: { id: 1 }, event: 'e' }, 'track', 'VALIDATION_FAILED'],
    [{ userId: 'u1' }, 'track', 'EVENT_NAME_REQUIRED'],
    [{ userId: 'u1', type: 'purchase' }, undefined, 'UNKNOWN_TYPE'],
    [{ userId: 'u1' }, 'group', 'GROUP_ID_REQUIRED'],
    [{ userId: 'u1' }, 'alias', 'PREVIOUS_ID_REQUIRED'],
    [{ userId: 'u1', event: 'e', properties: [1] }, 'track', 'VALIDATION_FAILED'],
    [{ userId: 'u1', event: 'e', timestamp: '2024-05-01 12:00' }, 'track', 'TIMESTAMP_INVALID'],
    [{ userId: 'u1', event: 'e', timestamp: '2024-05-01T12:00:00Z', sentAt: 'yesterday' }, 'track', 'TIMESTAMP_INVALID'],
    [{ userId: 'u1', event: 'e', properties: { blob: 'x'.repeat(33 * 1024) } }, 'track', 'MESSAGE_TOO_LARGE'],
    [JSON.parse('{"userId": "u1", "event": "e", "__proto__": {"x": 1}}'), 'track', 'FORBIDDEN_KEY'],
    ['a string', 'track', 'VALIDATION_FAILED'],
  ] as Array<[unknown, CallType | undefined, string]>).forEach(([message, type, code], i) => {
    it(`case ${i} (${type ?? 'batch item'}) → ${code}`, () => expect(given(message, type).code()).toBe(code));
  });
});
