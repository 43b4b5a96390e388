import { BSON, MongoError } from 'mongodb';
import { AppError } from '../../common';
import { ReadModelRejectedError } from '../read-model-rejected';

const DUPLICATE_KEY = 11000;

/**
 * Server answers that no retry changes: a document over 16 MB (BSONObjectTooLarge 10334, or grown past it by an
 * update 17419), an index key too long (KeyTooLong 17280), a collection validator refusing it
 * (DocumentValidationFailure 121).
 */
const PERMANENT_CODES = new Set([10334, 17419, 17280, 121]);
/** The driver refuses an oversized document before sending it. */
const TOO_LARGE = /larger than the maximum size/i;

/**
 * Vendor errors become AppErrors here, once. Their messages are not passed on: a duplicate-key message quotes the
 * key, which is an identity (PII). The original stays reachable as `cause` for the operator's logs.
 */
export function translateMongoError(error: unknown): unknown {
  const permanent = permanentReason(error);
  if (permanent) return Object.assign(new ReadModelRejectedError(permanent), { cause: error });
  if (!(error instanceof MongoError)) return error;
  const translated =
    error.code === DUPLICATE_KEY
      ? new AppError('READ_STORE_WRITE_CONFLICT', 409, 'Another writer changed the same read models; retry the batch')
      : new AppError('READ_STORE_UNAVAILABLE', 503, 'The read store (MongoDB) failed to answer');
  translated.cause = error;
  return translated;
}

function permanentReason(error: unknown): string | undefined {
  if (error instanceof MongoError && typeof error.code === 'number' && PERMANENT_CODES.has(error.code)) {
    return `MongoDB error ${error.code}`;
  }
  if ((error instanceof MongoError || error instanceof BSON.BSONError) && TOO_LARGE.test(error.message)) {
    return 'a document is larger than MongoDB allows (16 MB)';
  }
  return undefined;
}

export async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateMongoError(error);
  }
}
