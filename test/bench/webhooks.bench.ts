import '../support/project-node-modules';
import { printTable } from './lib/report';
import { runWebhookScenario, webhookRows } from './scenarios/webhooks';

/**
 * The change-feed figures on their own (issue 15): append → webhook latency at BENCH_RATE records/s (default 1,000)
 * for BENCH_SECONDS (default 20), backlog deliveries/s, SSE fan-out to BENCH_READERS readers (default 50).
 * Run: npx tsc -p tsconfig.bench.json && node dist-bench/test/bench/webhooks.bench.js
 * Flags (environment): BENCH_INLINE=0 leaves out the inline run; BENCH_WARMUP=<seconds> of the same load before
 * the measured window (default 3; 0: measure a service started a moment ago, as before session 5); BENCH_RECEIVER=inprocess puts the latency runs'
 * receiver back in this process (default: a process of its own); BENCH_TRACE=<prefix> writes each change's moments
 * to <prefix>-<run>.ndjson. Where the tail comes from: also preload lib/stall-trace.js into the service and here,
 *   STALL_TRACE_DIR=/tmp/t BENCH_TRACE=/tmp/t/timeline BENCH_INLINE=0 \
 *   BENCH_SERVICE_FLAGS="--max-old-space-size=640 -r $PWD/dist-bench/test/bench/lib/stall-trace.js" \
 *   node -r ./dist-bench/test/bench/lib/stall-trace.js dist-bench/test/bench/webhooks.bench.js
 *   node dist-bench/test/bench/tail-report.js /tmp/t/timeline-latency.ndjson /tmp/t
 */
async function main(): Promise<void> {
  const result = await runWebhookScenario({
    seconds: Number(process.env.BENCH_SECONDS ?? 20),
    rate: Number(process.env.BENCH_RATE ?? 1000),
    readers: Number(process.env.BENCH_READERS ?? 50),
  });
  printTable(webhookRows(result));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
