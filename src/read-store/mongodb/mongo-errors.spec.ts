import { MongoInvalidArgumentError, MongoNetworkError, MongoServerError } from 'mongodb';
import { AppError } from '../../common/app-error';
import { isPermanentStoreError, ReadModelRejectedError } from '../read-model-rejected';
import { translated, translateMongoError } from './mongo-errors';

describe('MongoDB error translation', () => {
  it('turns a duplicate key into a write conflict that does not quote the key', () => {
    const vendor = new MongoServerError({
      message: 'E11000 duplicate key error collection: t.v1_nodes index: _id_ dup key: { _id: "Email:tom@acme.com" }',
      code: 11000,
    });
    const error = translateMongoError(vendor) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect([error.code, error.status]).toEqual(['READ_STORE_WRITE_CONFLICT', 409]);
    expect(error.message).not.toContain('tom@acme.com');
    expect(error.cause).toBe(vendor);
  });

  it('turns any other driver failure into a 503', async () => {
    const failing = translated(() => Promise.reject(new MongoNetworkError('connection reset')));
    await expect(failing).rejects.toMatchObject({ code: 'READ_STORE_UNAVAILABLE', status: 503 });
  });

  it('turns a refusal no retry changes (too large, validation) into a permanent READ_MODEL_REJECTED', () => {
    for (const vendor of [
      new MongoServerError({ message: 'BSONObj size: 17000000 is invalid', code: 10334, codeName: 'BSONObjectTooLarge' }),
      new MongoServerError({ message: 'Document failed validation', code: 121 }),
      new MongoInvalidArgumentError('Document is larger than the maximum size 16777216'),
    ]) {
      const error = translateMongoError(vendor);
      expect(error).toBeInstanceOf(ReadModelRejectedError);
      expect(isPermanentStoreError(error)).toBe(true);
      expect((error as Error).cause).toBe(vendor);
    }
  });

  it('passes errors that are not the driver’s through untouched', () => {
    const own = new TypeError('Invalid read model version');
    expect(translateMongoError(own)).toBe(own);
  });
});
