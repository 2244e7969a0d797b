import { randomUUID } from 'node:crypto';
import type { ParallelRunOptions } from '@balloon-sim/node';
import type { AnalysisEvent, Frame, RunPart, RunResult, SimEvent } from '@balloon-sim/sim-core';
import {
  byTimeThenMember,
  InputError,
  mergeFrames,
  mergeRunParts,
  scenarioSize,
} from '@balloon-sim/sim-core';
import type { Redis } from 'ioredis';
import { DEFAULT_TTL_SEC, QueueClient } from './client.js';
import { decodeValue } from './codec.js';
import type { StreamEntry } from './frames.js';
import { describeInputs } from './inputs.js';
import { idsOfRanges, jobIdOf, jobKeyOf, type PartJob, rangesOf, splitMembers } from './jobs.js';
import type { QueueConfig } from './redis.js';

export interface QueueRunnerOptions {
  /** Frames a part may have unread in Redis before its worker waits (default 32). */
  window?: number;
  /** Put the input files' bytes in Redis for workers without them (see --ship-inputs). */
  shipInputs?: boolean;
}

type FrameEntry = Extract<StreamEntry, { type: 'frame' }>;

/**
 * A part of a streamed run that can no longer finish and said nothing on its stream: its job failed
 * for good because its workers were lost (killed, their machine or network gone) more times than a
 * job may stall (see MAX_STALLED), or it left the queue without a result. The run fails with it
 * rather than waiting for frames that will never come.
 */
export class PartLost extends Error {
  override name = 'PartLost';
}

/**
 * Runs a run on the queue's workers as node's WorkerPool runs it on threads, with the same options
 * and the same result, bit for bit: the members cut into `workers` contiguous parts, one job each;
 * each part's frames come back through a Redis stream of its own as its worker computes them, are
 * merged in time order (as soon as every part has sent a frame) and handed to onFrame; the parts'
 * results are merged at the end. What a server uses to share its runs with remote workers.
 *
 * Backpressure: a part's worker keeps at most `window` frames unread in Redis; this reader deletes
 * what it has read. Cancelling (the signal) marks the run cancelled in Redis, which stops its
 * workers between frames, and removes its jobs that have not started. A part retried on another
 * worker (a lost one) sends its frames again from the first: those already merged are skipped.
 */
export class QueueRunner {
  private closed = false;
  private constructor(
    private readonly client: QueueClient,
    private readonly options: QueueRunnerOptions,
  ) {}

