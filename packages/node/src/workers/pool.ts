import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type {
  AnalysisEvent,
  AnalysisTargets,
  Frame,
  PreparedRun,
  Scenario,
  SimEvent,
} from '@balloon-sim/sim-core';
import {
  byTimeThenMember,
  mergeFrames,
  mergeRunParts,
  minOf,
  type RunPart,
  type RunResult,
} from '@balloon-sim/sim-core';
import {
  type BacktrackRequest,
  type BacktrackSummary,
  errorOfWorker,
  type RunReply,
  type RunRequest,
  type WorkerCommand,
} from './protocol.js';

/** The compiled worker script (tests run from the sources, so fall back to the build). */
function workerScript(): string {
  const here = resolve(import.meta.dirname, 'run-worker.js');
  return existsSync(here) ? here : resolve(import.meta.dirname, '../../dist/workers/run-worker.js');
}

/** Default worker count: every core. */
export const defaultWorkers = () => availableParallelism();

export interface ParallelRunOptions {
  scenario: Scenario;
  baseDir: string;
  /** The run prepared in this thread (validated; gives the member count and the time grid). */
  prepared: PreparedRun;
  targets: AnalysisTargets;
  workers: number;
  /** Members to run (global indices, ascending); default all. The result then holds these only. */
  ids?: Uint32Array;
  keepFrames?: boolean;
  onFrame?: (frame: Frame) => void;
  onEvents?: (events: SimEvent[]) => void;
  onAnalysisEvents?: (events: AnalysisEvent[]) => void;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/** A worker of the pool and whether it is free. */
interface PooledWorker {
  worker: Worker;
  ready: Promise<void>;
}

/**
 * Worker threads kept ready for runs. Starting a worker costs ~0.2–0.4 s (modules, then each run's
 * wind and geography), so a command line starts its pool before it reads its own inputs, and a
 * server keeps one for its lifetime. A run takes as many free workers as it asks for (waiting for
 * them when all are busy), gives each a contiguous share of the members, merges frames (in time
 * order, as soon as every share has sent one) and results. The same seed gives the same result for
 * any number of workers. Aborting a run cancels it in its workers, which then serve the next run.
 */
export class WorkerPool {
  private readonly free: PooledWorker[] = [];
  private readonly waiting: {
    count: number;
    take: (workers: PooledWorker[]) => void;
    refuse: (error: Error) => void;
  }[] = [];
  private readonly all = new Set<PooledWorker>();
  private closed = false;

  constructor(readonly size = defaultWorkers()) {
    for (let k = 0; k < size; k++) this.free.push(this.spawn());
  }

  private spawn(): PooledWorker {
    const worker = new Worker(workerScript());
    const ready = new Promise<void>((resolveReady, rejectReady) => {
      worker.once('message', () => resolveReady());
      worker.once('error', rejectReady);
    });
    ready.catch(() => {});
    const pooled = { worker, ready };
    this.all.add(pooled);
    return pooled;
  }

  /** Workers currently running something. */
  get busy(): number {
    return this.all.size - this.free.length;
  }

  private acquire(count: number): Promise<PooledWorker[]> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    if (this.free.length >= count) return Promise.resolve(this.free.splice(0, count));
    return new Promise((take, refuse) => this.waiting.push({ count, take, refuse }));
  }

  private release(workers: PooledWorker[]): void {
    for (const w of workers) {
      w.worker.removeAllListeners('message');
      w.worker.removeAllListeners('error');
      w.worker.removeAllListeners('exit');
      if (this.closed) void w.worker.terminate();
      else this.free.push(w);
    }
    while (this.waiting.length > 0 && this.free.length >= this.waiting[0].count) {
      const next = this.waiting.shift()!;
      next.take(this.free.splice(0, next.count));
    }
  }

  /** A worker that died is replaced, so the pool keeps its size. */
  private replace(dead: PooledWorker): PooledWorker {
    this.all.delete(dead);
    void dead.worker.terminate();
    return this.spawn();
  }

