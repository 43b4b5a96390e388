import { MongoError } from 'mongodb';
import { AppError } from '../../common/app-error';

const DUPLICATE_KEY = 11000;

/**
 * Vendor errors become AppErrors here, once. Their messages are not passed on: a duplicate-key message quotes the
 * key, which is an identity (PII). The original stays reachable as `cause` for the operator's logs.
 */
export function translateMongoError(error: unknown): unknown {
  if (!(error instanceof MongoError)) return error;
  const translated =
    error.code === DUPLICATE_KEY
      ? new AppError('READ_STORE_WRITE_CONFLICT', 409, 'Another writer changed the same read models; retry the batch')
      : new AppError('READ_STORE_UNAVAILABLE', 503, 'The read store (MongoDB) failed to answer');
  translated.cause = error;
  return translated;
}

export async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateMongoError(error);
  }
}
