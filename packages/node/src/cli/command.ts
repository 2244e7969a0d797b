import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Bad usage of the command line: exit code 2 with the message and the command's usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What a command gets besides its arguments. */
export interface CommandContext {
  /** Aborted on SIGINT (Ctrl-C), SIGTERM or SIGHUP: long work stops and leaves no partial output. */
  signal: AbortSignal;
  out(text: string): void;
  /** Progress and notes for a person (stderr). */
  note(text: string): void;
}

export interface Command {
  summary: string;
  usage: string;
  run(args: string[], context: CommandContext): Promise<void>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** Parses options (plus --help) and positionals; unknown options are usage errors. */
export function parse(
  args: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  usage: string,
): ParsedArgs {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${usage}`);
  }
}

/** A required string option. */
export function required(parsed: ParsedArgs, name: string, usage: string): string {
  const value = parsed.values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required\n\n${usage}`);
  return value;
}

/** Runs `fn`, turning its plain Errors into usage errors (for option parsers that throw). */
export function option<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
