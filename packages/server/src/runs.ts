import { randomUUID } from 'node:crypto';
import {
  type BacktrackRequest,
  type BacktrackSummary,
  type ParallelRunOptions,
  WorkerPool,
} from '@balloon-sim/node';
import {
  type AnalysisEvent,
  byTimeThenMember,
  type Frame,
  isoTime,
  type PreparedRun,
  prepareRun,
  type RunResult,
  type SimEvent,
} from '@balloon-sim/sim-core';
import type { CheckedRun } from './checked-run.js';
import { ClientError, type Redact, RunCancelled } from './errors.js';
import type { Limits } from './options.js';

/** What a streaming client is told while its run goes. */
export interface RunHooks {
  /** A frame, with the events (simulation and analysis, in time order) found since the previous one. */
  onFrame?(index: number, frame: Frame, events: (SimEvent | AnalysisEvent)[]): void;
  onProgress?(fraction: number): void;
}

export interface RunRequest {
  checked: CheckedRun;
  /** Who asked (an IP address): the per-client limit counts by it. */
  clientId: string;
  workers: number;
  hooks?: RunHooks;
  /** Aborting it cancels the run (queued or running). */
  signal?: AbortSignal;
}

export type RunStatus = 'queued' | 'running' | 'done';

/** What GET /api/runs/:id says about a run. */
export interface RunInfo {
  id: string;
  status: RunStatus;
  members: number;
  steps: number;
  frames: number;
  workers: number;
  warnings: string[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

interface Job {
  info: RunInfo;
  clientId: string;
  hooks?: RunHooks;
  /** What the workers need; `prepared` is let go while the run waits (see submit). */
  work: Pick<CheckedRun, 'scenario' | 'baseDir' | 'wind' | 'targets' | 'context'> & {
    prepared: PreparedRun | null;
  };
  controller: AbortController;
  resolve(result: RunResult): void;
  reject(error: Error): void;
}

/** Finished runs, oldest evicted first once there are more than `maxRuns` or they weigh more than `maxBytes`. */
export class RunStore {
  private readonly runs = new Map<string, { info: RunInfo; result: RunResult; bytes: number }>();
  private bytes = 0;
  constructor(private readonly limits: Pick<Limits, 'maxStoredRuns' | 'maxStoredBytes'>) {}

  add(info: RunInfo, result: RunResult): void {
    // Frames dominate (12 bytes per member and frame); events and per-member records are small change.
    const n = result.status.length;
    const bytes =
      12 * n * result.frames.length + 100 * n + 64 * (result.events.length + result.analysisEvents.length);
    this.runs.set(info.id, { info, result, bytes });
    this.bytes += bytes;
    while (
      this.runs.size > 0 &&
      (this.runs.size > this.limits.maxStoredRuns || this.bytes > this.limits.maxStoredBytes)
    ) {
      const [oldest, entry] = this.runs.entries().next().value!;
      this.runs.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  get(id: string): { info: RunInfo; result: RunResult } | undefined {
    return this.runs.get(id);
  }

  get size(): number {
    return this.runs.size;
  }
}

const now = () => isoTime(Date.now() / 1000);

/**
 * What runs a run when it is not this server's worker pool: the queue's workers on other machines
 * (@balloon-sim/queue's QueueRunner), with the pool's options and the same result, frames included.
 */
export interface RunExecutor {
  run(options: ParallelRunOptions): Promise<RunResult>;
  close(): Promise<void>;
}

/** A back-track waiting for a slot: started when one frees, refused when the server closes. */
interface BacktrackWaiter {
  start(): void;
  refuse(error: Error): void;
}

/**
 * Runs clients' scenarios on worker threads — sim-core's WorkerPool, kept for the server's lifetime
 * (`poolWorkers` threads, started with the first run or by `startPool`), so a run does not pay for
 * starting threads; the event loop only merges frames and summarises. At most `maxActiveRuns` run
 * at once; the rest wait in a first-come queue of bounded length. Each client (IP address) may have
 * `maxRunsPerClient` runs waiting or running. Cancelling a run stops it in its workers (between
 * frames), which then serve the next run; closing terminates them all.
 */
export class RunManager {
  readonly store: RunStore;
  private readonly queue: Job[] = [];
  private readonly active = new Map<string, Job>();
  private readonly settling = new Set<Promise<unknown>>();
  private pool: WorkerPool | null = null;
  private closed = false;
  private backtracksActive = 0;
  private readonly backtrackQueue: BacktrackWaiter[] = [];

  constructor(
    private readonly limits: Limits,
    /** Runs go here instead of the pool (back-tracks stay on the pool). */
    private readonly executor: RunExecutor | null = null,
    /** Server paths in a summary (wind files, a forecast store) become their roots' labels. */
    private readonly redact: Redact = (text) => text,
  ) {
    this.store = new RunStore(limits);
  }

  counts(): { active: number; queued: number } {
    return { active: this.active.size, queued: this.queue.length };
  }

  /** Back-tracks computing on a worker (or waiting for a free one) and waiting for a slot. */
  backtrackCounts(): { active: number; queued: number } {
    return { active: this.backtracksActive, queued: this.backtrackQueue.length };
  }

  /**
   * Back-tracks detections on one of the pool's workers, never on the event loop: at most
   * `maxActiveBacktracks` at once, `maxQueuedBacktracks` more waiting in order; beyond that a
   * ClientError 503 with a Retry-After. `signal` takes a waiting back-track out of the queue (a
   * started one runs to its end: it is bounded and short).
   */
  async backtrack(request: BacktrackRequest, signal?: AbortSignal): Promise<BacktrackSummary> {
    await this.backtrackSlot(signal);
    try {
      return await this.startPool().backtrack(request, signal);
    } catch (error) {
      if (this.closed) throw new ClientError(503, 'server shutting down');
      throw error;
    } finally {
      // The slot goes straight to the next in line, so that no newcomer can take it in between.
      const next = this.backtrackQueue.shift();
      if (next) next.start();
      else this.backtracksActive--;
    }
  }

  private backtrackSlot(signal?: AbortSignal): Promise<void> {
    if (this.closed) throw new ClientError(503, 'server shutting down');
    const { maxActiveBacktracks, maxQueuedBacktracks } = this.limits;
    if (this.backtracksActive < maxActiveBacktracks) {
      this.backtracksActive++;
      return Promise.resolve();
    }
    if (this.backtrackQueue.length >= maxQueuedBacktracks) {
      // About a second per back-track ahead and slot: a maximal one takes 0.2–0.8 s on 2 cores.
      const retryAfterSec = Math.max(
        1,
        Math.ceil((this.backtracksActive + this.backtrackQueue.length) / maxActiveBacktracks),
      );
      throw new ClientError(
        503,
        `too many back-tracks at once: limits maxActiveBacktracks = ${maxActiveBacktracks} computing and maxQueuedBacktracks = ${maxQueuedBacktracks} waiting; retry in ${retryAfterSec} s`,
        retryAfterSec,
      );
    }
    if (signal?.aborted) throw signal.reason;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const k = this.backtrackQueue.indexOf(waiter);
        if (k >= 0) this.backtrackQueue.splice(k, 1);
        reject(signal?.reason);
      };
      const waiter: BacktrackWaiter = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        refuse: reject,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.backtrackQueue.push(waiter);
    });
  }

  /** Worker threads running something now. */
  get busyWorkers(): number {
    return this.pool?.busy ?? 0;
  }

  /** The pool's threads, started now if they are not yet. */
  startPool(): WorkerPool {
    if (this.closed) throw new ClientError(503, 'server shutting down');
    this.pool ??= new WorkerPool(this.limits.poolWorkers);
    return this.pool;
  }

  /** Queues a run (or starts it at once when a slot is free). Throws ClientError over a limit. */
  submit(request: RunRequest): { info: RunInfo; result: Promise<RunResult> } {
    if (this.closed) throw new ClientError(503, 'server shutting down');
    const { limits } = this;
    const mine = [...this.active.values(), ...this.queue].filter(
      (j) => j.clientId === request.clientId,
    ).length;
    if (mine >= limits.maxRunsPerClient)
      throw new ClientError(
        429,
        `too many runs for this client: limit maxRunsPerClient = ${limits.maxRunsPerClient} (running or queued)`,
      );
    if (this.active.size >= limits.maxActiveRuns && this.queue.length >= limits.maxQueuedRuns)
      throw new ClientError(503, `run queue is full: limit maxQueuedRuns = ${limits.maxQueuedRuns}`);
    if (request.signal?.aborted) throw new RunCancelled('run cancelled');
    const { checked } = request;
    const info: RunInfo = {
      id: randomUUID(),
      status: 'queued',
      members: checked.members,
      steps: checked.steps,
      frames: checked.frames,
      workers: Math.max(
        1,
        Math.min(request.workers, limits.maxWorkersPerRun, limits.poolWorkers, checked.members),
      ),
      warnings: checked.warnings,
      createdAt: now(),
      startedAt: null,
      finishedAt: null,
    };
    const { scenario, baseDir, wind, targets, prepared, context } = checked;
    let job!: Job;
    const result = new Promise<RunResult>((resolve, reject) => {
      job = {
        info,
        clientId: request.clientId,
        hooks: request.hooks,
        work: { scenario, baseDir, wind, targets, prepared, context },
        controller: new AbortController(),
        resolve,
        reject,
      };
    });
    const onAbort = () => this.cancel(info.id);
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const forget = () => request.signal?.removeEventListener('abort', onAbort);
    result.then(forget, forget);
    this.queue.push(job);
    this.pump();
    // A waiting run keeps its document, not its members (≈100 bytes each): the queue's memory stays
    // that of its documents, and preparing again when it starts gives the same members (seeded).
    if (info.status === 'queued') job.work.prepared = null;
    return { info, result };
  }

  /** Cancels a queued or running run; its workers stop it. False when there is no such run. */
  cancel(id: string, reason = 'run cancelled'): boolean {
    const queued = this.queue.findIndex((j) => j.info.id === id);
    if (queued >= 0) {
      const [job] = this.queue.splice(queued, 1);
      job.reject(new RunCancelled(reason));
      return true;
    }
    const job = this.active.get(id);
    if (!job) return false;
    job.controller.abort(new RunCancelled(reason));
    return true;
  }

  info(id: string): RunInfo | undefined {
    return (
      this.active.get(id)?.info ?? this.queue.find((j) => j.info.id === id)?.info ?? this.store.get(id)?.info
    );
  }

  /** Cancels everything, waits until every run has stopped, then terminates the worker threads. */
  async close(reason = 'server shutting down'): Promise<void> {
    this.closed = true;
    for (const waiter of this.backtrackQueue.splice(0)) waiter.refuse(new ClientError(503, reason));
    for (const job of [...this.queue]) this.cancel(job.info.id, reason);
    for (const id of [...this.active.keys()]) this.cancel(id, reason);
    await Promise.allSettled([...this.settling]);
    await this.pool?.close();
    await this.executor?.close();
  }

  private pump(): void {
    while (this.active.size < this.limits.maxActiveRuns && this.queue.length > 0)
      this.start(this.queue.shift()!);
  }

  private start(job: Job): void {
    const { info, hooks, work, controller } = job;
    info.status = 'running';
    info.startedAt = now();
    this.active.set(info.id, job);
    let index = 0;
    let events: (SimEvent | AnalysisEvent)[] = [];
    // A loop, not push(...found): a frame of a large run can hold more events than a call has arguments.
    const collect = (found: (SimEvent | AnalysisEvent)[]) => {
      for (const e of found) events.push(e);
    };
    // Async, so that anything thrown while starting rejects this run instead of escaping from submit.
    const running = (async () =>
      (this.executor ?? this.startPool()).run({
        scenario: work.scenario,
        baseDir: work.baseDir,
        prepared: work.prepared ?? prepareRun(work.scenario, work.wind, work.context),
        targets: work.targets,
        workers: info.workers,
        keepFrames: true,
        signal: controller.signal,
        onEvents: collect,
        onAnalysisEvents: collect,
        onFrame: (frame) => {
          const found = events.sort(byTimeThenMember);
          events = [];
          hooks?.onFrame?.(index++, frame, found);
        },
        onProgress: hooks?.onProgress,
      }))().then(
      (computed) => {
        info.status = 'done';
        info.finishedAt = now();
        // Paths sit in strings only (the wind's description, the pinned scenario's store): rewriting
        // the JSON text keeps it valid.
        const result = { ...computed, summary: JSON.parse(this.redact(JSON.stringify(computed.summary))) };
        this.store.add(info, result);
        job.resolve(result);
      },
      (error: Error) => job.reject(error),
    );
    const settled = running.finally(() => {
      this.active.delete(info.id);
      this.settling.delete(settled);
      if (!this.closed) this.pump();
    });
    this.settling.add(settled);
  }
}
