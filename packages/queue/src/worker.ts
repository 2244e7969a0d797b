import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadScenarioTargets, loadScenarioWind, runSweep, WorkerPool } from '@balloon-sim/node';
import type {
  AnalysisEvent,
  AnalysisTargets,
  RunPart,
  Scenario,
  SimEvent,
  WindField,
} from '@balloon-sim/sim-core';
import { DecodeError, InputError, prepareRun, runPart } from '@balloon-sim/sim-core';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { encodeValue } from './codec.js';
import { FramePublisher } from './frames.js';
import { InputsRefused, localScenario, type WorkerFiles, withJobStores } from './inputs.js';
import { idsOfRanges, type JobData, type PartJob } from './jobs.js';
import { openRedis, type QueueConfig, QueueKeys } from './redis.js';

/**
 * How long a worker holds a job without renewing its lock, s. The worker renews it every half of
 * this while the job runs; its threads compute and its event loop stays free, so even a long job
 * keeps its lock. A worker that is killed, loses its machine or its network stops renewing: its job
 * goes back to the queue once the lock expires and a stalled-job check (every half of this, by any
 * other worker) finds it, at most 1.5 × this later; a job that stalls 3 times (one that kills its
 * workers) fails instead of going round for ever.
 */
export const DEFAULT_LOCK_SEC = 60;
/** Times a job may stall (lose its worker) and be taken again before it fails. */
export const MAX_STALLED = 2;

export interface QueueWorkerOptions {
  config: QueueConfig;
  /** Worker threads of its own pool, when `pool` is not given (default: every core). */
  threads?: number;
  /** A pool to compute on (a server's), instead of one of its own. */
  pool?: WorkerPool;
  /** Jobs at once (each on one thread of the pool); default the pool's size. */
  concurrency?: number;
  /** See WorkerFiles. */
  pathMap?: [string, string][];
  cacheDir: string;
  lockSec?: number;
  /** Stop after starting this many jobs (a batch slot's worth), once they are finished. */
  maxJobs?: number;
  /** For messages and the record of who ran what (default host:pid). */
  name?: string;
  log?: (text: string) => void;
}

/** A job's outcome as the worker returns it to BullMQ (kept in the job for inspection). */
export interface JobOutcome {
  worker: string;
  bytes?: number;
  cancelled?: boolean;
}

type Inputs = { wind: WindField; targets: AnalysisTargets };

/**
 * A queue worker: takes jobs (sweep rows, members of a run) from the BullMQ queue, checks that its
 * inputs are the coordinator's (see localScenario), computes them on its worker threads and stores
 * each result in Redis, where the coordinator merges them. Counts every start and finish of each
 * job (`starts`, `finishes` of a work), so that redone work can be seen.
 */
export class QueueWorker {
  readonly name: string;
  /** Resolves when the worker has stopped (close, or maxJobs done). */
  readonly stopped: Promise<void>;
  private worker!: Worker<JobData, JobOutcome>;
  private started = 0;
  private closing: Promise<void> | null = null;
  private stop!: () => void;
  /** The last inputs read, by what they were read from: jobs of one work share them. */
  private readonly inputsCache = new Map<string, Promise<Inputs>>();

  private constructor(
    private readonly options: QueueWorkerOptions,
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
    private readonly pool: WorkerPool,
    private readonly ownPool: boolean,
  ) {
    this.name = options.name ?? `${hostname()}:${process.pid}`;
    this.stopped = new Promise((resolve) => {
      this.stop = resolve;
    });
  }

