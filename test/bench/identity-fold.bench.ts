/**
 * Identity-graph fold benchmark (a script, not a test):
 *   npx tsc -p tsconfig.json --outDir /tmp/tbuild && node /tmp/tbuild/test/bench/identity-fold.bench.js [--items N]
 * Generates N items (default 1,000,000) shaped like real traffic with a seeded PRNG: many small person graphs
 * (CRMID, Email, ECID cookies, IDFA devices), devices shared within households, and a few hot bad values (a
 * call-centre phone, a shop's no-reply address) that pull unrelated people together and force rebuilds. Prints the
 * overall rate and the per-item cost measured over a window of items once 10k, 100k and 1M identities are stored,
 * to show that the cost of one item follows its own graphs, not the size of the store.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEFAULT_SETTINGS, type IdentityRef } from '../../projections/model';
import { applyItem, createGraphState, type GraphItem } from '../../projections/identity-graph';
import { mulberry32 } from '../../projections/identity-graph/random-log.fixture';

const { values } = parseArgs({ options: { items: { type: 'string', default: '1000000' } } });
const ITEMS = Number(values.items);
const WINDOW = 20_000;
const MILESTONES = [10_000, 100_000, 300_000, 600_000, 1_000_000];

interface Person {
  crm?: string;
  email: string;
  phone: string;
  cookies: string[];
  device?: string;
}

const rnd = mulberry32(42);
const persons: Person[] = [];
let serial = 0;

function newPerson(): Person {
  const n = ++serial;
  return {
    crm: rnd() < 0.7 ? `C${n}` : undefined,
    email: `p${n}@mail.example`,
    phone: `+4420${String(n).padStart(8, '0')}`,
    cookies: [`ck${n}-0`],
    device: rnd() < 0.4 ? `dev-${n}` : undefined,
  };
}

function somePerson(): Person {
  if (persons.length === 0 || rnd() < 0.45) {
    persons.push(newPerson());
    return persons[persons.length - 1];
  }
  const recent = rnd() < 0.7;
  const span = recent ? Math.min(10_000, persons.length) : persons.length;
  return persons[persons.length - 1 - Math.floor(rnd() * span)];
}

function cookieOf(p: Person): string {
  if (rnd() < 0.05) p.cookies.push(`ck${serial}-${p.cookies.length}-${Math.floor(rnd() * 1e6)}`);
  return p.cookies[p.cookies.length - 1];
}

const id = (namespace: string, value: string): IdentityRef => ({ namespace, id: value });

function identitiesFor(p: Person): IdentityRef[] {
  const r = rnd();
  const known = p.crm ? id('CRMID', p.crm) : id('Email', p.email);
  if (r < 0.3) return [id('ECID', cookieOf(p))];
  if (r < 0.55) return [known, id('ECID', cookieOf(p))];
  if (r < 0.7) {
    const phone = rnd() < 0.005 ? '+18005550100' : p.phone;
    return p.crm ? [id('CRMID', p.crm), id('Email', p.email), id('Phone', phone)] : [id('Email', p.email), id('Phone', phone)];
  }
  if (r < 0.85) return p.device ? [known, id('IDFA', p.device)] : [id('ECID', cookieOf(p)), known];
  if (r < 0.97) return [id('Email', rnd() < 0.002 ? 'noreply@shop.example' : p.email), id('ECID', cookieOf(p))];
  const household = persons[Math.max(0, persons.length - 1 - Math.floor(rnd() * 50))];
  return [known, id('IDFA', household.device ?? `dev-shared-${serial % 97}`)];
}

interface Window {
  milestone: number;
  at: number;
  identities: number;
  usPerItem: number;
  cpuUsPerItem: number;
  gcUsPerItem: number;
  /** performance.now() bounds of the window, to attribute collector pauses. */
  from: number;
  to: number;
}

/** Collector pauses, to tell the fold's own cost from the heap's: entries arrive between chunks of items. */
const gcPauses: { start: number; duration: number }[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push({ start: entry.startTime, duration: entry.duration });
});

