import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { ReadStore } from '../read-store';

export interface ProjectorLeaseOptions {
  /** Names this process in the lease (health shows it); unique per process. */
  holder: string;
  /** How long the lease lasts unrenewed (MongoDB): a standby takes over at most this long after the holder died. */
  ttlMs: number;
}

export type LeaseRole = 'active' | 'standby';

/** `host:pid:random`: unique per process, and says where to look. */
export function defaultLeaseHolder(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * Holds the projector's lease for it (the rules: src/read-store/projector-lease.ts): tries to take it, renews it
 * every third of its ttl while active, and calls `onLost` when a renewal finds that the lease has moved on. The
 * store fences the writes themselves; this only keeps the lease alive and notices the loss early.
 */
export class LeaseKeeper {
  role: LeaseRole = 'standby';
  token?: number;
  private renewal?: NodeJS.Timeout;
  /** Bumped whenever renewing starts or stops, so a renewal still under way when it stopped does not go on. */
  private generation = 0;

  constructor(
    private readonly store: ReadStore,
    private readonly projector: string,
    readonly options: ProjectorLeaseOptions,
    private readonly logger?: Logger,
  ) {}

  /** How often a standby tries again: well inside the ttl, and prompt where the lock dies with its holder (SQLite). */
  get pollMs(): number {
    return Math.max(20, Math.min(1_000, Math.floor(this.options.ttlMs / 5)));
  }

  get holder(): string {
    return this.options.holder;
  }

  async tryAcquire(): Promise<boolean> {
    try {
      const grant = await this.store.acquireLease({ projector: this.projector, holder: this.holder, ttlMs: this.options.ttlMs, now: Date.now() });
      if (!grant) return false;
      this.role = 'active';
      this.token = grant.token;
      this.logger?.info({ projector: this.projector, holder: this.holder, token: grant.token }, 'projector lease taken: active');
      return true;
    } catch (error) {
      this.logger?.warn({ projector: this.projector, err: String(error) }, 'projector lease: could not ask the read store; standing by');
      return false;
    }
  }

  keepRenewing(onLost: () => void): void {
    const every = Math.max(10, Math.floor(this.options.ttlMs / 3));
    const generation = ++this.generation;
    const renew = async () => {
      try {
        if (!(await this.store.renewLease(Date.now(), this.options.ttlMs)) && generation === this.generation) {
          this.stepDown('the lease moved on');
          onLost();
          return;
        }
      } catch (error) {
        // The store is unreachable: keep trying. Should the lease lapse meanwhile, the next write is fenced.
        this.logger?.warn({ projector: this.projector, err: String(error) }, 'projector lease renewal failed; retrying');
      }
      if (generation === this.generation) this.renewal = setTimeout(() => void renew(), every);
    };
    this.renewal = setTimeout(() => void renew(), every);
  }

  stepDown(reason: string): void {
    this.generation++;
    clearTimeout(this.renewal);
    if (this.role === 'active') this.logger?.warn({ projector: this.projector, holder: this.holder, token: this.token, reason }, 'projector lease lost: standing by');
    this.role = 'standby';
  }

  async release(): Promise<void> {
    this.generation++;
    clearTimeout(this.renewal);
    if (this.role !== 'active') return;
    this.role = 'standby';
    try {
      await this.store.releaseLease();
    } catch (error) {
      // Left to expire (MongoDB) or to the kernel (SQLite, when the process exits).
      this.logger?.warn({ projector: this.projector, err: String(error) }, 'projector lease release failed');
    }
  }
}
