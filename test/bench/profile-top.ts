import { readFileSync } from 'node:fs';

/**
 * `node dist-bench/test/bench/profile-top.js <file.cpuprofile> [--top n] [--from s] [--to s]`: the top frames by
 * self time of a `node --cpu-prof` profile, and self time grouped by where the code lives (a package, the service's
 * own folders, node internals), to see where a missed target's time goes. --from/--to keep only the samples taken
 * that many seconds after the profile started (the runner prints its uptime in every line). --callers <function>
 * prints the call paths leading to a function, with the time spent in it and below it.
 */
import { parseArgs } from 'node:util';
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function area(url: string): string {
  if (url === '') return '(native / VM)';
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  const own = /dist-bench\/((src|projections)\/[^/]+)/.exec(url);
  return own ? own[1] : url;
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { callers: { type: 'string' }, top: { type: 'string', default: '25' }, from: { type: 'string', default: '0' }, to: { type: 'string', default: '1e9' } } });
  const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as CpuProfile;
  const count = values.top;
  const [from, to] = [Number(values.from) * 1e6, Number(values.to) * 1e6];
  const selfUs = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= from && at < to) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const frames = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist-bench)\//, '$1/')}:${lineNumber + 1}`;
    frames.set(key, (frames.get(key) ?? 0) + us);
    areas.set(area(url), (areas.get(area(url)) ?? 0) + us);
  }
  const show = (title: string, m: Map<string, number>, n: number) => {
    console.log(`${title} (of ${(total / 1e6).toFixed(1)} s sampled)`);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
  };
  show('self time by area', areas, 15);
  show('top frames by self time', frames, Number(count));
  if (values.callers) showCallers(profile, selfUs, total, values.callers);
}

/** --callers <name>: the call paths (5 frames up) that lead to the frames of that name, by their self time. */
function showCallers(profile: CpuProfile, selfUs: Map<number, number>, total: number, name: string): void {
  const parent = new Map<number, ProfileNode>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const paths = new Map<string, number>();
  for (const n of profile.nodes) {
    if (n.callFrame.functionName !== name) continue;
    const chain: string[] = [];
    for (let p = parent.get(n.id); p && chain.length < 5; p = parent.get(p.id)) chain.push(`${p.callFrame.functionName || '(anonymous)'}@${p.callFrame.url.replace(/^.*\//, '')}:${p.callFrame.lineNumber + 1}`);
    const key = chain.join(' < ');
    paths.set(key, (paths.get(key) ?? 0) + (selfUs.get(n.id) ?? 0) + childUs(byId, selfUs, n));
  }
  console.log(`callers of ${name} (self + children time)`);
  for (const [k, us] of [...paths].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
}

function childUs(byId: Map<number, ProfileNode>, selfUs: Map<number, number>, node: ProfileNode): number {
  return (node.children ?? []).reduce((sum, c) => sum + (selfUs.get(c) ?? 0) + childUs(byId, selfUs, byId.get(c)!), 0);
}

main();
