import { InputError } from '@balloon-sim/sim-core';
import { JOB_ATTEMPTS, type QueueClient } from './client.js';
import { type JobData, jobIdOf } from './jobs.js';

/** A piece of work cut into jobs: a sweep, a run, a season's night and hour. */
export interface Work {
  /** Deterministic (from its inputs, see contentId) or given by a person (`--id`). */
  id: string;
  /** What the results depend on, hashed: a coordinator resuming `id` must bring the same. */
  content: string;
  /** For messages: "sweep", "run". */
  what: string;
  jobs: JobData[];
}

export interface CoordinateOptions {
  signal?: AbortSignal;
  /** Progress and notes for a person (stderr). */
  note?: (text: string) => void;
  /** How long results and finished jobs stay in Redis, s. */
  ttlSec: number;
  /** Called with each job's result as it is found (in any order). */
  onResult?: (job: JobData, bytes: Buffer) => void | Promise<void>;
  /** Time between looks at the queue, ms (default 200). */
  pollMs?: number;
}

/** A job failed for good: its work cannot be finished. */
export class JobFailed extends Error {
  override name = 'JobFailed';
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Puts a work's jobs on the queue and waits for their results; returns them in job order. Jobs
 * whose result is already in Redis are not queued again (a resumed coordinator redoes no finished
 * job), jobs already waiting or running are left as they are (ids are deterministic, so adding one
 * again is a no-op), and jobs that had failed for good are retried. A job that fails for good
 * (after its attempts, or at once for bad input) stops the coordinator with its message, as an
 * InputError when the input was at fault; the other jobs go on, and their results stay for the next
 * attempt. Stopping the coordinator (its signal) leaves the jobs to the workers.
 */
export async function coordinate(
  client: QueueClient,
  work: Work,
  options: CoordinateOptions,
): Promise<Buffer[]> {
  const { redis, keys } = client;
  const note = options.note ?? (() => {});
  const label = `${work.what} ${work.id}`;
  // The first coordinator of a work records what it depends on; a later one must match it.
  const manifest = keys.work(work.id);
  const claimed = await redis.set(manifest, work.content, 'EX', options.ttlSec, 'NX');
  if (claimed === null) {
    const recorded = await redis.get(manifest);
    if (recorded !== null && recorded !== work.content)
      throw new InputError(
        `${label} was started with other inputs (scenario, files, options or job count differ): choose another --id, or wait until its results expire`,
        'id',
        work.id,
      );
    await redis.expire(manifest, options.ttlSec);
  }
  const resultKey = (job: JobData) => keys.result(job.work, job.key);
  const exists = async (jobs: JobData[]) => {
    const pipeline = redis.pipeline();
    for (const job of jobs) pipeline.exists(resultKey(job));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, n]) => !error && n === 1);
  };
  const results = new Map<JobData, Buffer>();
  const take = async (job: JobData) => {
    const bytes = await redis.getBuffer(resultKey(job));
    // Expired between the two looks: it is queued again.
    if (bytes === null) return false;
    results.set(job, bytes);
    await options.onResult?.(job, bytes);
    return true;
  };
  const initially = await exists(work.jobs);
  let waiting: JobData[] = [];
  // A result already stored is taken as it is: its job is not queued again (not redone).
  for (const [k, job] of work.jobs.entries()) if (!initially[k] || !(await take(job))) waiting.push(job);
  let done = work.jobs.length - waiting.length;
  for (const job of waiting) await enqueue(client, job, options.ttlSec, note);
  // Said once every job is on the queue: a coordinator stopped after this line left nothing undone.
  note(
    `${label}: ${work.jobs.length} jobs` +
      (done > 0 ? `, ${done} done before (not redone)` : '') +
      (waiting.length > 0 ? `, ${waiting.length} on the queue ${client.keys.queueName}` : ''),
  );
  let lastStateCheck = 0;
  while (waiting.length > 0) {
    await sleep(options.pollMs ?? 200, options.signal);
    const found = await exists(waiting);
    const still: JobData[] = [];
    for (const [k, job] of waiting.entries()) {
      if (found[k] && (await take(job))) done++;
      else still.push(job);
    }
    if (still.length < waiting.length) note(`${label}: ${done}/${work.jobs.length} jobs done`);
    waiting = still;
    // Failures are rarer than progress: looked for once a second.
    if (waiting.length > 0 && Date.now() - lastStateCheck > 1000) {
      lastStateCheck = Date.now();
      for (const job of waiting) await failIfFailed(client, job, label);
    }
  }
  return work.jobs.map((job) => results.get(job)!);
}

/** Adds a job unless it is on the queue already; retries it when it had failed for good. */
async function enqueue(client: QueueClient, job: JobData, ttlSec: number, note: (text: string) => void) {
  const id = jobIdOf(job.work, job.key);
  const state = await client.queue.getJobState(id);
  if (state === 'failed') {
    const existing = await client.queue.getJob(id);
    note(`${job.work}: job ${job.key} had failed (${existing?.failedReason ?? 'no reason kept'}): retried`);
    await client.redis.hdel(client.keys.failures(job.work), job.key);
    await existing?.retry('failed');
    return;
  }
  // A job finished whose result is gone (expired or removed) is done again.
  if (state === 'completed') await (await client.queue.getJob(id))?.remove();
  else if (state !== 'unknown') return;
  await client.queue.add(job.kind, job, {
    jobId: id,
    attempts: JOB_ATTEMPTS,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: true,
    removeOnFail: { age: ttlSec },
  });
}

async function failIfFailed(client: QueueClient, job: JobData, label: string): Promise<void> {
  const id = jobIdOf(job.work, job.key);
  if ((await client.queue.getJobState(id)) !== 'failed') return;
  const recorded = await client.redis.hget(client.keys.failures(job.work), job.key);
  const failure = recorded
    ? (JSON.parse(recorded) as { message: string; input: boolean; worker: string })
    : {
        message: (await client.queue.getJob(id))?.failedReason ?? 'no reason kept',
        input: false,
        worker: '?',
      };
  const message = `${label}: job ${job.key} failed for good on worker ${failure.worker}: ${failure.message}`;
  if (failure.input) throw new InputError(message, 'job', job.key);
  throw new JobFailed(`${message}; run the coordinator again to retry it (finished jobs are kept)`);
}

/** How many times each job of a work was started and finished, by job key (what was redone shows here). */
export async function jobCounts(
  client: QueueClient,
  workId: string,
): Promise<{ starts: Record<string, number>; finishes: Record<string, number> }> {
  const numbers = (hash: Record<string, string>) =>
    Object.fromEntries(Object.entries(hash).map(([k, v]) => [k, Number(v)]));
  return {
    starts: numbers(await client.redis.hgetall(client.keys.starts(workId))),
    finishes: numbers(await client.redis.hgetall(client.keys.finishes(workId))),
  };
}
