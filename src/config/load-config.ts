import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfig, TesseraConfig } from './config';

const KEY_FILE = 'identity-hash.key';

/**
 * parseConfig plus the one piece of start-up I/O configuration needs: in embedded mode without IDENTITY_HASH_KEY,
 * a key is generated on first start and kept in DATA_DIR, so stream names stay stable across restarts.
 */
export async function loadConfig(env: Record<string, string | undefined> = process.env): Promise<TesseraConfig> {
  const config = parseConfig(env);
  await mkdir(config.dataDir, { recursive: true });
  if (config.identityHashKey) return config;
  return { ...config, identityHashKey: await readOrCreateKey(config.dataDir) };
}

async function readOrCreateKey(dataDir: string): Promise<string> {
  const file = join(dataDir, KEY_FILE);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32).toString('hex');
  try {
    // 'wx': two processes starting together on one DATA_DIR must not each keep a different key.
    await writeFile(file, `${key}\n`, { flag: 'wx', mode: 0o600 });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readFile(file, 'utf8')).trim();
  }
}
