/**
 * Inputs reaching remote workers: a worker whose wind file differs from the coordinator's (same
 * name, other bytes, through --path-map) refuses the job and the coordinator stops, exit 2, naming
 * the file and both hashes; with --ship-inputs, a worker without the file fetches it from Redis and
 * the table is the one machine's, byte for byte.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '@balloon-sim/node/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fileSha256 } from './inputs.js';
import {
  FIXED_RUN_TIME_ENV,
  ILLUSTRATIVE_WIND,
  queueCliGroup,
  redisSkipReason,
  smallScenario,
  startRedis,
  type TestRedis,
  workerArgs,
} from './testing/index.js';

const TEST_TIMEOUT_MS = 180_000;
const skip = redisSkipReason();

describe.skipIf(skip !== null)('inputs of remote workers', () => {
  let redis: TestRedis;
  let dir: string;
  let scenario: string;
  let windPath: string;
  let ensembleScenario: string;
  let secondWindPath: string;
  const { start, stopAll } = queueCliGroup();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'balloon-sim-inputs-'));
    // The coordinator's folder, and two "other machines": one with other bytes, one with nothing.
    for (const d of ['here', 'other', 'empty']) mkdirSync(join(dir, d));
    const wind = readFileSync(ILLUSTRATIVE_WIND, 'utf8');
    windPath = join(dir, 'here', 'wind.json');
    writeFileSync(windPath, wind);
    const changed = JSON.parse(wind);
    changed.description = `${changed.description} (edited)`;
    writeFileSync(join(dir, 'other', 'wind.json'), JSON.stringify(changed));
    const base = smallScenario({ windPath, members: 10, hours: 4 });
    base.launch.sites = base.launch.sites?.slice(0, 2);
    scenario = join(dir, 'here', 'scenario.json');
    writeFileSync(scenario, JSON.stringify(base));
    // A second wind of other bytes: the first with every u component turned, so the members differ.
    const turned = JSON.parse(wind);
    turned.description = `${turned.description} (u turned)`;
    turned.u = turned.u.map((x: number) => -x);
    secondWindPath = join(dir, 'here', 'wind-second.json');
    writeFileSync(secondWindPath, JSON.stringify(turned));
    ensembleScenario = join(dir, 'here', 'ensemble.json');
    writeFileSync(
      ensembleScenario,
      JSON.stringify({
        ...base,
        wind: {
          type: 'ensemble',
          members: [
            { type: 'file', paths: ['wind.json'] },
            { type: 'file', paths: ['wind-second.json'] },
          ],
          weights: [1, 1],
        },
      }),
    );
    redis = await startRedis();
  }, TEST_TIMEOUT_MS);

  afterEach(stopAll);

  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'a worker whose wind file differs refuses the job; the coordinator exits 2 naming both hashes',
    async () => {
      const here = join(dir, 'here');
      // The worker reads the coordinator's folder from "other" (a shared folder mounted elsewhere).
      start(
        workerArgs(redis.url, 'differ', { name: 'odd', pathMap: { from: here, to: join(dir, 'other') } }),
      );
      const sweep = start(['sweep', scenario, '--redis', redis.url, '--queue', 'differ', '--jobs', '2']);
      const { code } = await sweep.exited;
      expect(code, sweep.stderr()).toBe(2);
      const ours = (await fileSha256(windPath)).sha256;
      const theirs = (await fileSha256(join(dir, 'other', 'wind.json'))).sha256;
      expect(sweep.stderr()).toMatch('worker odd refuses the job: wind.paths[0]');
      expect(sweep.stderr()).toMatch(ours);
      expect(sweep.stderr()).toMatch(theirs);
      expect(sweep.stdout()).toBe('');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'with --ship-inputs, a worker without the file fetches it and gives the one machine’s table',
    async () => {
      const local = cli(['sweep', scenario, '--workers', '1'], { env: FIXED_RUN_TIME_ENV });
      expect(local.code, local.stderr).toBe(0);
      start(
        workerArgs(redis.url, 'ship', {
          pathMap: { from: join(dir, 'here'), to: join(dir, 'empty') },
          cacheDir: join(dir, 'cache'),
        }),
      );
      const sweep = start(
        ['sweep', scenario, '--redis', redis.url, '--queue', 'ship', '--jobs', '2', '--ship-inputs'],
        FIXED_RUN_TIME_ENV,
      );
      expect((await sweep.exited).code, sweep.stderr()).toBe(0);
      expect(sweep.stdout()).toBe(local.stdout);
      const ours = (await fileSha256(windPath)).sha256;
      expect(readFileSync(join(dir, 'cache', ours, 'wind.json'), 'utf8')).toBe(
        readFileSync(windPath, 'utf8'),
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'with --ship-inputs, the files of an ensemble’s members reach a worker without them: the one machine’s table',
    async () => {
      const local = cli(['sweep', ensembleScenario, '--workers', '1', '--format', 'json'], {
        env: FIXED_RUN_TIME_ENV,
      });
      expect(local.code, local.stderr).toBe(0);
      // The two members differ (one wind's u turned): a worker reading one file twice would not match.
      expect(JSON.parse(local.stdout).provenance.forecastMembers).toHaveLength(2);
      start(
        workerArgs(redis.url, 'ship-ensemble', {
          pathMap: { from: join(dir, 'here'), to: join(dir, 'empty') },
          cacheDir: join(dir, 'cache-ensemble'),
        }),
      );
      const sweep = start(
        [
          'sweep',
          ensembleScenario,
          '--redis',
          redis.url,
          '--queue',
          'ship-ensemble',
          '--jobs',
          '2',
          '--ship-inputs',
          '--format',
          'json',
        ],
        FIXED_RUN_TIME_ENV,
      );
      expect((await sweep.exited).code, sweep.stderr()).toBe(0);
      expect(sweep.stdout()).toBe(local.stdout);
      for (const [path, name] of [
        [windPath, 'wind.json'],
        [secondWindPath, 'wind-second.json'],
      ]) {
        const sha = (await fileSha256(path)).sha256;
        expect(readFileSync(join(dir, 'cache-ensemble', sha, name), 'utf8')).toBe(readFileSync(path, 'utf8'));
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'through --path-map, a worker reads an ensemble member’s file at its own path: a differing one is refused by name',
    async () => {
      const here = join(dir, 'here');
      // "other" holds wind.json with other bytes and no wind-second.json.
      start(
        workerArgs(redis.url, 'differ-ensemble', {
          name: 'odd',
          pathMap: { from: here, to: join(dir, 'other') },
        }),
      );
      const sweep = start([
        'sweep',
        ensembleScenario,
        '--redis',
        redis.url,
        '--queue',
        'differ-ensemble',
        '--jobs',
        '2',
      ]);
      const { code } = await sweep.exited;
      expect(code, sweep.stderr()).toBe(2);
      expect(sweep.stderr()).toMatch('worker odd refuses the job: wind.members[0].paths[0]');
      expect(sweep.stderr()).toMatch((await fileSha256(join(dir, 'other', 'wind.json'))).sha256);
    },
    TEST_TIMEOUT_MS,
  );
});
