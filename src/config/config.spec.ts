import { ConfigError, isLoopback, parseConfig } from './config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('parseConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', dataDir: './data', mode: 'embedded', apiKeys: [] });
    expect(config.limits).toEqual({
      maxRecordBytes: 262144,
      maxEventBytes: 65536,
      maxRequestBytes: 8388608,
      maxBatchItems: 1000,
      fanOutLimit: 50,
    });
    expect(config.logLevel).toBe('info');
  });

  it('parses API keys with scopes, admin implying every scope', () => {
    const config = parseConfig({ API_KEYS: ' k1 = ingest, read ; k2=admin;', HOST: '0.0.0.0' });
    expect(config.apiKeys).toEqual([
      { key: 'k1', scopes: ['ingest', 'read'] },
      { key: 'k2', scopes: ['ingest', 'read', 'privacy', 'admin'] },
    ]);
  });

  it('refuses a non-loopback host without keys, accepts loopback without keys', () => {
    expect(problemsOf({ HOST: '0.0.0.0' })).toEqual([expect.stringContaining('loopback')]);
    expect(problemsOf({ HOST: '::1' })).toEqual([]);
    expect(problemsOf({ HOST: 'localhost' })).toEqual([]);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({ PORT: 'x', MAX_BATCH_ITEMS: '0', LOG_LEVEL: 'loud', API_KEYS: 'k1=write;k2' });
    expect(problems).toHaveLength(5);
  });

  it('requires a hash key in distributed mode', () => {
    expect(problemsOf({ EVENTSTORE_URL: 'esdb://x:2113?tls=false' })).toEqual([
      expect.stringContaining('IDENTITY_HASH_KEY'),
    ]);
    const config = parseConfig({ EVENTSTORE_URL: 'esdb://x:2113', IDENTITY_HASH_KEY: 'k'.repeat(32) });
    expect(config.mode).toBe('distributed');
  });

  it('rejects duplicate keys and odd characters', () => {
    expect(problemsOf({ API_KEYS: 'a=read;a=ingest' })).toHaveLength(1);
    expect(problemsOf({ API_KEYS: 'a b=read' })).toHaveLength(1);
  });
});

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['0.0.0.0', false],
    ['10.0.0.1', false],
    ['example.com', false],
  ])('%s → %s', (host, expected) => expect(isLoopback(host)).toBe(expected));
});
