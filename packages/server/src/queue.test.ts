/**
 * A server whose runs go to the queue (queueRedisUrl, QUEUE_REDIS_URL): a client's run is computed
 * by a queue worker (in this process here, on other machines in use) and streamed to the client as
 * the local pool streams it: accepted, frames in order, the library's summary and tracks, done. A
 * client that goes away cancels the run. Redis: Debian's redis-server on a free port, stopped after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadScenarioTargets, loadScenarioWind, readScenarioFile, runContext } from '@balloon-sim/node';
import { MAX_STALLED, QueueWorker } from '@balloon-sim/queue';
import {
  redisSkipReason,
  startQueueCli,
  startRedis,
  stopQueueCli,
  type TestRedis,
  workerArgs,
} from '@balloon-sim/queue/testing';
import { geoJson, prepareRun, runPrepared, runTracks, type Scenario } from '@balloon-sim/sim-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionsFromEnv } from './options.js';
import { eventually, StreamClient, startServer } from './testing/client.js';

const SCENARIOS = resolve(import.meta.dirname, '../../../fixtures/scenarios');
const TEST_TIMEOUT_MS = 180_000;
/** The time of run the library's run records; the server records when it accepted its run. */
const LIBRARY_RUN_TIME = '2025-10-24T18:00:00.000Z';
const skip = redisSkipReason();

/** The bundled default scenario with `members` per launch and, where given, another solver step. */
async function defaultScenario({ members, dtSec }: { members: number; dtSec?: number }): Promise<Scenario> {
  const { scenario } = await readScenarioFile(resolve(SCENARIOS, 'default.json'));
  return {
    ...scenario,
    ensemble: { ...scenario.ensemble, members },
    solver: dtSec === undefined ? scenario.solver : { ...scenario.solver, dtSec },
  };
}

/** The library's run of `doc`, with the provenance the server gives (its tool, the files by hash). */
async function libraryRun(doc: Scenario) {
  const wind = await loadScenarioWind(doc.wind, SCENARIOS);
  const context = await runContext(doc, SCENARIOS, LIBRARY_RUN_TIME);
  return runPrepared(prepareRun(doc, wind, context), { targets: await loadScenarioTargets(doc, SCENARIOS) });
}

/**
 * What a client that got its run's end was streamed: every frame once, in order, then the library's
 * summary and tracks (the time of run set to the library's: the server records when it accepted).
 */
async function expectLibraryRun(client: StreamClient, library: Awaited<ReturnType<typeof libraryRun>>) {
  const frames = client.messages.flatMap((m) =>
    m.kind === 'json' && m.data.type === 'frame' ? [m.data.index as number] : [],
  );
  expect(frames).toEqual([...Array(49).keys()]);
  const { summary } = (await client.json('summary')) as unknown as {
    summary: { provenance: { runTime: string } };
  };
  // The server records when it accepted the run: a time, here set to the library's.
  expect(Number.isFinite(Date.parse(summary.provenance.runTime))).toBe(true);
  summary.provenance.runTime = LIBRARY_RUN_TIME;
  expect(summary).toEqual(JSON.parse(JSON.stringify(library.summary)));
  // The tracks carry the provenance of the accepted message: the same, at the server's time.
  const tracks = client.tracks();
  expect(tracks.provenance?.wind.files).toEqual(library.prepared.provenance?.wind.files);
  tracks.provenance = { ...tracks.provenance!, runTime: LIBRARY_RUN_TIME };
  expect(JSON.stringify(geoJson(tracks))).toBe(JSON.stringify(geoJson(runTracks(library))));
}

