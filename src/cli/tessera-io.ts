/** Where a CLI command writes: the process by default, a buffer in specs. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** A subcommand: takes its own arguments (after the subcommand name), resolves to the process exit code. */
export interface CliCommand {
  summary: string;
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Exit codes: 0 done, 1 the inputs could not be used, 2 the command line is wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
