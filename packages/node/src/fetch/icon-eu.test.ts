/**
 * The DWD ICON-EU downloader end to end, against a 127.0.0.1 server laid out as
 * opendata.dwd.de/weather/nwp/icon-eu/grib/<HH>/<param>/, one bzip2-compressed GRIB2 file per
 * parameter (U, V, FI), pressure level and step. The files are made by ecCodes' tools from the real
 * GFS file of ../shared/data with DWD's centre (78) and the height as geopotential FI (m²/s²,
 * parameter 0/3/4), split one message per file, and compressed by the bzip2 command.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeWindMembers } from '@balloon-sim/formats';
import { InputError, type PressureGridWind, STANDARD_GRAVITY_M_S2 } from '@balloon-sim/sim-core';
import {
  eccodes,
  eccodesKeys,
  eccodesValues,
  hasEccodes,
  hasSharedData,
  makeGrib,
  sharedDataPath,
} from '@balloon-sim/sim-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../testing/cli.js';
import { coversNode, expectSameFiles, valueOnLevel } from '../testing/fetch.js';
import { type ForecastServer, startForecastServer } from '../testing/forecast-server.js';
import { fetchForecast } from './forecast.js';
import { readCycleIndex } from './store.js';

const CYCLE = '2020080412';
const STEPS = [0, 6];
const SOURCES = ['20200804_f000.grib2', '20200804_f006.grib2'];
const LEVELS = [1000, 850, 500];
const PARAMS = ['U', 'V', 'FI'] as const;
const BOX = { lonMin: 20, latMin: 52, lonMax: 24, latMax: 55 };
const SHORT: Record<string, string> = { U: 'u', V: 'v', FI: 'z' };
/** DWD's name of one file (see icon-eu.ts and packages/node/README.md). */
const fileName = (cycle: string, step: number, level: number, param: string) =>
  `icon-eu_europe_regular-lat-lon_pressure-level_${cycle}_${String(step).padStart(3, '0')}_${level}_${param}.grib2.bz2`;
const filePath = (cycle: string, step: number, level: number, param: string) =>
  `weather/nwp/icon-eu/grib/${cycle.slice(8)}/${param.toLowerCase()}/${fileName(cycle, step, level, param)}`;

