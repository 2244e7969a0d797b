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
  appendAll,
  byTimeThenMember,
  mergeFrames,
  mergeRunPartsUnsummarized,
  minOf,
  type PackedEvents,
  type RunPart,
  type RunResult,
  summarizeRun,
  unpackEvents,
} from '@balloon-sim/sim-core';
import {
  type BacktrackRequest,
  type BacktrackSummary,
  errorOfWorker,
  type PackedRunPart,
  type RunReply,
  type RunRequest,
  type WorkerCommand,
} from './protocol.js';
import { describeSharedWind } from './shared-wind.js';

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
  /** Filled in with when the run's phases happened (for benchmarks: see RunTiming). */
  timing?: RunTiming;
}

/**
 * When a pooled run's phases happened, in ms since the Unix epoch (performance.timeOrigin + now(),
 * comparable between threads). Before workersStartMs and after workersEndMs no worker simulates:
 * the main thread splits the members, hands them out, the workers read their inputs and prepare,
 * then the main thread merges the parts and summarises (mergeMs of it).
 */
export interface RunTiming {
  /** pool.run was called. */
  startMs: number;
  /** The first worker started its first step. */
  workersStartMs: number;
  /** The last worker's part was ready to send. */
  workersEndMs: number;
  /** The merged result was ready. */
  endMs: number;
  /** Time (ms) mergeRunParts took: parts merged, summary computed. */
  mergeMs: number;
  /**
   * The process's CPU time (ms, user + system) during the merge: the main thread's, as the run's
   * workers are idle then (other runs on the pool aside). Unlike mergeMs, it does not grow when the
   * machine is loaded and the main thread waits for a core.
   */
  mergeCpuMs: number;
  /** Of mergeMs, the summary (the rest: the parts' records and aggregates merged). */
  summaryMs: number;
  /** Chunks the members were split into. */
  chunks: number;
}

/**
 * Member chunks per worker for a run without frames: a worker that finishes its chunk takes the next
 * one left, so none idles at the end while another still has a large share (members of different
 * launch sites and times differ in cost: some land early, others fly the whole run).
 */
const CHUNKS_PER_WORKER = 4;
/** Fewer members than this in a chunk cost more in per-chunk set-up than they balance. */
const MIN_CHUNK_MEMBERS = 500;

/**
 * The members split into chunks, ascending (merged in this order, the parts give the whole run
 * bit for bit). In lockstep (frames streamed), one contiguous chunk per worker: a frame needs every
 * member at its time. Otherwise up to CHUNKS_PER_WORKER per worker, handed out as workers free up.
 */
export function splitMembers(all: Uint32Array, workers: number, lockstep: boolean): Uint32Array[] {
  const count =
    lockstep || workers === 1
      ? workers
      : Math.max(workers, Math.min(workers * CHUNKS_PER_WORKER, Math.floor(all.length / MIN_CHUNK_MEMBERS)));
  return Array.from({ length: count }, (_, c) =>
    all.slice(Math.floor((c * all.length) / count), Math.floor(((c + 1) * all.length) / count)),
  );
}

/** 0, 1, …, n − 1. */
function everyMember(n: number): Uint32Array {
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  return all;
}

/** A worker of the pool and whether it is free. */
interface PooledWorker {
  worker: Worker;
  ready: Promise<void>;
}

/**
 * The run merged from its parts (mergeRunParts), with its events built only when first read. A
 * 10⁵-member run has ~7·10⁵ events: as objects they cost the main thread ~1 s to build and as much
 * again to collect, while the summary (and a command line writing no tracks) never reads them.
 * Read, they are exactly what mergeRunParts gives: each part's in order, then sorted by time and
 * member.
 */
