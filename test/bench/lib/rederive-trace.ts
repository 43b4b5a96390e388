import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { join } from 'node:path';
import * as changes from '../../../src/projector/rederive-changes';
import * as closures from '../../../src/projector/rederive-closure';
import * as rederive from '../../../src/projector/rederive';
import type { Projector } from '../../../src/projector';

/**
 * Where the time of a streamed re-derivation goes, for the rederive bench (BENCH_TRACE=1): each chunk's steps
 * (growing the closure, folding it, the feed drafts, the computed values and audiences that go in its commit, the
 * commit), each batch of new items, GC pauses, the longest event-loop stall and memory every second; and, for the slowest new items,
 * the spans that overlapped their wait. It wraps the projector's private parts (a bench's diagnostic, not an API).
 * BENCH_HEAP_SNAPSHOT=<dir> with BENCH_HEAP_AT=<seconds,…>: a heap snapshot at those times into the walk (pauses the
 * process: not with figures), or BENCH_HEAP_AT=end: one once the walk is done and measured.
 */
interface Span {
  kind: string;
  start: number;
  end: number;
  info?: Record<string, number>;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function wrap(target: any, name: string, kind: string, spans: Span[], info?: (result: any, self: any) => Record<string, number>): () => void {
  const original = target[name];
  target[name] = async function (this: unknown, ...args: unknown[]) {
    const start = performance.now();
    const result = await original.apply(this, args);
    spans.push({ kind, start, end: performance.now(), info: info?.(result, this) });
    return result;
  };
  return () => (target[name] = original);
}

export function traceRederivation(projector: Projector) {
  const spans: Span[] = [];
  const p = projector as any;
  const runner = p.rederiving;
  const undo = [
    wrap(runner.stream, 'next', 'chunk.next', spans, (chunk) => ({ identities: chunk.covered.length, nodes: chunk.writes.nodes?.upsert?.length ?? 0 })),
    wrap(closures.Closure.prototype, 'grow', 'chunk.grow', spans, (_r, self) => ({ items: self.size })),
    wrap(rederive, 'closureWrites', 'chunk.writes', spans),
    wrap(closures, 'foldClosure', 'chunk.fold', spans),
    wrap(changes, 'rederivedTimedDrafts', 'chunk.drafts', spans, (drafts) => ({ drafts: drafts.length })),
    wrap(runner.hooks, 'commit', 'chunk.commit', spans),
    wrap(runner.hooks, 'refresh', 'chunk.refresh', spans),
    wrap(p, 'applyBatch', 'batch', spans, () => ({})),
  ];
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) spans.push({ kind: `gc.${(e as any).detail?.kind ?? '?'}`, start: e.startTime, end: e.startTime + e.duration });
  });
  gc.observe({ entryTypes: ['gc'] });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const memory = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    for (const k of Object.keys(memory) as Array<keyof typeof memory>) memory[k] = Math.max(memory[k], m[k] / 2 ** 20);
  };
  const sampler = setInterval(sample, 1000);
  const began = performance.now();
  const snapshotDir = process.env.BENCH_HEAP_SNAPSHOT;
  const snapshots = snapshotDir && process.env.BENCH_HEAP_AT !== 'end'
    ? (process.env.BENCH_HEAP_AT ?? '60').split(',').map((s) => setTimeout(() => {
        const file = writeHeapSnapshot(join(snapshotDir, `rederive-${s}s-${Date.now()}.heapsnapshot`));
        process.stderr.write(`[trace] heap snapshot at ${s} s: ${file}\n`);
      }, Number(s) * 1000))
    : [];

  return {
    stop(visible: Array<{ start: number; end: number }>) {
      undo.forEach((u) => u());
      gc.disconnect();
      loop.disable();
      clearInterval(sampler);
      snapshots.forEach(clearTimeout);
      sample();
      if (snapshotDir && process.env.BENCH_HEAP_AT === 'end') {
        process.stderr.write(`[trace] heap snapshot after the walk: ${writeHeapSnapshot(join(snapshotDir, `rederive-end-${Date.now()}.heapsnapshot`))}\n`);
      }
      const durations = (kind: string) => spans.filter((s) => s.kind === kind).map((s) => s.end - s.start).sort((a, b) => a - b);
      const summary = (kind: string) => {
        const d = durations(kind);
        return { count: d.length, totalMs: Math.round(d.reduce((a, b) => a + b, 0)), p50: Math.round(d[Math.floor(d.length / 2)] ?? NaN), p99: Math.round(d[Math.floor(d.length * 0.99)] ?? NaN), max: Math.round(d.at(-1) ?? NaN) };
      };
      const kinds = [...new Set(spans.map((s) => s.kind))].sort();
      const slow = [...visible].sort((a, b) => b.end - b.start - (a.end - a.start)).slice(0, 5).map((v) => ({
        atS: Math.round((v.start - began) / 100) / 10,
        ms: Math.round(v.end - v.start),
        overlapping: spans
          .filter((s) => s.end > v.start && s.start < v.end && s.end - s.start >= 20)
          .map((s) => `${s.kind} ${Math.round(s.end - s.start)} ms${s.info ? ' ' + JSON.stringify(s.info) : ''}`),
      }));
      return {
        spans: Object.fromEntries(kinds.map((k) => [k, summary(k)])),
        loopDelayMaxMs: Math.round(loop.max / 1e6),
        peakMiB: Object.fromEntries(Object.entries(memory).map(([k, v]) => [k, Math.round(v)])),
        slowest: slow,
      };
    },
  };
}
