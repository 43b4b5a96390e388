import { profileJsonOf, withoutGraphId } from './profile-json';

/** The parse path the splice replaces: what the API sent before (JSON.stringify of the document without graphId). */
const parsePath = (stored: string) => JSON.stringify(withoutGraphId(JSON.parse(stored) as Record<string, unknown>));

// Values JSON round trips must keep: escapes, lone surrogates, integer-like keys (ordered first), -0, exponents.
const awkward: unknown[] = [
  'plain', 'quote " and \\ backslash', 'line\nbreak\ttab', '\u0000\u001f', '\ud800 lone', '😀 emoji', 'ünïcødé', '',
  0, -0, 1e21, 1.5e-7, -123.456, Number.MAX_SAFE_INTEGER, true, false, null, [], {}, [1, 'a', null],
  { '10': 'ten', '2': 'two', b: 1, a: 2 }, { __proto__x: 1, 'key with "quotes"': { nested: ['x'] } },
];

function randomDoc(seed: number, graphId: string): Record<string, unknown> {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const attributes: Record<string, unknown> = {};
  for (let i = 0; i < 1 + Math.floor(next() * 8); i++) attributes[`k${Math.floor(next() * 20)}`] = awkward[Math.floor(next() * awkward.length)];
  return {
    profileId: `p_${seed.toString(36).padStart(22, 'A')}`,
    graphId,
    identities: [{ namespace: 'CRMID', id: awkward[seed % 8] }],
    primaryIdentity: null,
    attributes,
    provenance: {},
    sources: ['crm'],
    createdAt: null,
    updatedAt: '2024-01-01T00:00:00.000Z',
    lastEventAt: null,
    eventCount: seed,
  };
}

describe('profileJsonOf', () => {
  it('cuts the graph id out of the text, byte for byte the parse path, for documents as the projector writes them', () => {
    const graphIds = ['CRMID\u0000c-1', 'ECID:"quoted"\\', 'Email:ünï@x.ch', 'k'];
    for (let seed = 1; seed <= 400; seed++) {
      const graphId = graphIds[seed % graphIds.length];
      const stored = JSON.stringify(randomDoc(seed, graphId));
      expect(profileJsonOf(stored, graphId)).toBe(parsePath(stored));
      expect(profileJsonOf(stored, graphId)).not.toContain('"graphId"');
    }
  });

  it('answers other shapes (and edge cases of its own) as the parse path does', () => {
    const other = [
      JSON.stringify({ graphId: 'g', profileId: 'p_1', eventCount: 1 }), // graphId first
      JSON.stringify({ profileId: 'p_"odd', graphId: 'g', eventCount: 1 }), // an escaped profile id
      JSON.stringify({ profileId: 'p_1', graphId: 'another', eventCount: 1 }), // not this row's graph id
      JSON.stringify({ profileId: 'p_1', eventCount: 1 }), // no graph id at all
      JSON.stringify({ profileId: 'p_1', graphId: 'g' }), // graph id last
    ];
    for (const stored of other) expect(profileJsonOf(stored, 'g')).toBe(parsePath(stored));
  });
});
