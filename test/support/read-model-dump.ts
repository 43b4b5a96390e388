import type { ChangeItem } from '../../projections/change-feed';
import type { EventStore } from '../../src/event-store';
import { Projector } from '../../src/projector';
import { profileIdOf } from '../../src/read-models';
import type { ReadStore } from '../../src/read-store';
import { dumpReadModels, type DumpedProfile } from '../../src/cli/rebuild-dump';
/** The dump lives in src so `tessera rebuild --verify` and the tests compare read models the same way. */
export { dumpReadModels, type DumpedProfile } from '../../src/cli/rebuild-dump';

/** The whole stored change feed, page by page, in feed order. */
export async function storedFeed(store: ReadStore): Promise<ChangeItem[]> {
  const items: ChangeItem[] = [];
  for (;;) {
    const page = await store.readChanges({ after: items.at(-1)?.id, limit: 1000 });
    if (page.length === 0) return items;
    items.push(...page);
  }
}

/**
 * Projects `log` from scratch into the empty store `fresh` and expects `live` to hold exactly the same read models,
 * profile by profile, memberships included (and more than a handful of them, so an empty pair cannot pass).
 */
export async function expectEqualToRebuild(log: EventStore, live: ReadStore, fresh: ReadStore, hashKey: string): Promise<DumpedProfile[]> {
  const rebuild = new Projector(log, fresh, { profileIdOf: (g) => profileIdOf(hashKey, g), batchSize: 1000 });
  rebuild.start();
  expect(await rebuild.whenIdle(120_000)).toBe(true);
  await rebuild.stop();
  const [liveDump, freshDump] = [await dumpReadModels(live), await dumpReadModels(fresh)];
  expect(liveDump.length).toBeGreaterThan(20);
  expect(liveDump).toEqual(freshDump);
  return liveDump;
}
