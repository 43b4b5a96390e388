/**
 * The service's own memory breakdown from GET /metrics (prom-client default metrics): V8 heap used and reserved,
 * memory outside the V8 heap (Buffers, native), in MiB. Beside RSS it says whether memory is live JavaScript
 * objects, heap the collector has not given back, or native (SQLite page caches, malloc).
 */
export interface HeapMetrics {
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
}

export async function heapMetrics(url: string): Promise<HeapMetrics | undefined> {
  const text = await fetch(`${url}/metrics`).then((r) => (r.ok ? r.text() : ''), () => '');
  const value = (name: string) => Number(new RegExp(`^tessera_${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
  const out = { heapUsedMiB: value('nodejs_heap_size_used_bytes'), heapTotalMiB: value('nodejs_heap_size_total_bytes'), externalMiB: value('nodejs_external_memory_bytes') };
  return Number.isFinite(out.heapUsedMiB) ? out : undefined;
}