interface OpenWindow {
  at: number;
  t: number;
  cpu: NodeJS.CpuUsage;
  milestone: number;
}

function closeWindow(open: OpenWindow, identities: number): Window {
  const cpu = process.cpuUsage(open.cpu);
  const elapsed = performance.now() - open.t;
  return {
    milestone: open.milestone,
    at: open.at,
    identities,
    usPerItem: (elapsed * 1000) / WINDOW,
    cpuUsPerItem: (cpu.user + cpu.system) / WINDOW,
    gcUsPerItem: 0,
    from: open.t,
    to: open.t + elapsed,
  };
}

async function main(): Promise<void> {
  gcObserver.observe({ entryTypes: ['gc'] });
  const state = createGraphState();
  const counts = { rebuilt: 0, evicted: 0, rejected: 0, removed: 0 };
  const windows: Window[] = [];
  let pending = [...MILESTONES];
  let open: OpenWindow | undefined;
  const started = performance.now();
  for (let i = 0; i < ITEMS; i++) {
    if (i % 5000 === 0) await new Promise((resolve) => setImmediate(resolve));
    const item: GraphItem = { itemId: `e${i}`, source: 'bench', timestamp: 1.7e12 + i * 1000, identities: identitiesFor(somePerson()) };
    if (!open && pending.length > 0 && state.nodes.size >= pending[0]) {
      open = { at: i, t: performance.now(), cpu: process.cpuUsage(), milestone: pending[0] };
      pending = pending.slice(1);
    }
    const outcome = applyItem(state, DEFAULT_SETTINGS, item);
    counts.rebuilt += outcome.rebuilt ? 1 : 0;
    counts.evicted += outcome.evicted.length;
    counts.rejected += outcome.status === 'rejected' ? 1 : 0;
    counts.removed += outcome.removedLinks.length;
    if (open && i + 1 - open.at === WINDOW) {
      windows.push(closeWindow(open, state.nodes.size));
      open = undefined;
    }
  }
  const elapsed = performance.now() - started;
  await new Promise((resolve) => setImmediate(resolve));
  for (const w of windows) {
    const inWindow = gcPauses.filter((p) => p.start >= w.from && p.start < w.to);
    w.gcUsPerItem = (inWindow.reduce((sum, p) => sum + p.duration, 0) * 1000) / WINDOW;
  }
  gcObserver.disconnect();
  report(elapsed, state, counts, windows);
}

function report(
  elapsedMs: number,
  state: ReturnType<typeof createGraphState>,
  counts: Record<string, number>,
  windows: Window[],
): void {
  const rate = Math.round(ITEMS / (elapsedMs / 1000));
  console.log(`items folded:        ${ITEMS.toLocaleString('en')} in ${(elapsedMs / 1000).toFixed(1)} s (generation included)`);
  console.log(`rate:                ${rate.toLocaleString('en')} items/s`);
  console.log(`identities stored:   ${state.nodes.size.toLocaleString('en')} in ${state.members.size.toLocaleString('en')} graphs`);
  console.log(`links stored:        ${state.links.size.toLocaleString('en')} (${counts.removed.toLocaleString('en')} removals)`);
  console.log(`rebuilds:            ${counts.rebuilt.toLocaleString('en')}, evictions ${counts.evicted}, rejected ${counts.rejected}`);
  console.log(`heap used:           ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MiB`);
  console.log(`per-item cost over ${WINDOW.toLocaleString('en')} items once N identities are stored`);
  console.log('  (wall; CPU of this process, which ignores other load on the machine; collector pauses within the wall):');
  for (const w of windows) {
    const n = w.milestone.toLocaleString('en').padStart(9);
    const figures = [w.usPerItem, w.cpuUsPerItem, w.gcUsPerItem].map((f) => f.toFixed(1).padStart(6));
    console.log(`  N >= ${n} (item ${w.at.toLocaleString('en')}): wall ${figures[0]} µs, CPU ${figures[1]} µs, GC ${figures[2]} µs`);
  }
}

void main();
