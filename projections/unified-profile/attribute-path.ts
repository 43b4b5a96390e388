/**
 * Attribute documents as flat leaf paths. Keys holding '.' are rejected at ingestion, so joining keys with '.' is
 * unambiguous and `path.split('.')` gives the keys back. A leaf is anything that is not a plain object: a string,
 * number, boolean, an array (arrays are replaced whole, never merged) or null (a deletion). An empty object holds
 * no leaf, so it writes nothing.
 */
export const PATH_SEPARATOR = '.';

/** A leaf's value: JSON scalars and whole arrays. Arrays are opaque: their elements are never merged. */
export type LeafValue = string | number | boolean | readonly unknown[];

/** One leaf a record writes: a value, or null to delete whatever was at (or under) the path. */
export interface AttributeWrite {
  path: string;
  value: LeafValue | null;
}

/** Thrown for an attribute key holding the separator: ingestion rejects those (INVALID_ATTRIBUTE_KEY) up front. */
export class InvalidAttributeKeyError extends Error {
  constructor(readonly path: string) {
    super(`attribute key at "${path}" contains "${PATH_SEPARATOR}"`);
    this.name = 'InvalidAttributeKeyError';
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Every leaf of an attribute document with its path; undefined values (not JSON) are skipped. */
export function flattenAttributes(attributes: Record<string, unknown>): AttributeWrite[] {
  const writes: AttributeWrite[] = [];
  collectLeaves(attributes, undefined, writes);
  return writes;
}

function collectLeaves(node: Record<string, unknown>, prefix: string | undefined, out: AttributeWrite[]): void {
  for (const key of Object.keys(node)) {
    const path = prefix === undefined ? key : `${prefix}${PATH_SEPARATOR}${key}`;
    if (key.includes(PATH_SEPARATOR)) throw new InvalidAttributeKeyError(path);
    const value = node[key];
    if (value === undefined) continue;
    if (isPlainObject(value)) collectLeaves(value, path, out);
    else out.push({ path, value: value as LeafValue | null });
  }
}

/** The strict ancestors of a path, shortest first: 'a.b.c' → ['a', 'a.b']. */
export function ancestorPaths(path: string): string[] {
  const ancestors: string[] = [];
  for (let dot = path.indexOf(PATH_SEPARATOR); dot >= 0; dot = path.indexOf(PATH_SEPARATOR, dot + 1)) {
    ancestors.push(path.slice(0, dot));
  }
  return ancestors;
}

/**
 * Sets an own property even for '__proto__', which plain assignment would treat as the prototype: attribute keys
 * are client data and must never reach an object's prototype chain.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key !== '__proto__') target[key] = value;
  else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function childObject(node: Record<string, unknown>, key: string): Record<string, unknown> {
  if (Object.prototype.hasOwnProperty.call(node, key)) return node[key] as Record<string, unknown>;
  const child: Record<string, unknown> = {};
  setOwn(node, key, child);
  return child;
}

/** Rebuilds a document from leaves no one of which lies under another (what a merge leaves visible). */
export function unflattenLeaves(leaves: readonly { path: string; value: unknown }[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const { path, value } of leaves) {
    const keys = path.split(PATH_SEPARATOR);
    let node = root;
    for (let i = 0; i < keys.length - 1; i++) node = childObject(node, keys[i]);
    setOwn(node, keys[keys.length - 1], value);
  }
  return root;
}

/** Code-unit order: the same on every machine and locale, so stored documents and outputs are deterministic. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
