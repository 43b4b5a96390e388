import { linkKey, type LinkState } from '../model';
import { explainPath } from './explain';
import { given, settingsOf } from './given.fixture';

function link(a: string, b: string, status: LinkState['status'] = 'active'): LinkState {
  const [x, y] = a < b ? [a, b] : [b, a];
  return { key: linkKey(a, b), a: x, b: y, firstSeen: 1, lastSeen: 1, sources: ['s'], createdBy: `${x}-${y}`, status };
}

const hops = (chain: ReturnType<typeof explainPath>) => chain?.map((s) => `${s.from}>${s.to}`);

describe('explainPath: the chain of active links joining two identities', () => {
  it('follows the shortest chain, oriented from the start to the end', () => {
    const links = [link('A:1', 'B:1'), link('B:1', 'C:1'), link('C:1', 'D:1'), link('A:1', 'E:1'), link('E:1', 'D:1')];
    expect(hops(explainPath(links, 'A:1', 'D:1'))).toEqual(['A:1>E:1', 'E:1>D:1']);
    expect(hops(explainPath(links, 'D:1', 'B:1'))).toEqual(['D:1>C:1', 'C:1>B:1']);
  });

  it('ignores removed links, and answers undefined when nothing active joins the two', () => {
    const links = [link('A:1', 'B:1'), link('B:1', 'C:1', 'removed')];
    expect(explainPath(links, 'A:1', 'C:1')).toBeUndefined();
    expect(explainPath(links, 'A:1', 'Z:9')).toBeUndefined();
  });

  it('is empty for an identity and itself, and picks among equal chains by key order', () => {
    expect(explainPath([], 'A:1', 'A:1')).toEqual([]);
    const square = [link('A:1', 'C:1'), link('A:1', 'B:1'), link('B:1', 'D:1'), link('C:1', 'D:1')];
    expect(hops(explainPath(square, 'A:1', 'D:1'))).toEqual(['A:1>B:1', 'B:1>D:1']);
  });

  it('explains a graph the fold built, and nothing across the split a unique namespace forced', () => {
    const story = given(
      settingsOf([['CRMID', 'person', true], ['Email', 'email', false], ['ECID', 'cookie', false]]),
      'CRMID: Tom, ECID: 1',
      'ECID: 1, Email: tom@x',
      'CRMID: Ann, Email: tom@x',
    );
    const links = [...story.state.links.values()];
    expect(hops(explainPath(links, 'Email:tom@x', 'CRMID:Ann'))).toEqual(['Email:tom@x>CRMID:Ann']);
    expect(hops(explainPath(links, 'ECID:1', 'CRMID:Tom'))).toEqual(['ECID:1>CRMID:Tom']);
    expect(explainPath(links, 'ECID:1', 'Email:tom@x')).toBeUndefined();
  });
});
