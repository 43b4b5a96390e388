import { StreamIdIndex } from './stream-id-index';

describe('StreamIdIndex', () => {
  it('knows nothing of a stream it has not seen', () => {
    expect(new StreamIdIndex().get('s')).toEqual({ revision: -1, ids: new Map() });
  });

  it('forgets the least recently used stream beyond its bound', () => {
    const index = new StreamIdIndex(2);
    const entry = (revision: number) => ({ revision, ids: new Map([[`id-${revision}`, { position: `${revision}/${revision}`, revision }]]) });
    index.set('a', entry(1));
    index.set('b', entry(2));
    index.get('a');
    index.set('c', entry(3));
    expect(index.get('a').revision).toBe(1);
    expect(index.get('b').revision).toBe(-1);
    expect(index.get('c').revision).toBe(3);
  });
});
