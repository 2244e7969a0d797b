import { performance } from 'node:perf_hooks';
import { defaultWorkers } from '../workers/pool.js';
import { UsageError } from './command.js';

/**
 * Drives a generator that yields progress (0..1) to its result, pausing for the event loop every
 * ~50 ms so Ctrl-C is noticed, and drawing a progress bar on stderr when it is a terminal.
 */
export async function drive<T>(
  steps: Generator<number, T, void>,
  signal: AbortSignal,
  label: string,
): Promise<T> {
  const bar = process.stderr.isTTY ? progressBar(label) : null;
  let paused = performance.now();
  try {
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      bar?.(next.value);
      if (performance.now() - paused > 50) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        paused = performance.now();
        if (signal.aborted) throw signal.reason;
      }
    }
  } finally {
    if (bar) process.stderr.write('\r\x1b[K');
  }
}

/** Runs below this many member-steps use one thread unless --workers says otherwise. */
const SMALL_RUN_MEMBER_STEPS = 2_000_000;

/** The --workers option: a whole number ≥ 1, default every core (one for small runs). */
export function workerCount(text: unknown, memberSteps: number): number {
  // Starting a worker costs ~0.3 s (modules, wind, geography): small runs go faster in this thread.
  if (text === undefined) return memberSteps < SMALL_RUN_MEMBER_STEPS ? 1 : defaultWorkers();
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new UsageError(`--workers must be a whole number from 1 to 256, got "${text}"`);
  return n;
}

/** A one-line bar on stderr, redrawn in place at most every 100 ms; nothing when stderr is not a terminal. */
export function progressBar(label: string): (fraction: number) => void {
  if (!process.stderr.isTTY) return () => {};
  let drawn = 0;
  return (fraction) => {
    const now = performance.now();
    if (now - drawn < 100 && fraction < 1) return;
    drawn = now;
    const width = 30;
    const full = Math.round(fraction * width);
    process.stderr.write(
      `\r${label} [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(100 * fraction).toFixed(0)}%`,
    );
  };
}
