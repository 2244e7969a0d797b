/**
 * A forecast wind through the queue: the coordinator pins "latest" to the cycle it is when the
 * work is made, so every worker reads that cycle (a newer one added to the store afterwards changes
 * nothing), and the cycle's files are the job's checked inputs, shipped with --ship-inputs to
 * workers that have no store: the table is the one machine's, byte for byte.
 */
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cli, TEST_STORE_CYCLE, writeTestStore } from '@balloon-sim/node/testing';
import { hasSharedData, REPO_ROOT, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fileSha256, forecastFiles } from './inputs.js';
import {
  FIXED_RUN_TIME_ENV,
  queueCliGroup,
  redisSkipReason,
  startRedis,
  type TestRedis,
  workerArgs,
} from './testing/index.js';

const TEST_TIMEOUT_MS = 180_000;
const skip = redisSkipReason();

/** A scenario on the store folder `store` beside it, wind "latest" of gfs: two sites, three hours. */
function writeScenario(folder: string): string {
  const base = JSON.parse(readFileSync(resolve(REPO_ROOT, 'fixtures/scenarios/default.json'), 'utf8'));
  const scenario = {
    ...base,
    $schema: undefined,
    wind: { type: 'forecast', model: 'gfs', cycle: 'latest', store: 'store' },
    launch: {
      sites: [
        { id: 'a', lon: 20, lat: 52 },
        { id: 'b', lon: 22, lat: 53.5 },
      ],
      times: { start: '2020-08-04T13:00:00Z', end: '2020-08-04T15:00:00Z', everySec: 3600 },
    },
    solver: { ...base.solver, durationSec: 3 * 3600 },
    ensemble: { ...base.ensemble, members: 4 },
  };
  const file = join(folder, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  return file;
}

/**
 * Adds a complete newer cycle of gfs to a store: the run of 2020-08-15 12 UTC (steps +0 and +6 h),
 * which covers none of the scenario's launches; a worker reading it could not give the table.
 */
async function addNewerCycle(store: string) {
  const cycle = '2020081512';
  const dir = join(store, 'gfs', cycle);
  mkdirSync(dir, { recursive: true });
  const index = JSON.parse(readFileSync(join(store, 'gfs', TEST_STORE_CYCLE, 'index.json'), 'utf8'));
  const files = [];
  for (const step of [0, 6]) {
    const name = `gfs.${cycle}.f00${step}.grib2`;
    copyFileSync(sharedDataPath('gfs-0p25-poland', `20200815_f00${step}.grib2`), join(dir, name));
    const { sha256, bytes } = await fileSha256(join(dir, name));
    files.push({ path: name, step, bytes, sha256, messages: 0 });
  }
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      ...index,
      cycle,
      referenceTime: '2020-08-15T12:00:00.000Z',
      stepsWanted: [0, 6],
      steps: [0, 6],
      files,
    }),
  );
}

