import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, parseConfig, TesseraConfig } from './config';

const KEY_FILE = 'identity-hash.key';

/**
 * parseConfig plus the one piece of start-up I/O configuration needs: in embedded mode without IDENTITY_HASH_KEY,
 * a key is generated on first start and kept in DATA_DIR, so stream names stay stable across restarts.
 */
export async function loadConfig(env: Record<string, string | undefined> = process.env): Promise<TesseraConfig> {
  const config = parseConfig(env);
  await mkdir(config.dataDir, { recursive: true });
  if (config.identityHashKey) return config;
  const identityHashKey = await readOrCreateKey(config.dataDir);
  if (identityHashKey.length < 16) {
    throw new ConfigError([`${join(config.dataDir, KEY_FILE)} holds no usable key (at least 16 characters)`]);
  }
  return { ...config, identityHashKey };
}

async function readOrCreateKey(dataDir: string): Promise<string> {
  const file = join(dataDir, KEY_FILE);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32).toString('hex');
  // Written aside, then linked into place: link() fails if the file exists, so two processes starting together on
  // one DATA_DIR agree on one key, and nobody ever reads a half-written file.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(draft, `${key}\n`, { mode: 0o600 });
  try {
    await link(draft, file);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readFile(file, 'utf8')).trim();
  } finally {
    await unlink(draft);
  }
}
