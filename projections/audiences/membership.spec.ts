import type { Condition } from '../conditions';
import { engineOf, viewOf } from './audiences.fixture';
import { anonymousName } from './compile-event';
import { evolveDefinitions } from './definitions';
import { buildDependencyIndex } from './dependency-index';
import { regraph, reevaluate, type AudienceEngine, type Membership, type TransitionCause } from './membership';

const T1 = '2024-05-01T12:00:00.000Z';
const T2 = '2024-05-02T12:00:00.000Z';
const item: TransitionCause = { kind: 'item', position: '10', eventId: 'e-1' };
const bought = { event: { type: 'purchase' }, window: { last: '30d' } } as const;
const audiences: Record<string, Condition> = {
  basel: { attribute: 'address.city', op: 'eq', value: 'Basel' },
  buyer: bought,
  baselBuyer: { and: [{ audience: 'basel', op: 'member' }, { audience: 'buyer', op: 'member' }] },
  known: { identity: 'CRMID', op: 'exists' },
};
const engine = engineOf(audiences);
const held = (...ids: string[]) => new Map<string, Membership>(ids.map((id) => [id, { audienceId: id, enteredAt: T1, cause: item }]));
const kinds = (transitions: Array<{ profileId?: string; audienceId: string; kind: string }>) =>
  transitions.map((t) => `${t.profileId ? `${t.profileId}:` : ''}${t.kind} ${t.audienceId}`);

describe('incremental membership', () => {
  it('an item re-evaluates only the audiences that read what it changed, and audience-of-audience follows at once', () => {
    const view = viewOf({ attributes: { address: { city: 'Basel' } }, computed: { [anonymousName(bought)]: 1 } });
    const result = reevaluate(engine, { profileId: 'p1', view, memberships: held('buyer') }, { attributes: ['address.city'] }, T2, item);
    expect(kinds(result.transitions)).toEqual(['p1:entered basel', 'p1:entered baselBuyer']);
    expect(result.memberships.get('basel')).toEqual({ audienceId: 'basel', enteredAt: T2, cause: item });
    expect(result.memberships.get('buyer')!.enteredAt).toBe(T1);
  });

  it('does not evaluate what the change did not touch, even when it would no longer hold', () => {
    const view = viewOf({});
    const result = reevaluate(engine, { profileId: 'p1', view, memberships: held('known') }, { attributes: ['firstName'] }, T2, item);
    expect(result.transitions).toEqual([]);
  });

  it('a change under or above a condition path reaches it', () => {
    const view = viewOf({ attributes: { address: { city: 'Basel' } } });
    const replaced = reevaluate(engine, { profileId: 'p1', view, memberships: new Map() }, { attributes: ['address'] }, T2, item);
    expect(kinds(replaced.transitions)).toEqual(['p1:entered basel']);
  });

  it('a window lapse (the anonymous count changed, no new event) exits, and the audiences naming it follow', () => {
    const lapse: TransitionCause = { kind: 'windowLapse' };
    const view = viewOf({ attributes: { address: { city: 'Basel' } }, computed: { [anonymousName(bought)]: 0 } });
    const result = reevaluate(engine, { profileId: 'p1', view, memberships: held('basel', 'buyer', 'baselBuyer') }, { computed: [anonymousName(bought)] }, T2, lapse);
    expect(kinds(result.transitions)).toEqual(['p1:exited buyer', 'p1:exited baselBuyer']);
    expect(result.transitions.every((t) => t.at === T2 && t.cause === lapse)).toBe(true);
  });

  it('an identity joining the profile re-evaluates the identity conditions on its namespace', () => {
    const view = viewOf({ namespaces: ['CRMID'] });
    const result = reevaluate(engine, { profileId: 'p1', view, memberships: new Map() }, { identities: ['CRMID'] }, T2, item);
    expect(kinds(result.transitions)).toEqual(['p1:entered known']);
  });

  it('a definition change re-evaluates that audience; a deleted audience exits its members', () => {
    const definition: TransitionCause = { kind: 'definition', version: 2 };
    let defs = evolveDefinitions(engine.definitions, { type: 'AudienceSaved', data: { audienceId: 'known', name: 'k', condition: { identity: 'Email', op: 'exists' }, version: 2 } }, T2);
    defs = evolveDefinitions(defs, { type: 'AudienceDeleted', data: { audienceId: 'baselBuyer' } }, T2);
    const changed: AudienceEngine = { definitions: defs, index: buildDependencyIndex(defs) };
    const view = viewOf({ namespaces: ['CRMID'] });
    const result = reevaluate(changed, { profileId: 'p1', view, memberships: held('known', 'baselBuyer') }, { audiences: ['known'] }, T2, definition);
    expect(kinds(result.transitions)).toEqual(['p1:exited baselBuyer', 'p1:exited known']);
  });
});

describe('merges, splits, unmerges and erasures move profiles in and out', () => {
  const buyerBasel = viewOf({ attributes: { address: { city: 'Basel' } }, computed: { [anonymousName(bought)]: 1 } });

  it('a merge where only the union qualifies enters the merged profile once, and the absorbed profile exits', () => {
    const merge: TransitionCause = { kind: 'merge', position: '20' };
    const before = new Map([['p1', held('basel')], ['p2', held('buyer')]]);
    const result = regraph(engine, before, [{ profileId: 'p1', view: buyerBasel }], T2, merge);
    expect(kinds(result.transitions)).toEqual(['p2:exited buyer', 'p1:entered buyer', 'p1:entered baselBuyer']);
    expect(result.memberships.get('p1')!.get('basel')!.enteredAt).toBe(T1);
  });

  it('a split (or an unmerge) evaluates each part: the part that no longer qualifies exits, a new profile enters', () => {
    const split: TransitionCause = { kind: 'split', eventId: 'rejection-1' };
    const before = new Map([['p1', held('basel', 'buyer', 'baselBuyer')]]);
    const after = [
      { profileId: 'p1', view: viewOf({ attributes: { address: { city: 'Basel' } } }) },
      { profileId: 'p3', view: viewOf({ computed: { [anonymousName(bought)]: 1 } }) },
    ];
    const result = regraph(engine, before, after, T2, split);
    expect(kinds(result.transitions)).toEqual(['p1:exited buyer', 'p1:exited baselBuyer', 'p3:entered buyer']);
  });

  it('an erasure exits every membership of the erased profile', () => {
    const erasure: TransitionCause = { kind: 'erasure', eventId: 'request-1' };
    const result = regraph(engine, new Map([['p1', held('basel', 'known')]]), [], T2, erasure);
    expect(kinds(result.transitions)).toEqual(['p1:exited basel', 'p1:exited known']);
    expect(result.memberships.size).toBe(0);
  });
});
