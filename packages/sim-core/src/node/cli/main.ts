import { InputError } from '../../errors.js';
import { backtrackCommand } from './backtrack.js';
import { type Command, type CommandContext, UsageError } from './command.js';
import { runCommand, validateCommand } from './run.js';
import { mergeCommand, sweepCommand } from './sweep.js';
import { windCommand } from './wind.js';

const commands: Record<string, Command> = {
  run: runCommand,
  validate: validateCommand,
  sweep: sweepCommand,
  merge: mergeCommand,
  backtrack: backtrackCommand,
  wind: windCommand,
};

const mainUsage = `usage: balloon-sim <command> [options]

Balloon drift trajectory simulator.

commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run "balloon-sim <command> --help" for a command's options.
Exit codes: 0 ok, 1 the run failed, 2 bad usage or input.`;

/** Runs one command line; returns the exit code. */
export async function main(argv: string[], signal: AbortSignal): Promise<number> {
  const context: CommandContext = {
    signal,
    out: (text) => {
      process.stdout.write(`${text}\n`);
    },
    note: (text) => {
      process.stderr.write(`${text}\n`);
    },
  };
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const command = name === 'help' && rest[0] ? commands[rest[0]] : undefined;
      context.out(command ? command.usage : mainUsage);
      return 0;
    }
    const command = commands[name];
    if (!command) throw new UsageError(`unknown command "${name}"\n\n${mainUsage}`);
    await command.run(rest, context);
    return 0;
  } catch (error) {
    if (signal.aborted) {
      process.stderr.write('balloon-sim: interrupted; no partial output was left\n');
      return 130;
    }
    if (error instanceof UsageError || error instanceof InputError) {
      process.stderr.write(`balloon-sim: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`balloon-sim: the run failed: ${(error as Error)?.stack ?? error}\n`);
    return 1;
  }
}
