import { isIP } from 'node:net';
import { parseSegmentConfig, SegmentConfig } from './segment-config';
import { parseDestinationsConfig, type DestinationsConfig } from './destinations-config';

/**
 * The service's configuration, parsed and validated once at start (parseConfig is pure over an env map), then
 * passed around as typed values under the TESSERA_CONFIG token. Nothing else reads process.env.
 */
export type Scope = 'ingest' | 'read' | 'privacy' | 'admin';
export const SCOPES: readonly Scope[] = ['ingest', 'read', 'privacy', 'admin'];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface ApiKey {
  /** The bearer secret itself; compared in constant time, never logged. */
  key: string;
  scopes: Scope[];
}

export interface Limits {
  maxRecordBytes: number;
  maxEventBytes: number;
  maxRequestBytes: number;
  maxBatchItems: number;
  /** Batch fan-out guard: an identity linked to more than this many others within one batch is left unlinked. */
  fanOutLimit: number;
}

export interface TesseraConfig {
  port: number;
  host: string;
  dataDir: string;
  /** 'distributed' as soon as an external store is named; the hash key must then be given, not generated. */
  mode: 'embedded' | 'distributed';
  eventStoreUrl?: string;
  mongodbUrl?: string;
  apiKeys: ApiKey[];
  /** Undefined only between parseConfig and resolveIdentityHashKey (embedded mode generates and keeps one). */
  identityHashKey?: string;
  limits: Limits;
  logLevel: LogLevel;
  projector: ProjectorConfig;
  /** Seal personal fields of new log events per subject (crypto-shredding); LOG_ENCRYPTION=off for benchmarks. */
  logEncryption: boolean;
  /** SEGMENT_WRITE_KEYS and SEGMENT_NAMESPACES: the Segment-compatible tracking API (src/segment). */
  segment: SegmentConfig;
  /** Webhook delivery and change-feed readers (src/destinations, src/change-feed). */
  destinations: DestinationsConfig;
}

/**
 * `inline` (default) runs the projector inside the API process; `external` leaves it to `npm run projector`
 * (distributed mode: one projector process, many API instances reading its checkpoint).
 */
export interface ProjectorConfig {
  mode: 'inline' | 'external';
  /** Most log events folded and committed together. */
  batchSize: number;
  /**
   * The projector lease (one active projector per read-model version): PROJECTOR_LEASE_TTL_MS, how long it lasts
   * unrenewed on MongoDB (the holder renews it every third of that; a standby takes over at most this long after the
   * holder died; on SQLite the lock dies with its holder, and a standby tries every fifth of it, at most each second).
   */
  leaseTtlMs: number;
  /** PROJECTOR_ID: this process's name in the lease; default host:pid:random. */
  leaseHolder?: string;
}

export const TESSERA_CONFIG = Symbol('TesseraConfig');

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_LIMITS: Limits = {
  maxRecordBytes: 256 * 1024,
  maxEventBytes: 64 * 1024,
  maxRequestBytes: 8 * 1024 * 1024,
  maxBatchItems: 1000,
  fanOutLimit: 50,
};

type Env = Record<string, string | undefined>;

