import type { IdentityRef } from '../../projections/model';
import type { EventType } from './catalogue';

/**
 * Which fields of which log event are personal data, and whose they are. This map is the whole of crypto-shredding's
 * knowledge of the payloads: the encrypting event store (src/privacy) seals exactly these fields on append and opens
 * them on every read, so the codec and every caller stay unaware of it.
 * - `identities`: fields holding an IdentityRef or an IdentityRef[]; each identity's `id` is sealed with the key of
 *   that identity's own subject, so erasing one person removes their identities from everybody's items.
 * - `owned`: fields sealed with the key of the item's owner, the subject whose stream holds it (an item's stream is
 *   its primary identity's), so erasing the owner removes them.
 * An event type not listed holds no personal data.
 */
export interface PersonalFieldSpec {
  identities: readonly string[];
  owned: readonly string[];
}

const ITEM_IDENTITIES = ['identities', 'unlinked', 'primary'] as const;

export const PERSONAL_FIELDS: Partial<Record<EventType, PersonalFieldSpec>> = {
  RecordIngested: { identities: ITEM_IDENTITIES, owned: ['attributes'] },
  ExperienceEventIngested: { identities: ITEM_IDENTITIES, owned: ['data'] },
  LinkObserved: { identities: ITEM_IDENTITIES, owned: [] },
  LinkRejected: { identities: ['from', 'to'], owned: [] },
  PrivacyRequestAccepted: { identities: ['identity'], owned: [] },
};

/** Items: what the identity graph and profiles are built from. An item that loses its owner is withheld whole. */
const ITEM_TYPES: ReadonlySet<string> = new Set(['RecordIngested', 'ExperienceEventIngested', 'LinkObserved']);

/** The cipher the field map is applied with; subjects are named by opaque ids (keyed hashes), never by values. */
export interface FieldCipher {
  subjectOf(identity: IdentityRef): string;
  seal(subjectId: string, value: unknown): string;
  /** The value, or `undefined` when the subject's key is gone (erased). Only called on sealed values. */
  open(sealed: string): { value: unknown } | undefined;
  isSealed(value: unknown): value is string;
  /** The subject id written inside a sealed value. */
  subjectOfSealed(sealed: string): string | undefined;
  /** False once the subject's key is deleted. */
  hasKey(subjectId: string): boolean;
}

/** What reading a sealed event may turn into: itself with erased parts left out, or an `ItemErased` placeholder. */
export interface OpenedEvent {
  type: string;
  data: Record<string, unknown>;
}

export function personalFieldsOf(type: string): PersonalFieldSpec | undefined {
  return PERSONAL_FIELDS[type as EventType];
}

/** The data with every personal field sealed; `owner` is the subject id of the stream (undefined: no owner). */
export function sealPersonalFields(
  type: string,
  data: Record<string, unknown>,
  owner: string | undefined,
  cipher: FieldCipher,
): Record<string, unknown> {
  const spec = personalFieldsOf(type);
  if (!spec) return data;
  const out: Record<string, unknown> = { ...data };
  for (const field of spec.identities) {
    if (out[field] !== undefined) out[field] = mapIdentities(out[field], (ref) => ({ ...ref, id: cipher.seal(cipher.subjectOf(ref), ref.id) }));
  }
  for (const field of spec.owned) {
    if (out[field] === undefined) continue;
    if (owner === undefined) throw new Error(`${type}.${field} is personal but its stream has no owner subject`);
    out[field] = cipher.seal(owner, out[field]);
  }
  return out;
}

/**
 * The data as it reads now: identities whose key is gone are left out of lists (and become `id: ''` in single
 * fields, which no ingested identity can hold); an item whose owner is erased, or that is left with no identity,
 * becomes `ItemErased` so no projection, replay or rebuild can see any part of it again.
 */
export function openPersonalFields(
  type: string,
  data: Record<string, unknown>,
  owner: string | undefined,
  cipher: FieldCipher,
): OpenedEvent {
  const spec = personalFieldsOf(type);
  if (!spec) return { type, data };
  if (ITEM_TYPES.has(type) && owner !== undefined && !cipher.hasKey(owner)) return erasedItem(type);
  const out: Record<string, unknown> = { ...data };
  for (const field of spec.identities) {
    if (out[field] !== undefined) out[field] = openIdentities(out[field], cipher);
  }
  for (const field of spec.owned) {
    if (!cipher.isSealed(out[field])) continue;
    const opened = cipher.open(out[field] as string);
    if (!opened) return erasedItem(type);
    out[field] = opened.value;
  }
  if (ITEM_TYPES.has(type) && (!isLivingIdentity(out.primary) || (out.identities as IdentityRef[]).length === 0)) {
    return erasedItem(type);
  }
  return { type, data: out };
}

/** Every subject id a sealed payload refers to (its sealed values and its owner): the keys to fetch before opening. */
export function sealedSubjectsOf(
  type: string,
  data: Record<string, unknown>,
  owner: string | undefined,
  cipher: FieldCipher,
): string[] {
  const spec = personalFieldsOf(type);
  if (!spec) return [];
  const out = new Set<string>(owner !== undefined ? [owner] : []);
  const add = (value: unknown) => {
    const subject = cipher.isSealed(value) ? cipher.subjectOfSealed(value) : undefined;
    if (subject) out.add(subject);
  };
  for (const field of spec.identities) mapIdentities(data[field], (ref) => (add(ref.id), ref));
  for (const field of spec.owned) add(data[field]);
  return [...out];
}

function erasedItem(type: string): OpenedEvent {
  return { type: 'ItemErased', data: { erasedType: type } };
}

/** `primary` is absent on links; when present it must still name someone. */
function isLivingIdentity(value: unknown): boolean {
  return value === undefined || (value as IdentityRef).id !== '';
}

function openIdentities(value: unknown, cipher: FieldCipher): unknown {
  const openOne = (ref: IdentityRef): IdentityRef | undefined => {
    if (!cipher.isSealed(ref.id)) return ref;
    const opened = cipher.open(ref.id);
    return opened ? { ...ref, id: opened.value as string } : undefined;
  };
  if (Array.isArray(value)) return (value as IdentityRef[]).map(openOne).filter((r): r is IdentityRef => r !== undefined);
  if (!isRef(value)) return value;
  return openOne(value) ?? { ...value, id: '' };
}

function mapIdentities(value: unknown, fn: (ref: IdentityRef) => IdentityRef): unknown {
  if (Array.isArray(value)) return value.map((v) => (isRef(v) ? fn(v) : v));
  return isRef(value) ? fn(value) : value;
}

function isRef(value: unknown): value is IdentityRef {
  return typeof value === 'object' && value !== null && typeof (value as IdentityRef).id === 'string';
}

/** The identities in a payload's personal identity fields (plain payloads: before sealing). */
export function personalIdentitiesOf(type: string, data: Record<string, unknown>): IdentityRef[] {
  const spec = personalFieldsOf(type);
  if (!spec) return [];
  const out: IdentityRef[] = [];
  for (const field of spec.identities) mapIdentities(data[field], (ref) => (out.push(ref), ref));
  return out;
}