  /** Runs a scenario on `options.workers` of the pool's workers (at most the pool's size). */
  async run(options: ParallelRunOptions): Promise<RunResult> {
    const n = options.prepared.simulation.members.count;
    const all = options.ids ?? Uint32Array.from({ length: n }, (_, i) => i);
    const count = Math.max(1, Math.min(options.workers, this.size, all.length || 1));
    const shares = Array.from({ length: count }, (_, w) =>
      all.slice(Math.floor((w * all.length) / count), Math.floor(((w + 1) * all.length) / count)),
    );
    if (options.signal?.aborted) throw options.signal.reason;
    const workers = await this.acquire(count);
    try {
      await Promise.all(workers.map((w) => w.ready));
    } catch (error) {
      this.release(workers.map((w) => this.replace(w)));
      throw error;
    }
    return this.runShares(options, shares, workers);
  }

  private runShares(
    options: ParallelRunOptions,
    shares: Uint32Array[],
    workers: PooledWorker[],
  ): Promise<RunResult> {
    const n = options.prepared.simulation.members.count;
    const wantFrames = Boolean(options.onFrame || options.keepFrames);
    return new Promise<RunResult>((resolvePromise, reject) => {
      const parts: (RunPart | null)[] = shares.map(() => null);
      const stopped = shares.map(() => false);
      const progress = shares.map(() => 0);
      const pending = new Map<
        number,
        { frames: (Extract<RunReply, { type: 'frame' }> | null)[]; arrived: number }
      >();
      const frames: Frame[] = [];
      let nextFrame = 0;
      let outcome: { error: Error | null; result?: RunResult } | null = null;
      // The run settles once every worker has stopped (done, cancelled or failed): only then are
      // the workers free for the next run.
      const settleIfStopped = () => {
        if (!outcome || stopped.some((s) => !s)) return;
        options.signal?.removeEventListener('abort', onAbort);
        this.release(workers);
        if (outcome.error) reject(outcome.error);
        else resolvePromise(outcome.result!);
      };
      const fail = (error: Error) => {
        if (outcome) return;
        outcome = { error };
        workers.forEach((w, k) => {
          if (!stopped[k]) w.worker.postMessage({ type: 'cancel' } satisfies WorkerCommand);
        });
        settleIfStopped();
      };
      const onAbort = () =>
        fail(options.signal?.reason instanceof Error ? options.signal.reason : new Error('aborted'));
      options.signal?.addEventListener('abort', onAbort);
      // Aborted while waiting for free workers: the 'abort' event has already fired.
      if (options.signal?.aborted) queueMicrotask(onAbort);
      // Frames are handed on (merged, written by onFrame) in slices of ~20 ms between turns of the
      // event loop, not inside the message handler: workers run ahead of a slow onFrame (a CSV of
      // 10^5 members), and a handler working through all their queued frames at once would leave
      // signals (Ctrl-C, SIGTERM) and aborts unheard until the end of the run.
      let flushQueued = false;
      const queueFlush = () => {
        if (flushQueued || outcome) return;
        flushQueued = true;
        setImmediate(flushSlice);
      };
      const flushSlice = () => {
        flushQueued = false;
        if (outcome) return;
        try {
          const started = performance.now();
          while (flushOne()) {
            if (outcome) return;
            if (performance.now() - started > 20) return queueFlush();
          }
          if (parts.every((p) => p !== null)) {
            outcome = {
              error: null,
              result: mergeRunParts(
                options.prepared,
                options.targets,
                parts as RunPart[],
                frames,
                options.ids,
              ),
            };
            settleIfStopped();
          }
        } catch (error) {
          // Thrown here (a failed write in onFrame, a failed merge), an error would escape and end
          // the process, leaving a command line's temporary files behind: it fails the run instead.
          fail(error as Error);
        }
      };
      /** Hands on the next frame if every worker has sent it; false when none is ready. */
      const flushOne = (): boolean => {
        const entry = pending.get(nextFrame);
        if (!entry || entry.arrived < shares.length) return false;
        pending.delete(nextFrame);
        const replies = entry.frames as Extract<RunReply, { type: 'frame' }>[];
        const frame = mergeFrames(
          n,
          replies.map((r, w) => ({ ids: shares[w], frame: { tSec: r.tSec, positions: r.positions } })),
        );
        const events = replies.flatMap((r) => r.events).sort(byTimeThenMember);
        const analysisEvents = replies.flatMap((r) => r.analysisEvents).sort(byTimeThenMember);
        if (events.length) options.onEvents?.(events);
        if (analysisEvents.length) options.onAnalysisEvents?.(analysisEvents);
        options.onFrame?.(frame);
        if (options.keepFrames) frames.push(frame);
        nextFrame++;
        return true;
      };
      workers.forEach((pooled, w) => {
        const { worker } = pooled;
        worker.on('message', (reply: RunReply) => {
          switch (reply.type) {
            case 'frame': {
              if (outcome) return;
              const entry = pending.get(reply.index) ?? { frames: shares.map(() => null), arrived: 0 };
              entry.frames[w] = reply;
              entry.arrived++;
              pending.set(reply.index, entry);
              queueFlush();
              return;
            }
            case 'progress':
              progress[w] = reply.fraction;
              if (!outcome) options.onProgress?.(minOf(progress));
              return;
            case 'cancelled':
              stopped[w] = true;
              settleIfStopped();
              return;
            case 'error':
              stopped[w] = true;
              fail(errorOfWorker(reply, `worker ${w}: `));
              settleIfStopped();
              return;
            case 'done':
              stopped[w] = true;
              parts[w] = reply.part;
              // Once the last frames are handed on, the parts are merged (see flushSlice).
              if (parts.every((p) => p !== null)) queueFlush();
              settleIfStopped();
              return;
          }
        });
        const died = (error: Error) => {
          stopped[w] = true;
          workers[w] = this.replace(pooled);
          fail(error);
          settleIfStopped();
        };
        worker.on('error', died);
        worker.on('exit', (code) => {
          if (!stopped[w]) died(new Error(`worker ${w} stopped (exit code ${code}) before finishing`));
        });
        const request: RunRequest = {
          scenario: options.scenario,
          baseDir: options.baseDir,
          ids: shares[w],
          frames: wantFrames,
        };
        worker.postMessage({ type: 'run', request } satisfies WorkerCommand);
      });
    });
  }

