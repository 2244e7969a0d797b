import { describe, expect, it } from 'vitest';
import { distanceM, M_PER_DEG, RAD_PER_DEG } from '../earth.js';
import { SCENARIO_DEFAULTS } from '../scenario/defaults.js';
import { Simulation } from '../solver/simulation.js';
import { membersAt } from '../testing/helpers.js';
import { OscillatingWind, SoundingWind, UniformWind } from '../wind/analytic.js';
import { BACKTRACK_DEFAULTS, backtrack, backtrackSummary, fitFloatAltitude } from './backtrack.js';

const T0 = Date.parse('2025-10-24T18:00:00Z') / 1000;

/** Where a balloon launched from (lon, lat) at T0, ascending at 3 m/s to altM, is after `sec`. */
function forward(wind: SoundingWind | OscillatingWind, lon: number, lat: number, altM: number, sec: number) {
  const sim = new Simulation({
    wind,
    members: membersAt([{ lon, lat, altM }], T0, { ascentRateMps: 3, launchAltM: 0 }),
    method: 'rk4',
    dtSec: 60,
    direction: 'forward',
    durationSec: sec,
  });
  while (!sim.done) sim.step();
  return { lon: sim.lon[0], lat: sim.lat[0], tSec: sim.tSec };
}

describe('backtrack', () => {
  // Wind turning and strengthening with height: the altitude matters for where a balloon goes.
  const wind = new SoundingWind([
    { altM: 0, directionDeg: 120, speedMps: 5 },
    { altM: 2000, directionDeg: 140, speedMps: 10 },
    { altM: 4000, directionDeg: 170, speedMps: 16 },
  ]);

  it('recovers the launch site of a simulated detection within the ensemble spread', () => {
    const site = { lon: 25.9, lat: 54.4 };
    const det = forward(wind, site.lon, site.lat, 3000, 3 * 3600);
    const result = backtrack({
      wind,
      detections: [
        { lon: det.lon, lat: det.lat, altM: 3000, tSec: det.tSec, sigmaPositionM: 1000, sigmaAltM: 100 },
      ],
      members: 400,
      maxFloatSec: 4 * 3600,
      seed: 3,
    });
    expect(result.reachedGround).toBe(400);
    // The true site lies on the curve of launch points (one per float time); the closest member
    // launch point is within a few km, and the true launch time is within the launch times found.
    let closest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < result.members; i++)
      closest = Math.min(closest, distanceM(site.lon, site.lat, result.launchLon[i], result.launchLat[i]));
    expect(closest).toBeLessThan(3000);
    const times = Array.from(result.launchTSec).sort((a, b) => a - b);
    expect(times[0]).toBeLessThan(T0);
    expect(times.at(-1)!).toBeGreaterThan(T0);
    expect(result.mostLikely.length).toBeGreaterThan(0);
  });

  it('with a plausibility area, counts only launch points inside it', () => {
    const det = forward(wind, 25.9, 54.4, 3000, 2 * 3600);
    const result = backtrack({
      wind,
      detections: [{ lon: det.lon, lat: det.lat, altM: 3000, tSec: det.tSec }],
      members: 200,
      maxFloatSec: 3 * 3600,
      plausible: (lon) => lon > 25.95,
    });
    expect(result.plausible).toBeGreaterThan(0);
    expect(result.plausible).toBeLessThan(result.reachedGround);
    for (let i = 0; i < result.members; i++)
      if (result.plausibleMember[i]) expect(result.launchLon[i]).toBeGreaterThan(25.95);
  });

  it('fits the float altitude of a balloon seen several times', () => {
    // Launched at T0, seen at 2, 3 and 4 h while floating at 2600 m.
    const dets = [2, 3, 4].map((h) => {
      const p = forward(wind, 25.9, 54.4, 2600, h * 3600);
      return { lon: p.lon, lat: p.lat, altM: 2000, tSec: p.tSec };
    });
    const fit = fitFloatAltitude(wind, dets, [1000, 1800, 2600, 3400]);
    const best = fit.reduce((a, b) => (a.rmsKm < b.rmsKm ? a : b));
    expect(best.altM).toBe(2600);
    expect(best.rmsKm).toBeLessThan(0.01);
    const result = backtrack({ wind, detections: dets, members: 50, maxFloatSec: 3 * 3600 });
    expect(result.floatAltitudeM).toBeGreaterThanOrEqual(2500);
    expect(result.floatAltitudeM).toBeLessThanOrEqual(2700);
  });

  it("leaves the solver, step, seed, wind-error correlation and ground to the scenario's defaults", () => {
    const det = forward(wind, 25.9, 54.4, 3000, 2 * 3600);
    const detections = [
      { lon: det.lon, lat: det.lat, altM: 3000, tSec: det.tSec, sigmaPositionM: 500 },
      { lon: det.lon + 0.05, lat: det.lat + 0.1, altM: 3000, tSec: det.tSec + 1800 },
    ];
    const implicit = backtrack({ wind, detections, members: 40, maxFloatSec: 3 * 3600 });
    const explicit = backtrack({
      wind,
      detections,
      members: 40,
      maxFloatSec: 3 * 3600,
      method: SCENARIO_DEFAULTS.method,
      dtSec: SCENARIO_DEFAULTS.dtSec,
      seed: SCENARIO_DEFAULTS.seed,
      windCorrelationSec: SCENARIO_DEFAULTS.windCorrelationSec,
      groundElevationM: SCENARIO_DEFAULTS.groundElevationM,
      ascentRateMps: BACKTRACK_DEFAULTS.ascentRateMps,
      ascentRateFraction: BACKTRACK_DEFAULTS.ascentRateFraction,
      windSigmaMps: BACKTRACK_DEFAULTS.windSigmaMps,
      cellDeg: BACKTRACK_DEFAULTS.cellDeg,
    });
    // Same draws, same steps: the same launch points bit for bit, and the same float-altitude fit.
    expect(implicit.launchLon).toEqual(explicit.launchLon);
    expect(implicit.launchTSec).toEqual(explicit.launchTSec);
    expect(implicit.altitudeFit).toEqual(explicit.altitudeFit);
    // A different step is a different simulation: the defaults are really what the runs used.
    const halfStep = backtrack({ wind, detections, members: 40, maxFloatSec: 3 * 3600, dtSec: 30 });
    expect(halfStep.launchLon).not.toEqual(implicit.launchLon);
  });

  it('refuses detections outside the wind data or with bad values, naming them', () => {
    const small = new OscillatingWind(5, 5, 1, 3600);
    expect(() => backtrack({ wind: small, detections: [] })).toThrow(
      /detections must hold at least one detection/,
    );
    expect(() =>
      backtrack({ wind: small, detections: [{ lon: 25, lat: 95, altM: 1000, tSec: T0 }] }),
    ).toThrow(/detections\[0\]\.lat must be a latitude/);
    expect(() =>
      backtrack({ wind: small, detections: [{ lon: 25, lat: 54, altM: Number.NaN, tSec: T0 }] }),
    ).toThrow(/detections\[0\]\.altM/);
  });
});

