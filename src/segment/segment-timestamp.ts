import { AppError, unprocessable } from '../common';
import { parseItemTimestamp } from '../ingestion';

/**
 * The item time of a Segment message, corrected for the sending device's clock as Segment does:
 * `receivedAt − (sentAt − timestamp)`. The device stamped both `timestamp` (or `originalTimestamp`) and `sentAt`
 * with the same wrong clock, so their difference is true; anchoring it at our `receivedAt` cancels the skew.
 * Without `sentAt` the timestamp is kept as sent; without a timestamp the item happened when we received it.
 * Pure: `receivedAt` is passed in.
 */
export function correctedTimestamp(message: Record<string, unknown>, batchSentAt: unknown, receivedAt: Date): string {
  const [field, raw] = message.timestamp != null ? ['timestamp', message.timestamp] : ['originalTimestamp', message.originalTimestamp];
  if (raw == null) return receivedAt.toISOString();
  const stamped = instant(raw, field);
  const [sentField, sentRaw] = message.sentAt != null ? ['sentAt', message.sentAt] : ['batch.sentAt', batchSentAt];
  if (sentRaw == null) return new Date(stamped).toISOString();
  const corrected = new Date(receivedAt.getTime() - (instant(sentRaw, sentField) - stamped));
  if (Number.isNaN(corrected.getTime())) {
    throw unprocessable('TIMESTAMP_INVALID', `${field} and ${sentField} are too far apart to correct`, [{ path: field, message: 'out of range' }]);
  }
  return corrected.toISOString();
}

/** Epoch milliseconds of an ISO-8601 timestamp with a zone, by ingestion's own rule; the error names `field`. */
function instant(value: unknown, field: string): number {
  try {
    return Date.parse(parseItemTimestamp(value, true, new Date(0)));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw unprocessable('TIMESTAMP_INVALID', `${field} must be ISO-8601 with a zone, e.g. 2024-05-01T12:00:00Z`, [
      { path: field, message: 'not an ISO-8601 timestamp with a zone' },
    ]);
  }
}
