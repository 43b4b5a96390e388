import fc from 'fast-check';
import { numberAfterCheckpoint, type TimedDraft } from './number-changes';
import type { ChangeItem } from './change-item';

/**
 * What the projector writes after one checkpoint, as the change feed numbers it: lapses, one moment per commit in
 * moment order (the timer queue's order), and, in between, commits of a backfill step or a settings walk's chunk,
 * dated anywhere up to the moment they run at, which comes before the next lapse (lapses due by then are applied
 * first). For every such interleaving, ids grow in the order written (a reader at the last id misses nothing),
 * and the lapses' ids are those of the lapses written alone: the same in a live run, whatever ran beside them, and
 * in a rebuild.
 */
const T = Date.UTC(2024, 0, 3);
const KEY = '00000000000000000042';

/** A commit of `count` lapse items at `gap` ms after the previous moment, or (`others`) some other work's items. */
const commit = fc.record({ gap: fc.nat(3), count: fc.integer({ min: 1, max: 3 }), others: fc.array(fc.nat(1_000), { maxLength: 3 }) });

function write(commits: ReadonlyArray<{ gap: number; count: number; others: number[] }>, withOthers: boolean): { all: ChangeItem[]; lapses: ChangeItem[] } {
  const all: ChangeItem[] = [];
  const lapses: ChangeItem[] = [];
  let moment = T;
  let ran = false;
  commits.forEach(({ gap, count, others }, i) => {
    // After other work ran at a moment, the next lapse is due later than that (those due by then went first).
    moment += gap + (ran ? 1 : 0);
    const append = (drafts: TimedDraft[]) => {
      const items = numberAfterCheckpoint(KEY, all[all.length - 1]?.id, drafts);
      all.push(...items);
      return items;
    };
    lapses.push(...append(Array.from({ length: count }, (_, n) => ({ type: 'audience.exited', profileId: `p${i}-${n}`, audienceId: 'a', at: moment }))));
    // Other work runs at `moment` (no lapse is due before the next one's moment), its items dated up to it.
    ran = others.length > 0;
    if (withOthers && others.length > 0) append(others.map((back, n) => ({ type: 'computed.changed', profileId: `b${i}-${n}`, name: 'x', value: 1, at: moment - back })));
  });
  return { all, lapses };
}

describe('after-checkpoint ids (property)', () => {
  it('grow in the order written, and a lapse’s do not depend on what ran beside it', () => {
    fc.assert(
      fc.property(fc.array(commit, { minLength: 1, maxLength: 12 }), (commits) => {
        const live = write(commits, true);
        const alone = write(commits, false);
        for (let i = 1; i < live.all.length; i++) expect(live.all[i]!.id > live.all[i - 1]!.id).toBe(true);
        expect(live.lapses).toEqual(alone.lapses);
      }),
      { numRuns: 300 },
    );
  });
});
