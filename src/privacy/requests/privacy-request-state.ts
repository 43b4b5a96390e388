import { type DecodedEvent, type PrivacyCounts, type PrivacyRequestType } from '../../events';

export type PrivacyRequestStatus = 'pending' | 'running' | 'completed' | 'failed';

/** A request as its stream tells it (plus `running`, which only the process working on it knows). */
export interface PrivacyRequestState {
  requestId: string;
  type: PrivacyRequestType;
  status: PrivacyRequestStatus;
  createdAt: Date;
  completedAt?: Date;
  counts?: PrivacyCounts;
  error?: string;
}

/** Pure: the requests a privacy stream's events describe, by id. */
export function foldRequests(events: DecodedEvent[], into = new Map<string, PrivacyRequestState>()): Map<string, PrivacyRequestState> {
  for (const decoded of events) {
    const { event } = decoded;
    if (event.type === 'PrivacyRequestAccepted') {
      const { requestId, type } = event.data;
      into.set(requestId, { requestId, type, status: 'pending', createdAt: decoded.recordedAt });
    } else if (event.type === 'PrivacyRequestCompleted' || event.type === 'PrivacyRequestFailed') {
      const known = into.get(event.data.requestId);
      if (!known) continue;
      known.completedAt = decoded.recordedAt;
      if (event.type === 'PrivacyRequestCompleted') Object.assign(known, { status: 'completed', counts: event.data.counts });
      else Object.assign(known, { status: 'failed', error: event.data.reason });
    }
  }
  return into;
}
