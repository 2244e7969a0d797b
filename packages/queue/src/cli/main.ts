import { readFileSync } from 'node:fs';
import { type Command, runCommandLine } from '@balloon-sim/node/cli';
import { JobFailed } from '../coordinator.js';
import { RedisUnreachable } from '../redis.js';
import { runCommand } from './run.js';
import { seasonCommand } from './season.js';
import { sweepCommand } from './sweep.js';
import { workerCommand } from './worker.js';

const commands: Record<string, Command> = {
  worker: workerCommand,
  sweep: sweepCommand,
  run: runCommand,
  season: seasonCommand,
};

const usage = `usage: balloon-sim-queue <command> [options]

balloon-sim on many machines: work cut into jobs on a BullMQ queue in Redis, computed by workers on
any number of machines, merged by a coordinator into exactly what one machine gives.

commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run "balloon-sim-queue <command> --help" for a command's options. Exit codes as balloon-sim's: 0 ok,
1 failed (a job failed for good, Redis cannot be reached, an output cannot be written), 2 bad usage
or input (a worker whose files differ from the coordinator's included), 130/143 stopped.`;

/** This package's version. */
function version(): string {
  return (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
}

/** Runs one command line of balloon-sim-queue; returns the exit code. */
export function main(argv: string[], signal: AbortSignal): Promise<number> {
  return runCommandLine(argv, signal, {
    program: 'balloon-sim-queue',
    commands,
    usage,
    version,
    expected: (error) => error instanceof JobFailed || error instanceof RedisUnreachable,
  });
}
