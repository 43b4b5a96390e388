import type { ClassConstructor } from 'class-transformer';
import type { Limits } from '../config';
import { AppError, checkItemPayload, type ErrorCode, unprocessable, validateBody } from '../common';
import { deriveEventId, DomainEvent, ItemEventType } from '../events';
import type { IdentityRef, IdentitySettings } from '../../projections/model';
import { tooManyIdentities } from '../../projections/identity-graph';
import { subjectStream, subjectStreamOf } from '../identity';
import { EventDto, LinkDto, RecordDto } from './ingestion.dto';
import { ItemKind, parseItemTimestamp, resolveIdentities, Warning } from './item-rules';

export interface IngestContext {
  settings: IdentitySettings;
  hashKey: string;
  limits: Limits;
  /** Passed in (not read here) so preparing an item stays deterministic. */
  now: Date;
  newId: () => string;
  /**
   * The subject id of an identity (a keyed hash with hashKey, as subjectStream computes it), from a cache that
   * forgets erased subjects (the log's seal: encrypting-event-store.ts); absent: computed for every item.
   */
  subjectOf?: (identity: IdentityRef) => string;
  /** Identities erased with suppression: dropped from items with a warning, like blocked values. */
  isSuppressed?: (identity: IdentityRef) => boolean;
}

/** An item that passed every rule: what to append where, and what to tell the client. */
export interface PreparedItem {
  kind: ItemKind;
  itemId: string;
  stream: string;
  eventId: string;
  event: DomainEvent<ItemEventType>;
  identities: IdentityRef[];
  warnings: Warning[];
}

const DTOS: Record<ItemKind, ClassConstructor<RecordDto | EventDto | LinkDto>> = { record: RecordDto, event: EventDto, link: LinkDto };
/** The field holding an item's own payload, whose keys follow the stricter rules (read-model paths). */
const PAYLOAD_KEYS: Record<ItemKind, string | undefined> = { record: 'attributes', event: 'data', link: undefined };
const TOO_LARGE: Record<ItemKind, ErrorCode> = { record: 'RECORD_TOO_LARGE', event: 'EVENT_TOO_LARGE', link: 'LINK_TOO_LARGE' };

/** Validates one item (shape, hostile keys, size, identity rules, timestamp) and builds its log event. */
export function prepareItem(kind: ItemKind, raw: unknown, ctx: IngestContext): PreparedItem {
  const invalidKey = checkCheaplyFirst(kind, raw, ctx.limits);
  const dto = validateBody(DTOS[kind], raw, true);
  const body = raw as Record<string, unknown>;
  if (invalidKey) throw invalidKey;
  const { identities, primary, warnings } = resolveIdentities(kind, dto.identities, ctx.settings, ctx.isSuppressed);
  const timestamp = parseItemTimestamp(body.timestamp, kind === 'event', ctx.now);
  const itemId = (dto as { id?: string }).id ?? ctx.newId();
  const base = { itemId, source: dto.source, timestamp, identities };
  const event = buildEvent(kind, base, primary, dto, body);
  const stream = ctx.subjectOf ? subjectStreamOf(ctx.subjectOf(primary)) : subjectStream(ctx.hashKey, primary);
  return { kind, itemId, stream, eventId: deriveEventId(kind, dto.source, itemId), event, identities, warnings };
}

function buildEvent(
  kind: ItemKind,
  base: { itemId: string; source: string; timestamp: string; identities: IdentityRef[] },
  primary: IdentityRef,
  dto: RecordDto | EventDto | LinkDto,
  body: Record<string, unknown>,
): DomainEvent<ItemEventType> {
  // attributes/data are taken from the parsed JSON as sent (already checked), not from the transformed DTO.
  if (kind === 'record') return { type: 'RecordIngested', data: { ...base, primary, attributes: body.attributes as Record<string, unknown> } };
  if (kind === 'event') {
    const data = (body.data ?? {}) as Record<string, unknown>;
    return { type: 'ExperienceEventIngested', data: { ...base, type: (dto as EventDto).type, primary, data } };
  }
  return { type: 'LinkObserved', data: base };
}

/**
 * Bounds checked before class-validator walks the item, so an oversized or identity-stuffed body costs little.
 * Hostile keys and depth go first: serialising for the size check must not meet a prototype key or a deep nest.
 * The same walk finds the payload's (attributes', data's) first invalid key, which is reported only once the shape
 * has been validated (a shape error is the 400 a client sees first).
 */
function checkCheaplyFirst(kind: ItemKind, raw: unknown, limits: Limits): AppError | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const invalidKey = checkItemPayload(raw as Record<string, unknown>, PAYLOAD_KEYS[kind]);
  checkSize(kind, raw, limits);
  const identities = (raw as { identities?: unknown }).identities;
  const tooMany = Array.isArray(identities) ? tooManyIdentities(identities.length) : undefined;
  if (tooMany) throw unprocessable(tooMany.code, tooMany.message);
  return invalidKey;
}

function checkSize(kind: ItemKind, raw: unknown, limits: Limits): void {
  const limit = kind === 'record' ? limits.maxRecordBytes : limits.maxEventBytes;
  const size = Buffer.byteLength(JSON.stringify(raw), 'utf8');
  if (size > limit) {
    throw new AppError(TOO_LARGE[kind], `A ${kind} holds at most ${limit} bytes, this one ${size}`);
  }
}
