import { packState, unpackState } from './stored-state';
import type { PrimaryComputedState } from './window-state';

const T = 1_796_148_196_878;

describe('stored computed state', () => {
  const state: PrimaryComputedState = {
    now: T + 100,
    last: '90',
    defs: {
      views7d: { ver: 2, acc: { n: 3 }, live: [{ t: T, o: '52' }, { t: T, o: '53' }, { t: T + 40, o: '60' }], pending: [{ t: T + 500, o: '61' }] },
      buysEver: { ver: 1, acc: { n: 7 } },
      spend30d: { ver: 1, acc: { p: [12.5], n: 1 }, live: [{ t: T, o: '52', v: 12.5 }] },
    },
  };

  it('packs a count to its version, count and timestamp deltas; other functions stay as they are', () => {
    const packed = JSON.parse(JSON.stringify(packState(state)));
    expect(packed).toEqual({
      now: T + 100,
      last: '90',
      defs: { views7d: [2, 3, [T, 0, 40], [T + 500]], buysEver: [1, 7], spend30d: state.defs.spend30d },
    });
  });

  it('unpacks to the same counts and timestamps (positions, which a count never reads, are dropped)', () => {
    const loaded = unpackState(JSON.parse(JSON.stringify(packState(state))));
    expect(loaded.defs.views7d).toEqual({ ver: 2, acc: { n: 3 }, live: [{ t: T, o: '' }, { t: T, o: '' }, { t: T + 40, o: '' }], pending: [{ t: T + 500, o: '' }] });
    expect(loaded.defs.buysEver).toEqual({ ver: 1, acc: { n: 7 } });
    expect(loaded.defs.spend30d).toEqual(state.defs.spend30d);
    expect([loaded.now, loaded.last]).toEqual([state.now, state.last]);
  });

  it('a count with only future entries keeps them pending', () => {
    const onlyPending: PrimaryComputedState = { now: T, defs: { c: { ver: 1, acc: { n: 0 }, pending: [{ t: T + 9, o: '3' }] } } };
    expect(packState(onlyPending).defs).toEqual({ c: [1, 0, 0, [T + 9]] });
    expect(unpackState(packState(onlyPending)).defs.c).toEqual({ ver: 1, acc: { n: 0 }, pending: [{ t: T + 9, o: '' }] });
  });

  it('loads a state stored before packing unchanged', () => {
    const old = JSON.parse(JSON.stringify(state));
    expect(unpackState(old)).toEqual(state);
  });
});