function mergeParts(options: ParallelRunOptions, parts: PackedRunPart[], frames: Frame[]): RunResult {
  const bare = parts.map((p) => ({ ...p, events: [], analysisEvents: [] }) satisfies RunPart);
  const merged = mergeRunPartsUnsummarized(options.prepared, options.targets, bare, frames, options.ids);
  const summaryStarted = performance.now();
  const result: RunResult = { ...merged.result, summary: summarizeRun(merged.result, merged.runEndSec) };
  if (options.timing) options.timing.summaryMs = performance.now() - summaryStarted;
  const lazy = <E extends SimEvent | AnalysisEvent>(pick: (p: PackedRunPart) => PackedEvents) => {
    let list: E[] | null = null;
    return {
      enumerable: true,
      configurable: true,
      get: () => {
        if (!list) {
          list = [];
          for (const part of parts) appendAll(list, unpackEvents<E>(pick(part)));
          list.sort(byTimeThenMember);
        }
        return list;
      },
      set: (value: E[]) => {
        list = value;
      },
    };
  };
  Object.defineProperty(
    result,
    'events',
    lazy<SimEvent>((p) => p.events),
  );
  Object.defineProperty(
    result,
    'analysisEvents',
    lazy<AnalysisEvent>((p) => p.analysisEvents),
  );
  return result;
}

