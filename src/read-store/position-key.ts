import { isPosition, type Position } from '../event-store';

/**
 * Positions compare numerically part by part; databases compare strings byte by byte. Padding both parts to a fixed
 * width makes the two orders agree, so guards (`pos < batch`) and sorts run inside the database. A one-part
 * position is its commit part with prepare 0, matching comparePositions.
 */
const WIDTH = 20;

export function positionKey(position: Position): string {
  if (!isPosition(position)) throw new TypeError(`Not a position: ${position}`);
  const [commit, prepare = '0'] = position.split('/');
  return commit.padStart(WIDTH, '0') + prepare.padStart(WIDTH, '0');
}

/**
 * What a commit stamps its documents with: the checkpoint's key, or for a re-derivation chunk between two batches
 * (`step`) the key followed by '~' and the step. '~' sorts after every digit, so the stamp is above every document
 * of the batch at that position and of earlier chunks, and below the key of any later position.
 */
export function stampOf(checkpoint: { position: Position; step?: number }): string {
  const key = positionKey(checkpoint.position);
  return checkpoint.step === undefined ? key : `${key}~${String(checkpoint.step).padStart(10, '0')}`;
}
