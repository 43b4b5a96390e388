import { gzipSync } from 'node:zlib';
import { AppError } from '../common/app-error';
import { decodeBody, MAX_SEGMENT_BODY_BYTES } from './segment-body';
import { basicUser, WriteKeys } from './write-keys';

const codeOf = async (promise: Promise<unknown>) => promise.then(() => 'ok', (e: AppError) => e.code);

describe('decodeBody', () => {
  it('inflates gzip by header or by its magic bytes, and passes plain bodies through', async () => {
    const json = Buffer.from('{"a":1}');
    expect((await decodeBody(gzipSync(json), 'gzip')).toString()).toBe('{"a":1}');
    expect((await decodeBody(gzipSync(json), undefined)).toString()).toBe('{"a":1}');
    expect((await decodeBody(json, undefined)).toString()).toBe('{"a":1}');
  });

  it('stops inflating at the limit (a gzip bomb), refuses other encodings and broken gzip', async () => {
    expect(await codeOf(decodeBody(gzipSync(Buffer.alloc(MAX_SEGMENT_BODY_BYTES + 1, 32)), 'gzip'))).toBe('REQUEST_TOO_LARGE');
    expect(await codeOf(decodeBody(gzipSync(Buffer.alloc(MAX_SEGMENT_BODY_BYTES, 32)), 'gzip'))).toBe('ok');
    expect(await codeOf(decodeBody(Buffer.from('{}'), 'br'))).toBe('UNSUPPORTED_CONTENT_ENCODING');
    expect(await codeOf(decodeBody(Buffer.from([0x1f, 0x8b, 0, 0]), 'gzip'))).toBe('MALFORMED_BODY_ENCODING');
  });
});

describe('WriteKeys', () => {
  const keys = new WriteKeys([{ key: 'wk1', source: 'web' }]);
  const b64 = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

  it('takes the Basic user name (password ignored), else writeKey in the body', () => {
    expect(keys.sourceOf(b64('wk1:'), undefined)).toBe('web');
    expect(keys.sourceOf(b64('wk1:anything'), undefined)).toBe('web');
    expect(keys.sourceOf(undefined, { writeKey: 'wk1' })).toBe('web');
    expect(basicUser('Bearer wk1')).toBeUndefined();
  });

  it('401 for no key or an unknown one, and a bad Basic key is not rescued by the body', () => {
    for (const [header, body] of [[undefined, {}], [b64('nope:'), {}], [b64('nope:'), { writeKey: 'wk1' }]] as const) {
      expect(() => keys.sourceOf(header, body)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED', status: 401 }));
    }
  });
});
