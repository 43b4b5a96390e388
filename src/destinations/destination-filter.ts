import type { ChangeItem } from '../../projections/change-feed';
import type { DestinationDefinition } from './destination';

/**
 * Whether the destination receives this item: its types, and for audience items its audiences. Apart from
 * destination.ts (the HTTP-facing validation, which loads Nest) because the delivery worker thread needs only this.
 */
export function wants(destination: DestinationDefinition, item: ChangeItem): boolean {
  if (destination.types.length > 0 && !destination.types.includes(item.type)) return false;
  if (item.audienceId !== undefined && destination.audiences.length > 0) return destination.audiences.includes(item.audienceId);
  return true;
}
