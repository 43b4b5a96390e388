import { createHmac } from 'node:crypto';
import type { IdentityKey } from '../../projections/model';

/**
 * A profile's public id: a keyed hash of its graph id. Graph ids are identity keys (raw values), which must not
 * travel in URLs and logs; the key keeps the id unguessable from a known e-mail address.
 */
export function profileIdOf(hashKey: string, graphId: IdentityKey): string {
  return `p_${createHmac('sha256', hashKey).update(`profile\u0000${graphId}`).digest('base64url').slice(0, 22)}`;
}