/**
 * Worker threads kept ready for runs. Starting a worker costs ~0.2–0.4 s (modules, then each run's
 * wind and geography), so a command line starts its pool before it reads its own inputs, and a
 * server keeps one for its lifetime. A run takes as many free workers as it asks for (waiting for
 * them when all are busy) and splits the members among them: streaming frames, one contiguous share
 * each, whose frames are merged in time order as soon as every share has sent one; otherwise in
 * chunks handed out as workers free up (splitMembers). Workers send their parts as typed arrays
 * (transferred, not cloned), merged in member order: the same seed gives the same result, bit for
 * bit, for any number of workers. Aborting a run cancels it in its workers, which then serve the next run.
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
    const startMs = performance.timeOrigin + performance.now();
    const n = options.prepared.simulation.members.count;
    // A loop, not Uint32Array.from with a mapping function (an iterator: ~10× slower for 10⁵ members).
    const all = options.ids ?? everyMember(n);
    const count = Math.max(1, Math.min(options.workers, this.size, all.length || 1));
    const lockstep = Boolean(options.onFrame || options.keepFrames);
    const chunks = splitMembers(all, count, lockstep);
    if (options.signal?.aborted) throw options.signal.reason;
    const workers = await this.acquire(count);
    try {
      await Promise.all(workers.map((w) => w.ready));
    } catch (error) {
      this.release(workers.map((w) => this.replace(w)));
      throw error;
    }
    return this.runChunks(options, chunks, workers, lockstep, startMs);
  }

  private runChunks(
    options: ParallelRunOptions,
    chunks: Uint32Array[],
    workers: PooledWorker[],
    lockstep: boolean,
    startMs: number,
  ): Promise<RunResult> {
    const n = options.prepared.simulation.members.count;
    const total = chunks.reduce((sum, c) => sum + c.length, 0);
    // The wind this thread decoded, shared with the workers: none of them reads the files again.
    const wind = describeSharedWind(options.prepared.wind);
    const timing = options.timing;
    if (timing) {
      timing.startMs = startMs;
      timing.workersStartMs = Number.POSITIVE_INFINITY;
      timing.workersEndMs = Number.NEGATIVE_INFINITY;
      timing.mergeMs = 0;
      timing.summaryMs = 0;
      timing.mergeCpuMs = 0;
      timing.chunks = chunks.length;
    }
    return new Promise<RunResult>((resolvePromise, reject) => {
      const parts: (PackedRunPart | null)[] = chunks.map(() => null);
      // The chunk each worker runs (−1: none; the worker is stopped) and the next chunk to hand out.
      const running = workers.map(() => -1);
      let nextChunk = 0;
      const progress = chunks.map(() => 0);
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
        if (!outcome || running.some((c) => c >= 0)) return;
        options.signal?.removeEventListener('abort', onAbort);
        this.release(workers);
        if (outcome.error) reject(outcome.error);
        else resolvePromise(outcome.result!);
      };
      const fail = (error: Error) => {
        if (outcome) return;
        outcome = { error };
        workers.forEach((w, k) => {
          if (running[k] >= 0) w.worker.postMessage({ type: 'cancel' } satisfies WorkerCommand);
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
            const mergeStarted = performance.now();
            const cpuStarted = timing ? process.cpuUsage() : null;
            const result = mergeParts(options, parts as PackedRunPart[], frames);
            if (timing) {
              const cpu = process.cpuUsage(cpuStarted!);
              timing.mergeCpuMs = (cpu.user + cpu.system) / 1000;
              timing.mergeMs = performance.now() - mergeStarted;
              timing.endMs = performance.timeOrigin + performance.now();
            }
            outcome = { error: null, result };
            settleIfStopped();
          }
        } catch (error) {
          // Thrown here (a failed write in onFrame, a failed merge), an error would escape and end
          // the process, leaving a command line's temporary files behind: it fails the run instead.
          fail(error as Error);
        }
      };
      /** Hands on the next frame if every chunk has sent it (lockstep); false when none is ready. */
      const flushOne = (): boolean => {
        if (!lockstep) return false;
        const entry = pending.get(nextFrame);
        if (!entry || entry.arrived < chunks.length) return false;
        pending.delete(nextFrame);
        const replies = entry.frames as Extract<RunReply, { type: 'frame' }>[];
        const frame = mergeFrames(
          n,
          replies.map((r, c) => ({ ids: chunks[c], frame: { tSec: r.tSec, positions: r.positions } })),
        );
        const events = replies.flatMap((r) => unpackEvents<SimEvent>(r.events)).sort(byTimeThenMember);
        const analysisEvents = replies
          .flatMap((r) => unpackEvents<AnalysisEvent>(r.analysisEvents))
          .sort(byTimeThenMember);
        if (events.length) options.onEvents?.(events);
        if (analysisEvents.length) options.onAnalysisEvents?.(analysisEvents);
        options.onFrame?.(frame);
        if (options.keepFrames) frames.push(frame);
        nextFrame++;
        return true;
      };
      /** Gives worker w the next chunk, or stops it when none is left (or the run has an outcome). */
      const assign = (w: number) => {
        if (outcome || nextChunk >= chunks.length) {
          running[w] = -1;
          return;
        }
        const c = nextChunk++;
        running[w] = c;
        const request: RunRequest = {
          scenario: options.scenario,
          baseDir: options.baseDir,
          ids: chunks[c],
          frames: lockstep,
          ...(wind ? { wind } : {}),
        };
        workers[w].worker.postMessage({ type: 'run', request } satisfies WorkerCommand);
      };
      const reportProgress = () => {
        if (outcome || !options.onProgress) return;
        // In lockstep the run is as far as its slowest chunk; chunks run one after another weigh
        // by their members.
        if (lockstep) options.onProgress(minOf(progress));
        else options.onProgress(progress.reduce((sum, f, c) => sum + f * chunks[c].length, 0) / total);
      };
      workers.forEach((pooled, w) => {
        const { worker } = pooled;
        worker.on('message', (reply: RunReply) => {
          const c = running[w];
          switch (reply.type) {
            case 'frame': {
              if (outcome || c < 0) return;
              const entry = pending.get(reply.index) ?? { frames: chunks.map(() => null), arrived: 0 };
              entry.frames[c] = reply;
              entry.arrived++;
              pending.set(reply.index, entry);
              queueFlush();
              return;
            }
            case 'progress':
              if (c >= 0) progress[c] = reply.fraction;
              reportProgress();
              return;
            case 'cancelled':
              running[w] = -1;
              settleIfStopped();
              return;
            case 'error':
              running[w] = -1;
              fail(errorOfWorker(reply, `worker ${w}: `));
              settleIfStopped();
              return;
            case 'done':
              if (c >= 0 && !outcome) {
                parts[c] = reply.part;
                progress[c] = 1;
                if (timing) {
                  timing.workersStartMs = Math.min(timing.workersStartMs, reply.span.startMs);
                  timing.workersEndMs = Math.max(timing.workersEndMs, reply.span.endMs);
                }
              }
              assign(w);
              // Once the last frames are handed on, the parts are merged (see flushSlice).
              if (parts.every((p) => p !== null)) queueFlush();
              settleIfStopped();
              return;
          }
        });
        const died = (error: Error) => {
          running[w] = -1;
          workers[w] = this.replace(pooled);
          fail(error);
          settleIfStopped();
        };
        worker.on('error', died);
        worker.on('exit', (code) => {
          if (running[w] >= 0) died(new Error(`worker ${w} stopped (exit code ${code}) before finishing`));
        });
        assign(w);
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
