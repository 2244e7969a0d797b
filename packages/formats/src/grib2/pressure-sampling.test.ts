import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  distanceM,
  type GridWindInit,
  PressureGridWind,
  runScenario,
  type WindField,
} from '@balloon-sim/sim-core';
import {
  hasSharedData,
  PerColumnPressureWind,
  REPO_ROOT,
  seededRandom,
  sharedDataPath,
} from '@balloon-sim/sim-core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { grib2Wind } from './wind.js';

/**
 * The pressure-level sampler on the real GFS 0.25° files, held to the per-column scheme it replaced
 * (testing/per-column-pressure.ts: each of the eight columns around a point interpolated in height by
 * its own levels, then in lon/lat and time). The merged columns store their winds as float32, so the
 * two may differ by the rounding of a float32 of the largest wind: 2^-23 of it.
 */
const RUN_0804 = ['20200804_f000.grib2', '20200804_f006.grib2', '20200804_f012.grib2'];

describe.runIf(hasSharedData)('PressureGridWind on GFS 0.25° over Poland, 2020-08-04', () => {
  let init: GridWindInit;
  let field: PressureGridWind;
  let perColumn: PerColumnPressureWind;
  let bound: number;
  beforeAll(async () => {
    init = await grib2Wind(
      RUN_0804.map((name) => ({
        name,
        bytes: new Uint8Array(readFileSync(sharedDataPath('gfs-0p25-poland', name))),
      })),
    );
    field = new PressureGridWind(init);
    perColumn = new PerColumnPressureWind(init);
    let largest = 0;
    for (const a of [init.u, init.v]) for (const x of a) largest = Math.max(largest, Math.abs(x));
    bound = 2 ** -23 * largest;
  });

  it('gives the per-column wind within 2^-23 of the largest wind, at random points and at every level height', () => {
    const rand = seededRandom('GFS pressure sampler vs per-column');
    const { lon, lat, timesSec } = init;
    const gh = (init.levels as { geopotentialHeightM: Float32Array }).geopotentialHeightM;
    const n = 2000;
    const lonP = new Float64Array(n);
    const latP = new Float64Array(n);
    const altP = new Float64Array(n);
    const u = new Float64Array(n);
    const v = new Float64Array(n);
    const expected = new Float64Array(2);
    let worst = 0;
    let compared = 0;
    // Stage times across both intervals, grid times included; each batch reaches the slab threshold.
    const t0 = timesSec[0];
    const span = timesSec[timesSec.length - 1] - t0;
    for (const f of [0, 0.1, 0.25, 0.5, 0.5001, 0.77, 1, rand(), rand()]) {
      const t = t0 + f * span;
      for (let p = 0; p < n; p++) {
        lonP[p] = lon.start + (lon.count - 1) * lon.step * rand();
        latP[p] = lat.start + (lat.count - 1) * lat.step * rand();
        // Mostly the troposphere where balloons fly, some on a level's own height, some far above.
        altP[p] =
          p % 7 === 0 ? gh[Math.floor(rand() * gh.length)] : p % 11 === 0 ? 40_000 * rand() : 12_000 * rand();
      }
      field.sampleMany(n, lonP, latP, altP, t, u, v);
      for (let p = 0; p < n; p++) {
        perColumn.sample(lonP[p], latP[p], altP[p], t, expected);
        const d = Math.max(Math.abs(u[p] - expected[0]), Math.abs(v[p] - expected[1]));
        worst = Math.max(worst, d);
        if (!(d <= bound))
          expect({ lon: lonP[p], lat: latP[p], alt: altP[p], t, u: u[p], v: v[p] }).toEqual({
            lon: lonP[p],
            lat: latP[p],
            alt: altP[p],
            t,
            u: expected[0],
            v: expected[1],
          });
        compared++;
      }
    }
    expect(compared).toBe(9 * n);
    console.info(
      `[GFS pressure sampler] largest difference ${worst.toExponential(2)} m/s, bound ${bound.toExponential(2)} m/s`,
    );
  });

  it('moves the Grodno scenario end points by < 0.14 m and track points by < 1 m from the per-column scheme', () => {
    const scenario = JSON.parse(
      readFileSync(resolve(REPO_ROOT, 'fixtures/scenarios/grodno-2020-08-04.json'), 'utf8'),
    );
    // The per-column scheme as a field of its own: point by point, no slabs, no merged columns.
    const old: WindField = {
      coverage: field.coverage,
      description: field.description,
      sample: (lonP, latP, altM, tSec, out) => perColumn.sample(lonP, latP, altM, tSec, out),
      groundElevationM: (lonP, latP) => field.groundElevationM(lonP, latP),
    };
    const now = runScenario(scenario, { wind: field });
    const before = runScenario(scenario, { wind: old });
    expect(now.status).toEqual(before.status);
    expect(now.frames.length).toBe(before.frames.length);
    // A wind error e (m/s) held for the whole 7 h run moves a balloon by about e · 25 200 s: for the
    // float32 rounding bound (5.4e-6 m/s here) 0.14 m, the bound on the end points (float64). Track
    // frames hold float32 positions, whose latitude step alone is 0.42 m here: a metre for them.
    let worstM = 0;
    let compared = 0;
    // Frames hold float32 positions (about 0.1 m of longitude here); the end positions are float64.
    for (let f = 0; f < now.frames.length; f++) {
      const a = now.frames[f].positions;
      const b = before.frames[f].positions;
      for (let e = 0; e < a.length; e += 3) {
        if (Number.isNaN(a[e]) && Number.isNaN(b[e])) continue;
        worstM = Math.max(worstM, distanceM(a[e], a[e + 1], b[e], b[e + 1]), Math.abs(a[e + 2] - b[e + 2]));
        compared++;
      }
    }
    let worstEndM = 0;
    for (let m = 0; m < now.endLon.length; m++)
      worstEndM = Math.max(
        worstEndM,
        distanceM(now.endLon[m], now.endLat[m], before.endLon[m], before.endLat[m]),
        Math.abs(now.endAltM[m] - before.endAltM[m]),
      );
    expect(compared).toBeGreaterThan(1000);
    expect(worstM).toBeLessThan(1);
    expect(worstEndM).toBeLessThan(bound * 25_200);
    console.info(
      `[GFS Grodno scenario] largest move of a track point ${worstM.toExponential(2)} m, of an end point ${worstEndM.toExponential(2)} m`,
    );
  });
});