describe.runIf(hasSharedData && hasEccodes)('wind fetch icon-eu against a local DWD open data server', () => {
  let work: string;
  let served: string;
  let server: ForecastServer;
  /** The GRIB2 file of each step before splitting (all parameters and levels), for ecCodes' values. */
  const whole = new Map<number, string>();

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'icon-eu-'));
    served = join(work, 'served');
    for (const [s, step] of STEPS.entries()) {
      const made = makeGrib(work, `dwd-${step}.grib2`, {
        source: sharedDataPath('gfs-0p25-poland', SOURCES[s]),
        where: `shortName=u/v/gh,typeOfLevel=isobaricInhPa,level=${LEVELS.join('/')}`,
        set: 'centre=78',
        byName: { gh: `parameterNumber=4,scaleValuesBy=${STANDARD_GRAVITY_M_S2}` },
      });
      whole.set(step, made);
      // One message per file, as DWD publishes them, then bzip2-compressed under DWD's names.
      const split = join(work, `split-${step}`);
      mkdirSync(split);
      eccodes('grib_copy', [made, join(split, '[shortName]_[level].grib2')]);
      for (const param of PARAMS)
        for (const level of LEVELS) {
          const plain = join(split, `${SHORT[param]}_${level}.grib2`);
          execFileSync('bzip2', ['-9', plain]);
          const target = join(served, filePath(CYCLE, step, level, param));
          mkdirSync(dirname(target), { recursive: true });
          renameSync(`${plain}.bz2`, target);
        }
    }
    // The next cycle (15 UTC) has published step 0 only: not complete.
    for (const param of PARAMS)
      for (const level of LEVELS) {
        const target = join(served, filePath('2020080415', 0, level, param));
        mkdirSync(dirname(target), { recursive: true });
        execFileSync('cp', [join(served, filePath(CYCLE, 0, level, param)), target]);
      }
    return startForecastServer(served).then((s) => {
      server = s;
    });
    // Many ecCodes and bzip2 runs: slow on a busy machine, not timed.
  }, 300_000);
  afterAll(() => server?.close());

  const fetch = (storeRoot: string, extra: Partial<Parameters<typeof fetchForecast>[0]> = {}) =>
    fetchForecast({
      model: 'icon-eu',
      cycle: CYCLE,
      hours: STEPS,
      levelsHpa: LEVELS,
      box: BOX,
      storeRoot,
      baseUrl: `${server.base}/weather/nwp`,
      backoffMs: 1,
      ...extra,
    });

  let firstStore: string;

  it('fetches one bz2 file per parameter, level and step, decompresses, crops and stores one GRIB2 file per step', async () => {
    firstStore = mkdtempSync(join(tmpdir(), 'store-'));
    server.requests = [];
    const result = await fetch(firstStore);
    expect(result.cycle).toBe(CYCLE);
    expect(result.paths.map((p) => p.slice(result.dir.length + 1))).toEqual([
      'icon-eu.2020080412.f000.grib2',
      'icon-eu.2020080412.f006.grib2',
    ]);
    // Every file of DWD's layout once, whole (no Range asked of a file not started), nothing else.
    expect(server.requests.map((r) => r.path).sort()).toEqual(
      STEPS.flatMap((step) =>
        PARAMS.flatMap((param) => LEVELS.map((level) => `/${filePath(CYCLE, step, level, param)}`)),
      ).sort(),
    );
    expect(server.requests.every((r) => r.status === 200 && r.range === undefined)).toBe(true);
    const index = await readCycleIndex(result.dir);
    expect(index).toMatchObject({
      model: 'icon-eu',
      cycle: CYCLE,
      steps: STEPS,
      members: null,
      levelsHpa: LEVELS,
      box: BOX,
      complete: true,
    });
    expect(index.files.map((f) => f.messages)).toEqual([9, 9]);
    expect(existsSync(join(result.dir, '.partial'))).toBe(false);
    // ecCodes reads the stored file: DWD's centre, u, v and geopotential, on the box plus a node.
    const keys = eccodesKeys(result.paths[1], ['shortName', 'level', 'centre', 'Ni', 'Nj']);
    expect(new Set(keys.map((k) => `${k.shortName} ${k.centre} ${k.Ni}×${k.Nj}`))).toEqual(
      new Set(['u edzw 19×15', 'v edzw 19×15', 'z edzw 19×15']),
    );
    expect(new Set(keys.map((k) => k.level))).toEqual(new Set(LEVELS));
  });

  it("decoded winds equal ecCodes' u, v at the nodes, and the height its FI divided by standard gravity", async () => {
    const files = (await readCycleIndex(join(firstStore, 'icon-eu', CYCLE))).files.map((f) => {
      const path = join(firstStore, 'icon-eu', CYCLE, f.path);
      return { name: path, bytes: new Uint8Array(readFileSync(path)) };
    });
    const { members } = await decodeWindMembers(files);
    expect(members).toHaveLength(1);
    const field = members[0].field as PressureGridWind;
    let checked = 0;
    for (const step of STEPS) {
      const tSec = Date.UTC(2020, 7, 4, 12 + step) / 1000;
      for (const [key, points] of eccodesValues(whole.get(step)!, ['shortName', 'level'])) {
        const [name, level] = key.split(' ');
        for (const p of points) {
          if (!coversNode(field, p.lon, p.lat)) continue;
          const ours = valueOnLevel(field, name, p.lon, p.lat, Number(level), tSec);
          const expected = name === 'z' ? p.value / STANDARD_GRAVITY_M_S2 : p.value;
          if (!(Math.abs(ours - expected) <= Math.abs(expected) * 2 ** -22 + 1e-6))
            expect.fail(`step ${step} ${key} at ${p.lat}, ${p.lon}: ${ours} ≠ ecCodes ${expected}`);
          checked++;
        }
      }
    }
    expect(checked).toBe(STEPS.length * 3 * LEVELS.length * 19 * 15);
  });

  it('the command line fetches the cycle into --store, and a scenario naming {"type": "forecast"} runs on it, saying which cycle', async () => {
    const store = mkdtempSync(join(tmpdir(), 'store-cli-'));
    const fetched = startCli([
      'wind',
      'fetch',
      'icon-eu',
      '--bbox',
      '20,52,24,55',
      '--cycle',
      CYCLE,
      '--hours',
      '0,6',
      '--levels',
      LEVELS.join(','),
      '--store',
      store,
      '--base-url',
      `${server.base}/weather/nwp`,
    ]);
    let stdout = '';
    fetched.child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    expect(await fetched.exited, fetched.stderr()).toEqual({ code: 0, signal: null });
    expect(stdout).toContain(`icon-eu cycle ${CYCLE} in ${join(store, 'icon-eu', CYCLE)}: steps 0, 6`);
    expect(fetched.stderr()).toMatch(/\[2\/2\] .*icon-eu\.2020080412\.f006\.grib2/);
    expect((await readCycleIndex(join(store, 'icon-eu', CYCLE))).complete).toBe(true);

    const scenario = join(store, 'scenario.json');
    writeFileSync(
      scenario,
      JSON.stringify({
        wind: { type: 'forecast', model: 'icon-eu', cycle: 'latest', store: '.' },
        launch: { sites: [{ id: 'hrodna', lon: 23.0, lat: 53.5 }], times: { start: '2020-08-04T13:00:00Z' } },
        flight: { floatAltitudeM: 1500 },
        solver: { durationSec: 3600 },
      }),
    );
    const run = startCli(['run', scenario, '--json']);
    run.child.stdout?.removeAllListeners('data');
    expect(await run.exited, run.stderr()).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toContain(
      `wind: icon-eu cycle ${CYCLE} (the newest complete in ${store}), steps +0…+6 h`,
    );
  });

  it('a connection cut mid-file resumes the bz2 file from the bytes received; a server ignoring Range restarts it cleanly', async () => {
    const name = fileName(CYCLE, 6, 850, 'FI');
    for (const ignoreRange of [false, true]) {
      const store = mkdtempSync(join(tmpdir(), 'store-'));
      server.requests = [];
      server.ignoreRange = ignoreRange;
      server.cutOnce(name, 700);
      try {
        const result = await fetch(store, {
          concurrency: 1,
          onProgress: (url, n) => server.progress(url, n),
        });
        const asked = server.requests.filter((r) => r.path.endsWith(name));
        expect(asked.map((r) => [r.range, r.status])).toEqual(
          ignoreRange
            ? [
                [undefined, 200],
                ['bytes=700-', 200],
              ]
            : [
                [undefined, 200],
                ['bytes=700-', 206],
              ],
        );
        expectSameFiles(result.paths, join(firstStore, 'icon-eu', CYCLE));
      } finally {
        server.ignoreRange = false;
      }
    }
  });

  it('"latest" falls back to the previous cycle when the newest lacks a step (404), and says so', async () => {
    const store = mkdtempSync(join(tmpdir(), 'store-'));
    const log: string[] = [];
    // 19:30 UTC: 4 hours of delay make 15 UTC the first cycle tried; it has step 0 only.
    const result = await fetch(store, {
      cycle: 'latest',
      nowSec: Date.UTC(2020, 7, 4, 19, 30) / 1000,
      log: (l) => log.push(l),
    });
    expect(result.cycle).toBe(CYCLE);
    expect(result.skipped.map((s) => s.cycle)).toEqual(['2020080415']);
    expect(result.skipped[0].reason).toMatch(
      /^step \+6 h: HTTP 404 for http:.*_2020080415_006_\d+_(U|V|FI)\.grib2\.bz2$/,
    );
    expect(log).toContainEqual(
      expect.stringMatching(
        /cycle 2020080415 of icon-eu is not complete on the server .*; falling back to 2020080412/,
      ),
    );
    expect(existsSync(join(store, 'icon-eu', '2020080415'))).toBe(false);
  });

  it('a cycle not yet published is refused with the 404 named, nothing stored', async () => {
    const store = mkdtempSync(join(tmpdir(), 'store-'));
    const error = await fetch(store, { cycle: '2020080418' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /^cycle 2020080418 of icon-eu is not complete on the server: step \+\d h: HTTP 404 for http:.*_2020080418_00\d_\d+_(U|V|FI)\.grib2\.bz2 \(not yet published, or no longer kept\)$/,
    );
    expect(readdirSync(store)).toEqual([]);
  });

  it('a file that is not bzip2 is refused naming its URL, nothing stored', async () => {
    const store = mkdtempSync(join(tmpdir(), 'store-'));
    const target = join(served, filePath(CYCLE, 0, 500, 'V'));
    const kept = readFileSync(target);
    writeFileSync(target, 'an error page served with status 200');
    try {
      const error = await fetch(store, { hours: [0] }).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(
        /_2020080412_000_500_V\.grib2\.bz2 is not the GRIB2 data asked for: not a valid bzip2 file/,
      );
      // Nothing stored; the pieces received whole wait in .partial/ for the next try.
      const cycleDir = join(store, 'icon-eu', CYCLE);
      expect(readdirSync(cycleDir)).toEqual(['.partial']);
    } finally {
      writeFileSync(target, kept);
    }
  });
});
