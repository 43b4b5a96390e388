import { createGraphState } from '../../projections/identity-graph';
import { DEFAULT_SETTINGS } from '../../projections/model';
import { compileDefinition, computedScopeOf } from '../../projections/computed-attributes';
import type { DecodedEvent } from '../events';
import { carryScope, projectSegment, type LoadedScope, type ProjectionContext } from './project-batch';
import type { SettledQuestion } from './unsettled-graphs';

/**
 * The projector's fold of a segment, by log time: events count as of their item's log time, and the segment ends
 * before an item that must wait for a lapse (or, for audiences, for its graph's earlier item) to be written first.
 */
const T0 = Date.UTC(2026, 0, 1);
const SECOND = 1000;
let n = 0;
function logged(at: number, type: string, data: Record<string, unknown>): DecodedEvent {
  n++;
  return { event: { type, data } as never, eventId: `e${n}`, stream: 's', revision: n, position: String(n), recordedAt: new Date(at) };
}
const iso = (t: number) => new Date(t).toISOString();
const view = (at: number, who: string, timestamp = at) =>
  logged(at, 'ExperienceEventIngested', { itemId: `v${n}`, source: 'web', type: 'view', timestamp: iso(timestamp), identities: [{ namespace: 'CRMID', id: who }], primary: { namespace: 'CRMID', id: who }, data: {} });
const record = (at: number, who: string) =>
  logged(at, 'RecordIngested', { itemId: `r${n}`, source: 'crm', timestamp: iso(at), identities: [{ namespace: 'CRMID', id: who }], primary: { namespace: 'CRMID', id: who }, attributes: { who } });

const views10s = compileDefinition({ name: 'views', version: 1, function: 'count', eventType: 'view', window: { last: '10s' } });
function fresh(): LoadedScope {
  return { graph: createGraphState(), fragments: new Map(), stats: new Map(), graphsBefore: new Set(), computed: computedScopeOf([]), computedValues: new Map() };
}
/** The projector's moment is far ahead (a rebuild): the fold must not use it. */
const ctx: ProjectionContext = { settings: DEFAULT_SETTINGS, rejected: new Set(), profileIdOf: (g) => `p-${g}`, computed: { definitions: [views10s], now: T0 + 100 * 24 * 3600 * SECOND } };
const valuesOf = (writes: ReturnType<typeof projectSegment>['writes'], graphId: string) => writes.computed?.values?.upsert?.find((v) => v.graphId === graphId);

describe('projectSegment: folding by log time', () => {
  it('counts an event as of its item’s log time, and dates the graph’s next change from it', () => {
    const { writes, folded } = projectSegment(fresh(), [view(T0 + SECOND, 'ann', T0)], ctx);
    expect(folded).toBe(1);
    expect(valuesOf(writes, 'CRMID:ann')).toEqual({ graphId: 'CRMID:ann', values: { views: 1 }, dueAt: T0 + 10 * SECOND });
  });

  it('ends before an item whose graph has a lapse due by its log time; the next part starts there', () => {
    const scope = fresh();
    const items = [view(T0, 'ann'), record(T0 + 5 * SECOND, 'ben'), view(T0 + 10 * SECOND, 'ann')];
    const first = projectSegment(scope, items, ctx);
    expect(first.folded).toBe(2);
    expect(valuesOf(first.writes, 'CRMID:ann')!.values).toEqual({ views: 1 });
    expect(first.writes.profiles!.upsert!.map((p) => p.graphId).sort()).toEqual(['CRMID:ann', 'CRMID:ben']);
    carryScope(scope, first.writes);
    const second = projectSegment(scope, items.slice(2), ctx);
    expect(second.folded).toBe(1);
    expect(valuesOf(second.writes, 'CRMID:ann')!.values).toEqual({ views: 1 });
  });

  it('for audiences, ends before an item whose graph an earlier item that could move memberships touched', () => {
    const items = [record(T0, 'ann'), record(T0 + 1, 'ben'), record(T0 + 2, 'ann')];
    expect(projectSegment(fresh(), items, ctx).folded).toBe(3);
    const cut = projectSegment(fresh(), items, ctx, { movesMemberships: () => true });
    expect(cut.folded).toBe(2);
    // Only the folded items' graphs are written, each with the item that touched it last.
    expect([...cut.lastItems].map(([g, e]) => [g, e.eventId])).toEqual([['CRMID:ann', items[0]!.eventId], ['CRMID:ben', items[1]!.eventId]]);
  });

  it('items no audience reads do not end it, and transitions keep the date of the item that could move them', () => {
    const scope = fresh();
    const first = projectSegment(scope, [record(T0, 'ann')], ctx, { movesMemberships: () => true });
    carryScope(scope, first.writes);
    // Ann exists now: her views move nothing (no audience reads views), her record does; after it, any item of hers
    // (it might link identities) waits for the next part.
    const later = [view(T0 + 1, 'ann'), view(T0 + 2, 'ann'), record(T0 + 3, 'ann'), view(T0 + 4, 'ann')];
    const reads = (d: DecodedEvent) => d.event.type === 'RecordIngested';
    const part = projectSegment(scope, later, ctx, { movesMemberships: reads });
    expect(part.folded).toBe(3);
    expect(part.lastItems.get('CRMID:ann')!.eventId).toBe(later[2]!.eventId);
  });

  it('goes on past a later item on a moved graph whose memberships stand, asking with its profile as of then', () => {
    const scope = fresh();
    carryScope(scope, projectSegment(scope, [record(T0, 'ann')], ctx, { movesMemberships: () => true }).writes);
    const later = [view(T0 + 1, 'ann'), record(T0 + 2, 'ann'), view(T0 + 3, 'ann')];
    const asked: Array<[string, number | undefined, unknown, unknown, string[]]> = [];
    const standing = (stands: boolean) => (q: SettledQuestion) => {
      asked.push([q.graphId, (q.profile?.doc as { eventCount?: number } | undefined)?.eventCount, q.valuesBefore.views, q.values.views, q.items.map((i) => i.eventId)]);
      return stands;
    };
    const on = projectSegment(scope, later, ctx, { movesMemberships: () => true, settled: standing(true) });
    expect(on.folded).toBe(3);
    // Asked before each later item, with the items since the last question (the view, then the record) and the
    // values then and now: the view before it counted, nothing after it.
    expect(asked).toEqual([
      ['CRMID:ann', 1, 0, 1, [later[0]!.eventId]],
      ['CRMID:ann', 1, 1, 1, [later[1]!.eventId]],
    ]);
    expect(on.lastItems.get('CRMID:ann')!.eventId).toBe(later[2]!.eventId);
  });

  it('ends there when they would move, and at once after an item that reshaped the graph', () => {
    const scope = fresh();
    carryScope(scope, projectSegment(scope, [record(T0, 'ann')], ctx, { movesMemberships: () => true }).writes);
    const later = [view(T0 + 1, 'ann'), record(T0 + 2, 'ann')];
    expect(projectSegment(scope, later, ctx, { movesMemberships: () => true, settled: () => false }).folded).toBe(1);
    // Ben's first item creates his profile: the next item on him ends the segment without asking.
    let asked = 0;
    const created = [record(T0 + 3, 'ben'), view(T0 + 4, 'ben')];
    const cut = projectSegment(fresh(), created, ctx, { movesMemberships: () => true, settled: () => ++asked > 0 });
    expect([cut.folded, asked]).toEqual([1, 0]);
  });
});
