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
import { QueueWorker } from '@balloon-sim/queue';
import { redisSkipReason, startRedis, type TestRedis } from '@balloon-sim/queue/testing';
import { geoJson, prepareRun, runPrepared, runTracks, type Scenario } from '@balloon-sim/sim-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionsFromEnv } from './options.js';
import { eventually, StreamClient, startServer } from './testing/client.js';

const SCENARIOS = resolve(import.meta.dirname, '../../../fixtures/scenarios');
const TEST_TIMEOUT_MS = 180_000;
/** The time of run the library's run records; the server records when it accepted its run. */
const LIBRARY_RUN_TIME = '2025-10-24T18:00:00.000Z';
const skip = redisSkipReason();

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
      const file = await readScenarioFile(resolve(SCENARIOS, 'default.json'));
      const doc: Scenario = { ...file.scenario, ensemble: { ...file.scenario.ensemble, members: 10 } };
      const wind = await loadScenarioWind(doc.wind, SCENARIOS);
      // The library's run with the provenance the server gives (its tool, the files by hash).
      const context = await runContext(doc, SCENARIOS, LIBRARY_RUN_TIME);
      const library = runPrepared(prepareRun(doc, wind, context), {
        targets: await loadScenarioTargets(doc, SCENARIOS),
      });
      const client = await StreamClient.connect(server.ws);
      try {
        client.send({ type: 'run', scenario: doc, workers: 2 });
        const done = await client.end(TEST_TIMEOUT_MS);
        expect(done.type, JSON.stringify(done)).toBe('done');
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
      } finally {
        client.close();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a client that goes away cancels its run on the queue',
    async () => {
      const file = await readScenarioFile(resolve(SCENARIOS, 'default.json'));
      // 480 members (JSON frames), 28 800 steps.
      const doc: Scenario = {
        ...file.scenario,
        ensemble: { ...file.scenario.ensemble, members: 40 },
        solver: { ...file.scenario.solver, dtSec: 1 },
      };
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
