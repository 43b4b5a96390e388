import { fanOutUnlinked } from './fan-out';

const email = (id: string) => ({ namespace: 'Email', id });
const crm = (id: string) => ({ namespace: 'CRMID', id });

describe('fanOutUnlinked', () => {
  it('leaves an identity linked to more than the limit out of every link in the batch', () => {
    const shared = email('test@test.com');
    const items = [[shared, crm('a')], [shared, crm('b')], [shared, crm('c')], [crm('d'), email('d@x.com')]];
    expect(fanOutUnlinked(items, 2)).toEqual([[shared], [shared], [shared], []]);
  });

  it('unlinks nothing at or under the limit, and never on single-identity items', () => {
    const shared = email('test@test.com');
    expect(fanOutUnlinked([[shared, crm('a')], [shared, crm('b')], [shared]], 2)).toEqual([[], [], []]);
  });

  it('counts distinct neighbours, not repeated observations', () => {
    const pair = [email('t@x.com'), crm('a')];
    expect(fanOutUnlinked([pair, pair, pair, pair], 1)).toEqual([[], [], [], []]);
  });
});