  static async start(options: QueueWorkerOptions): Promise<QueueWorker> {
    const redis = await openRedis(options.config.redisUrl);
    const keys = new QueueKeys(options.config);
    const pool = options.pool ?? new WorkerPool(options.threads);
    const self = new QueueWorker(options, redis, keys, pool, !options.pool);
    const lockMs = 1000 * (options.lockSec ?? DEFAULT_LOCK_SEC);
    self.worker = new Worker<JobData, JobOutcome>(
      keys.queueName,
      (job, _token, signal) => self.process(job, signal),
      {
        connection: redis,
        prefix: keys.prefix,
        concurrency: options.concurrency ?? pool.size,
        lockDuration: lockMs,
        stalledInterval: Math.max(500, lockMs / 2),
        maxStalledCount: MAX_STALLED,
        name: self.name,
      },
    );
    // Connection trouble is reported here; ioredis reconnects and BullMQ carries on.
    self.worker.on('error', (error) => self.log(`error: ${error.message}`));
    await self.worker.waitUntilReady();
    return self;
  }

  private log(text: string): void {
    this.options.log?.(`worker ${this.name}: ${text}`);
  }

  /** Stops taking jobs and waits for those running (`force`: leaves them; they stall and go to others). */
  close(force = false): Promise<void> {
    this.closing ??= (async () => {
      await this.worker.close(force);
      if (this.ownPool) await this.pool.close();
      this.redis.disconnect();
      this.stop();
    })();
    return this.closing;
  }

  private inputsOf(scenario: Scenario, baseDir: string): Promise<Inputs> {
    const key = JSON.stringify([baseDir, scenario.wind, scenario.zones ?? null]);
    let inputs = this.inputsCache.get(key);
    if (!inputs) {
      inputs = (async () => ({
        wind: await loadScenarioWind(scenario.wind, baseDir),
        targets: await loadScenarioTargets(scenario, baseDir),
      }))();
      inputs.catch(() => this.inputsCache.delete(key));
      this.inputsCache.set(key, inputs);
      // Two kept: a season's worker alternates between nights now and then.
      for (const old of [...this.inputsCache.keys()].slice(0, -2)) this.inputsCache.delete(old);
    }
    return inputs;
  }

  private async process(job: Job<JobData, JobOutcome>, signal?: AbortSignal): Promise<JobOutcome> {
    const data = job.data;
    const { keys, redis } = this;
    this.started++;
    // The last job of a batch slot: no job is taken after it (close waits for those running).
    if (this.options.maxJobs !== undefined && this.started >= this.options.maxJobs) void this.close();
    await redis.hincrby(keys.starts(data.work), data.key, 1);
    const began = performance.now();
    this.log(`started ${job.id} (${describeJob(data)}, attempt ${job.attemptsMade + 1})`);
    const files: WorkerFiles = {
      pathMap: this.options.pathMap ?? [],
      cacheDir: this.options.cacheDir,
      redis,
      keys,
      name: this.name,
    };
    let publisher: FramePublisher | null = null;
    try {
      const scenario = await localScenario(data.scenario, data.inputs, files);
      const inputs = await this.inputsOf(scenario, data.baseDir);
      let result: string | Buffer;
      if (data.kind === 'sweep') {
        const table = await runSweep({
          scenario,
          baseDir: data.baseDir,
          shard: data.shard,
          fingerprint: data.fingerprint,
          context: data.context,
          inputs,
          workers: 1,
          pool: this.pool,
          signal,
        });
        // Recorded with the job's forecast stores, not the folder this worker read the cycle from
        // (its files checked against the coordinator's hashes), so every shard's provenance agrees.
        const asRun = table.provenance?.scenario;
        if (asRun) asRun.wind = withJobStores(asRun.wind, data.scenario.wind);
        result = JSON.stringify(table);
      } else {
        const cancelled = { value: false };
        publisher = data.frames
          ? new FramePublisher(
              redis,
              keys.frames(data.work, data.key),
              data.frames.window,
              () => cancelled.value,
              keys.cancel(data.work),
            )
          : null;
        const part = await this.runPart(data, scenario, inputs, publisher, cancelled, signal);
        if (!part) {
          this.log(`cancelled ${job.id} (its coordinator cancelled the run)`);
          return { worker: this.name, cancelled: true };
        }
        result = encodeValue(part);
      }
      // Together: a worker lost between the two would count a finish without its result, or the reverse.
      await redis
        .multi()
        .set(keys.result(data.work, data.key), result, 'EX', data.ttlSec)
        .hincrby(keys.finishes(data.work), data.key, 1)
        .exec();
      if (publisher) {
        publisher.push({ type: 'done' });
        await publisher.flushed();
      }
      this.log(`finished ${job.id} in ${((performance.now() - began) / 1000).toFixed(1)} s`);
      return { worker: this.name, bytes: result.length };
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      const input =
        error instanceof InputError || error instanceof DecodeError || error instanceof InputsRefused;
      const last = input || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.log(`${last ? 'failed' : 'failed (to be retried)'} ${job.id}: ${message}`);
      if (last) {
        await redis.hset(
          keys.failures(data.work),
          data.key,
          JSON.stringify({ message, input, worker: this.name }),
        );
        publisher?.push({ type: 'failed', message, input });
        await publisher?.flushed().catch(() => {});
      }
      // Bad input fails the same way on every worker: no retry.
      if (input) throw new UnrecoverableError(message);
      throw error;
    }
  }