describe.skipIf(skip !== null)('a server handing its runs to the queue', () => {
  let redis: TestRedis;
  let worker: QueueWorker;
  let server: Awaited<ReturnType<typeof startServer>>;
  let cache: string;
  const log: string[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    cache = mkdtempSync(join(tmpdir(), 'balloon-sim-server-queue-'));
    worker = await QueueWorker.start({
      config: { redisUrl: redis.url, queueName: 'server' },
      threads: 2,
      cacheDir: cache,
      log: (line) => log.push(line),
    });
    server = await startServer({
      queueRedisUrl: redis.url,
      queueName: 'server',
      // The cancelled run is long (1 s steps): cancelled early, it is far from its end.
      limits: { maxMemberSteps: 100_000_000 },
    });
    await server.app.balloonSim.warmUp();
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await server?.app.close();
    await worker?.close(true);
    await redis?.stop();
    rmSync(cache, { recursive: true, force: true });
  });

  it(
    'streams the run the queue computed: the library summary and tracks, frames in order',
    async () => {
      const doc = await defaultScenario({ members: 10 });
      const library = await libraryRun(doc);
      const client = await StreamClient.connect(server.ws);
      try {
        client.send({ type: 'run', scenario: doc, workers: 2 });
        const done = await client.end(TEST_TIMEOUT_MS);
        expect(done.type, JSON.stringify(done)).toBe('done');
        await expectLibraryRun(client, library);
      } finally {
        client.close();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a client that goes away cancels its run on the queue',
    async () => {
      // 480 members (JSON frames), 28 800 steps.
      const doc = await defaultScenario({ members: 40, dtSec: 1 });
      const client = await StreamClient.connect(server.ws);
      client.send({ type: 'run', scenario: doc, workers: 2 });
      await client.json('accepted');
      // The second frame comes from the workers: the run is on the queue.
      await client.next(
        (m) => m.kind === 'json' && m.data.type === 'frame' && m.data.index === 1,
        TEST_TIMEOUT_MS,
      );
      client.close();
      await eventually(async () => {
        const health = (await (await fetch(`${server.http}/api/health`)).json()) as {
          runs: { active: number; queued: number };
        };
        return health.runs.active === 0 && health.runs.queued === 0;
      }, 60_000);
      // Its parts stopped on the worker, between frames, rather than running to their end.
      await eventually(() => log.some((line) => /cancelled .*its coordinator cancelled/.test(line)), 60_000);
    },
    TEST_TIMEOUT_MS,
  );
});

/**
 * Workers are separate processes here, killed (SIGKILL) holding the run's part: a lost machine. Short
 * locks (1–2 s) so that the lost part is found within seconds; none of it is a timing assertion.
 */
describe.skipIf(skip !== null)('a server whose queue worker dies in the middle of a streamed run', () => {
  let redis: TestRedis;
  let server: Awaited<ReturnType<typeof startServer>>;
  let cache: string;

  beforeAll(async () => {
    redis = await startRedis();
    cache = mkdtempSync(join(tmpdir(), 'balloon-sim-server-lost-'));
    server = await startServer({
      queueRedisUrl: redis.url,
      queueName: 'lost',
      limits: { maxMemberSteps: 100_000_000 },
    });
    await server.app.balloonSim.warmUp();
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await server?.app.close();
    await redis?.stop();
    rmSync(cache, { recursive: true, force: true });
  });

  const worker = (name: string, lockSec: number) =>
    startQueueCli(workerArgs(redis.url, 'lost', { name, lockSec, cacheDir: cache }));

  it(
    'its part goes to another worker: the client still gets every frame once, in order, and the library summary',
    async () => {
      // 120 members of 2 s steps: long enough that the first worker is killed while it computes.
      const doc = await defaultScenario({ members: 10, dtSec: 2 });
      const library = await libraryRun(doc);
      const victim = worker('victim', 2);
      const client = await StreamClient.connect(server.ws);
      const log: string[] = [];
      let rescuer: QueueWorker | null = null;
      try {
        client.send({ type: 'run', scenario: doc, workers: 1 });
        await victim.stderrMatching(/started \S+/);
        // A frame computed by the victim reached the client: the run is under way when it dies.
        await client.next(
          (m) => m.kind === 'json' && m.data.type === 'frame' && m.data.index === 1,
          TEST_TIMEOUT_MS,
        );
        await stopQueueCli(victim, 'SIGKILL');
        const finishedBeforeDeath = victim.stderr().includes('finished ');
        rescuer = await QueueWorker.start({
          config: { redisUrl: redis.url, queueName: 'lost' },
          threads: 1,
          cacheDir: cache,
          lockSec: 2,
          name: 'rescuer',
          log: (line) => log.push(line),
        });
        const done = await client.end(TEST_TIMEOUT_MS);
        expect(done.type, JSON.stringify(done)).toBe('done');
        if (!finishedBeforeDeath) expect(log).toContainEqual(expect.stringMatching(/: started .*attempt/));
        await expectLibraryRun(client, library);
      } finally {
        client.close();
        await stopQueueCli(victim, 'SIGKILL');
        await rescuer?.close(true);
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a part whose workers are all lost, more times than a job may stall: the client gets an error naming it, not a wait for ever',
    async () => {
      // 480 members of 1 s steps: no worker finishes it before it is killed.
      const doc = await defaultScenario({ members: 40, dtSec: 1 });
      const client = await StreamClient.connect(server.ws);
      let last: ReturnType<typeof worker> | null = null;
      try {
        client.send({ type: 'run', scenario: doc, workers: 1 });
        await client.json('accepted');
        // Each worker takes the part (the first from the queue, the next ones once the previous
        // one's lock lapsed and their stalled-job check put it back) and dies holding it.
        for (let k = 0; k <= MAX_STALLED; k++) {
          const victim = worker(`victim-${k}`, 1);
          await victim.stderrMatching(/started \S+/);
          await stopQueueCli(victim, 'SIGKILL');
        }
        // The next worker's stalled-job check finds the part lost once too often: it fails for good.
        last = worker('last', 1);
        // Generous, not a timing assertion: the code as it was waited here for ever.
        const end = await client.end(90_000);
        expect(end).toMatchObject({ type: 'error' });
        expect(String(end.message)).toMatch(
          /^part 1of1 of the run failed for good: its workers were lost \(.*\); run it again$/,
        );
        // The server lives on and takes the next run.
        const health = await fetch(`${server.http}/api/health`);
        expect(health.status).toBe(200);
      } finally {
        client.close();
        if (last) await stopQueueCli(last, 'SIGKILL');
      }
    },
    TEST_TIMEOUT_MS,
  );
});

describe('QUEUE_REDIS_URL', () => {
  it('is checked where the server reads it, naming the variable', () => {
    expect(() => optionsFromEnv({ QUEUE_REDIS_URL: 'localhost:6379' })).toThrow(
      /QUEUE_REDIS_URL must be a Redis URL/,
    );
    expect(optionsFromEnv({ QUEUE_REDIS_URL: 'redis://10.0.0.5:6379', QUEUE_NAME: 'fleet' })).toMatchObject({
      queueRedisUrl: 'redis://10.0.0.5:6379',
      queueName: 'fleet',
    });
  });
});
