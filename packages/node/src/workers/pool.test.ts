import { copyFileSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { RunResult, Scenario } from '@balloon-sim/sim-core';
import {
  backtrack,
  backtrackSummary,
  csvChunks,
  DecodeError,
  geoJson,
  InputError,
  prepareRun,
  runPrepared,
  runTracks,
  UniformWind,
} from '@balloon-sim/sim-core';
import { hasSharedData, REPO_ROOT, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { loadScenarioTargets } from '../geography.js';
import { DEFAULT_REGION, loadLaunchRegion } from '../launch-region.js';
import { loadScenarioWind } from '../load-wind.js';
import { backtrackProvenance } from '../provenance.js';
import { readScenarioFile } from '../scenario-file.js';
import { testFolders } from '../testing/folders.js';
import { type RunTiming, splitMembers, WorkerPool } from './pool.js';
import type { BacktrackRequest } from './protocol.js';
import { describeSharedWind } from './shared-wind.js';

const BASE_DIR = resolve(REPO_ROOT, 'fixtures/scenarios');

/** A carrier scenario: the wind and (bundled) zones of a back-track, as a server sends them. */
const carrier = (wind: Scenario['wind']): Scenario => ({
  wind,
  launch: { sites: [{ id: 'detection', lon: 25.4, lat: 54.75 }], times: { start: '2025-10-24T20:00:00Z' } },
  flight: { floatAltitudeM: 3000 },
  solver: { durationSec: 60 },
});

const detection = { lon: 25.4, lat: 54.75, altM: 3000, tSec: Date.parse('2025-10-24T20:00:00Z') / 1000 };

let pool: WorkerPool | null = null;
afterEach(async () => {
  await pool?.close();
  pool = null;
});

describe('WorkerPool.backtrack', () => {
  it('gives the summary backtrack gives in this thread', async () => {
    pool = new WorkerPool(1);
    const scenario = carrier({ type: 'uniform', uMps: -6, vMps: 4 });
    const request: BacktrackRequest = {
      scenario,
      baseDir: BASE_DIR,
      detections: [{ ...detection, sigmaPositionM: 2000 }],
      members: 300,
      maxFloatSec: 4 * 3600,
      seed: 5,
    };
    const options = {
      wind: new UniformWind(-6, 4),
      detections: request.detections,
      members: 300,
      maxFloatSec: 4 * 3600,
      seed: 5,
      // The worker's default region: the bundled border strip.
      region: await loadLaunchRegion(DEFAULT_REGION),
    };
    const result = backtrack(options);
    const expected = backtrackSummary(result);
    // A north-westward wind: launches lie to the south-east, some of them in the strip.
    expect(expected.plausible).toBeGreaterThan(0);
    // With what produced it: the request, the wind; no time of run (the request gave none).
    const { provenance, ...answer } = await pool.backtrack(request);
    expect(answer).toEqual(expected);
    expect(provenance).toEqual(JSON.parse(JSON.stringify(backtrackProvenance(options, result))));
    expect(provenance.runTime).toBeNull();
    expect(pool.busy).toBe(0);
  });

  it('errors thrown on the worker arrive as their class, with their field or file', async () => {
    pool = new WorkerPool(1);
    const late = pool.backtrack({
      scenario: carrier({ type: 'file', paths: ['../wind/illustrative-border-night.json'] }),
      baseDir: BASE_DIR,
      detections: [{ ...detection, tSec: Date.parse('2031-01-01T00:00:00Z') / 1000 }],
    });
    await expect(late).rejects.toBeInstanceOf(InputError);
    await expect(late).rejects.toMatchObject({ field: 'detections[0].tSec' });
    const notWind = pool.backtrack({
      scenario: carrier({ type: 'file', paths: ['../geo/zones.json'] }),
      baseDir: BASE_DIR,
      detections: [detection],
    });
    await expect(notWind).rejects.toBeInstanceOf(DecodeError);
    await expect(notWind).rejects.toMatchObject({ source: resolve(BASE_DIR, '../geo/zones.json') });
    // The worker serves the next request.
    const ok = await pool.backtrack({
      scenario: carrier({ type: 'uniform', uMps: -6, vMps: 4 }),
      baseDir: BASE_DIR,
      detections: [detection],
      members: 10,
    });
    expect(ok.members).toBe(10);
  });
});

describe('splitMembers', () => {
  it('gives one contiguous share per worker in lockstep, smaller chunks otherwise, covering every member once', () => {
    const all = Uint32Array.from({ length: 10_001 }, (_, i) => 3 * i);
    const join = (chunks: Uint32Array[]) => chunks.flatMap((c) => Array.from(c));
    const lockstep = splitMembers(all, 3, true);
    expect(lockstep).toHaveLength(3);
    expect(join(lockstep)).toEqual(Array.from(all));
    const chunks = splitMembers(all, 3, false);
    // 4 per worker, none under 500 members: a worker done early takes another.
    expect(chunks).toHaveLength(12);
    expect(join(chunks)).toEqual(Array.from(all));
    expect(Math.min(...chunks.map((c) => c.length))).toBeGreaterThanOrEqual(500);
    // Few members: no chunk below 500 unless there are fewer members than that per worker.
    expect(splitMembers(all.slice(0, 1200), 2, false)).toHaveLength(2);
    expect(splitMembers(all.slice(0, 10), 3, false)).toHaveLength(3);
    expect(splitMembers(all, 1, false)).toHaveLength(1);
  });
});

describe('WorkerPool.run', () => {
  /** Everything a user gets from a run: the summary JSON, the tracks as CSV and GeoJSON, the events. */
  const outputs = (result: RunResult) => {
    const tracks = runTracks(result);
    return {
      summary: JSON.stringify(result.summary),
      csv: [...csvChunks(tracks)].join(''),
      geojson: JSON.stringify(geoJson(tracks)),
      events: JSON.stringify(result.events),
      analysisEvents: JSON.stringify(result.analysisEvents),
      ends: JSON.stringify(
        [result.status, result.endLon, result.endLat, result.endAltM, result.endTSec].map((a) =>
          Array.from(a),
        ),
      ),
    };
  };

  it('gives byte for byte the outputs of one thread on 1, 2 and 3 workers, with zones, crossings and landings', async () => {
    const file = await readScenarioFile(resolve(BASE_DIR, 'default.json'));
    // 3 sites × 4 launch hours × 100 members: 1200 members, chunked (not lockstep) into 2 and 3.
    const scenario: Scenario = { ...file.scenario, ensemble: { ...file.scenario.ensemble, members: 100 } };
    const wind = await loadScenarioWind(scenario.wind, file.baseDir);
    const prepared = prepareRun(scenario, wind);
    const targets = await loadScenarioTargets(scenario, file.baseDir);
    const whole = runPrepared(prepared, { targets });
    const expected = outputs(whole);
    const summary = JSON.parse(expected.summary);
    // What the comparison covers: landings, border crossings and zone entries happened.
    expect(summary.landings.count).toBeGreaterThan(100);
    expect(summary.border.membersCrossed).toBeGreaterThan(0);
    expect(summary.zones.some((z: { membersEntered: number }) => z.membersEntered > 0)).toBe(true);
    pool = new WorkerPool(3);
    for (const workers of [1, 2, 3]) {
      for (const keepFrames of [true, false]) {
        const timing = {} as RunTiming;
        const result = await pool.run({
          scenario,
          baseDir: file.baseDir,
          prepared,
          targets,
          workers,
          keepFrames,
          timing,
        });
        const got = outputs(
          keepFrames ? result : { ...result, frames: runPrepared(prepared, { targets }).frames },
        );
        expect(got, `${workers} workers, keepFrames ${keepFrames}`).toEqual(expected);
        expect(timing.chunks).toBe(workers);
        expect(timing.startMs).toBeLessThanOrEqual(timing.workersStartMs);
        expect(timing.workersStartMs).toBeLessThan(timing.workersEndMs);
        expect(timing.workersEndMs).toBeLessThanOrEqual(timing.endMs);
        expect(timing.summaryMs).toBeGreaterThan(0);
        expect(timing.summaryMs).toBeLessThanOrEqual(timing.mergeMs);
      }
    }
    // 2040 members on 3 workers: 4 chunks of 510, the fourth to the first worker that is free.
    const larger: Scenario = { ...scenario, ensemble: { ...scenario.ensemble, members: 170 } };
    const preparedLarger = prepareRun(larger, wind);
    const one = outputs(runPrepared(preparedLarger, { targets, keepFrames: false }));
    const timing = {} as RunTiming;
    const chunked = await pool.run({
      scenario: larger,
      baseDir: file.baseDir,
      prepared: preparedLarger,
      targets,
      workers: 3,
      timing,
    });
    expect(timing.chunks).toBe(4);
    expect(outputs(chunked)).toEqual(one);
  }, 120_000);

  const folders = testFolders('balloon-sim-pool-');

  /**
   * Runs `scenario` (its wind files copied to a folder of their own) on 2 workers after this thread
   * has read the wind and the files are gone: the workers can only run on the wind this thread
   * shares. The result must be the one-thread run's.
   */
  const runWithoutWindFiles = async (scenario: Scenario, files: string[]) => {
    const dir = folders.folder('wind');
    for (const f of files) copyFileSync(f, join(dir, basename(f)));
    const moved: Scenario = {
      ...scenario,
      wind: { ...scenario.wind, paths: files.map((f) => join(dir, basename(f))) } as Scenario['wind'],
    };
    const wind = await loadScenarioWind(moved.wind, BASE_DIR);
    const prepared = prepareRun(moved, wind);
    const targets = await loadScenarioTargets(moved, BASE_DIR);
    const expected = outputs(runPrepared(prepared, { targets }));
    rmSync(dir, { recursive: true });
    pool = new WorkerPool(2);
    const result = await pool.run({
      scenario: moved,
      baseDir: BASE_DIR,
      prepared,
      targets,
      workers: 2,
      keepFrames: true,
    });
    expect(outputs(result)).toEqual(expected);
    return { wind, result };
  };

  it('workers run on the wind this thread decoded, in shared memory: its files may be gone', async () => {
    const file = await readScenarioFile(resolve(BASE_DIR, 'default.json'));
    const scenario: Scenario = { ...file.scenario, ensemble: { ...file.scenario.ensemble, members: 20 } };
    const { wind, result } = await runWithoutWindFiles(scenario, [
      resolve(REPO_ROOT, 'fixtures/wind/illustrative-border-night.json'),
    ]);
    expect(result.summary.landings.count).toBeGreaterThan(0);
    const shared = describeSharedWind(wind)!;
    expect(shared.grids).toHaveLength(1);
    expect(shared.grids[0].grid.uv.buffer).toBeInstanceOf(SharedArrayBuffer);
  }, 60_000);

  it.skipIf(!hasSharedData)(
    'a grid offset of a real GFS forecast (pressure levels): 27 members over one shared grid, files gone',
    async () => {
      const file = await readScenarioFile(resolve(BASE_DIR, 'grodno-2020-08-04.json'));
      const scenario: Scenario = {
        ...file.scenario,
        wind: { ...(file.scenario.wind as Extract<Scenario['wind'], { type: 'file' }>), gridOffset: true },
        launch: { ...file.scenario.launch, times: { start: '2020-08-04T18:00:00Z' } },
        ensemble: { ...file.scenario.ensemble, members: 27 },
      };
      const files = ['f000', 'f006', 'f012'].map((s) =>
        sharedDataPath('gfs-0p25-poland', `20200804_${s}.grib2`),
      );
      const { wind } = await runWithoutWindFiles(scenario, files);
      const shared = describeSharedWind(wind)!;
      // One grid for the 27 members, sent once: its nodes and heights in shared memory.
      expect(shared.grids).toHaveLength(1);
      expect(shared.grids[0].kind).toBe('pressure');
      expect(shared.grids[0].grid.gh!.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(shared.root.kind === 'members' && shared.root.members).toHaveLength(27);
    },
    60_000,
  );
});

describe('WorkerPool.close', () => {
  it('refuses the callers still waiting for a worker instead of leaving them waiting for ever', async () => {
    pool = new WorkerPool(1);
    const scenario: Scenario = {
      wind: { type: 'uniform', uMps: 8, vMps: 6 },
      launch: { sites: [{ id: 'lida', lon: 25.3, lat: 53.9 }], times: { start: '2025-10-24T19:00:00Z' } },
      flight: { floatAltitudeM: 3000 },
      solver: { durationSec: 6 * 3600 },
      ensemble: { members: 20_000, seed: 7, perturb: { positionM: 3000 } },
    };
    const prepared = prepareRun(scenario, new UniformWind(8, 6));
    const targets = await loadScenarioTargets(scenario, BASE_DIR);
    let started!: () => void;
    const progress = new Promise<void>((r) => {
      started = r;
    });
    const busy = pool.run({
      scenario,
      baseDir: BASE_DIR,
      prepared,
      targets,
      workers: 1,
      onProgress: () => started(),
    });
    busy.catch(() => {});
    await progress;
    const small = { ...scenario, ensemble: { members: 1 } };
    const waiting = pool.run({
      scenario: small,
      baseDir: BASE_DIR,
      prepared: prepareRun(small, new UniformWind(8, 6)),
      targets,
      workers: 1,
    });
    const refused = expect(waiting).rejects.toThrow(/worker pool is closed/);
    await pool.close();
    await refused;
    await expect(busy).rejects.toThrow();
  });
});
