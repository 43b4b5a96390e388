/**
 * Paths into an event's `data` (or a profile's attributes): keys joined by '.', as ingestion guarantees no key holds
 * a '.'. Only own properties are followed, so a path like `__proto__.x` or `constructor` never reaches a prototype.
 */
const MAX_PATH_LENGTH = 512;

export function readPath(document: unknown, path: string): unknown {
  let node: unknown = document;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Why `path` is not a usable path, or undefined. */
export function pathProblem(path: unknown, what: string): string | undefined {
  if (typeof path !== 'string' || path.length === 0) return `${what} is required: a non-empty path such as "order.total"`;
  if (path.length > MAX_PATH_LENGTH) return `${what} is longer than ${MAX_PATH_LENGTH} characters`;
  if (path.split('.').some((key) => key.length === 0)) return `${what} "${path.slice(0, 60)}" has an empty key`;
  return undefined;
}
