import {
  audienceChanges,
  numberAfterCheckpoint,
  timedId,
  changeId,
  deriveProfileChanges,
  eraseFromFeed,
  erasureId,
  isChangeId,
  numberChanges,
  ProfileChangeTracker,
  type ChangeItem,
  type ProfileSnapshot,
  type SnapshotSource,
} from './index';

const snap = (profileId: string, members: string[], attributes = '{}'): ProfileSnapshot => ({
  graphId: `g-${profileId}`,
  profileId,
  members: [...members].sort(),
  attributes,
});

describe('deriveProfileChanges: given the profiles before an item, when it lands, then', () => {
  it('a profile with none of the old identities is created', () => {
    expect(deriveProfileChanges([], [snap('p1', ['a'])])).toEqual([{ type: 'profile.created', profileId: 'p1' }]);
  });

  it('a profile whose attributes or identities changed is updated, naming what changed', () => {
    expect(deriveProfileChanges([snap('p1', ['a'], '{"x":1}')], [snap('p1', ['a'], '{"x":2}')])).toEqual([
      { type: 'profile.updated', profileId: 'p1', changed: ['attributes'] },
    ]);
    expect(deriveProfileChanges([snap('p1', ['a'])], [snap('p1', ['a', 'b'], '{"y":1}')])).toEqual([
      { type: 'profile.updated', profileId: 'p1', changed: ['attributes', 'identities'] },
    ]);
  });

  it('an unchanged profile yields nothing (an event in an existing profile)', () => {
    expect(deriveProfileChanges([snap('p1', ['a', 'b'])], [snap('p1', ['a', 'b'])])).toEqual([]);
  });

  it('two profiles joined by a link are one merge, naming the profile that is gone', () => {
    const before = [snap('p1', ['a']), snap('p2', ['b'])];
    expect(deriveProfileChanges(before, [snap('p1', ['a', 'b'])])).toEqual([
      { type: 'profile.merged', profileId: 'p1', mergedFrom: ['p2'] },
    ]);
  });

  it('a profile whose id changed (a smaller identity joined) is a merge of one', () => {
    expect(deriveProfileChanges([snap('p2', ['b'])], [snap('p0', ['a', 'b'])])).toEqual([
      { type: 'profile.merged', profileId: 'p0', mergedFrom: ['p2'] },
    ]);
  });

  it('a profile whose identities fall apart is split into the profiles they went to; a new piece is created', () => {
    const after = [snap('p1', ['a']), snap('p3', ['c'])];
    expect(deriveProfileChanges([snap('p1', ['a', 'b', 'c'])], after)).toEqual([
      { type: 'profile.split', profileId: 'p1', into: ['p1', 'p3'] },
      { type: 'profile.created', profileId: 'p3' },
    ]);
  });

  it('a profile that loses every identity to no profile is split into none', () => {
    expect(deriveProfileChanges([snap('p1', ['a', 'b'])], [])).toEqual([{ type: 'profile.split', profileId: 'p1', into: [] }]);
  });

  it('a split piece that also absorbs another profile is a merge of that one only', () => {
    const before = [snap('p1', ['a', 'b']), snap('p4', ['d'])];
    const after = [snap('p1', ['a']), snap('p2', ['b', 'd'])];
    expect(deriveProfileChanges(before, after)).toEqual([
      { type: 'profile.split', profileId: 'p1', into: ['p1', 'p2'] },
      { type: 'profile.merged', profileId: 'p2', mergedFrom: ['p4'] },
    ]);
  });

  it('is ordered by profile id whatever order the snapshots come in', () => {
    const after = [snap('p9', ['z']), snap('p3', ['c'])];
    expect(deriveProfileChanges([], after).map((c) => c.profileId)).toEqual(['p3', 'p9']);
  });
});

