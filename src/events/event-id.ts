import { createHash } from 'node:crypto';

/**
 * Deterministic event ids make every append idempotent: the same (kind, source, item id) always maps to the same
 * UUID, so a client retry is recognised by the store as a duplicate instead of being stored twice.
 * Shaped as a version-5-style UUID (SHA-1 based) so EventStoreDB accepts it as an event id.
 */
export function deriveEventId(kind: string, source: string, itemId: string): string {
  const h = createHash('sha1').update(JSON.stringify(['tessera', kind, source, itemId])).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
