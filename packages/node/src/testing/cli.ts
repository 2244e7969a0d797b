/**
 * Runs the built command line (`packages/node/dist/cli.js`) as a user would: the test
 * command builds it first. `cli` waits for the end; `startCli` gives the running process, for tests
 * that signal it or feed it through pipes.
 */
import { type ChildProcess, type SpawnSyncOptions, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from '@balloon-sim/sim-core/testing';

export const CLI_BIN = resolve(REPO_ROOT, 'packages/node/dist/cli.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the command line to its end (60 s at most). */
export function cli(args: string[], options: SpawnSyncOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI_BIN, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    ...options,
  });
  return { code: r.status, signal: r.signal, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A running command line: its process, what it wrote to stderr so far, and its end. */
export interface RunningCli {
  child: ChildProcess;
  stderr(): string;
  /** Resolves once stderr holds a match (the test's timeout ends a wait that never comes). */
  stderrMatching(pattern: RegExp): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startCli(args: string[], cwd = REPO_ROOT): RunningCli {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout?.resume();
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    stderr += d;
    for (const w of waiters.splice(0)) {
      if (w.pattern.test(stderr)) w.resolve();
      else waiters.push(w);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('close', (code, signal) => r({ code, signal })),
  );
  return {
    child,
    stderr: () => stderr,
    stderrMatching: (pattern) =>
      new Promise<void>((r) => {
        if (pattern.test(stderr)) r();
        else waiters.push({ pattern, resolve: r });
      }),
    exited,
  };
}

/** Whether Linux still holds a signal undelivered for process `pid` (/proc/PID/status: ShdPnd, SigPnd). */
export function signalPending(pid: number, signalNumber: number): boolean {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return false; // The process has ended.
  }
  const bit = 1n << BigInt(signalNumber - 1);
  return ['ShdPnd', 'SigPnd'].some((field) => {
    const hex = new RegExp(`^${field}:\\s*([0-9a-f]+)$`, 'm').exec(status)?.[1] ?? '0';
    return (BigInt(`0x${hex}`) & bit) !== 0n;
  });
}
