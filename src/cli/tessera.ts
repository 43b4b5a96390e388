#!/usr/bin/env node
import { exportCommand } from './export';
import { importCommand } from './import';
import { rebuildCommand } from './rebuild';
import { simulateCommand } from './simulate';
import { EXIT, processIo, type CliCommand, type CliIo } from './tessera-io';

/**
 * `tessera <command> [options]`: one entry point for operator commands. A new command (rebuild, export, import)
 * is a CliCommand in its own file, registered here by name.
 */
export const COMMANDS: Readonly<Record<string, CliCommand>> = {
  simulate: simulateCommand,
  rebuild: rebuildCommand,
  export: exportCommand,
  import: importCommand,
};

export async function runTessera(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command) return command.run(rest, io);
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(usage());
    return EXIT.ok;
  }
  io.err(usage(name));
  return EXIT.usage;
}

function usage(unknown?: string): string {
  const lines = unknown === undefined ? [] : [`unknown command: ${unknown}`, ''];
  lines.push('usage: tessera <command> [options]', '', 'commands:');
  for (const [name, command] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${command.summary}`);
  lines.push('', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`));
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  runTessera(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
