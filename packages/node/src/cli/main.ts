import { InputError } from '@balloon-sim/sim-core';
import { DownloadError } from '../fetch/download.js';
import { toolVersion } from '../provenance.js';
import { removeTemporariesNow } from '../temporaries.js';
import { backtrackCommand } from './backtrack.js';
import { type Command, type CommandContext, UsageError } from './command.js';
import { BROKEN_PIPE_EXIT_CODE, Interrupted } from './interrupt.js';
import { BrokenPipeError, OutputError } from './outputs.js';
import { runCommand, validateCommand } from './run.js';
import { mergeCommand, sweepCommand } from './sweep.js';
import { tonightCommand } from './tonight.js';
import { windCommand } from './wind.js';

const commands: Record<string, Command> = {
  run: runCommand,
  validate: validateCommand,
  sweep: sweepCommand,
  merge: mergeCommand,
  backtrack: backtrackCommand,
  tonight: tonightCommand,
  wind: windCommand,
};

const mainUsage = `usage: balloon-sim <command> [options]

Balloon drift trajectory simulator.

commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run "balloon-sim <command> --help" for a command's options; "balloon-sim --version" for the version.
Exit codes: 0 ok, 1 the run failed (an output could not be written: the file and the cause are
named), 2 bad usage or input, 129/130/143 stopped by SIGHUP/SIGINT (Ctrl-C)/SIGTERM, 141 the program
reading standard output stopped (\`| head\`). A failed or stopped command leaves no partial file.`;

/** The package's version (the one every output's provenance names). */
export const version = toolVersion;

let watchingStdout = false;
/**
 * A closed standard output (\`balloon-sim run … | head\`) is not a failure worth a message: stop
 * quietly, removing temporary files, with the code a shell gives a program a closed pipe stopped.
 */
function watchStdout(program: string): void {
  if (watchingStdout) return;
  watchingStdout = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    removeTemporariesNow();
    if (error.code !== 'EPIPE')
      process.stderr.write(`${program}: cannot write standard output: ${error.message}\n`);
    process.exit(error.code === 'EPIPE' ? BROKEN_PIPE_EXIT_CODE : 1);
  });
}

/** Runs one command line; returns the exit code. */
export function main(argv: string[], signal: AbortSignal): Promise<number> {
  return runCommandLine(argv, signal, { program: 'balloon-sim', commands, usage: mainUsage, elsewhere });
}

/** Commands of other packages' programs, named when asked of this one. */
const elsewhere: Record<string, string> = {
  worker: 'balloon-sim-queue worker (package @balloon-sim/queue: takes jobs from a Redis queue)',
  season: 'balloon-sim-queue season (package @balloon-sim/queue: nights × sites × launch hours)',
};

/** A program of commands (balloon-sim, or another package's that shares its conventions). */
export interface CommandLine {
  /** Its name, at the start of each message on standard error. */
  program: string;
  commands: Record<string, Command>;
  usage: string;
  /** Commands another program has: an unknown-command error names it. */
  elsewhere?: Record<string, string>;
  /** What --version prints (default: this package's version). */
  version?: () => string;
  /**
   * Failures the program expects (a job that failed on another machine, a server that cannot be
   * reached): exit code 1 with the message alone, no stack.
   */
  expected?: (error: unknown) => boolean;
}

/**
 * Runs one command of a program; returns the exit code (0 ok, 1 failed, 2 bad usage or input,
 * 128 + the signal's number when stopped, 141 when the reader of standard output went away).
 */
export async function runCommandLine(
  argv: string[],
  signal: AbortSignal,
  { program, commands, usage, elsewhere = {}, version: versionOf = version, expected }: CommandLine,
): Promise<number> {
  const context: CommandContext = {
    signal,
    out: (text) => {
      watchStdout(program);
      process.stdout.write(`${text}\n`);
    },
    note: (text) => {
      process.stderr.write(`${text}\n`);
    },
  };
  const [name, ...rest] = argv;
  try {
    if (name === '--version' || name === 'version') {
      context.out(versionOf());
      return 0;
    }
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const command = name === 'help' && rest[0] ? commands[rest[0]] : undefined;
      context.out(command ? command.usage : usage);
      return 0;
    }
    const command = commands[name];
    if (!command && elsewhere[name])
      throw new UsageError(`unknown command "${name}": it is ${elsewhere[name]}\n\n${usage}`);
    if (!command) throw new UsageError(`unknown command "${name}"\n\n${usage}`);
    await command.run(rest, context);
    return 0;
  } catch (error) {
    if (signal.aborted) {
      const reason = signal.reason;
      const by = reason instanceof Interrupted ? ` by ${reason.signalName}` : '';
      process.stderr.write(`${program}: interrupted${by}; no partial output file was left\n`);
      return reason instanceof Interrupted ? reason.exitCode : 130;
    }
    if (error instanceof BrokenPipeError) return BROKEN_PIPE_EXIT_CODE;
    if (error instanceof UsageError || error instanceof InputError) {
      process.stderr.write(`${program}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof DownloadError || expected?.(error)) {
      process.stderr.write(`${program}: ${(error as Error).message}\n`);
      return 1;
    }
    if (error instanceof OutputError) {
      process.stderr.write(`${program}: ${error.message}; no partial file was left under that name\n`);
      return 1;
    }
    // Not a failure the command line expects: the stack is for the bug report.
    process.stderr.write(`${program}: the run failed: ${(error as Error)?.stack ?? error}\n`);
    return 1;
  }
}
