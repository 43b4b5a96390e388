import type { DecodedEvent } from '../../events';
import type { AudienceWrites, MembershipRow, ProfileRecord, ReadStore } from '../../read-store/read-store.port';
import { AudienceRuntime, type WindowEngine } from './audience-runtime';

/**
 * The runtime's own labelling of what time alone moved (a stand-in store holding one profile; no database): a
 * computed attribute's backfill is a definition change, a lapse is a window lapse, each at the moment it names.
 */
const profile: ProfileRecord = {
  graphId: 'g1',
  doc: { profileId: 'p_g1', primaryIdentity: { namespace: 'CRMID', id: 'tom' }, attributes: {}, identities: [{ namespace: 'CRMID', id: 'tom' }] } as never,
  createdAt: 0,
  updatedAt: 0,
};

function runtimeOverOneProfile(profiles = 0) {
  const committed: AudienceWrites[] = [];
  let rows: MembershipRow[] = [];
  const store = {
    countProfiles: async () => profiles,
    listProfiles: async () => ({ items: [profile] }),
    commitComputed: async () => undefined,
    getProfile: async (graphId: string) => (graphId === 'g1' ? profile : undefined),
    getMemberships: async () => rows,
    commitAudiences: async (writes: AudienceWrites) => {
      committed.push(writes);
      for (const e of writes.enter ?? []) rows.push({ audienceId: e.audienceId, graphId: e.graphId, enteredAt: e.enteredAt, doc: e.doc });
      rows = rows.filter((r) => !(writes.exit ?? []).some((x) => x.audienceId === r.audienceId && x.graphId === r.graphId));
    },
  } as unknown as ReadStore;
  const told: Array<{ counted: string[]; building: string[] }> = [];
  const windows: WindowEngine = {
    setExtraDefinitions: (all, building) => void told.push({ counted: all.map((d) => d.name), building: building.map((d) => d.name) }),
    refresh: async () => ({}),
    refreshAt: async () => ({}),
  };
  return { runtime: new AudienceRuntime(undefined as never, store, windows), committed, told };
}

const saved: DecodedEvent = {
  event: { type: 'AudienceSaved', data: { audienceId: 'big', name: 'big', condition: { computed: 'spend', op: 'gt', value: 100 }, version: 1 } },
  eventId: 'def-1',
  stream: 'tessera-audiences',
  revision: 0,
  position: '00000000000000000001',
  recordedAt: new Date(1_000),
};

describe('audience runtime: moves without an item', () => {
  it('a computed backfill step moves audiences with cause definition; a lapse with windowLapse at its moment', async () => {
    const { runtime, committed } = runtimeOverOneProfile();
    await runtime.define(saved);
    await runtime.afterValues([{ graphId: 'g1', at: 5_000, reason: 'backfill', cause: { position: '7', eventId: 'spend-def' } }], { values: { upsert: [{ graphId: 'g1', values: { spend: 150 } }] } });
    await runtime.afterValues([{ graphId: 'g1', at: 9_000, reason: 'windowLapse' }], { values: { upsert: [{ graphId: 'g1', values: { spend: 50 } }] } });
    expect(committed.map((w) => [w.enter?.map((e) => [e.audienceId, e.enteredAt, (e.doc as { cause: { kind: string } }).cause.kind]), w.exit?.map((e) => [e.audienceId, e.exitedAt, (e.doc as { exitCause: { kind: string } }).exitCause.kind])])).toEqual([
      [[['big', 5_000, 'definition']], []],
      [[], [['big', 9_000, 'windowLapse']]],
    ]);
    // The backfill's entry names the computed definition's place in the log (history shows the move there).
    expect(committed[0]!.enter![0]!.doc).toMatchObject({ cause: { kind: 'definition', position: '7', eventId: 'spend-def' } });
  });
});

describe('audience runtime: the counts the window engine builds from timelines', () => {
  const buyers = (at: number): DecodedEvent => ({
    ...saved,
    event: { type: 'AudienceSaved', data: { audienceId: 'buyers', name: 'buyers', condition: { event: { type: 'purchase' }, window: { last: '30d' } }, version: 1 } },
    recordedAt: new Date(at),
  });

  it('builds an audience\'s event counts only while its backfill runs; saved before any profile, never', async () => {
    const early = runtimeOverOneProfile(0);
    await early.runtime.define(buyers(1_000));
    expect(early.told.at(-1)!.counted).toHaveLength(1);
    expect(early.told.at(-1)!.building).toEqual([]);

    const late = runtimeOverOneProfile(1);
    await late.runtime.define(buyers(1_000));
    expect(late.told.at(-1)!.building).toEqual(late.told.at(-1)!.counted);
    await late.runtime.tick(2_000, () => 0);
    expect(late.runtime.settled).toBe(true);
    expect(late.told.at(-1)!.building).toEqual([]);
    expect(late.told.at(-1)!.counted).toHaveLength(1);
  });
});
