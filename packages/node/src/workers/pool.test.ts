import { resolve } from 'node:path';
import type { Scenario } from '@balloon-sim/sim-core';
import {
  backtrack,
  backtrackSummary,
  DecodeError,
  InputError,
  prepareRun,
  UniformWind,
} from '@balloon-sim/sim-core';
import { REPO_ROOT } from '@balloon-sim/sim-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { loadScenarioTargets } from '../geography.js';
import { DEFAULT_REGION, loadLaunchRegion } from '../launch-region.js';
import { backtrackProvenance } from '../provenance.js';
import { WorkerPool } from './pool.js';
import type { BacktrackRequest } from './protocol.js';

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
