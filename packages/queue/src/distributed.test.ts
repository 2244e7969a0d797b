/**
 * A sweep on the queue against the same sweep on one machine, byte for byte: with three worker
 * processes on loopback; with one of them killed (SIGKILL) in the middle of a job; with the
 * coordinator stopped and started again (counting how often each job ran). Redis is Debian's
 * redis-server on a free port of 127.0.0.1, stopped at the end; each test has a queue of its own.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '@balloon-sim/node/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QueueClient } from './client.js';
import { jobCounts } from './coordinator.js';
import {
  FIXED_RUN_TIME_ENV,
  queueCliGroup,
  redisSkipReason,
  smallScenario,
  startRedis,
  stopQueueCli,
  type TestRedis,
  workerArgs,
} from './testing/index.js';

const skip = redisSkipReason();
if (skip) console.log(`skipped: the queue tests need Redis: ${skip}`);

// The default scenario made smaller (the machine running the tests may have 2 busy cores): 3 sites
// × 4 launch hours = 12 rows of 20 members, 6 h. Its wind file is named by its absolute path.
const JOBS = 6;
// Each test starts several processes that compute; none waits on a clock, but a busy machine is slow.
const TEST_TIMEOUT_MS = 180_000;

describe.skipIf(skip !== null)('a sweep on the queue', () => {
  let redis: TestRedis;
  let dir: string;
  let localCsv: string;
  let localJson: string;
  const { start, stopAll } = queueCliGroup();
  const worker = (queue: string, name: string, ...more: string[]) =>
    start([...workerArgs(redis.url, queue, { name }), ...more]);
  const coordinator = (queue: string, ...more: string[]) =>
    start(
      ['sweep', scenario, '--redis', redis.url, '--queue', queue, '--jobs', String(JOBS), ...more],
      FIXED_RUN_TIME_ENV,
    );

  let scenario: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'balloon-sim-queue-'));
    scenario = join(dir, 'small.json');
    writeFileSync(scenario, JSON.stringify(smallScenario({ members: 20, hours: 6 })));
    redis = await startRedis();
    // The reference: the same sweep on this machine, in one thread.
    const csv = cli(['sweep', scenario, '--workers', '1'], { env: FIXED_RUN_TIME_ENV });
    const json = cli(['sweep', scenario, '--workers', '1', '--format', 'json'], { env: FIXED_RUN_TIME_ENV });
    expect(csv.code, csv.stderr).toBe(0);
    expect(json.code, json.stderr).toBe(0);
    localCsv = csv.stdout;
    localJson = json.stdout;
    expect(JSON.parse(localJson).rows).toHaveLength(12);
  }, TEST_TIMEOUT_MS);

  afterEach(stopAll);

  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, TEST_TIMEOUT_MS);

  it(
    'three worker processes give the table of one machine, byte for byte (CSV and JSON)',
    async () => {
      for (const name of ['w1', 'w2', 'w3']) worker('three', name);
      const out = join(dir, 'three.csv');
      const first = coordinator('three', '--out', out);
      expect((await first.exited).code, first.stderr()).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(localCsv);
      expect(first.stderr()).toMatch(`${JOBS}/${JOBS} jobs done`);
      // The same sweep again: every result is in Redis, nothing is queued, the JSON table is the same.
      const again = coordinator('three', '--format', 'json');
      expect((await again.exited).code, again.stderr()).toBe(0);
      expect(again.stdout()).toBe(localJson);
      expect(again.stderr()).toMatch(`${JOBS} done before (not redone)`);
      const id = again.stderr().match(/sweep (sweep-\w+)/)![1];
      const client = await QueueClient.open({ redisUrl: redis.url, queueName: 'three' });
      try {
        const { finishes } = await jobCounts(client, id);
        expect(Object.keys(finishes)).toHaveLength(JOBS);
        expect(Object.values(finishes).every((n) => n === 1)).toBe(true);
      } finally {
        await client.close();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a worker killed (SIGKILL) in the middle of a job: its job goes to another, the table is the same',
    async () => {
      // Short locks, so that the lost job is found within seconds (the default is 60 s). So short a lock
      // may lapse on a busy machine while its worker lives: a job then runs twice (same bytes, stored
      // twice), so finishes are counted at least once here; exactly once is the restart test's.
      const victim = worker('kill', 'victim', '--lock-sec', '5');
      const out = join(dir, 'kill.csv');
      const sweep = coordinator('kill', '--out', out);
      // The victim is alone at first: it takes a job, and dies holding it.
      const [, jobId] = await victim.stderrMatching(/started (\S+)/);
      await stopQueueCli(victim, 'SIGKILL');
      const finishedBeforeDeath = victim.stderr().includes(`finished ${jobId}`);
      worker('kill', 'w2', '--lock-sec', '5');
      worker('kill', 'w3', '--lock-sec', '5');
      expect((await sweep.exited).code, sweep.stderr()).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(localCsv);
      const id = sweep.stderr().match(/sweep (sweep-\w+)/)![1];
      const key = jobId.slice(id.length + 1);
      const client = await QueueClient.open({ redisUrl: redis.url, queueName: 'kill' });
      try {
        const { starts, finishes } = await jobCounts(client, id);
        // Every job finished; the victim's job was started again elsewhere unless it had finished.
        expect(Object.keys(finishes)).toHaveLength(JOBS);
        expect(Object.values(finishes).every((n) => n >= 1)).toBe(true);
        if (!finishedBeforeDeath) expect(starts[key]).toBeGreaterThanOrEqual(2);
      } finally {
        await client.close();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a coordinator stopped and started again redoes no finished job',
    async () => {
      const out = join(dir, 'restart.csv');
      // The first coordinator queues the jobs and is killed; a worker does two of them and stops.
      const first = coordinator('restart', '--out', out);
      await first.stderrMatching(/on the queue/);
      await stopQueueCli(first, 'SIGKILL');
      const batch = worker('restart', 'batch', '--max-jobs', '2');
      expect((await batch.exited).code, batch.stderr()).toBe(0);
      expect(batch.stderr().match(/finished /g)).toHaveLength(2);
      // The second coordinator finds two results, queues nothing again; another worker does the rest.
      const second = coordinator('restart', '--out', out);
      worker('restart', 'rest');
      expect((await second.exited).code, second.stderr()).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(localCsv);
      const id = second.stderr().match(/sweep (sweep-\w+)/)![1];
      const client = await QueueClient.open({ redisUrl: redis.url, queueName: 'restart' });
      try {
        const { starts, finishes } = await jobCounts(client, id);
        expect(Object.values(finishes)).toEqual(Array(JOBS).fill(1));
        expect(Object.values(starts)).toEqual(Array(JOBS).fill(1));
      } finally {
        await client.close();
      }
      expect(second.stderr()).toMatch('2 done before (not redone)');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a run on the queue (member ranges) gives the summary of balloon-sim run, byte for byte',
    async () => {
      const local = cli(['run', scenario, '--workers', '1', '--json'], { env: FIXED_RUN_TIME_ENV });
      expect(local.code, local.stderr).toBe(0);
      for (const name of ['r1', 'r2']) worker('run', name);
      const queued = start(
        ['run', scenario, '--redis', redis.url, '--queue', 'run', '--jobs', '4', '--json'],
        FIXED_RUN_TIME_ENV,
      );
      expect((await queued.exited).code, queued.stderr()).toBe(0);
      expect(queued.stderr()).toMatch('4/4 jobs done');
      expect(queued.stdout()).toBe(local.stdout);
    },
    TEST_TIMEOUT_MS,
  );
});
