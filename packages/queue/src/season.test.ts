/**
 * A season over a folder of winds: each night and hour's rows are exactly `balloon-sim sweep`'s for
 * that night's wind and launch time, with that sweep's provenance; the table carries the season's
 * provenance (its time of run, every wind file by SHA-256) and local times beside UTC; a season run
 * again redoes no finished night and hour, unless its wind's files changed; a night no wind covers is
 * refused; on the queue (one worker process) the table is the local one, byte for byte. The winds:
 * the illustrative night and a copy of it shifted by one day.
 */
import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '@balloon-sim/node/testing';
import type { SweepTable } from '@balloon-sim/sim-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeasonTable } from './season.js';
import {
  ILLUSTRATIVE_WIND,
  redisSkipReason,
  smallScenario,
  startQueueCli,
  startRedis,
  stopQueueCli,
  workerArgs,
} from './testing/index.js';

// Separate processes computing on a machine that may be busy: generous, never a timing assertion.
const TEST_TIMEOUT_MS = 180_000;
/** Fixes every run's time (the reproducible-builds convention): 2025-10-24T18:00:00Z. */
const SOURCE_DATE_EPOCH = String(Date.UTC(2025, 9, 24, 18) / 1000);
const env = { ...process.env, SOURCE_DATE_EPOCH };
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