describe('numberChanges', () => {
  it('ids order like the log, then by ordinal, and at is the log time', () => {
    const items = numberChanges({ key: '0042', at: Date.UTC(2024, 0, 1) }, [
      { type: 'profile.created', profileId: 'p1' },
      { type: 'profile.created', profileId: 'p2' },
    ]);
    expect(items.map((i) => i.id)).toEqual([changeId('0042', 0), changeId('0042', 1)]);
    expect(items[0].at).toBe('2024-01-01T00:00:00.000Z');
    expect(changeId('0042', 1) < changeId('0043', 0)).toBe(true);
    expect(changeId('0042', 99_999_999) < erasureId('0042', 0)).toBe(true);
    expect(erasureId('0042', 0) < changeId('0043', 0)).toBe(true);
  });

  it('recognises its own ids only', () => {
    expect(isChangeId(changeId('0042', 3))).toBe(true);
    expect(isChangeId(erasureId('0042', 3))).toBe(true);
    for (const bad of ['', 'x', '42', '0042-1', '0042-x0000001', '../etc']) expect(isChangeId(bad)).toBe(false);
  });
});

/** A hand-made graph: graph id → members; primary → attribute value (one fragment each); primary → events. */
function fakeSource(graphs: Map<string, Set<string>>, attrs: Map<string, number>, events: Map<string, number>): SnapshotSource {
  return {
    members: (g) => graphs.get(g),
    fragmentsOf: (k) =>
      attrs.has(k)
        ? [{ source: 's', primaryKey: k, leaves: [{ path: 'x', value: attrs.get(k)!, timestamp: 1, logSeq: 1, recordId: 'r' }], firstRecordAt: 1, lastRecordAt: 1, lastLogSeq: 1 }]
        : [],
    eventCount: (k) => events.get(k) ?? 0,
    profileIdOf: (g) => `p-${g}`,
  };
}

describe('ProfileChangeTracker: item by item, so batch boundaries do not matter', () => {
  it('a first event creates a lone profile; a second one changes nothing; a record updates it', () => {
    const graphs = new Map([['a', new Set(['a'])]]);
    const attrs = new Map<string, number>();
    const events = new Map<string, number>();
    const tracker = new ProfileChangeTracker(fakeSource(graphs, attrs, events));
    let before = tracker.before(['a']);
    events.set('a', 1);
    expect(tracker.after(before, ['a'], false)).toEqual([{ type: 'profile.created', profileId: 'p-a' }]);
    before = tracker.before(['a']);
    events.set('a', 2);
    expect(tracker.after(before, ['a'], false)).toEqual([]);
    before = tracker.before(['a']);
    attrs.set('a', 7);
    expect(tracker.after(before, ['a'], true)).toEqual([{ type: 'profile.updated', profileId: 'p-a', changed: ['attributes'] }]);
  });

  it('a link that joins two graphs merges the second into the first', () => {
    const graphs = new Map([['a', new Set(['a'])], ['b', new Set(['b'])]]);
    const tracker = new ProfileChangeTracker(fakeSource(graphs, new Map([['a', 1], ['b', 2]]), new Map()));
    const before = tracker.before(['a', 'b']);
    graphs.set('a', new Set(['a', 'b']));
    graphs.delete('b');
    expect(tracker.after(before, ['a'], false)).toEqual([{ type: 'profile.merged', profileId: 'p-a', mergedFrom: ['p-b'] }]);
  });
});

describe('eraseFromFeed', () => {
  const item = (id: string, rest: Partial<ChangeItem>): ChangeItem => ({ id, at: 'T', type: 'profile.created', profileId: 'p', ...rest });

  it('drops the subject’s items, strips their id from others’ and notices each of their profiles once', () => {
    const named = [
      item('1', { profileId: 'pE' }),
      item('2', { type: 'profile.merged', profileId: 'pO', mergedFrom: ['pE', 'pX'] }),
      item('3', { type: 'profile.split', profileId: 'pF', into: ['pF', 'pO'] }),
    ];
    const out = eraseFromFeed(new Set(['pE', 'pF', 'pG']), named, [], '0099', Date.UTC(2024, 0, 2), 0);
    expect(out.remove).toEqual(['1', '3']);
    expect(out.rewrite).toEqual([item('2', { type: 'profile.merged', profileId: 'pO', mergedFrom: ['pX'] })]);
    expect(out.notices.map((n) => [n.id, n.type, n.profileId])).toEqual([
      [erasureId('0099', 0), 'profile.erased', 'pE'],
      [erasureId('0099', 1), 'profile.erased', 'pF'],
    ]);
  });

  it('withdraws the values of a staying profile’s computed.changed items, and leaves its other items as they are', () => {
    const named = [
      item('1', { type: 'computed.changed', profileId: 'pS', name: 'pages', value: ['/secret'] }),
      item('2', { type: 'profile.updated', profileId: 'pS', changed: ['identities'] }),
    ];
    const out = eraseFromFeed(new Set(['pE']), named, [], '0099', 0, 0, new Set(['pS']));
    expect(out.rewrite).toEqual([item('1', { type: 'computed.changed', profileId: 'pS', name: 'pages' })]);
    expect(out.remove).toEqual([]);
  });

  it('notices a current profile the feed never named', () => {
    expect(eraseFromFeed(new Set(['pE']), [], ['pE'], '0099', 0, 3).notices.map((n) => n.id)).toEqual([erasureId('0099', 3)]);
  });
});