  static async open(config: QueueConfig, options: QueueRunnerOptions = {}): Promise<QueueRunner> {
    return new QueueRunner(await QueueClient.open(config), options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }

  async run(options: ParallelRunOptions): Promise<RunResult> {
    const { client } = this;
    const { redis, keys } = client;
    const n = options.prepared.simulation.members.count;
    const all = options.ids ?? Uint32Array.from({ length: n }, (_, i) => i);
    const shares = splitMembers(all, Math.max(1, options.workers));
    const work = `srv-${randomUUID()}`;
    const inputs = await describeInputs(
      options.scenario,
      options.baseDir,
      this.options.shipInputs ? { redis, keys, ttlSec: DEFAULT_TTL_SEC } : undefined,
    );
    const wantFrames = Boolean(options.onFrame || options.keepFrames);
    const jobs: PartJob[] = shares.map((ids, k) => ({
      kind: 'part',
      work,
      key: jobKeyOf(k + 1, shares.length),
      scenario: options.scenario,
      baseDir: options.baseDir,
      inputs,
      // The server's own time of run and tool (its summary is made here, from options.prepared).
      context: {
        runTime: options.prepared.provenance?.runTime ?? undefined,
        tool: options.prepared.provenance?.tool,
        inputs: options.prepared.provenance?.inputs,
      },
      // A streamed run's results are read once, at its end: an hour is plenty.
      ttlSec: 3600,
      ranges: rangesOf(ids),
      frames: { window: this.options.window ?? 32 },
    }));
    const streamKeys = jobs.map((j) => keys.frames(work, j.key));
    const reader = client.duplicate();
    const cleanUp = async () => {
      reader.disconnect();
      await redis.del(...streamKeys, ...jobs.map((j) => keys.result(work, j.key))).catch(() => {});
    };
    try {
      for (const job of jobs)
        await client.queue.add(job.kind, job, {
          jobId: jobIdOf(job.work, job.key),
          attempts: 2,
          removeOnComplete: true,
          removeOnFail: { age: 3600 },
        });
      const { parts, frames } = await this.follow(options, reader, jobs, streamKeys, shares, wantFrames);
      return mergeRunParts(options.prepared, options.targets, parts, frames, options.ids);
    } catch (error) {
      // Stops the run's workers (they look for the key between frames) and its waiting jobs.
      await redis.set(keys.cancel(work), '1', 'EX', 3600).catch(() => {});
      for (const job of jobs)
        await client.queue
          .getJob(jobIdOf(job.work, job.key))
          .then((j) => j?.remove())
          .catch(() => {});
      throw error;
    } finally {
      await cleanUp();
    }
  }

  /** Reads the parts' streams until every part is done; hands merged frames on as they complete. */
  private async follow(
    options: ParallelRunOptions,
    reader: Redis,
    jobs: PartJob[],
    streamKeys: string[],
    shares: Uint32Array[],
    wantFrames: boolean,
  ): Promise<{ parts: RunPart[]; frames: Frame[] }> {
    const { redis, keys } = this.client;
    const n = options.prepared.simulation.members.count;
    const totalFrames = scenarioSize(options.scenario).frames;
    const lastIds = streamKeys.map(() => '0');
    const pending = shares.map(() => [] as FrameEntry[]);
    const received = shares.map(() => 0);
    const done = shares.map(() => false);
    const frames: Frame[] = [];
    let merged = 0;
    let lastStateCheck = Date.now();
    for (;;) {
      options.signal?.throwIfAborted();
      if (done.every(Boolean)) break;
      // A lost worker writes nothing: its job's state in the queue is what tells.
      if (Date.now() - lastStateCheck >= 1000) {
        lastStateCheck = Date.now();
        await this.failIfLost(jobs, done);
      }
      // Blocks at most a second, so that a cancelled run is heard.
      const reply = (await reader.xreadBuffer(
        'COUNT',
        64,
        'BLOCK',
        1000,
        'STREAMS',
        ...streamKeys,
        ...lastIds,
      )) as [Buffer, [Buffer, Buffer[]][]][] | null;
      if (!reply) continue;
      for (const [keyBytes, entries] of reply) {
        const p = streamKeys.indexOf(keyBytes.toString());
        const read: string[] = [];
        for (const [idBytes, fields] of entries) {
          const id = idBytes.toString();
          lastIds[p] = id;
          read.push(id);
          const entry = decodeValue<StreamEntry>(fields[1], `a frame of part ${jobs[p].key}`);
          if (entry.type === 'frame') {
            // A part taken again after its worker was lost sends its frames again from the first.
            if (entry.index < received[p]) continue;
            received[p] = entry.index + 1;
            pending[p].push(entry);
          } else if (entry.type === 'done') done[p] = true;
          else {
            const message = `part ${jobs[p].key} of the run failed: ${entry.message}`;
            throw entry.input ? new InputError(message, 'scenario', jobs[p].key) : new Error(message);
          }
        }
        // What is read is deleted: the worker's window counts what is still there.
        if (read.length > 0) await redis.xdel(streamKeys[p], ...read);
      }
      while (pending.every((q) => q.length > 0)) {
        const replies = pending.map((q) => q.shift()!);
        const frame = mergeFrames(
          n,
          replies.map((r, p) => ({ ids: shares[p], frame: { tSec: r.tSec, positions: r.positions } })),
        );
        const events: SimEvent[] = replies.flatMap((r) => r.events).sort(byTimeThenMember);
        const analysisEvents: AnalysisEvent[] = replies
          .flatMap((r) => r.analysisEvents)
          .sort(byTimeThenMember);
        if (events.length) options.onEvents?.(events);
        if (analysisEvents.length) options.onAnalysisEvents?.(analysisEvents);
        if (wantFrames) options.onFrame?.(frame);
        if (options.keepFrames) frames.push(frame);
        merged++;
        if (totalFrames > 0) options.onProgress?.(Math.min(1, merged / totalFrames));
      }
    }
    const parts = await Promise.all(
      jobs.map(async (job) => {
        const bytes = await redis.getBuffer(keys.result(job.work, job.key));
        if (!bytes) throw new Error(`the result of part ${job.key} of the run is missing from Redis`);
        const part = decodeValue<RunPart>(bytes, `the result of part ${job.key}`);
        const expected = idsOfRanges(job.ranges);
        if (part.ids.length !== expected.length || part.ids.some((i, k) => i !== expected[k]))
          throw new Error(`the result of part ${job.key} holds other members than the part's`);
        return part;
      }),
    );
    return { parts, frames };
  }

  /**
   * Throws for a part not done whose job failed for good (as the failure its worker recorded, an
   * InputError for bad input; PartLost when no worker recorded one: it was lost too many times) or
   * that left the queue without its result.
   */
  private async failIfLost(jobs: PartJob[], done: boolean[]): Promise<void> {
    const { client } = this;
    const { redis, keys } = client;
    for (const [p, job] of jobs.entries()) {
      if (done[p]) continue;
      const id = jobIdOf(job.work, job.key);
      const state = await client.queue.getJobState(id);
      if (state === 'failed') {
        const recorded = await redis.hget(keys.failures(job.work), job.key);
        if (recorded) {
          const failure = JSON.parse(recorded) as { message: string; input: boolean };
          const message = `part ${job.key} of the run failed: ${failure.message}`;
          throw failure.input ? new InputError(message, 'scenario', job.key) : new Error(message);
        }
        const reason = (await client.queue.getJob(id))?.failedReason ?? 'no reason kept';
        throw new PartLost(
          `part ${job.key} of the run failed for good: its workers were lost (${reason}); run it again`,
        );
      }
      // Finished jobs leave the queue (removeOnComplete) once their result is stored: only a job gone
      // without one is lost.
      if (state === 'unknown' && (await redis.exists(keys.result(job.work, job.key))) === 0)
        throw new PartLost(`part ${job.key} of the run left the queue without its result; run it again`);
    }
  }
}