let dir: string;
let scenario: string;
let winds: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'balloon-sim-season-'));
  winds = join(dir, 'winds');
  mkdirSync(winds);
  const wind = JSON.parse(readFileSync(ILLUSTRATIVE_WIND, 'utf8'));
  writeFileSync(join(winds, 'a-2025-10-24.json'), JSON.stringify(wind));
  const dayMs = 86_400_000;
  const shifted = {
    ...wind,
    description: `${wind.description} (a day later)`,
    times: wind.times.map((t: string) => new Date(Date.parse(t) + dayMs).toISOString()),
  };
  writeFileSync(join(winds, 'b-2025-10-25.json'), JSON.stringify(shifted));
  scenario = join(dir, 'season.json');
  writeFileSync(
    scenario,
    JSON.stringify(smallScenario({ windPath: join(winds, 'a-2025-10-24.json'), members: 10, hours: 4 })),
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function season(...args: string[]) {
  return seasonOf(winds, ...args);
}

async function seasonOf(windsDir: string, ...args: string[]) {
  const running = startQueueCli(
    [
      'season',
      scenario,
      '--winds',
      windsDir,
      '--nights',
      '2025-10-24..2025-10-25',
      '--hours',
      '17,19',
      '--workers',
      '1',
      ...args,
    ],
    undefined,
    env,
  );
  const { code } = await running.exited;
  return { code, stdout: running.stdout(), stderr: running.stderr() };
}

describe('balloon-sim-queue season', () => {
  it(
    'gives, per night and hour, the rows of balloon-sim sweep with that night’s wind',
    async () => {
      const out = join(dir, 'local.json');
      const r = await season('--out', out);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch('4 nights × hours, 4 to compute');
      const table = JSON.parse(readFileSync(out, 'utf8')) as SeasonTable;
      expect(table.units.map((u) => `${u.night} ${u.hour} ${u.wind}`)).toEqual([
        '2025-10-24 17 a-2025-10-24.json',
        '2025-10-24 19 a-2025-10-24.json',
        '2025-10-25 17 b-2025-10-25.json',
        '2025-10-25 19 b-2025-10-25.json',
      ]);
      // The reference for the second night: the sweep of the scenario on the shifted wind at 19:00.
      const second = JSON.parse(readFileSync(scenario, 'utf8'));
      second.wind.paths = [join(winds, 'b-2025-10-25.json')];
      second.launch.times = { start: '2025-10-25T19:00:00.000Z' };
      const secondPath = join(dir, 'second.json');
      writeFileSync(secondPath, JSON.stringify(second));
      const sweep = cli(['sweep', secondPath, '--workers', '1', '--format', 'json'], { env });
      expect(sweep.code, sweep.stderr).toBe(0);
      const reference = JSON.parse(sweep.stdout) as SweepTable;
      expect(reference.rows).toHaveLength(3);
      expect(table.units[3].rows).toEqual(reference.rows);
      expect(table.units[3].fingerprint).toBe(reference.fingerprint);
      // Each unit carries its sweep's provenance: the same as balloon-sim sweep's, run at the same time.
      expect(table.units[3].provenance).toEqual(reference.provenance);
      expect(table.units[3].provenance?.wind.files).toEqual([
        {
          name: 'b-2025-10-25.json',
          bytes: statSync(join(winds, 'b-2025-10-25.json')).size,
          sha256: sha256(join(winds, 'b-2025-10-25.json')),
        },
      ]);
      // The season's own: the time of run SOURCE_DATE_EPOCH fixes, and every wind by its content.
      expect(table.provenance).toMatchObject({
        tool: { name: 'balloon-sim' },
        runTime: '2025-10-24T18:00:00.000Z',
        timeZone: 'Europe/Vilnius',
        seed: JSON.parse(readFileSync(scenario, 'utf8')).ensemble.seed,
      });
      expect(table.provenance.winds).toEqual(
        ['a-2025-10-24.json', 'b-2025-10-25.json'].map((name, k) => ({
          name,
          files: [{ name, bytes: statSync(join(winds, name)).size, sha256: sha256(join(winds, name)) }],
          units: [`2025-10-2${4 + k} 17:00`, `2025-10-2${4 + k} 19:00`],
        })),
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'run again, redoes only the nights and hours it does not hold, and writes the same table',
    async () => {
      const out = join(dir, 'resume.csv');
      const first = await season('--out', out);
      expect(first.code, first.stderr).toBe(0);
      const before = readFileSync(out, 'utf8');
      const head = before.split('\n').filter((l) => l.startsWith('# '));
      const [header, ...rows] = before
        .trimEnd()
        .split('\n')
        .filter((l) => !l.startsWith('# '));
      expect(header).toMatch(
        /^night,hour,launch_local,wind,site,launch,members,p_border,.*,earliest_local_[^,]+$/,
      );
      expect(rows).toHaveLength(4 * 3);
      // Launch hours in Vilnius beside UTC: both nights are still summer time (EEST, UTC+3).
      expect(rows[0]).toMatch(/^2025-10-24,17,2025-10-24 20:00 EEST \(17:00Z\),a-2025-10-24\.json,/);
      expect(rows[11]).toMatch(/^2025-10-25,19,2025-10-25 22:00 EEST \(19:00Z\),b-2025-10-25\.json,/);
      // The head: the run's time in local time and UTC, each wind file's SHA-256, then the JSON.
      expect(head).toContainEqual(expect.stringMatching(/, run 2025-10-24 21:00 EEST \(18:00Z\)$/));
      for (const name of ['a-2025-10-24.json', 'b-2025-10-25.json'])
        expect(head).toContainEqual(expect.stringContaining(`wind file: ${name}, `));
      expect(head).toContainEqual(
        expect.stringContaining(`sha256 ${sha256(join(winds, 'b-2025-10-25.json'))}`),
      );
      const provenance = JSON.parse(head.at(-1)!.replace(/^# provenance /, ''));
      expect(provenance.runTime).toBe('2025-10-24T18:00:00.000Z');
      expect(provenance.winds.map((w: { files: { sha256: string }[] }) => w.files[0].sha256)).toEqual([
        sha256(join(winds, 'a-2025-10-24.json')),
        sha256(join(winds, 'b-2025-10-25.json')),
      ]);
      // As if the first season had been stopped before its last night and hour.
      const state = `${out}.season`;
      const kept = statSync(join(state, '2025-10-24_17.json')).mtimeMs;
      unlinkSync(join(state, '2025-10-25_19.json'));
      const again = await season('--out', out);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toMatch('3 done before (not redone), 1 to compute');
      expect(again.stderr).toMatch('2025-10-25 19:00 done');
      expect(again.stderr).not.toMatch('2025-10-24 17:00 done');
      expect(statSync(join(state, '2025-10-24_17.json')).mtimeMs).toBe(kept);
      expect(readFileSync(out, 'utf8')).toBe(before);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'run again after a wind file changed (same name, same description), redoes that wind’s nights and hours',
    async () => {
      const changed = join(dir, 'winds-changed');
      cpSync(winds, changed, { recursive: true });
      const out = join(dir, 'changed.json');
      const first = await seasonOf(changed, '--out', out);
      expect(first.code, first.stderr).toBe(0);
      // A corrected download of the second night: one wind value differs, the file describes itself alike.
      const path = join(changed, 'b-2025-10-25.json');
      const wind = JSON.parse(readFileSync(path, 'utf8'));
      wind.u[0] += 1;
      writeFileSync(path, JSON.stringify(wind));
      const again = await seasonOf(changed, '--out', out);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toMatch('2 done before (not redone), 2 to compute');
      expect(again.stderr).toMatch('2025-10-25 17:00 done');
      const table = JSON.parse(readFileSync(out, 'utf8')) as SeasonTable;
      expect(table.units.map((u) => u.provenance?.wind.files[0].sha256)).toEqual([
        sha256(join(changed, 'a-2025-10-24.json')),
        sha256(join(changed, 'a-2025-10-24.json')),
        sha256(path),
        sha256(path),
      ]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'refuses a night that no wind of the folder covers, naming it',
    async () => {
      const r = await season('--out', join(dir, 'none.csv'), '--nights', '2025-10-24..2025-10-27');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/no wind of --winds covers .*2025-10-26 17:00/);
    },
    TEST_TIMEOUT_MS,
  );

  const skip = redisSkipReason();
  it.skipIf(skip !== null)(
    'on the queue, with a worker process, gives the local table byte for byte',
    async () => {
      const redis = await startRedis();
      const worker = startQueueCli(workerArgs(redis.url, 'season'));
      try {
        const local = join(dir, 'q-local.csv');
        const queued = join(dir, 'q-queue.csv');
        const a = await season('--out', local);
        expect(a.code, a.stderr).toBe(0);
        const b = await season('--out', queued, '--redis', redis.url, '--queue', 'season');
        expect(b.code, b.stderr).toBe(0);
        expect(readFileSync(queued, 'utf8')).toBe(readFileSync(local, 'utf8'));
      } finally {
        await stopQueueCli(worker);
        await redis.stop();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
