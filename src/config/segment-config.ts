/**
 * Configuration of the Segment-compatible tracking API (API.md "Segment-compatible tracking API"): which write keys
 * may send, under which source their items are stored, and which namespaces Segment's identifiers map to.
 */
export interface SegmentWriteKey {
  /** The write key itself; compared in constant time, never logged. */
  key: string;
  source: string;
}

/** Namespace codes for Segment's identifiers; `undefined` leaves that identifier out of the items. */
export interface SegmentNamespaces {
  userId: string;
  anonymousId: string;
  email?: string;
  phone?: string;
  /** `context.device.advertisingId` when `context.os.name` is iOS, iPadOS, tvOS or watchOS. */
  idfa?: string;
  /** `context.device.advertisingId` when `context.os.name` is Android. */
  gaid?: string;
}

export interface SegmentConfig {
  writeKeys: SegmentWriteKey[];
  namespaces: SegmentNamespaces;
}

export const DEFAULT_SEGMENT_NAMESPACES: Readonly<Required<SegmentNamespaces>> = {
  userId: 'CRMID',
  anonymousId: 'ECID',
  email: 'Email',
  phone: 'Phone',
  idfa: 'IDFA',
  gaid: 'GAID',
};

const NAMESPACE_KEYS = Object.keys(DEFAULT_SEGMENT_NAMESPACES) as Array<keyof SegmentNamespaces>;
const REQUIRED_KEYS: ReadonlySet<string> = new Set(['userId', 'anonymousId']);
// No ':' (the key is the user name of HTTP Basic) and nothing a header or a log line could choke on.
const WRITE_KEY = /^[A-Za-z0-9._~+/-]{1,256}$/;
const NAMESPACE_CODE = /^\S{1,64}$/;

export function parseSegmentConfig(env: Record<string, string | undefined>, problems: string[]): SegmentConfig {
  return {
    writeKeys: parseWriteKeys(env.SEGMENT_WRITE_KEYS ?? '', problems),
    namespaces: parseNamespaces(env.SEGMENT_NAMESPACES ?? '', problems),
  };
}

/** `key=source[;key=source]`; whitespace around parts is ignored. */
export function parseWriteKeys(raw: string, problems: string[]): SegmentWriteKey[] {
  const keys: SegmentWriteKey[] = [];
  for (const entry of raw.split(';').map((e) => e.trim()).filter((e) => e !== '')) {
    const eq = entry.indexOf('=');
    const key = (eq < 0 ? entry : entry.slice(0, eq)).trim();
    const source = eq < 0 ? '' : entry.slice(eq + 1).trim();
    if (!WRITE_KEY.test(key)) problems.push('SEGMENT_WRITE_KEYS: a write key holds characters outside [A-Za-z0-9._~+/-]');
    else if (source === '' || source.length > 256) problems.push('SEGMENT_WRITE_KEYS: every key needs a source of 1 to 256 characters (key=source)');
    else if (keys.some((k) => k.key === key)) problems.push('SEGMENT_WRITE_KEYS: a write key is listed twice');
    else keys.push({ key, source });
  }
  return keys;
}

/**
 * `userId=…,anonymousId=…,email=…,phone=…,idfa=…,gaid=…`; unnamed identifiers keep their default namespace, an
 * empty value (`phone=`) leaves that identifier out. userId and anonymousId always map somewhere.
 */
export function parseNamespaces(raw: string, problems: string[]): SegmentNamespaces {
  const namespaces: SegmentNamespaces = { ...DEFAULT_SEGMENT_NAMESPACES };
  for (const entry of raw.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const eq = entry.indexOf('=');
    const name = (eq < 0 ? entry : entry.slice(0, eq)).trim() as keyof SegmentNamespaces;
    const code = eq < 0 ? '' : entry.slice(eq + 1).trim();
    if (!NAMESPACE_KEYS.includes(name)) {
      problems.push(`SEGMENT_NAMESPACES: unknown identifier "${name}" (known: ${NAMESPACE_KEYS.join(', ')})`);
    } else if (code === '' && REQUIRED_KEYS.has(name)) {
      problems.push(`SEGMENT_NAMESPACES: ${name} must map to a namespace`);
    } else if (code !== '' && !NAMESPACE_CODE.test(code)) {
      problems.push(`SEGMENT_NAMESPACES: ${name} maps to an invalid namespace code`);
    } else {
      (namespaces as Partial<Record<keyof SegmentNamespaces, string>>)[name] = code === '' ? undefined : code;
    }
  }
  return namespaces;
}

/** The namespace codes the mapping can produce, by the identifier that produces them (for the start-up check). */
export function mappedNamespaces(namespaces: SegmentNamespaces): Array<[string, string]> {
  return NAMESPACE_KEYS.flatMap((name) => (namespaces[name] ? [[name, namespaces[name]!] as [string, string]] : []));
}
