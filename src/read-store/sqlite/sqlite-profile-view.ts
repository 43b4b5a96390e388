import Database from 'better-sqlite3';
import type { IdentityKey } from '../../../projections/model';
import { profileJsonOf } from '../profile-json';
import type { ProfileView } from '../read-store.port';
import { openMembershipsOf } from './sqlite-audiences';
import { toValues } from './sqlite-computed';

interface ViewRow {
  graph_id: string;
  profile: string | null;
  memberships: string | null;
  computed_due: number | null;
  computed: string | null;
}

/**
 * Bytes of the file the profile-view connection maps into memory. SQLite reads the last page of a document longer
 * than a page inline (a profile, a node, a membership set of a few KB) straight from the file with a `pread`, past
 * its page cache, on every read: nine system calls per profile GET, whatever the cache size. Mapped, that read is a
 * memory copy from the kernel's page cache. Only this connection maps: the pages mapped are the ones profile reads
 * touch (the projector's connection reads and writes without), and they count in the process's RSS as file pages
 * the kernel can drop, at most this much.
 */
export const PROFILE_VIEW_MMAP_BYTES = 256 * 1024 * 1024;

export interface ProfileViewReader {
  read(key: IdentityKey, withComputed: boolean): ProfileView | undefined;
  close(): void;
}

/**
 * ReadStore.getProfileView for SQLite: the node's graph id, the profile, the membership set and (when asked) the
 * computed values in one statement. Each statement outside a transaction is a read transaction of its own (two
 * file locks, a look at the WAL index) and a call into better-sqlite3; four of them, and the node document parsed
 * only for its graph id (a column here), were a fifth of a profile GET. One statement also reads one state: the
 * four reads could see commits between them.
 *
 * On a file, the statement runs on a read-only connection of its own (mapped, see PROFILE_VIEW_MMAP_BYTES), which
 * sees committed state only: never the parts of an open commit group (sqlite-commit-group.ts). Read-your-writes
 * holds, since waiters hear of a group's positions after its COMMIT (Projector.grouping). An in-memory database
 * has no second connection: the statement runs on the store's own.
 */
export function openProfileView(db: Database.Database, p: string): ProfileViewReader {
  const own = db.memory ? undefined : new Database(db.name, { readonly: true, fileMustExist: true });
  const reader = own ?? db;
  if (own) {
    own.pragma('busy_timeout = 5000');
    own.pragma(`mmap_size = ${PROFILE_VIEW_MMAP_BYTES}`);
  }
  const view = reader.prepare(
    `SELECT n.graph_id, pr.doc AS profile, ms.doc AS memberships, cv.due_at AS computed_due, cv.doc AS computed
     FROM ${p}nodes n
     LEFT JOIN ${p}profiles pr ON pr.graph_id = n.graph_id
     LEFT JOIN ${p}membership_sets ms ON ms.graph_id = n.graph_id
     LEFT JOIN ${p}computed_values cv ON @computed AND cv.graph_id = n.graph_id
     WHERE n.key = @key`,
  );
  return {
    read: (key, withComputed) => {
      const row = view.get({ key, computed: withComputed ? 1 : 0 }) as ViewRow | undefined;
      if (row === undefined) return undefined;
      const graphId = row.graph_id;
      return {
        graphId,
        ...(row.profile === null ? {} : { json: profileJsonOf(row.profile, graphId) }),
        memberships: openMembershipsOf(graphId, row.memberships ?? undefined),
        ...(row.computed === null ? {} : { computed: toValues({ graph_id: graphId, due_at: row.computed_due, doc: row.computed }) }),
      };
    },
    close: () => {
      if (own?.open) own.close();
    },
  };
}
