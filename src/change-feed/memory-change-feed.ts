import type { ChangeItem } from '../../projections/change-feed';
import type { ChangeFeedReader, ChangeQuery } from './change-feed.port';

/** An in-memory feed for specs of its readers (delivery loops, streams): the read stores implement the real one. */
export class MemoryChangeFeed implements ChangeFeedReader {
  readonly items: ChangeItem[] = [];
  reads = 0;

  append(...items: ChangeItem[]): void {
    this.items.push(...items);
    this.items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async readChanges(query: ChangeQuery): Promise<ChangeItem[]> {
    this.reads++;
    return this.items
      .filter((i) => query.after === undefined || i.id > query.after)
      .filter((i) => !query.types?.length || query.types.includes(i.type))
      .slice(0, query.limit);
  }

  async getChange(id: string): Promise<ChangeItem | undefined> {
    return this.items.find((i) => i.id === id);
  }

  async lastChangeId(): Promise<string | undefined> {
    return this.items.at(-1)?.id;
  }

  async countChangesAfter(after: string | undefined): Promise<number> {
    return this.items.filter((i) => after === undefined || i.id > after).length;
  }
}
