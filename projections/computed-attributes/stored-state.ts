import type { Entry } from './entry';
import type { DefinitionState, PrimaryComputedState } from './window-state';

/**
 * A primary identity's engine state as the read store holds it. The state is rewritten whenever a batch touches the
 * identity, and windowed counts (audiences' event conditions are all counts) hold every event still inside their
 * window, so the stored form is what the projector serialises, writes and parses per touched identity. A count's
 * state is packed to `[version, n, live, pending]`: of its entries only the timestamps matter (a count has no value,
 * and entries of one timestamp leave the window together, so the log position that orders them changes nothing),
 * stored ascending as deltas from the previous one. Everything else stays as the engine holds it. Unpacking accepts
 * either form, so states stored before packing load unchanged.
 */
export type StoredComputedState = Record<string, unknown>;

/** [version, n, live times (0 when none), pending times]; times ascending, the first absolute, then deltas. */
type PackedCount = [number, number, ...Array<number[] | 0>];

/** A placeholder position for unpacked count entries: positions only order entries of one timestamp. */
const NO_POSITION = '';

export function packState(state: PrimaryComputedState): StoredComputedState {
  const defs: Record<string, DefinitionState | PackedCount> = {};
  for (const [name, defState] of Object.entries(state.defs)) defs[name] = packCount(defState) ?? defState;
  return { ...state, defs };
}

export function unpackState(doc: StoredComputedState): PrimaryComputedState {
  const stored = doc as unknown as PrimaryComputedState & { defs: Record<string, DefinitionState | PackedCount> };
  const defs: Record<string, DefinitionState> = {};
  for (const [name, defState] of Object.entries(stored.defs)) defs[name] = Array.isArray(defState) ? unpackCount(defState) : defState;
  return { ...stored, defs };
}

/** A count's state packed, or undefined when it is not a count (or holds a time that deltas would not keep exact). */
function packCount(defState: DefinitionState): PackedCount | undefined {
  const acc = defState.acc as Record<string, unknown>;
  if (acc === null || typeof acc !== 'object' || typeof acc.n !== 'number' || Object.keys(acc).length !== 1) return undefined;
  const live = deltas(defState.live);
  const pending = deltas(defState.pending);
  if (live === undefined || pending === undefined) return undefined;
  const packed: PackedCount = [defState.ver, acc.n];
  if (live.length > 0 || pending.length > 0) packed.push(live.length > 0 ? live : 0);
  if (pending.length > 0) packed.push(pending);
  return packed;
}

function unpackCount([ver, n, live, pending]: PackedCount): DefinitionState {
  const defState: DefinitionState = { ver, acc: { n } };
  if (Array.isArray(live) && live.length > 0) defState.live = entries(live);
  if (Array.isArray(pending) && pending.length > 0) defState.pending = entries(pending);
  return defState;
}

/** The entries' timestamps as deltas; undefined when an entry carries a value or a time is not a safe integer. */
function deltas(list: readonly Entry[] | undefined): number[] | undefined {
  const out: number[] = [];
  let previous = 0;
  for (const entry of list ?? []) {
    if (entry.v !== undefined || !Number.isSafeInteger(entry.t)) return undefined;
    out.push(entry.t - previous);
    previous = entry.t;
  }
  return out;
}

function entries(packed: readonly number[]): Entry[] {
  let t = 0;
  return packed.map((delta) => ({ t: (t += delta), o: NO_POSITION }));
}
