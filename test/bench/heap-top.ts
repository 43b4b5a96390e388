import { readFileSync } from 'node:fs';

/**
 * `node --max-old-space-size=8192 dist-bench/test/bench/heap-top.js <file.heapsnapshot> [--top n]`: what holds
 * memory in a V8 heap snapshot, without DevTools. Prints self size grouped by constructor (or string/code/array),
 * then the largest Maps and Sets: the size of their hash table and who holds them (retainer path, 4 levels up), which
 * is where bounded and unbounded caches show.
 */
interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

function main(): void {
  const file = process.argv[2];
  const top = Number(process.argv[process.argv.indexOf('--top') + 1]) || 25;
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const { node_fields: nf, node_types: nt, edge_fields: ef, edge_types: et } = snap.snapshot.meta;
  const N = nf.length;
  const E = ef.length;
  const [iType, iName, iSize, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f));
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f));
  const count = snap.nodes.length / N;
  const typeOf = (n: number) => nt[0][snap.nodes[n * N + iType]];
  const nameOf = (n: number) => snap.strings[snap.nodes[n * N + iName]];
  const sizeOf = (n: number) => snap.nodes[n * N + iSize];
  const firstEdge = new Uint32Array(count + 1);
  for (let n = 0; n < count; n++) firstEdge[n + 1] = firstEdge[n] + snap.nodes[n * N + iEdges];
  const retainer = new Int32Array(count).fill(-1);
  const retainerEdge = new Array<string>(count);
  const edgeLabel = (e: number) => {
    const kind = et[0][snap.edges[e * E + eType]];
    const raw = snap.edges[e * E + eName];
    return kind === 'element' || kind === 'hidden' ? `[${raw}]` : snap.strings[raw];
  };
  for (let n = 0; n < count; n++) {
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e++) {
      if (et[0][snap.edges[e * E + eType]] === 'weak') continue;
      const to = snap.edges[e * E + eTo] / N;
      if (retainer[to] === -1 && typeOf(n) !== 'synthetic') {
        retainer[to] = n;
        retainerEdge[to] = edgeLabel(e);
      }
    }
  }
  let total = 0;
  const groups = new Map<string, { size: number; count: number }>();
  for (let n = 0; n < count; n++) {
    const type = typeOf(n);
    const key = type === 'object' || type === 'closure' ? nameOf(n) : `(${type})`;
    const g = groups.get(key) ?? { size: 0, count: 0 };
    g.size += sizeOf(n);
    g.count++;
    groups.set(key, g);
    total += sizeOf(n);
  }
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  console.log(`heap ${mib(total)} in ${count.toLocaleString('en-US')} objects; self size by constructor:`);
  for (const [k, g] of [...groups].sort((a, b) => b[1].size - a[1].size).slice(0, top)) console.log(`  ${mib(g.size).padStart(10)}  ${g.count.toLocaleString('en-US').padStart(11)}  ${k}`);
  const tables: { n: number; size: number; payload: number }[] = [];
  for (let n = 0; n < count; n++) {
    if (typeOf(n) !== 'object' || (nameOf(n) !== 'Map' && nameOf(n) !== 'Set')) continue;
    let size = 0;
    let payload = 0;
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e++) {
      if (edgeLabel(e) !== 'table') continue;
      const table = snap.edges[e * E + eTo] / N;
      size += sizeOf(table);
      payload += reachable(table, 3);
    }
    tables.push({ n, size, payload });
  }
  /** Self sizes of what lies within `depth` strong edges of a node, each node once: entries, their strings, Buffers. */
  function reachable(from: number, depth: number): number {
    const seen = new Set<number>([from]);
    let frontier = [from];
    let sum = 0;
    for (let d = 0; d < depth; d++) {
      const next: number[] = [];
      for (const n of frontier) {
        for (let e = firstEdge[n]; e < firstEdge[n + 1]; e++) {
          const kind = et[0][snap.edges[e * E + eType]];
          const to = snap.edges[e * E + eTo] / N;
          if (kind === 'weak' || kind === 'shortcut' || seen.has(to) || typeOf(to) === 'hidden' || typeOf(to) === 'code') continue;
          if (retainer[to] !== n && d > 0) continue; // shared with something else: not this map's alone
          seen.add(to);
          sum += sizeOf(to);
          next.push(to);
        }
      }
      frontier = next;
    }
    return sum;
  }
  console.log('largest Maps/Sets (hash table, entries within 3 edges held through it alone, the retainer path upwards):');
  for (const { n, size, payload } of tables.sort((a, b) => b.size + b.payload - a.size - a.payload).slice(0, 12)) {
    const path: string[] = [];
    for (let at = n, i = 0; i < 4 && retainer[at] >= 0; i++, at = retainer[at]) path.push(`${retainerEdge[at]} of ${nameOf(retainer[at])}`);
    console.log(`  ${mib(size).padStart(10)} + ${mib(payload).padStart(10)}  ${nameOf(n)}: ${path.join(' < ')}`);
  }
}

main();
