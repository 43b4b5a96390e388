import { ConfigError, parseConfig } from './config';
import { mappedNamespaces, parseNamespaces, parseWriteKeys } from './segment-config';

const problems = (parse: (raw: string, problems: string[]) => unknown, raw: string) => {
  const found: string[] = [];
  parse(raw, found);
  return found;
};

describe('SEGMENT_WRITE_KEYS', () => {
  it('maps each key to its source', () => {
    expect(parseWriteKeys(' wk1 = web ; wk2=ios;', [])).toEqual([{ key: 'wk1', source: 'web' }, { key: 'wk2', source: 'ios' }]);
  });

  it('names what is wrong: a key without source, a bad key, a repeated key', () => {
    expect(problems(parseWriteKeys, 'wk1')).toEqual([expect.stringContaining('needs a source')]);
    expect(problems(parseWriteKeys, 'w:k=web')).toEqual([expect.stringContaining('characters')]);
    expect(problems(parseWriteKeys, 'a=web;a=ios')).toEqual([expect.stringContaining('twice')]);
  });

  it('refuses a write key that is also an API key (it would grant that key\'s scopes)', () => {
    expect(() => parseConfig({ SEGMENT_WRITE_KEYS: 'k1=web', API_KEYS: 'k1=read', HOST: '0.0.0.0' })).toThrow(ConfigError);
  });
});

describe('SEGMENT_NAMESPACES', () => {
  it('keeps the defaults for what it does not name; an empty value leaves an identifier out', () => {
    const namespaces = parseNamespaces('userId=loginID, phone=', []);
    expect(namespaces).toEqual({ userId: 'loginID', anonymousId: 'ECID', email: 'Email', phone: undefined, idfa: 'IDFA', gaid: 'GAID' });
    expect(mappedNamespaces(namespaces).map(([name]) => name)).toEqual(['userId', 'anonymousId', 'email', 'idfa', 'gaid']);
  });

  it('refuses unknown identifiers and an unmapped userId or anonymousId', () => {
    expect(problems(parseNamespaces, 'fax=Fax')).toEqual([expect.stringContaining('unknown identifier "fax"')]);
    expect(problems(parseNamespaces, 'anonymousId=')).toEqual([expect.stringContaining('anonymousId must map')]);
  });
});