describe('backtrack in a uniform wind (analytic)', () => {
  // A balloon seen at (26° E, 54.01° N, 3000 m) in a 10 m/s west wind, with no uncertainty: it
  // floated F ∈ [0, 1 h] (uniform prior) after climbing 1000 s at exactly 3 m/s, so it was launched
  // 10·(F + 1000) m due west along the parallel, F + 1000 s before the detection.
  const tSec = T0 + 6 * 3600;
  const det = { lon: 26, lat: 54.01, altM: 3000, tSec };
  const mPerDegLon = M_PER_DEG * Math.cos(54.01 * RAD_PER_DEG);
  const result = backtrack({
    wind: new UniformWind(10, 0),
    detections: [det],
    members: 1000,
    maxFloatSec: 3600,
    ascentRateFraction: 0,
    windSigmaMps: 0,
  });

  it('every member traces back to a launch point upwind, on the line the wind draws', () => {
    expect(result.reachedGround).toBe(1000);
    expect(result.plausible).toBe(1000);
    for (let i = 0; i < result.members; i++) {
      const before = tSec - result.launchTSec[i];
      expect(before).toBeGreaterThanOrEqual(1000 - 1e-3);
      expect(before).toBeLessThanOrEqual(4600 + 1e-3);
      expect(result.launchLat[i]).toBeCloseTo(54.01, 9);
      expect(result.launchLon[i]).toBeCloseTo(26 - (10 * before) / mPerDegLon, 6);
    }
    // The median float is half the prior (30 min), give or take the sampling of 1000 members.
    expect(Math.abs(Date.parse(result.medianLaunch!) / 1000 - (tSec - 1000 - 1800))).toBeLessThan(300);
  });

  it('the most likely cells: on the line, each about one cell width of the 36 km line', () => {
    // 0.05° of longitude here is 3.27 km, so an interior cell holds ≈ 3.27/36 = 9.1 % of the members.
    expect(result.mostLikely).toHaveLength(5);
    const p = result.mostLikely.map((c) => c.probability);
    expect([...p].sort((a, b) => b - a)).toEqual(p);
    for (const cell of result.mostLikely) {
      expect(cell.lat).toBeCloseTo(54.025, 6);
      expect(cell.lon).toBeGreaterThan(26 - 46_000 / mPerDegLon - 0.05);
      expect(cell.lon).toBeLessThan(26 - 10_000 / mPerDegLon + 0.05);
      expect(cell.probability).toBeGreaterThan(0.06);
      expect(cell.probability).toBeLessThan(0.13);
      // Launched from the cell's centre, the balloon drifts (26° − lon) of longitude at 10 m/s.
      const expectedLaunch = tSec - ((26 - cell.lon) * mPerDegLon) / 10;
      expect(Math.abs(Date.parse(cell.medianLaunch!) / 1000 - expectedLaunch)).toBeLessThan(200);
    }
  });

  it('each cell says how far and in which direction it lies from the detection, on WGS 84', () => {
    // Over tens of km the ellipsoid is flat enough to measure in its local radii of curvature at
    // ≈54.02° N: east–west N·cos φ = a·cos φ / √(1 − e² sin² φ) per radian, north–south
    // M = a(1 − e²) / (1 − e² sin² φ)^(3/2); the error of this flat picture is ~(40 km / R)², < 5 m.
    const a = 6_378_137;
    const e2 = 0.00669437999014;
    const phi = 54.0175 * RAD_PER_DEG;
    const w = 1 - e2 * Math.sin(phi) ** 2;
    const kmPerDegEast = (((a * Math.cos(phi)) / Math.sqrt(w)) * RAD_PER_DEG) / 1000;
    const kmPerDegNorth = (((a * (1 - e2)) / w ** 1.5) * RAD_PER_DEG) / 1000;
    for (const cell of result.mostLikely) {
      const westKm = (26 - cell.lon) * kmPerDegEast;
      const northKm = (cell.lat - 54.01) * kmPerDegNorth;
      expect(Math.abs(cell.distanceKm - Math.hypot(westKm, northKm))).toBeLessThanOrEqual(0.06);
      // West and a little north of the detection: 270° plus the angle of the northward offset.
      const bearing = 270 + Math.atan2(northKm, westKm) / RAD_PER_DEG;
      expect(Math.abs(cell.bearingDeg - bearing)).toBeLessThanOrEqual(0.6);
    }
  });

  it('backtrackSummary keeps what a back-track tells and leaves the per-member arrays out', () => {
    const summary = backtrackSummary(result);
    expect(Object.keys(summary).sort()).toEqual([
      'altitudeFit',
      'floatAltitudeM',
      'grid',
      'medianLaunch',
      'members',
      'mostLikely',
      'plausible',
      'reachedGround',
    ]);
    expect(summary).toEqual({
      floatAltitudeM: 3000,
      altitudeFit: null,
      members: 1000,
      reachedGround: 1000,
      plausible: 1000,
      medianLaunch: result.medianLaunch,
      mostLikely: result.mostLikely,
      grid: result.grid,
    });
    // Plain JSON: what the command line prints and the server sends, unchanged by a round trip.
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
    expect(summary.grid?.total).toBe(1000);
  });
});
