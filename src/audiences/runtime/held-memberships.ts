import type { AudienceWrites, MembershipRow, ReadStore } from '../../read-store/read-store.port';

/**
 * The open memberships of a projector window's graphs, as the store holds them between the window's parts: read
 * once for the window, then kept in step with each committed part's entries and exits (and read again after a
 * lapse wrote some outside the parts). What a part's audience step would read before it commits, without the read;
 * SegmentOptions.settled asks it at a later item on a graph an earlier item could have moved.
 */
export class HeldMemberships {
  private byGraph = new Map<string, Map<string, MembershipRow>>();

  private constructor(private readonly store: ReadStore) {}

  static async load(store: ReadStore, graphIds: readonly string[]): Promise<HeldMemberships> {
    const held = new HeldMemberships(store);
    await held.reload(graphIds);
    return held;
  }

  /**
   * Read again, for every graph of the window as it is now (a lapse committed entries or exits outside the window's
   * parts, for graphs its parts may have created too).
   */
  async reload(graphIds: readonly string[]): Promise<void> {
    this.byGraph = new Map();
    for (const row of await this.store.getMemberships([...graphIds])) this.held(row.graphId).set(row.audienceId, row);
  }

  /** A graph's open memberships (none for a graph the window's items create, until a part commits its entries). */
  of(graphId: string): MembershipRow[] {
    return [...(this.byGraph.get(graphId)?.values() ?? [])];
  }

  /** A part's audience writes, once committed. */
  committed(writes: AudienceWrites | undefined): void {
    for (const exit of writes?.exit ?? []) this.byGraph.get(exit.graphId)?.delete(exit.audienceId);
    for (const row of writes?.enter ?? []) this.held(row.graphId).set(row.audienceId, row);
  }

  private held(graphId: string): Map<string, MembershipRow> {
    let rows = this.byGraph.get(graphId);
    if (!rows) this.byGraph.set(graphId, (rows = new Map()));
    return rows;
  }
}
