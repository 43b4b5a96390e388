import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulateCli } from './simulate';
import { runTessera } from './tessera';
import type { CliIo } from './tessera-io';

function bufferIo(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (text: string) => void (io.stdout += text),
    err: (text: string) => void (io.stderr += text),
  };
  return io;
}

describe('tessera simulate', () => {
  let dir: string;
  let settings: string;
  let events: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-simulate-'));
    settings = join(dir, 'settings.json');
    events = join(dir, 'events.txt');
    const namespaces = [
      { code: 'CRMID', type: 'person', unique: true },
      { code: 'Email', type: 'email', unique: true },
      { code: 'ECID', type: 'cookie', unique: false },
    ];
    await writeFile(settings, JSON.stringify({ namespaces }));
    const lines = ['# S1', 'CRMID: Jane, Email: jane@x.com', 'CRMID: John, Email: john@x.com', '', 'CRMID: Jane, ECID: L'];
    await writeFile(events, [...lines, 'CRMID: John, ECID: L', 'Fax: 1', ''].join('\n'));
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints the graphs, the removed links and the rejected lines by file line', async () => {
    const io = bufferIo();
    expect(await runTessera(['simulate', '--settings', settings, '--events', events], io)).toBe(0);
    expect(io.stdout).toContain('2 graph(s) with two or more identities');
    expect(io.stdout).toContain('Graph 1: CRMID:Jane, Email:jane@x.com');
    expect(io.stdout).toContain('Graph 2: CRMID:John, Email:john@x.com, ECID:L');
    expect(io.stdout).toContain('CRMID:Jane — ECID:L  removed by line 6 (UNIQUE_NAMESPACE_CONFLICT)');
    expect(io.stdout).toContain('line 7: namespace Fax is not registered');
  });

  it('prints the API response with --json', async () => {
    const io = bufferIo();
    expect(await runSimulateCli(['--settings', settings, '--events', events, '--json'], io)).toBe(0);
    const result = JSON.parse(io.stdout);
    expect(result.graphs).toHaveLength(2);
    expect(result.removedLinks).toEqual([
      expect.objectContaining({ from: { namespace: 'CRMID', id: 'Jane' }, to: { namespace: 'ECID', id: 'L' }, removedBy: 3 }),
    ]);
    expect(result.rejected).toEqual([{ index: 4, reason: 'namespace Fax is not registered' }]);
  });

  it('refuses invalid settings and missing files with exit code 1', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ namespaces: [{ code: 'ECID', type: 'cookie', unique: true }] }));
    const io = bufferIo();
    expect(await runSimulateCli(['--settings', bad, '--events', events], io)).toBe(1);
    expect(io.stderr).toContain('only person, email and phone namespaces may be unique');
    expect(await runSimulateCli(['--settings', join(dir, 'none.json'), '--events', events], bufferIo())).toBe(1);
  });

  it('answers a wrong command line with usage and exit code 2', async () => {
    const io = bufferIo();
    expect(await runSimulateCli(['--settings', settings], io)).toBe(2);
    expect(io.stderr).toContain('usage: tessera simulate');
    expect(await runSimulateCli(['--nope'], bufferIo())).toBe(2);
    const unknown = bufferIo();
    expect(await runTessera(['frobnicate'], unknown)).toBe(2);
    expect(unknown.stderr).toContain('unknown command: frobnicate');
    const help = bufferIo();
    expect(await runTessera([], help)).toBe(0);
    expect(help.stdout).toContain('simulate');
  });
});
