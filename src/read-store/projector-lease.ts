import { AppError } from '../common';

/**
 * The projector lease: at most one projector process writes one read-model version. The rules are pure (no clock,
 * no I/O) so both adapters apply the same ones and a spec can hold them without a database.
 *
 * - Acquire: a lease nobody holds, a released one, or one whose expiry has passed goes to the candidate, with the
 *   next fencing token. The token never goes down, so a newer holder always has the larger one.
 * - Renew: only the holder of the current token may push its expiry out.
 * - Fencing: a write is accepted only under the current token and holder. Safety rests on the token alone: a paused
 *   holder that wakes after a standby took over carries an old token and is refused, whatever the clocks say. Expiry
 *   only decides when a standby may take over, so clock skew between processes costs liveness, never correctness.
 */
export interface LeaseState {
  /** Absent once released (or never held). */
  holder?: string;
  token: number;
  /** Epoch ms after which another candidate may take it; absent for a lease that lasts while its holder lives. */
  expiresAt?: number;
}

/** What a holder carries: the lease it was given. */
export interface LeaseGrant {
  projector: string;
  holder: string;
  token: number;
}

export interface LeaseRequest {
  projector: string;
  holder: string;
  /** How long the lease lasts unless renewed (adapters whose lock dies with its holder ignore it). */
  ttlMs: number;
  /** Epoch ms; the caller's clock. */
  now: number;
}

/** True when `candidate` may take the lease now. */
export function mayAcquire(state: LeaseState | undefined, candidate: string, now: number): boolean {
  if (!state || state.holder === undefined || state.holder === candidate) return true;
  return state.expiresAt !== undefined && now >= state.expiresAt;
}

/** The lease after granting it to `holder`: the next token; `ttlMs` undefined for a lease without expiry. */
export function granted(state: LeaseState | undefined, holder: string, now: number, ttlMs: number | undefined): LeaseState {
  return { holder, token: (state?.token ?? 0) + 1, ...(ttlMs === undefined ? {} : { expiresAt: now + ttlMs }) };
}

/** Acquire in one step: the new state, or undefined while someone else holds an unexpired lease. */
export function acquire(state: LeaseState | undefined, request: LeaseRequest): LeaseState | undefined {
  return mayAcquire(state, request.holder, request.now) ? granted(state, request.holder, request.now, request.ttlMs) : undefined;
}

/** True while `grant` is still the current lease: the only condition for a write, a renewal or a release. */
export function holds(state: LeaseState | undefined, grant: LeaseGrant): boolean {
  return state !== undefined && state.token === grant.token && state.holder === grant.holder;
}

/**
 * Renewal: the lease with its expiry pushed out, or undefined when the grant is no longer current (the holder must
 * step down). A lease that expired but that nobody took is still the holder's: its token is still current.
 */
export function renewed(state: LeaseState | undefined, grant: LeaseGrant, now: number, ttlMs: number): LeaseState | undefined {
  return holds(state, grant) ? { ...state!, expiresAt: now + ttlMs } : undefined;
}

/** Release: nobody holds it, the token stays (it must never go down), a standby may take it at once. */
export function released(state: LeaseState | undefined, grant: LeaseGrant): LeaseState | undefined {
  return holds(state, grant) ? { token: state!.token } : undefined;
}

/**
 * A write under a lease that another holder has since taken. Not permanent: the projector steps down to standby
 * (and may take the lease again later); the write is never retried under the old token.
 */
export class ReadModelFencedError extends AppError {
  constructor(grant: LeaseGrant, current: LeaseState | undefined) {
    super(
      'READ_MODEL_FENCED',
      409,
      `The projector lease of ${grant.projector} moved on (this holder has token ${grant.token}, the lease token ${current?.token ?? 'none'}): write refused`,
    );
  }
}

/** Refuses a write unless `grant` is still current. */
export function assertHolds(state: LeaseState | undefined, grant: LeaseGrant): void {
  if (!holds(state, grant)) throw new ReadModelFencedError(grant, state);
}
