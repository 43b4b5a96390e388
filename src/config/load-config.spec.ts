import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load-config';

describe('loadConfig', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-config-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('generates an identity hash key once in embedded mode and keeps it in DATA_DIR', async () => {
    const dataDir = join(dir, 'nested', 'data');
    const first = await loadConfig({ DATA_DIR: dataDir });
    expect(first.identityHashKey).toMatch(/^[0-9a-f]{64}$/);
    expect((await readFile(join(dataDir, 'identity-hash.key'), 'utf8')).trim()).toBe(first.identityHashKey);
    expect((await stat(join(dataDir, 'identity-hash.key'))).mode & 0o077).toBe(0);
    expect((await loadConfig({ DATA_DIR: dataDir })).identityHashKey).toBe(first.identityHashKey);
  });

  it('two starts racing on a fresh DATA_DIR agree on one key', async () => {
    const configs = await Promise.all([1, 2, 3].map(() => loadConfig({ DATA_DIR: dir })));
    expect(new Set(configs.map((c) => c.identityHashKey)).size).toBe(1);
  });

  it('refuses a key file that holds no usable key', async () => {
    await writeFile(join(dir, 'identity-hash.key'), '\n');
    await expect(loadConfig({ DATA_DIR: dir })).rejects.toThrow('no usable key');
  });

  it('uses a given key and writes none', async () => {
    const config = await loadConfig({ DATA_DIR: dir, IDENTITY_HASH_KEY: 'k'.repeat(32) });
    expect(config.identityHashKey).toBe('k'.repeat(32));
    await expect(stat(join(dir, 'identity-hash.key'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
