import type { ChangeItem } from '../../projections/change-feed';
import type { ReadStore } from '../../src/read-store';
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
