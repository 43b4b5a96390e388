import type { SegmentNamespaces } from '../config';
import { isBlockedValue } from '../../projections/identity-graph';

/** One identity of an ingestion item, as ingestion takes it (it normalises and drops blocked values itself). */
export interface IdentityInput {
  namespace: string;
  id: string;
}

export type Json = Record<string, unknown>;

const APPLE_OS = new Set(['ios', 'ipados', 'tvos', 'watchos']);
// What iOS reports for every device whose user declined tracking: one value shared by millions of people.
const ZERO_ADVERTISING_ID = /^[0-]+$/;

export const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Segment ids are strings; the SDKs have long let numbers through, so a finite number counts as its decimal text. */
export function idText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A userId or anonymousId that names somebody: present, a string (or number), and not a placeholder. */
export function usableId(value: unknown): string | undefined {
  const text = idText(value);
  return text === undefined || isBlockedValue(text) ? undefined : text;
}

/**
 * The identities a message names, by the configured namespaces (API.md mapping): userId, anonymousId, the e-mail of
 * `traits` and of `context.traits`, the phone of `traits`, and the advertising id by the device's OS. A group's
 * `traits` describe the group, not the person, so they name no identity of the person.
 */
export function messageIdentities(type: string, message: Json, context: Json, ns: SegmentNamespaces): IdentityInput[] {
  const out: IdentityInput[] = [];
  const add = (namespace: string | undefined, value: unknown): void => {
    const id = idText(value);
    if (namespace && id !== undefined) out.push({ namespace, id });
  };
  add(ns.userId, message.userId);
  add(ns.anonymousId, message.anonymousId);
  const traits = type !== 'group' && isObject(message.traits) ? message.traits : {};
  const contextTraits = isObject(context.traits) ? context.traits : {};
  add(ns.email, typeof traits.email === 'string' ? traits.email : undefined);
  add(ns.email, typeof contextTraits.email === 'string' ? contextTraits.email : undefined);
  add(ns.phone, typeof traits.phone === 'string' ? traits.phone : undefined);
  add(advertisingNamespace(context, ns), advertisingId(context));
  return dedupe(out);
}

function advertisingNamespace(context: Json, ns: SegmentNamespaces): string | undefined {
  const os = isObject(context.os) && typeof context.os.name === 'string' ? context.os.name.trim().toLowerCase() : '';
  if (APPLE_OS.has(os)) return ns.idfa;
  if (os === 'android') return ns.gaid;
  return undefined;
}

/** The device's advertising id, unless the user declined ad tracking (then it is absent or all zeros). */
function advertisingId(context: Json): string | undefined {
  const device = isObject(context.device) ? context.device : {};
  const id = typeof device.advertisingId === 'string' ? device.advertisingId : undefined;
  if (id === undefined || device.adTrackingEnabled === false || ZERO_ADVERTISING_ID.test(id.trim())) return undefined;
  return id;
}

function dedupe(identities: IdentityInput[]): IdentityInput[] {
  const seen = new Set<string>();
  return identities.filter((i) => {
    const key = `${i.namespace}\u0000${i.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
