import { Gauge, type Registry } from 'prom-client';
import type { ReadStore } from '../read-store';
import { MAIN_PROJECTOR, type Projector } from './projector';

export interface LeaseHealth {
  /** Who holds the projector lease now; null when nobody does (released, or its holder died). */
  holder: string | null;
  /** The fencing token: it goes up by one at every change of holder. */
  token: number;
  /** ISO time the lease lapses unless renewed (MongoDB); null where it lasts while its holder lives (SQLite). */
  expiresAt: string | null;
  /** This process: `active` (holds it), `standby` (waits for it), `external` (runs no projector: PROJECTOR=external). */
  self: 'active' | 'standby' | 'external';
  /** This process's name in the lease, when it runs a projector. */
  holderId?: string;
}

/** The lease as the read store has it, and this process's part in it (for /v1/health). */
export async function leaseHealth(store: ReadStore, projector: Projector | null): Promise<LeaseHealth> {
  const state = await store.readLease(MAIN_PROJECTOR);
  const own = projector?.lease;
  return {
    holder: state?.holder ?? null,
    token: state?.token ?? 0,
    expiresAt: state?.expiresAt === undefined ? null : new Date(state.expiresAt).toISOString(),
    self: own ? own.role : 'external',
    ...(own ? { holderId: own.holder } : {}),
  };
}

/** 1 while this process's projector holds the lease; the token, whose steps count the takeovers. */
export function registerLeaseGauges(registry: Registry, store: ReadStore, projector: Projector | null): void {
  new Gauge({
    name: 'tessera_projector_lease_active',
    help: "1 while this process's projector holds the projector lease, 0 while it stands by or runs elsewhere",
    registers: [registry],
    collect() {
      this.set(projector?.lease?.role === 'active' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'tessera_projector_lease_token',
    help: 'The projector lease fencing token: one more at every change of holder',
    registers: [registry],
    async collect() {
      this.set((await store.readLease(MAIN_PROJECTOR))?.token ?? 0);
    },
  });
}