  /** Runs a part's members on one thread; null when its coordinator cancelled the run. */
  private async runPart(
    data: PartJob,
    scenario: Scenario,
    inputs: Inputs,
    publisher: FramePublisher | null,
    cancelled: { value: boolean },
    signal?: AbortSignal,
  ): Promise<RunPart | null> {
    const prepared = prepareRun(scenario, inputs.wind, data.context);
    const ids = idsOfRanges(data.ranges);
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort);
    // A streamed run's coordinator (a server whose client cancelled or went away) sets the key.
    const cancelKey = this.keys.cancel(data.work);
    const watch = publisher
      ? setInterval(() => {
          this.redis.exists(cancelKey).then(
            (n) => {
              if (n > 0 && !cancelled.value) {
                cancelled.value = true;
                controller.abort(new Error('run cancelled by its coordinator'));
              }
            },
            () => {},
          );
        }, 250)
      : null;
    let events: SimEvent[] = [];
    let analysisEvents: AnalysisEvent[] = [];
    let index = 0;
    try {
      const result = await this.pool.run({
        scenario,
        baseDir: data.baseDir,
        prepared,
        targets: inputs.targets,
        workers: 1,
        ids,
        signal: controller.signal,
        keepFrames: false,
        ...(publisher
          ? {
              onEvents: (found: SimEvent[]) => {
                for (const e of found) events.push(e);
              },
              onAnalysisEvents: (found: AnalysisEvent[]) => {
                for (const e of found) analysisEvents.push(e);
              },
              onFrame: (frame: { tSec: number; positions: Float32Array }) => {
                // The pool hands frames of the whole run (NaN elsewhere): only this part's members travel.
                const positions = new Float32Array(3 * ids.length);
                for (let p = 0; p < ids.length; p++) {
                  const i = ids[p];
                  positions[3 * p] = frame.positions[3 * i];
                  positions[3 * p + 1] = frame.positions[3 * i + 1];
                  positions[3 * p + 2] = frame.positions[3 * i + 2];
                }
                publisher.push({
                  type: 'frame',
                  index: index++,
                  tSec: frame.tSec,
                  positions,
                  events,
                  analysisEvents,
                });
                events = [];
                analysisEvents = [];
              },
            }
          : {}),
      });
      return runPart(result, Date.parse(result.summary.end) / 1000);
    } catch (error) {
      if (cancelled.value) return null;
      throw error;
    } finally {
      if (watch) clearInterval(watch);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

function describeJob(data: JobData): string {
  if (data.kind === 'sweep')
    return data.shard ? `sweep rows ${data.shard.index}/${data.shard.count}` : 'a whole sweep';
  const members = data.ranges.reduce((sum, [from, to]) => sum + (to - from), 0);
  return `${members} members${data.frames ? ', streamed' : ''}`;
}