describe('audienceChanges', () => {
  it('numbers transitions after the entry’s profile items, exits before entries, and skips those without a position', () => {
    const existing = numberChanges({ key: '0007', at: 0 }, [{ type: 'profile.updated', profileId: 'p1', changed: ['attributes'] }]);
    const at = '2024-01-01T00:00:00.000Z';
    const out = audienceChanges(existing, [
      { profileId: 'p1', audienceId: 'vip', kind: 'entered', at, cause: { position: '7' } },
      { profileId: 'p1', audienceId: 'churn', kind: 'exited', at, cause: { position: '7' } },
      { profileId: 'p2', audienceId: 'vip', kind: 'exited', at, cause: {} },
    ], (p) => p.padStart(4, '0'));
    expect(out).toEqual([
      { id: changeId('0007', 1), at, type: 'audience.exited', profileId: 'p1', audienceId: 'churn' },
      { id: changeId('0007', 2), at, type: 'audience.entered', profileId: 'p1', audienceId: 'vip' },
    ]);
  });
});

describe('numberAfterCheckpoint', () => {
  const exit = (profileId: string, at: number) => ({ type: 'audience.exited' as const, profileId, audienceId: 'a', at });
  const T = Date.UTC(2024, 0, 3);

  it('numbers by the checkpoint, the change’s own moment and an ordinal among that moment’s', () => {
    const out = numberAfterCheckpoint('0009', undefined, [exit('p', T), exit('q', T), exit('r', T + 5)]);
    expect(out.map((i) => i.id)).toEqual([timedId('0009', T, 0), timedId('0009', T, 1), timedId('0009', T + 5, 0)]);
    expect(out[0]).toEqual({ id: timedId('0009', T, 0), at: '2024-01-03T00:00:00.000Z', type: 'audience.exited', profileId: 'p', audienceId: 'a' });
    expect(out.every((i) => isChangeId(i.id) && i.id > changeId('0009', 99_999_999) && i.id < changeId('0010', 0))).toBe(true);
  });

  it('a lapse’s ids do not depend on what was written after the checkpoint at earlier moments', () => {
    // A live timer meets a backfill step (at T) before the lapse at T + 5; a rebuild meets the lapse alone.
    const live = numberAfterCheckpoint('0009', numberAfterCheckpoint('0009', undefined, [exit('b', T), exit('c', T)])[1]!.id, [exit('p', T + 5)]);
    expect(live).toEqual(numberAfterCheckpoint('0009', undefined, [exit('p', T + 5)]));
  });

  it('continues a moment’s ordinals, and ids only grow: an earlier moment takes the last one', () => {
    const last = timedId('0009', T + 5, 2);
    expect(numberAfterCheckpoint('0009', last, [exit('p', T + 5), exit('q', T)]).map((i) => i.id)).toEqual([timedId('0009', T + 5, 3), timedId('0009', T + 5, 4)]);
    // An id of the older scheme sorts before every timed id of its checkpoint.
    expect(numberAfterCheckpoint('0009', erasureId('0009', 7), [exit('p', T)])[0]!.id > erasureId('0009', 7)).toBe(true);
  });
});
