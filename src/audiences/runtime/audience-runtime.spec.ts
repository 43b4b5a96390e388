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

function runtimeOverOneProfile() {
  const committed: AudienceWrites[] = [];
  let rows: MembershipRow[] = [];
  const store = {
    countProfiles: async () => 0,
    getProfile: async (graphId: string) => (graphId === 'g1' ? profile : undefined),
    getMemberships: async () => rows,
    commitAudiences: async (writes: AudienceWrites) => {
      committed.push(writes);
      for (const e of writes.enter ?? []) rows.push({ audienceId: e.audienceId, graphId: e.graphId, enteredAt: e.enteredAt, doc: e.doc });
      rows = rows.filter((r) => !(writes.exit ?? []).some((x) => x.audienceId === r.audienceId && x.graphId === r.graphId));
    },
  } as unknown as ReadStore;
  const windows: WindowEngine = { setExtraDefinitions: () => undefined, refresh: async () => ({}) };
  return { runtime: new AudienceRuntime(undefined as never, store, windows), committed };
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
    await runtime.afterValues([{ graphId: 'g1', at: 5_000, reason: 'backfill' }], { values: { upsert: [{ graphId: 'g1', values: { spend: 150 } }] } });
    await runtime.afterValues([{ graphId: 'g1', at: 9_000, reason: 'windowLapse' }], { values: { upsert: [{ graphId: 'g1', values: { spend: 50 } }] } });
    expect(committed.map((w) => [w.enter?.map((e) => [e.audienceId, e.enteredAt, (e.doc as { cause: { kind: string } }).cause.kind]), w.exit?.map((e) => [e.audienceId, e.exitedAt, (e.doc as { exitCause: { kind: string } }).exitCause.kind])])).toEqual([
      [[['big', 5_000, 'definition']], []],
      [[], [['big', 9_000, 'windowLapse']]],
    ]);
  });
});
