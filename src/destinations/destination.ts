import { randomBytes } from 'node:crypto';
import { CHANGE_TYPES, isChangeType, type ChangeType } from '../../projections/change-feed';
import { badRequest, notFound, unprocessable, type ErrorDetail } from '../common';

/** A webhook destination as an admin defines it (API.md "Change feed and destinations"). */
export interface DestinationDefinition {
  id: string;
  url: string;
  /** Change types it receives; empty: every type. */
  types: ChangeType[];
  /** Audiences whose entered/exited items it receives; empty: every audience. Other types are not affected. */
  audiences: string[];
  enabled: boolean;
}

/** Where its delivery stands; stored after every delivery and every failure, so a restart resumes exactly there. */
export interface DestinationProgress {
  /** The last feed item delivered or passed over (exclusive start of the next read); absent: the feed's start. */
  cursor?: string;
  lastDeliveredAt?: number;
  lastError?: string;
  /** When the current run of failures began (epoch ms); absent while deliveries succeed. */
  failingSince?: number;
  /** Why it was switched off by delivery itself (410, horizon), if it was. */
  disabledReason?: string;
}

export interface StoredDestination extends DestinationDefinition, DestinationProgress {
  /** `whsec_` + base64 of the signing key. Never logged, returned only once, by the PUT that created it. */
  secret: string;
  createdAt: number;
}

export type DestinationStatus = 'active' | 'retrying' | 'disabled';

export interface DestinationView extends DestinationDefinition {
  status: DestinationStatus;
  /** Feed items after its cursor: what it has yet to receive or pass over. */
  lag: number;
  lastDeliveredAt: string | null;
  lastError: string | null;
}

const DESTINATION_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const AUDIENCE_ID = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_URL = 2048;

export function destinationId(raw: string): string {
  if (!DESTINATION_ID.test(raw)) throw badRequest('DESTINATION_ID_INVALID', 'A destination id is 1-64 letters, digits, "_", "." or "-", starting with a letter or digit');
  return raw;
}

export const destinationNotFound = (id: string) => notFound('DESTINATION_NOT_FOUND', `No destination ${id}`);

export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** Checks a PUT body by hand, so every problem gets its own path and a stable code (422 DESTINATION_INVALID). */
export function parseDefinition(id: string, raw: unknown): DestinationDefinition {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('VALIDATION_FAILED', 'The body must be a JSON object');
  const body = raw as Record<string, unknown>;
  const problems: ErrorDetail[] = [];
  for (const key of Object.keys(body)) {
    if (!['url', 'types', 'audiences', 'enabled'].includes(key)) problems.push({ path: key, message: `Unknown field ${key}` });
  }
  const url = checkUrl(body.url, problems);
  const types = checkList(body.types, 'types', problems, (v) => isChangeType(v), `one of ${CHANGE_TYPES.join(', ')}`) as ChangeType[];
  const audiences = checkList(body.audiences, 'audiences', problems, (v) => AUDIENCE_ID.test(v), 'an audience id');
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean') problems.push({ path: 'enabled', message: 'enabled must be true or false' });
  if (problems.length > 0) throw unprocessable('DESTINATION_INVALID', problems[0].message, problems);
  return { id, url: url!, types, audiences, enabled: body.enabled !== false };
}

function checkUrl(raw: unknown, problems: ErrorDetail[]): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL) {
    problems.push({ path: 'url', message: `url must be an http(s) URL of at most ${MAX_URL} characters` });
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    problems.push({ path: 'url', message: 'url is not a valid URL' });
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') problems.push({ path: 'url', message: 'url must use http or https' });
  // Credentials in a URL end up in proxies' and receivers' logs; the signature is what authenticates a delivery.
  if (parsed.username !== '' || parsed.password !== '') problems.push({ path: 'url', message: 'url must not hold a user name or password' });
  return parsed.toString();
}

function checkList(raw: unknown, path: string, problems: ErrorDetail[], valid: (v: string) => boolean, what: string): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length > 100) {
    problems.push({ path, message: `${path} must be an array of at most 100 entries` });
    return [];
  }
  raw.forEach((v, i) => {
    if (typeof v !== 'string' || !valid(v)) problems.push({ path: `${path}[${i}]`, message: `${path}[${i}] must be ${what}` });
  });
  return [...new Set(raw.filter((v): v is string => typeof v === 'string'))];
}

export function viewOf(stored: StoredDestination, lag: number): DestinationView {
  const { id, url, types, audiences, enabled } = stored;
  const status: DestinationStatus = !enabled ? 'disabled' : stored.failingSince !== undefined ? 'retrying' : 'active';
  return {
    id,
    url,
    types,
    audiences,
    enabled,
    status,
    lag,
    lastDeliveredAt: stored.lastDeliveredAt === undefined ? null : new Date(stored.lastDeliveredAt).toISOString(),
    lastError: stored.lastError ?? null,
  };
}
