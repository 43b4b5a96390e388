import type Database from 'better-sqlite3';
import { settle, translateSqliteError } from './sqlite-errors';

/**
 * ReadStore.groupCommits for SQLite: one transaction around a run of commits, each of which better-sqlite3 then
 * runs as a SAVEPOINT (db.transaction() nests so when db.inTransaction), so a write the store refuses rolls back
 * its own savepoint only and the projector can still commit event by event to name the refused one. A segment of
 * 20k events folded with audiences is ~14k parts: one BEGIN/COMMIT and WAL append each was 40 % of the fold.
 *
 * What else uses the connection while a group is open. better-sqlite3 is synchronous, so that can only be code
 * whose microtasks interleave with the group's awaits (the group never spans a macrotask: its work awaits this
 * store only, and every call here settles at once):
 * - the projector's own work outside the group (ticks, backfills, re-derivation chunks) waits for it anyway:
 *   `computed.exclusive()` serializes them with the batch; its lease renewals only read the lease row;
 * - in the inline mode, HTTP handlers of the same process. They may see the parts written so far, each complete
 *   with its checkpoint row (as they saw them before, one transaction each); what would be wrong to see before
 *   the COMMIT waits for it instead (`afterGroup`): the checkpoint (read-your-writes must not lean on a commit that
 *   may still fail), the change feed (an item handed to a reader, acknowledged and then rolled back would be lost
 *   to it) and the erasure (it checkpoints and may VACUUM the file, which cannot run inside a transaction);
 * - another connection to the file in this process that writes (none in the service; a test's) would wait on
 *   busy_timeout, synchronously, for a COMMIT this thread cannot reach meanwhile: it fails SQLITE_BUSY after 5 s.
 *   Other processes (the CLI's rebuild, an external projector's API) wait the group out as any transaction.
 * A whole group (`wholeOnly`) runs its commits without savepoints: each part's SAVEPOINT/RELEASE and the sub-journal
 * copy of every page it touches first were ~15 % of the fifty-audience fold (a part is one or two items there).
 * Any failure then takes the whole group back, so none of the group's writes is kept, never half of one.
 * BEGIN IMMEDIATE: the group reads before it writes, and a deferred transaction whose snapshot another process's
 * commit overtook meanwhile cannot upgrade to a write (SQLITE_BUSY_SNAPSHOT, no busy wait).
 */
export class SqliteCommitGroup {
  private open?: Promise<void>;
  /** The open group is all-or-nothing (ReadStore.groupCommits `wholeOnly`): its commits run without savepoints. */
  private whole = false;
  /** The first write that failed inside a whole group: the group is rolled back, whatever `work` did with it. */
  private failure?: { error: unknown };

  constructor(private readonly db: Database.Database) {}

  /**
   * Whether a commit runs as it is, without a savepoint of its own: inside a whole group, where a failed write
   * rolls back every write of the group instead (failed()).
   */
  get bare(): boolean {
    return this.open !== undefined && this.whole && this.db.inTransaction;
  }

  /** A write failed inside the open group: a whole group must not commit what its statements left. */
  failed(error: unknown): void {
    if (this.open && this.whole) this.failure ??= { error };
  }

  async run<T>(work: () => Promise<T>, wholeOnly = false): Promise<T> {
    // The group's own work running a group of its own (a nested call): it joins this one, as it is.
    if (this.open) return work();
    let close!: () => void;
    this.open = new Promise<void>((resolve) => (close = resolve));
    this.whole = wholeOnly;
    this.failure = undefined;
    try {
      // Each commit in the group is a SAVEPOINT, whose sub-journal (the pages it changes, as they were) spills to a
      // temporary file past 64 KiB (7a445e3 took the last one out of every commit for that): in memory while the
      // group runs; the pager reads the setting at BEGIN. Only for the group: a VACUUM or an index build on a big
      // file would hold its whole temporary copy in memory.
      this.db.pragma('temp_store = MEMORY');
      this.db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      this.endTempStore();
      this.open = undefined;
      this.whole = false;
      close();
      throw translateSqliteError(error);
    }
    try {
      let result: T;
      try {
        result = await work();
      } catch (error) {
        // The writes completed before the error are kept, as they were when each part committed alone; if that
        // COMMIT fails too, `finally` rolls them back and the first error is the one to report. A whole group's
        // writes go back with it: `finally` rolls them back (a failed one may be half applied, with no savepoint).
        if (this.whole) throw (this.failure as { error: unknown } | undefined)?.error ?? error;
        try {
          if (this.db.inTransaction) this.db.exec('COMMIT');
        } catch {
          // reported: `error`
        }
        throw error;
      }
      // A failed write the work caught (TypeScript narrowed `failure` at the reset above, not knowing `work` sets it).
      const failure = this.failure as { error: unknown } | undefined;
      if (failure) throw failure.error;
      this.assertIntact();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      throw translateSqliteError(error);
    } finally {
      try {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
      } catch {
        // a failed rollback leaves nothing of the group either: SQLite undoes an unfinished transaction
      }
      this.endTempStore();
      this.open = undefined;
      this.whole = false;
      this.failure = undefined;
      close();
    }
  }

  private endTempStore(): void {
    try {
      if (!this.db.inTransaction) this.db.pragma('temp_store = DEFAULT');
    } catch {
      // it stays in memory: the group's own setting, still correct
    }
  }

  /**
   * Before each write inside a group. SQLite rolls a whole transaction back by itself on some errors (SQLITE_FULL,
   * IOERR, NOMEM): a write after that would run in autocommit and put a later checkpoint over the lost parts.
   */
  assertIntact(): void {
    if (this.open && !this.db.inTransaction) throw new Error('the read store rolled back a commit group under way (see the error before this one)');
  }

  /** A read or write that must see committed state only: runs once no group is open. */
  afterGroup<T>(work: () => T): Promise<T> {
    return this.open ? this.open.then(() => this.afterGroup(work)) : settle(work);
  }
}
