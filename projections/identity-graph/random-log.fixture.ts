import { identityKey, linkKey, type IdentitySettings, type NamespaceType } from '../model';
import type { GraphItem } from './graph-item';

/**
 * Seeded random logs for the property specs: small value pools so graphs collide, conflict and hit the cap often;
 * random priorities, unique flags and caps; some unlinked identities, repeated and out-of-order times.
 */
export function holdsUniqueTwice(settings: IdentitySettings, item: GraphItem): boolean {
  const unique = new Set(settings.namespaces.filter((n) => n.unique).map((n) => n.code));
  const values = new Map<string, Set<string>>();
  for (const { namespace, id } of [...item.identities, ...(item.unlinked ?? [])]) {
    if (unique.has(namespace)) values.set(namespace, (values.get(namespace) ?? new Set()).add(id));
  }
  return [...values.values()].some((v) => v.size > 1);
}

const POOL: [string, NamespaceType][] = [
  ['P1', 'person'],
  ['P2', 'person'],
  ['Em', 'email'],
  ['Ph', 'phone'],
  ['D1', 'device'],
  ['D2', 'device'],
  ['Ck', 'cookie'],
  ['Pa', 'partner'],
];

export function randomSettings(rnd: () => number): IdentitySettings {
  const order = [...POOL].sort(() => rnd() - 0.5);
  const capable = new Set<NamespaceType>(['person', 'email', 'phone']);
  return {
    namespaces: order.map(([code, type]) => ({ code, type, unique: capable.has(type) && rnd() < 0.5 })),
    graphCap: [5, 6, 8, 50][Math.floor(rnd() * 4)],
  };
}

export function randomItems(rnd: () => number, settings: IdentitySettings, count: number): GraphItem[] {
  const values = 15 + Math.floor(rnd() * 40);
  const items: GraphItem[] = [];
  for (let i = 0; i < count; i++) {
    const size = rnd() < 0.1 ? 1 : 2 + Math.floor(rnd() * (rnd() < 0.1 ? 5 : 2));
    const identities = Array.from({ length: size }, () => {
      const ns = settings.namespaces[Math.floor(rnd() * settings.namespaces.length)];
      return { namespace: ns.code, id: `v${Math.floor(rnd() * values)}` };
    });
    const unlinked = rnd() < 0.08 ? [identities[0]] : undefined;
    const jitter = rnd() < 0.15 ? Math.floor(rnd() * 20) : 0;
    const timestamp = rnd() < 0.1 && i > 0 ? items[i - 1].timestamp : 1000 + i - jitter;
    items.push({ itemId: `i${i}`, source: `s${Math.floor(rnd() * 3)}`, timestamp, identities, unlinked });
  }
  return items;
}

export function randomRejections(rnd: () => number, items: GraphItem[]): Set<string> {
  const rejected = new Set<string>();
  for (let n = 0; n < 4; n++) {
    const item = items[Math.floor(rnd() * items.length)];
    if (item.identities.length >= 2) rejected.add(linkKey(identityKey(item.identities[0]), identityKey(item.identities[1])));
  }
  return rejected;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
