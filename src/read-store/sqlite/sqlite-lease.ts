import Database from 'better-sqlite3';
import { assertHolds, granted, holds, type LeaseGrant, type LeaseRequest, type LeaseState } from '../projector-lease';

/**
 * The embedded projector lease. Who holds it is decided by an OS lock, not by a clock: the holder keeps an
 * exclusive SQLite transaction open on a small lock file beside the read models, and the kernel drops that lock
 * the moment the process dies, SIGKILL included, so a standby (polling the same lock) takes over at its next try
 * rather than after an expiry. SQLite emulates the lock between connections of one process too, so two stores in
 * one process exclude each other as two processes do.
 *
 * The fencing token lives in the read-model file (`projector_leases`) and is checked inside every write
 * transaction: a holder whose lock was lost while it lived (the lock file deleted or replaced) and that a newer
 * holder has superseded is refused, as on MongoDB.
 */
export function leaseSchemaSql(p: string): string {
  return `CREATE TABLE IF NOT EXISTS ${p}projector_leases (
    projector TEXT PRIMARY KEY,
    holder TEXT,
    token INTEGER NOT NULL
  ) WITHOUT ROWID;`;
}

/** The lock file of one projector of one model version: `<read-models file>-lease-<version>_<projector>`. */
export function leaseLockFile(file: string, prefix: string, projector: string): string {
  return `${file}-lease-${prefix}${projector.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

interface LeaseRow {
  holder: string | null;
  token: number;
}

export class SqliteLease {
  private grant?: LeaseGrant;
  private lock?: Database.Database;
  private readonly get: Database.Statement;
  private readonly put: Database.Statement;

  constructor(private readonly db: Database.Database, private readonly prefix: string) {
    db.exec(leaseSchemaSql(prefix));
    this.get = db.prepare(`SELECT holder, token FROM ${prefix}projector_leases WHERE projector = ?`);
    this.put = db.prepare(
      `INSERT INTO ${prefix}projector_leases (projector, holder, token) VALUES (?, ?, ?)
       ON CONFLICT (projector) DO UPDATE SET holder = excluded.holder, token = excluded.token`,
    );
  }

  acquire(request: LeaseRequest): LeaseGrant | undefined {
    if (this.grant && this.lock && this.grant.projector === request.projector && this.grant.holder === request.holder) {
      if (holds(this.state(request.projector), this.grant)) return this.grant;
    }
    this.dropLock();
    const lock = this.takeLock(request.projector);
    if (!lock) return undefined;
    try {
      const next = this.db.transaction(() => {
        const state = granted(this.state(request.projector), request.holder, request.now, undefined);
        this.put.run(request.projector, state.holder, state.token);
        return state;
      })();
      this.lock = lock;
      this.grant = { projector: request.projector, holder: request.holder, token: next.token };
      return this.grant;
    } catch (error) {
      lock.close();
      throw error;
    }
  }

  /** No expiry to push out: the lock lasts while this process does. Still false once the token moved on. */
  renew(): boolean {
    return this.grant !== undefined && this.lock !== undefined && holds(this.state(this.grant.projector), this.grant);
  }

  release(): void {
    const grant = this.grant;
    if (grant && holds(this.state(grant.projector), grant)) this.put.run(grant.projector, null, grant.token);
    this.dropLock();
  }

  /** Inside the caller's write transaction: refuses it unless this store's grant is still current. */
  assertFence(): void {
    if (this.grant) assertHolds(this.lock ? this.state(this.grant.projector) : undefined, this.grant);
  }

  /** The stored lease, with the holder cleared when nobody holds the lock (it died, or released it). */
  read(projector: string): LeaseState | undefined {
    const state = this.state(projector);
    if (!state?.holder) return state;
    if (this.grant?.projector === projector && this.lock) return state;
    const probe = this.takeLock(projector);
    if (!probe) return state;
    probe.close();
    return { token: state.token };
  }

  close(): void {
    this.dropLock();
  }

  private state(projector: string): LeaseState | undefined {
    const row = this.get.get(projector) as LeaseRow | undefined;
    return row && (row.holder === null ? { token: row.token } : { holder: row.holder, token: row.token });
  }

  /** An open exclusive transaction on the lock file, or undefined while another connection holds it. */
  private takeLock(projector: string): Database.Database | undefined {
    if (this.db.memory) return new Database(':memory:');
    const lock = new Database(leaseLockFile(this.db.name, this.prefix, projector));
    try {
      lock.pragma('busy_timeout = 0');
      // Nothing is ever written to it: no journal either, so a killed holder leaves nothing to recover.
      lock.pragma('journal_mode = OFF');
      lock.exec('BEGIN EXCLUSIVE');
      return lock;
    } catch (error) {
      lock.close();
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) return undefined;
      throw error;
    }
  }

  private dropLock(): void {
    if (this.lock?.open) this.lock.close();
    this.lock = undefined;
  }
}