export function parseConfig(env: Env): TesseraConfig {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number =>
    parseInteger(env, name, fallback, min, max, problems);
  const eventStoreUrl = nonEmpty(env.EVENTSTORE_URL);
  const mongodbUrl = nonEmpty(env.MONGODB_URL);
  const mode = eventStoreUrl || mongodbUrl ? 'distributed' : 'embedded';
  const config: TesseraConfig = {
    port: int('PORT', 8080, 0, 65535),
    host: nonEmpty(env.HOST) ?? '127.0.0.1',
    dataDir: nonEmpty(env.DATA_DIR) ?? './data',
    mode,
    eventStoreUrl,
    mongodbUrl,
    apiKeys: parseApiKeys(env.API_KEYS ?? '', problems),
    identityHashKey: nonEmpty(env.IDENTITY_HASH_KEY),
    limits: {
      maxRecordBytes: int('MAX_RECORD_BYTES', DEFAULT_LIMITS.maxRecordBytes, 1024, 64 * 1024 * 1024),
      maxEventBytes: int('MAX_EVENT_BYTES', DEFAULT_LIMITS.maxEventBytes, 1024, 64 * 1024 * 1024),
      maxRequestBytes: int('MAX_REQUEST_BYTES', DEFAULT_LIMITS.maxRequestBytes, 1024, 1024 * 1024 * 1024),
      maxBatchItems: int('MAX_BATCH_ITEMS', DEFAULT_LIMITS.maxBatchItems, 1, 100_000),
      fanOutLimit: int('FAN_OUT_LIMIT', DEFAULT_LIMITS.fanOutLimit, 1, 100_000),
    },
    logLevel: parseLogLevel(env.LOG_LEVEL, problems),
    projector: {
      mode: parseProjectorMode(env.PROJECTOR, problems),
      batchSize: int('PROJECTOR_BATCH_SIZE', 500, 1, 10_000),
      leaseTtlMs: int('PROJECTOR_LEASE_TTL_MS', 10_000, 100, 600_000),
      leaseHolder: nonEmpty(env.PROJECTOR_ID),
    },
    logEncryption: parseOnOff(env, 'LOG_ENCRYPTION', true, problems),
    segment: parseSegmentConfig(env, problems),
    destinations: parseDestinationsConfig(int, env, problems),
  };
  problems.push(...crossChecks(config));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function crossChecks(config: TesseraConfig): string[] {
  const problems: string[] = [];
  if (config.apiKeys.length === 0 && !isLoopback(config.host)) {
    problems.push(`API_KEYS is empty: without keys the service only serves on a loopback HOST, not on ${config.host}`);
  }
  if (config.mode === 'distributed' && !config.identityHashKey) {
    problems.push('IDENTITY_HASH_KEY is required in distributed mode (every instance must hash stream names alike)');
  }
  if (config.identityHashKey !== undefined && config.identityHashKey.length < 16) {
    problems.push('IDENTITY_HASH_KEY must hold at least 16 characters');
  }
  // A write key grants ingest under its source only; one that is also an API key would grant that key's scopes.
  if (config.segment.writeKeys.some((w) => config.apiKeys.some((k) => k.key === w.key))) {
    problems.push('SEGMENT_WRITE_KEYS: a write key is also listed in API_KEYS (write keys must be keys of their own)');
  }
  return problems;
}

/**
 * API_KEYS is `key=scope,scope;key=scope`, e.g. `k1=ingest,read;k2=admin`. Whitespace around parts is ignored.
 * `admin` implies every other scope, so an operator key can do everything.
 */
export function parseApiKeys(raw: string, problems: string[]): ApiKey[] {
  const keys: ApiKey[] = [];
  for (const entry of raw.split(';').map((e) => e.trim()).filter((e) => e.length > 0)) {
    const eq = entry.indexOf('=');
    const key = (eq < 0 ? entry : entry.slice(0, eq)).trim();
    const scopes = (eq < 0 ? '' : entry.slice(eq + 1)).split(',').map((s) => s.trim()).filter((s) => s !== '');
    const bad = scopes.filter((s) => !(SCOPES as string[]).includes(s));
    if (!/^[A-Za-z0-9._~+/-]{1,256}$/.test(key)) problems.push('API_KEYS: a key holds characters outside [A-Za-z0-9._~+/-]');
    else if (scopes.length === 0) problems.push('API_KEYS: a key has no scopes (write key=scope,scope)');
    else if (bad.length > 0) problems.push(`API_KEYS: unknown scope(s) ${bad.join(', ')} (known: ${SCOPES.join(', ')})`);
    else if (keys.some((k) => k.key === key)) problems.push('API_KEYS: a key is listed twice');
    else keys.push({ key, scopes: expandScopes(scopes as Scope[]) });
  }
  return keys;
}

function expandScopes(scopes: Scope[]): Scope[] {
  return scopes.includes('admin') ? [...SCOPES] : [...new Set(scopes)];
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '[::1]';
}

function parseProjectorMode(raw: string | undefined, problems: string[]): ProjectorConfig['mode'] {
  const mode = nonEmpty(raw) ?? 'inline';
  if (mode === 'inline' || mode === 'external') return mode;
  problems.push(`PROJECTOR must be inline or external, not ${mode}`);
  return 'inline';
}

function parseOnOff(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === 'on' || raw === 'true' || raw === '1') return true;
  if (raw === 'off' || raw === 'false' || raw === '0') return false;
  problems.push(`${name} must be on or off, got "${env[name]}"`);
  return fallback;
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

function parseInteger(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    problems.push(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
    return fallback;
  }
  return n;
}

function parseLogLevel(raw: string | undefined, problems: string[]): LogLevel {
  const level = nonEmpty(raw)?.toLowerCase() ?? 'info';
  if ((LOG_LEVELS as string[]).includes(level)) return level as LogLevel;
  problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return 'info';
}
