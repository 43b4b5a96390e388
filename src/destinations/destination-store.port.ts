import type { DestinationDefinition, DestinationProgress, StoredDestination } from './destination';

/**
 * Destinations and their delivery progress. Operational state, not a fold of the log: it lives beside the read
 * models, outside their model versions, so a rebuild keeps every destination and its cursor (feed ids are the same
 * in a rebuild). The secret stays in here; nothing outside the delivery reads it.
 */
export interface DestinationStore {
  get(id: string): Promise<StoredDestination | undefined>;
  list(): Promise<StoredDestination[]>;
  /** Creates (with this secret and cursor) or replaces the definition of an existing one, keeping its progress. */
  put(definition: DestinationDefinition, create: { secret: string; cursor?: string; createdAt: number }): Promise<{ created: boolean }>;
  delete(id: string): Promise<boolean>;
  /** Records progress: a delivery (cursor, lastDeliveredAt, failure cleared) or a failure (lastError, failingSince). */
  saveProgress(id: string, progress: DestinationProgress): Promise<void>;
  /** Switches it off from delivery (410, horizon passed), with the reason. */
  disable(id: string, reason: string): Promise<void>;
  close(): Promise<void>;
}

export const DESTINATION_STORE = Symbol('DestinationStore');
