import { createHash } from 'node:crypto';
import { AppError, checkPayload, type ErrorCode } from '../common';
import type { SegmentNamespaces } from '../config';
import type { IngestEntry } from '../ingestion';
import { idText, isObject, Json, messageIdentities, usableId } from './segment-identities';
import { correctedTimestamp } from './segment-timestamp';

/**
 * Segment message → ingestion item (API.md "Segment-compatible tracking API", mapping). Pure: the time of receipt
 * and everything configured are passed in. A message is either translated into the entry ingestion's own command
 * validates and stores, or rejected here for what only Segment's spec makes wrong (no user, no event name, ...).
 */
export const CALL_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type CallType = (typeof CALL_TYPES)[number];

/** Segment's limit for one message: 32 KB of its JSON (compact, as we re-serialise it). */
export const MAX_MESSAGE_BYTES = 32 * 1024;

export interface MessageContext {
  source: string;
  namespaces: SegmentNamespaces;
  receivedAt: Date;
  /** The batch's `sentAt` and `context`, used where the message has none of its own. */
  batchSentAt?: unknown;
  batchContext?: unknown;
}

export interface Rejection {
  code: string;
  message: string;
}

export type MappedMessage = { type: CallType | 'unknown'; entry: IngestEntry } | { type: CallType | 'unknown'; rejection: Rejection };

const VIEWED: Record<string, string> = { page: 'Page Viewed', screen: 'Screen Viewed' };

/** `type` is the call type the endpoint implies (/v1/track ...); batch items carry their own. */
export function mapMessage(raw: unknown, ctx: MessageContext, type?: CallType): MappedMessage {
  const claimed = type ?? (isObject(raw) ? raw.type : undefined);
  const known = (CALL_TYPES as readonly unknown[]).includes(claimed) ? (claimed as CallType) : 'unknown';
  try {
    return { type: known, entry: translate(raw, known, ctx) };
  } catch (error) {
    if (error instanceof AppError) return { type: known, rejection: { code: error.code, message: error.message } };
    throw error;
  }
}

function translate(raw: unknown, type: CallType | 'unknown', ctx: MessageContext): IngestEntry {
  if (!isObject(raw)) throw reject('VALIDATION_FAILED', 'A message must be a JSON object');
  checkPayload(raw, '', { strictKeys: false });
  const size = Buffer.byteLength(JSON.stringify(raw), 'utf8');
  if (size > MAX_MESSAGE_BYTES) throw reject('MESSAGE_TOO_LARGE', `A message holds at most ${MAX_MESSAGE_BYTES} bytes, this one ${size}`);
  if (type === 'unknown') throw reject('UNKNOWN_TYPE', `type must be one of ${CALL_TYPES.join(', ')}`);
  for (const field of ['userId', 'anonymousId'] as const) {
    if (raw[field] != null && idText(raw[field]) === undefined) throw reject('VALIDATION_FAILED', `${field} must be a string`);
  }
  if (usableId(raw.userId) === undefined && usableId(raw.anonymousId) === undefined) {
    throw reject('USER_OR_ANONYMOUS_ID_REQUIRED', 'A message needs a userId or an anonymousId (placeholders such as "unknown" do not count)');
  }
  const context = { ...(isObject(ctx.batchContext) ? ctx.batchContext : {}), ...(isObject(raw.context) ? raw.context : {}) };
  const base = {
    id: messageId(raw),
    source: ctx.source,
    timestamp: correctedTimestamp(raw, ctx.batchSentAt, ctx.receivedAt),
    identities: messageIdentities(type, raw, context, ctx.namespaces),
  };
  return entryFor(type, raw, base, ctx.namespaces);
}

function entryFor(type: CallType, raw: Json, base: Json, ns: SegmentNamespaces): IngestEntry {
  switch (type) {
    case 'identify':
      return { kind: 'record', body: { ...base, attributes: objectField(raw, 'traits') } };
    case 'group': {
      const groupId = idText(raw.groupId);
      if (groupId === undefined || groupId.trim() === '') throw reject('GROUP_ID_REQUIRED', 'A group call needs a groupId');
      return { kind: 'record', body: { ...base, attributes: { groups: { [groupId]: objectField(raw, 'traits') } } } };
    }
    case 'track': {
      if (typeof raw.event !== 'string' || raw.event.trim() === '') throw reject('EVENT_NAME_REQUIRED', 'A track call needs an event name');
      return { kind: 'event', body: { ...base, type: raw.event, data: objectField(raw, 'properties') } };
    }
    case 'page':
    case 'screen': {
      const named = Object.fromEntries((['name', 'category'] as const).filter((k) => raw[k] != null).map((k) => [k, raw[k]]));
      return { kind: 'event', body: { ...base, type: VIEWED[type], data: { ...objectField(raw, 'properties'), ...named } } };
    }
    case 'alias':
      return { kind: 'link', body: { ...base, identities: aliasIdentities(raw, ns) } };
  }
}

/** alias: previousId (in the anonymousId namespace) and userId, nothing else of the message. */
function aliasIdentities(raw: Json, ns: SegmentNamespaces): Array<{ namespace: string; id: string }> {
  const previousId = idText(raw.previousId);
  if (previousId === undefined || usableId(previousId) === undefined) throw reject('PREVIOUS_ID_REQUIRED', 'An alias call needs a previousId');
  const userId = idText(raw.userId);
  return [{ namespace: ns.anonymousId, id: previousId }, ...(userId !== undefined ? [{ namespace: ns.userId, id: userId }] : [])];
}

function objectField(raw: Json, field: 'traits' | 'properties'): Json {
  const value = raw[field];
  if (value == null) return {};
  if (!isObject(value)) throw reject('VALIDATION_FAILED', `${field} must be an object`);
  return value;
}

/**
 * The idempotency key. Every SDK sends a messageId; a hand-written call without one gets a digest of the message
 * (minus what a retry changes: sentAt, writeKey), so resending it still finds the first copy.
 */
function messageId(raw: Json): unknown {
  if (raw.messageId != null) return idText(raw.messageId) ?? raw.messageId;
  const { sentAt: _sentAt, writeKey: _writeKey, ...stable } = raw;
  return `sha256-${createHash('sha256').update(JSON.stringify(stable)).digest('hex').slice(0, 32)}`;
}

function reject(code: ErrorCode, message: string): AppError {
  return new AppError(code, message);
}
