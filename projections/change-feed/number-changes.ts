import type { ChangeCause, ChangeDraft, ChangeItem } from './change-item';

/**
 * Ids are the cause's log key, a dash and an ordinal: ordered like the log, unique, and the same in every rebuild
 * (the log and the fold are). Eight digits hold a rule change that re-derives millions of profiles at one position.
 */
const ORDINAL_WIDTH = 8;

/** Numbers the drafts of one log entry in the order given (ordinal `first` upwards). */
export function numberChanges(cause: ChangeCause, drafts: readonly ChangeDraft[], first = 0): ChangeItem[] {
  const at = new Date(cause.at).toISOString();
  return drafts.map((draft, i) => ({ id: changeId(cause.key, first + i), at, ...draft }));
}

export function changeId(causeKey: string, ordinal: number): string {
  return `${causeKey}-${String(ordinal).padStart(ORDINAL_WIDTH, '0')}`;
}

/**
 * Erasure notices are written after the projector has passed the erasure, outside its batches, so they take the
 * position of the read models' checkpoint then and a suffix that sorts after every projector ordinal there
 * ('e' > '9'): a reader whose cursor is at that checkpoint still finds them, and later items sort after them.
 */
export function erasureId(checkpointKey: string, ordinal: number): string {
  return `${checkpointKey}-e${String(ordinal).padStart(ORDINAL_WIDTH, '0')}`;
}

const CHANGE_ID = /^\d{1,64}-(?:e\d{21}|e?\d{8})$/;

/** Ids are opaque to clients but checked on input: a malformed cursor is a 400, not an empty page. */
export function isChangeId(value: string): boolean {
  return CHANGE_ID.test(value);
}

/** The next free ordinal of a cause among items already numbered (other projections' items for the same entry). */
export function nextOrdinal(items: readonly ChangeItem[], causeKey: string): number {
  return nextOrdinals(items).get(causeKey) ?? 0;
}

/** nextOrdinal of every cause key the items name, in one pass (a batch numbers hundreds of causes). */
export function nextOrdinals(items: readonly ChangeItem[]): Map<string, number> {
  const next = new Map<string, number>();
  for (const item of items) {
    const dash = item.id.lastIndexOf('-');
    const ordinal = Number(item.id.slice(dash + 1));
    if (dash < 0 || !Number.isInteger(ordinal)) continue;
    const key = item.id.slice(0, dash);
    if (ordinal >= (next.get(key) ?? 0)) next.set(key, ordinal + 1);
  }
  return next;
}

/** A change that no log entry of a batch caused (a lapsing window, a backfill step), with its own moment. */
export type TimedDraft = ChangeDraft & { at: number };

/** Epoch ms, 13 digits until the year 2286. */
const MOMENT_WIDTH = 13;
const TIMED_ID = /-e(\d{13})(\d{8})$/;

/** A change written after a checkpoint: the checkpoint's key, its moment (epoch ms), an ordinal among that moment's. */
export function timedId(checkpointKey: string, moment: number, ordinal: number): string {
  return `${checkpointKey}-e${String(Math.max(0, moment)).padStart(MOMENT_WIDTH, '0')}${String(ordinal).padStart(ORDINAL_WIDTH, '0')}`;
}

/**
 * Numbers changes written outside the projector's batches after the read models' checkpoint (`last`: the greatest
 * id already after it, if any). Ids are the checkpoint's key, the change's moment and an ordinal among those of
 * that moment, so they do not depend on what else was written after the checkpoint before them: a window's lapse
 * at its moment, committed after the entry it follows in log time (the projector makes sure it is), gets the same
 * id in a live run and in a rebuild, whatever backfill steps or other lapses ran around it. A change with a moment
 * earlier than the last one at the checkpoint (a backfill's entries carry the definition's log time) takes that
 * last moment instead: ids only grow, so a reader whose cursor is at the last one still finds it.
 */
export function numberAfterCheckpoint(checkpointKey: string, last: string | undefined, drafts: readonly TimedDraft[]): ChangeItem[] {
  const found = last === undefined ? null : TIMED_ID.exec(last);
  // An id of the older scheme (`-e` and an ordinal alone) sorts before every timed id of its checkpoint.
  let moment = found ? Number(found[1]) : -1;
  let ordinal = found ? Number(found[2]) : -1;
  return drafts.map(({ at, ...draft }) => {
    if (at > moment) [moment, ordinal] = [at, 0];
    else ordinal++;
    return { id: timedId(checkpointKey, moment, ordinal), at: new Date(at).toISOString(), ...draft };
  });
}
