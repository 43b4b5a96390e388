import { simulate } from './simulate';
import { namespaceSettingsProblems } from './simulate-input';

const namespaces = [
  { code: 'CRMID', type: 'person' as const, unique: true },
  { code: 'Email', type: 'email' as const, unique: false },
  { code: 'ECID', type: 'cookie' as const, unique: false },
];

describe('simulate', () => {
  it('answers in the API shape: ISO times, identity objects, removedBy as the event index', () => {
    const result = simulate({ namespaces, events: ['CRMID: Jane, ECID: L', 'CRMID: John, ECID: L'] });
    expect(result).toEqual({
      graphs: [
        {
          identities: [
            { namespace: 'CRMID', id: 'John' },
            { namespace: 'ECID', id: 'L' },
          ],
          links: [
            { from: { namespace: 'CRMID', id: 'John' }, to: { namespace: 'ECID', id: 'L' }, timestamp: '1970-01-01T00:00:00.002Z' },
          ],
        },
      ],
      removedLinks: [
        {
          from: { namespace: 'CRMID', id: 'Jane' },
          to: { namespace: 'ECID', id: 'L' },
          timestamp: '1970-01-01T00:00:00.002Z',
          removedBy: 1,
          reason: 'UNIQUE_NAMESPACE_CONFLICT',
        },
      ],
      rejected: [],
    });
  });

  it('rejects what it cannot use, by index, without throwing', () => {
    const result = simulate({
      namespaces,
      events: ['CRMID Jane', 'Fax: 123, ECID: 1', 'ECID: unknown', 'CRMID: A, CRMID: B', '', { identities: 'x' } as never],
    });
    expect(result.rejected.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(result.rejected[1].reason).toContain('Fax');
    expect(result.graphs).toEqual([]);
  });

  it('normalises like ingestion and drops blocked values', () => {
    const result = simulate({ namespaces, events: [' Email : Tom@ACME.com , ECID: null, ECID: 7 '] });
    expect(result.graphs[0].identities).toEqual([
      { namespace: 'Email', id: 'tom@acme.com' },
      { namespace: 'ECID', id: '7' },
    ]);
  });

  it('takes object events with their own timestamp', () => {
    const identities = [
      { namespace: 'CRMID', id: 'A' },
      { namespace: 'ECID', id: '1' },
    ];
    const result = simulate({ namespaces, events: [{ identities, timestamp: '2025-03-01T10:00:00+01:00' }] });
    expect(result.graphs[0].links[0].timestamp).toBe('2025-03-01T09:00:00.000Z');
    expect(simulate({ namespaces, events: [{ identities, timestamp: 'soon' }] }).rejected[0].index).toBe(0);
    expect(simulate({ namespaces, events: [{ identities, timestamp: '2025-03-01T10:00:00' }] }).rejected).toHaveLength(1);
  });

  it('lists only graphs of two or more identities', () => {
    expect(simulate({ namespaces, events: ['ECID: 1', 'ECID: 2'] }).graphs).toEqual([]);
  });
});

describe('namespaceSettingsProblems', () => {
  it('accepts valid settings and names what is wrong otherwise', () => {
    expect(namespaceSettingsProblems(namespaces)).toEqual([]);
    expect(namespaceSettingsProblems([{ code: 'ECID', type: 'cookie', unique: true }])).toHaveLength(1);
    expect(namespaceSettingsProblems([{ code: 'a:b', type: 'mystery', unique: 'no' }])).toHaveLength(3);
    expect(namespaceSettingsProblems({})).toHaveLength(1);
  });
});
