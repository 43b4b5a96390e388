import type { GraphItem } from '../identity-graph';
import { linkKey, type IdentityRef, type IdentitySettings } from '../model';
import type { ProfileRecord } from '../unified-profile';
import { subjectHistory, type HistoryEntry, type HistoryRules } from './history.projection';

const settings: IdentitySettings = {
  namespaces: [
    { code: 'CRMID', type: 'person', unique: true },
    { code: 'Email', type: 'email', unique: false },
    { code: 'ECID', type: 'cookie', unique: false },
  ],
  graphCap: 50,
};
const rules: HistoryRules = { settings, rejected: new Set() };

let seq = 0;
function refs(keys: string[]): IdentityRef[] {
  return keys.map((k) => ({ namespace: k.slice(0, k.indexOf(':')), id: k.slice(k.indexOf(':') + 1) }));
}
function link(...keys: string[]): HistoryEntry {
  seq++;
  const item: GraphItem = { itemId: `i${seq}`, source: 'links', timestamp: seq, identities: refs(keys) };
  return { kind: 'item', item };
}
function record(source: string, keys: string[], attributes: Record<string, unknown>): HistoryEntry {
  seq++;
  const item: GraphItem = { itemId: `i${seq}`, source, timestamp: seq, identities: refs(keys) };
  const rec: ProfileRecord = { recordId: `r${seq}`, source, primaryKey: keys[0], timestamp: seq, logSeq: seq, attributes };
  return { kind: 'item', item, record: rec };
}
const rejecting = (...pairs: [string, string][]): HistoryEntry => ({
  kind: 'rules',
  rules: { settings, rejected: new Set(pairs.map(([a, b]) => linkKey(a, b))) },
});

/** Tom's story: a record, a merge with an e-mail's graph, a split forced by a unique namespace, a rejected link. */
function story(): HistoryEntry[] {
  return [
    record('crm', ['CRMID:tom', 'ECID:1'], { name: 'Tom' }),
    record('web', ['Email:t@x'], { tier: 'gold' }),
    link('ECID:1', 'Email:t@x'),
    link('ECID:9', 'Email:z@x'),
    link('CRMID:ann', 'Email:t@x'),
    rejecting(['CRMID:tom', 'ECID:1']),
    rejecting(),
  ];
}

describe('subjectHistory: what each log entry changed in one profile', () => {
  const entries = story();
  const steps = subjectHistory('CRMID:tom', rules, entries);
  const at = (index: number) => steps.find((s) => s.index === index)!;

  it('keeps the entries that touched the subject, oldest first, and leaves out the rest', () => {
    expect(steps.map((s) => s.index)).toEqual([0, 2, 4, 5, 6]);
  });

  it('shows a record setting attributes and its identities joining', () => {
    expect(at(0).changes.attributes).toEqual([{ path: 'name', before: null, after: 'Tom' }]);
    expect(at(0).changes.joined).toEqual(['CRMID:tom', 'ECID:1']);
    expect(at(0).changes.linksAdded.map((l) => l.key)).toEqual([linkKey('CRMID:tom', 'ECID:1')]);
  });

  it('shows a merge: the link added, the identity joined, the attributes it brought', () => {
    const merge = at(2).changes;
    expect(merge.linksAdded.map((l) => l.key)).toEqual([linkKey('ECID:1', 'Email:t@x')]);
    expect(merge.joined).toEqual(['Email:t@x']);
    expect(merge.attributes).toEqual([{ path: 'tier', before: null, after: 'gold' }]);
  });

  it('shows a split by a unique namespace with the rule that decided it', () => {
    const split = at(4).changes;
    expect(split.linksRemoved.map((l) => [l.key, l.reason])).toEqual([
      [linkKey('ECID:1', 'Email:t@x'), 'UNIQUE_NAMESPACE_CONFLICT'],
    ]);
    expect(split.left).toEqual(['Email:t@x']);
    expect(split.attributes).toEqual([{ path: 'tier', before: 'gold', after: null }]);
  });

  it('shows a rejected link removed by the rejection, and restored when it is withdrawn', () => {
    expect(at(5).changes.linksRemoved.map((l) => [l.key, l.reason])).toEqual([
      [linkKey('CRMID:tom', 'ECID:1'), 'LINK_REJECTED'],
    ]);
    expect(at(5).changes.left).toEqual(['ECID:1']);
    expect(at(6).changes.linksRestored.map((l) => l.key)).toEqual([linkKey('CRMID:tom', 'ECID:1')]);
    expect(at(6).changes.joined).toEqual(['ECID:1']);
  });

  it('leaves out a change of rules that does not reach the subject', () => {
    const unrelated = [...entries.slice(0, 1), rejecting(['ECID:9', 'Email:z@x'])];
    expect(subjectHistory('CRMID:tom', rules, unrelated).map((s) => s.index)).toEqual([0]);
  });

  it('is empty for an identity the entries never held', () => {
    expect(subjectHistory('CRMID:nobody', rules, entries)).toEqual([]);
  });
});
