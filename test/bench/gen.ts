import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { workload } from './gen/workload';

/**
 * `npm run gen -- --persons N [--seed S] [--out file.ndjson]`: the bench workload as NDJSON batch items, ready for
 * POST /v1/ingest (application/x-ndjson, at most 1000 lines per request). Writes to stdout without --out.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { persons: { type: 'string', default: '1000' }, seed: { type: 'string', default: '1' }, out: { type: 'string' } },
  });
  const persons = Number(values.persons);
  const seed = Number(values.seed);
  if (!Number.isInteger(persons) || persons < 1 || !Number.isInteger(seed)) throw new Error('--persons must be a positive integer, --seed an integer');
  const out = values.out ? createWriteStream(values.out) : process.stdout;
  let count = 0;
  for (const item of workload({ persons, seed })) {
    count++;
    if (!out.write(`${JSON.stringify(item)}\n`)) await once(out, 'drain');
  }
  if (values.out) {
    out.end();
    await once(out, 'finish');
    process.stderr.write(`${count} items for ${persons} persons (seed ${seed}) written to ${values.out}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