  /**
   * Back-tracks detections (sim-core's `backtrack`) on one of the pool's workers, so that the
   * calling thread stays free: the same summary as `backtrackSummary(backtrack(…))` in this thread.
   * A back-track is not cancelled once started (it is bounded and short); `signal` stops one that
   * still waits for a free worker.
   */
  async backtrack(request: BacktrackRequest, signal?: AbortSignal): Promise<BacktrackSummary> {
    if (signal?.aborted) throw signal.reason;
    const [pooled] = await this.acquire(1);
    try {
      await pooled.ready;
    } catch (error) {
      this.release([this.replace(pooled)]);
      throw error;
    }
    if (signal?.aborted) {
      this.release([pooled]);
      throw signal.reason;
    }
    return new Promise<BacktrackSummary>((resolvePromise, reject) => {
      let settled = false;
      const settle = (next: PooledWorker | null, outcome: () => void) => {
        if (settled) return;
        settled = true;
        // A dead worker is replaced (not after close: close terminates them all).
        this.release(next ? [next] : []);
        outcome();
      };
      const { worker } = pooled;
      worker.on('message', (reply: RunReply) => {
        if (reply.type === 'backtrack') settle(pooled, () => resolvePromise(reply.summary));
        else if (reply.type === 'error') settle(pooled, () => reject(errorOfWorker(reply)));
      });
      const died = (error: Error) => {
        worker.removeAllListeners('message');
        settle(this.closed ? null : this.replace(pooled), () =>
          reject(this.closed ? new Error('the worker pool is closed') : error),
        );
      };
      worker.on('error', died);
      worker.on('exit', (code) =>
        died(new Error(`a worker stopped (exit code ${code}) during a back-track`)),
      );
      worker.postMessage({ type: 'backtrack', request } satisfies WorkerCommand);
    });
  }

  /** Terminates every worker; runs still going fail, and so do those waiting for a worker. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter.refuse(new Error('the worker pool is closed'));
    await Promise.all([...this.all].map((w) => w.worker.terminate()));
    this.all.clear();
    this.free.length = 0;
  }
}

/** Runs a scenario on a pool made for this run alone (see WorkerPool). */
export async function runInWorkers(options: ParallelRunOptions): Promise<RunResult> {
  const pool = new WorkerPool(Math.max(1, options.workers));
  try {
    return await pool.run(options);
  } finally {
    await pool.close();
  }
}
