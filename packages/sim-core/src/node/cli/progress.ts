import { performance } from 'node:perf_hooks';

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

/** A one-line bar redrawn in place, at most every 100 ms. */
function progressBar(label: string): (fraction: number) => void {
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
