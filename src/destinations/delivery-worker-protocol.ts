import type { ReadStoreTarget } from '../read-store';
import type { DestinationStoreTarget } from './open-destination-store';
import type { RetryPolicy } from './retry-policy';

/**
 * What the main thread and the delivery worker thread say to each other. Only ids, counts and log lines cross:
 * the worker reads definitions, secrets and feed items from the stores itself, so no secret and no item of
 * personal data is ever copied between the threads.
 */
export interface DeliveryWorkerData {
  destinations: DestinationStoreTarget;
  feed: ReadStoreTarget;
  /** The read-model version the main thread reads (the worker follows the same models). */
  modelVersion: string;
  retry: RetryPolicy;
  timeoutMs: number;
  /** How often the worker looks for feed items no one told it about (an external projector, an erasure). */
  pollMs: number;
}

export type ToWorker =
  /** The feed grew (the projector of this process committed feed items). */
  | { kind: 'feed' }
  | { kind: 'start'; id: string }
  /** Answered with `done` once the loop has ended. */
  | { kind: 'stop'; id: string; ref: number }
  /** Answered with the counts so far, then `done`. */
  | { kind: 'flush'; ref: number }
  /** Every loop stops, the stores close; answered with `done`. */
  | { kind: 'close'; ref: number };

/** Per destination: [id, delivered, retried, failed] since the previous `counts`. */
export type CountDelta = [id: string, delivered: number, retried: number, failed: number];

export type FromWorker =
  /** Every enabled destination's loop has started: the worker is up. */
  | { kind: 'ready' }
  | { kind: 'done'; ref: number }
  | { kind: 'counts'; counts: CountDelta[] }
  /** A loop's message: it names the destination id and the outcome, never the URL, the secret or a body. */
  | { kind: 'log'; level: 'warn' | 'error'; message: string };
