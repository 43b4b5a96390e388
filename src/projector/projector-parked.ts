import type { DecodedEvent } from '../events';
import type { Position } from '../event-store';
import { isPermanentStoreError } from '../read-store';

export interface ParkedAt {
  eventId: string;
  type: string;
  position: Position;
  reason: string;
}

/**
 * The read store refused the writes of one event for good (a document over its bound, a validation failure):
 * retrying would fail the same way forever, so the projector stops there and says where. The checkpoint stays just
 * before that event; after the cause is dealt with (the subject erased, the bound raised) a restart resumes there.
 */
export class ProjectorParkedError extends Error {
  constructor(readonly at: ParkedAt) {
    super(`projector parked at event ${at.eventId} (${at.type}, position ${at.position}): ${at.reason}; deal with the cause and restart it`);
  }
}

/** Runs the commit of one event's writes; a permanent refusal becomes the parking error naming that event. */
export async function parkOnRefusal(event: DecodedEvent, commit: () => Promise<void>): Promise<void> {
  try {
    await commit();
  } catch (error) {
    if (!isPermanentStoreError(error)) throw error;
    throw new ProjectorParkedError({ eventId: event.eventId, type: event.event.type, position: event.position, reason: error.message });
  }
}