describe.skipIf(skip !== null || !hasSharedData)('a forecast wind on the queue', () => {
  let redis: TestRedis;
  let dir: string;
  const { start, stopAll } = queueCliGroup();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'balloon-sim-queue-forecast-'));
    redis = await startRedis();
  }, TEST_TIMEOUT_MS);

  afterEach(stopAll);

  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'with --ship-inputs, workers without the store read the pinned cycle’s files: the one machine’s table',
    async () => {
      const here = join(dir, 'ship', 'here');
      mkdirSync(join(dir, 'ship', 'empty'), { recursive: true });
      await writeTestStore(join(here, 'store'));
      const scenario = writeScenario(here);
      const local = cli(['sweep', scenario, '--workers', '1'], { env: FIXED_RUN_TIME_ENV });
      expect(local.code, local.stderr).toBe(0);
      const sweep = start(
        ['sweep', scenario, '--redis', redis.url, '--queue', 'ship-forecast', '--jobs', '2', '--ship-inputs'],
        FIXED_RUN_TIME_ENV,
      );
      // Gone from the coordinator's machine once the jobs are made: only the shipped bytes remain.
      await sweep.stderrMatching(/on the queue/);
      renameSync(join(here, 'store'), join(here, 'store-gone'));
      for (const name of ['w1', 'w2'])
        start(
          workerArgs(redis.url, 'ship-forecast', {
            name,
            pathMap: { from: here, to: join(dir, 'ship', 'empty') },
            cacheDir: join(dir, 'ship', `cache-${name}`),
          }),
        );
      expect((await sweep.exited).code, sweep.stderr()).toBe(0);
      expect(sweep.stdout()).toBe(local.stdout);
      // A worker that took a job laid the cycle out as a store of its own in its cache (it had none).
      const caches = ['w1', 'w2'].map((name) => join(dir, 'ship', `cache-${name}`, 'stores'));
      expect(caches.some((c) => existsSync(c))).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a cycle added after the coordinator pinned "latest" is not read by the workers',
    async () => {
      const here = join(dir, 'pin');
      mkdirSync(here, { recursive: true });
      const store = await writeTestStore(join(here, 'store'));
      const scenario = writeScenario(here);
      const local = cli(['sweep', scenario, '--workers', '1'], { env: FIXED_RUN_TIME_ENV });
      expect(local.code, local.stderr).toBe(0);
      // The coordinator first, alone: its jobs are on the queue before any worker runs.
      const sweep = start(
        ['sweep', scenario, '--redis', redis.url, '--queue', 'pin-forecast', '--jobs', '2'],
        FIXED_RUN_TIME_ENV,
      );
      await sweep.stderrMatching(/on the queue/);
      // The coordinator named the cycle it pinned, the only one in the store then.
      expect(sweep.stderr()).toMatch(`wind: gfs cycle ${TEST_STORE_CYCLE}`);
      await addNewerCycle(store);
      // The newer cycle is the store's "latest" now, for the command line on its own.
      const now = cli(['sweep', scenario, '--workers', '1'], { env: FIXED_RUN_TIME_ENV });
      expect(now.stdout).not.toBe(local.stdout);
      // Workers sharing the coordinator's folder (no --path-map), as on one machine.
      for (const name of ['w1', 'w2']) start(workerArgs(redis.url, 'pin-forecast', { name }));
      expect((await sweep.exited).code, sweep.stderr()).toBe(0);
      expect(sweep.stdout()).toBe(local.stdout);
    },
    TEST_TIMEOUT_MS,
  );
});

describe.skipIf(!hasSharedData)('the store files of a forecast wind', () => {
  it('are the pinned cycle’s index and GRIB2 files, and those of the older cycles a lagged forecast reads', async () => {
    const store = await writeTestStore(mkdtempSync(join(tmpdir(), 'balloon-sim-lagged-')));
    try {
      // An older complete cycle: the same files under another cycle's name (no GRIB2 is decoded here).
      const older = join(store, 'gfs', '2020080406');
      cpSync(join(store, 'gfs', TEST_STORE_CYCLE), older, { recursive: true });
      const index = JSON.parse(readFileSync(join(older, 'index.json'), 'utf8'));
      writeFileSync(join(older, 'index.json'), JSON.stringify({ ...index, cycle: '2020080406' }));
      const base = JSON.parse(readFileSync(resolve(REPO_ROOT, 'fixtures/scenarios/default.json'), 'utf8'));
      const wind = { type: 'forecast', model: 'gfs', cycle: TEST_STORE_CYCLE, store } as const;
      const names = (files: { ref: string }[]) => files.map((f) => f.ref);
      const cycleFiles = (cycle: string) =>
        [
          'index.json',
          ...[0, 6, 12].map((s) => `gfs.${TEST_STORE_CYCLE}.f${String(s).padStart(3, '0')}.grib2`),
        ].map((name) => `wind.store:gfs/${cycle}/${name}`);
      expect(names(await forecastFiles({ ...base, wind }, store))).toEqual(cycleFiles(TEST_STORE_CYCLE));
      expect(names(await forecastFiles({ ...base, wind: { ...wind, lagged: 2 } }, store))).toEqual([
        ...cycleFiles(TEST_STORE_CYCLE),
        ...cycleFiles('2020080406'),
      ]);
      // Inside an ensemble, named by the member.
      const ensemble = { type: 'ensemble', members: [{ type: 'uniform', uMps: 1, vMps: 0 }, wind] };
      expect(names(await forecastFiles({ ...base, wind: ensemble }, store))[0]).toBe(
        `wind.members[1].store:gfs/${TEST_STORE_CYCLE}/index.json`,
      );
    } finally {
      rmSync(store, { recursive: true, force: true });
    }
  });
});
