import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_GRAPH_CAP, type NamespaceSetting } from '../../projections/model';
import { namespaceSettingsProblems, simulate, type SimulateResult } from '../../projections/identity-graph';
import { EXIT, processIo, type CliCommand, type CliIo } from './tessera-io';

const USAGE = 'tessera simulate --settings <settings.json> --events <events.txt> [--json]';

/**
 * `tessera simulate`: runs the identity-graph simulator (the projector's own fold) over a settings file
 * (`{"namespaces": [...], "graphCap"?}`, namespaces in priority order) and a text file with one event per line
 * (`CRMID: Tom, ECID: 111`; blank lines and lines starting with # are skipped). Prints the graphs after the last
 * event; --json prints the API's simulate response instead.
 */
export async function runSimulateCli(argv: string[], io: CliIo = processIo): Promise<number> {
  let args: { settings?: string; events?: string; json?: boolean; help?: boolean };
  try {
    args = parseArgs({
      args: argv,
      options: {
        settings: { type: 'string' },
        events: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    io.err(`${(error as Error).message}\nusage: ${USAGE}\n`);
    return EXIT.usage;
  }
  if (args.help) {
    io.out(`usage: ${USAGE}\n`);
    return EXIT.ok;
  }
  if (!args.settings || !args.events) {
    io.err(`both --settings and --events are required\nusage: ${USAGE}\n`);
    return EXIT.usage;
  }
  return simulateFiles(args.settings, args.events, args.json === true, io);
}

export const simulateCommand: CliCommand = {
  summary: 'replay identity events through the graph rules, without storing anything',
  usage: USAGE,
  run: runSimulateCli,
};

async function simulateFiles(settingsPath: string, eventsPath: string, json: boolean, io: CliIo): Promise<number> {
  let settings: { namespaces: NamespaceSetting[]; graphCap: number };
  let events: { line: number; text: string }[];
  try {
    settings = parseSettings(await readFile(settingsPath, 'utf8'));
    events = parseEventsFile(await readFile(eventsPath, 'utf8'));
  } catch (error) {
    io.err(`${(error as Error).message}\n`);
    return EXIT.failed;
  }
  const result = simulate({ ...settings, events: events.map((e) => e.text) });
  io.out(json ? `${JSON.stringify(result, null, 2)}\n` : formatSimulation(result, events.map((e) => e.line)));
  return EXIT.ok;
}

function parseSettings(text: string): { namespaces: NamespaceSetting[]; graphCap: number } {
  let parsed: { namespaces?: unknown; graphCap?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (error) {
    throw new Error(`settings file is not JSON: ${(error as Error).message}`);
  }
  const problems = namespaceSettingsProblems(parsed?.namespaces);
  const graphCap = parsed?.graphCap ?? DEFAULT_GRAPH_CAP;
  if (!Number.isInteger(graphCap) || (graphCap as number) < 1) problems.push('graphCap must be a positive integer');
  if (problems.length > 0) throw new Error(`settings file: ${problems.join('; ')}`);
  return { namespaces: parsed.namespaces as NamespaceSetting[], graphCap: graphCap as number };
}

function parseEventsFile(text: string): { line: number; text: string }[] {
  return text
    .split(/\r?\n/)
    .map((content, index) => ({ line: index + 1, text: content }))
    .filter((e) => e.text.trim() !== '' && !e.text.trimStart().startsWith('#'));
}

/** Human-readable: events are named by their line in the events file. */
export function formatSimulation(result: SimulateResult, lineOfEvent: readonly number[]): string {
  const out: string[] = [`${result.graphs.length} graph(s) with two or more identities`];
  const name = (i: { namespace: string; id: string }) => `${i.namespace}:${i.id}`;
  result.graphs.forEach((graph, n) => {
    out.push('', `Graph ${n + 1}: ${graph.identities.map(name).join(', ')}`);
    for (const link of graph.links) out.push(`  ${name(link.from)} — ${name(link.to)}  (last seen ${link.timestamp})`);
  });
  if (result.removedLinks.length > 0) {
    out.push('', 'Removed links:');
    for (const link of result.removedLinks) {
      const by = lineOfEvent[link.removedBy];
      out.push(`  ${name(link.from)} — ${name(link.to)}  removed by line ${by} (${link.reason})`);
    }
  }
  if (result.rejected.length > 0) {
    out.push('', 'Rejected events:');
    for (const rejection of result.rejected) out.push(`  line ${lineOfEvent[rejection.index]}: ${rejection.reason}`);
  }
  return `${out.join('\n')}\n`;
}
