import '../support/project-node-modules';
import { printTable } from './lib/report';
import { runWebhookScenario, webhookRows } from './scenarios/webhooks';

/**
 * The change-feed figures on their own (issue 15): append → webhook latency at BENCH_RATE records/s (default 1,000)
 * for BENCH_SECONDS (default 20), backlog deliveries/s, SSE fan-out to BENCH_READERS readers (default 50).
 * Run: npx tsc -p tsconfig.bench.json --outDir .tessera-bench && node .tessera-bench/test/bench/webhooks.bench.js
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
