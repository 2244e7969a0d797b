/**
 * Runs the built queue command line (`packages/queue/dist/cli.js`) as a user would, as separate
 * processes: workers, coordinators. The test command builds it first.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO_ROOT } from '@balloon-sim/sim-core/testing';

export const QUEUE_CLI_BIN = resolve(REPO_ROOT, 'packages/queue/dist/cli.js');

/** A running command: its process, what it wrote so far, and its end. */
export interface RunningQueueCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the match once stderr holds one (the test's timeout ends a wait that never comes). */
  stderrMatching(pattern: RegExp): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started = new Set<ChildProcess>();
// Whatever happens to a test, the processes it started do not outlive it.
process.once('exit', () => {
  for (const child of started) child.kill('SIGKILL');
});

export function startQueueCli(
  args: string[],
  cwd = REPO_ROOT,
  env: NodeJS.ProcessEnv = process.env,
): RunningQueueCli {
  const child = spawn(process.execPath, [QUEUE_CLI_BIN, ...args], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    stderr += d;
    for (const w of waiters.splice(0)) {
      const m = stderr.match(w.pattern);
      if (m) w.resolve(m);
      else waiters.push(w);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('close', (code, signal) => {
      started.delete(child);
      r({ code, signal });
    }),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    stderrMatching: (pattern) =>
      new Promise((r) => {
        const m = stderr.match(pattern);
        if (m) r(m);
        else waiters.push({ pattern, resolve: r });
      }),
    exited,
  };
}

/** Stops a command (SIGKILL unless told otherwise) and waits for its end. */
export async function stopQueueCli(running: RunningQueueCli, signal: NodeJS.Signals = 'SIGKILL') {
  if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill(signal);
  return running.exited;
}

/**
 * The environment of a coordinator, and of the one-machine reference it is compared with, fixing
 * their time of run (SOURCE_DATE_EPOCH: 24 October 2025, 18:00 UTC) because their tables record it.
 * Workers keep their own clocks: the tables equal only if every job records its coordinator's time.
 */
export const FIXED_RUN_TIME_ENV: NodeJS.ProcessEnv = { ...process.env, SOURCE_DATE_EPOCH: '1761328800' };

/** What a `balloon-sim-queue worker` is told beyond its Redis and queue. */
export interface WorkerOptions {
  /** Default 1: the machine running the tests may have 2 busy cores. */
  threads?: number;
  name?: string;
  lockSec?: number;
  cacheDir?: string;
  /** `--path-map FROM=TO`: the coordinator's folder FROM read at TO, as on another machine. */
  pathMap?: { from: string; to: string };
}

/** The arguments of `balloon-sim-queue worker` taking jobs of `queue` at `redisUrl`. */
export function workerArgs(redisUrl: string, queue: string, options: WorkerOptions = {}): string[] {
  const { threads = 1, name, lockSec, cacheDir, pathMap } = options;
  return [
    'worker',
    '--redis',
    redisUrl,
    '--queue',
    queue,
    '--threads',
    String(threads),
    ...(name === undefined ? [] : ['--name', name]),
    ...(lockSec === undefined ? [] : ['--lock-sec', String(lockSec)]),
    ...(pathMap === undefined ? [] : ['--path-map', `${pathMap.from}=${pathMap.to}`]),
    ...(cacheDir === undefined ? [] : ['--cache', cacheDir]),
  ];
}

/** The command lines one test started: `stopAll` (in afterEach) ends those still running. */
export interface QueueCliGroup {
  start(args: string[], env?: NodeJS.ProcessEnv): RunningQueueCli;
  stopAll(): Promise<void>;
}

export function queueCliGroup(): QueueCliGroup {
  const running: RunningQueueCli[] = [];
  return {
    start(args, env = process.env) {
      const r = startQueueCli(args, undefined, env);
      running.push(r);
      return r;
    },
    async stopAll() {
      await Promise.all(running.splice(0).map((r) => stopQueueCli(r)));
    },
  };
}
