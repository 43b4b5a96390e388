import { AppError } from '../common';

/**
 * The read store refused a write for good: the same write would be refused again however often it is retried (a
 * document over the store's size bound, a schema validation failure). Adapters throw this instead of an
 * "unavailable" error, so that the projector parks and says which event it is stuck on rather than retrying forever.
 */
export class ReadModelRejectedError extends AppError {
  readonly permanent = true;

  constructor(reason: string) {
    super('READ_MODEL_REJECTED', 422, `The read store refused a read-model write for good: ${reason}`);
  }
}

export function isPermanentStoreError(error: unknown): error is ReadModelRejectedError {
  return error instanceof ReadModelRejectedError;
}
