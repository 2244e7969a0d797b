import { describe, expect, it } from 'vitest';
import { M_PER_DEG, RAD_PER_DEG } from '../earth.js';
import { SCENARIO_DEFAULTS } from '../scenario/defaults.js';
import { Simulation } from '../solver/simulation.js';
import { membersAt } from '../testing/helpers.js';
import { OscillatingWind, SoundingWind, UniformWind } from '../wind/analytic.js';
import {
  BACKTRACK_DEFAULTS,
  backtrack,
  backtrackSummary,
  FORWARD_TRACK_DEFAULTS,
  fitFloatAltitude,
} from './backtrack.js';
import { launchRegion, nightWindowBefore } from './backtrack-priors.js';

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

  it('fits the float altitude of a balloon seen several times', () => {
    // Launched at T0, seen at 2, 3 and 4 h while floating at 2600 m.
    const dets = [2, 3, 4].map((h) => {
      const p = forward(wind, 25.9, 54.4, 2600, h * 3600);
      return { lon: p.lon, lat: p.lat, altM: 2000, tSec: p.tSec, sigmaAltM: 1000, sigmaPositionM: 500 };
    });
    const fit = fitFloatAltitude(wind, dets, [1000, 1800, 2600, 3400]);
    const best = fit.reduce((a, b) => (a.rmsKm < b.rmsKm ? a : b));
    expect(best.altM).toBe(2600);
    expect(best.rmsKm).toBeLessThan(0.01);
    // The radar's altitude (2000 ± 1000 m) says little; the track's positions say 2600 m, and the
    // posterior (members weighted by how well they pass the earlier detections) follows them.
    const result = backtrack({ wind, detections: dets, members: 200, maxFloatSec: 3 * 3600, forward: false });
    expect(result.floatAltitudeM).toBeGreaterThanOrEqual(2400);
    expect(result.floatAltitudeM).toBeLessThanOrEqual(2800);
  });

  it("leaves the solver, step, seed, wind-error correlation and ground to the scenario's defaults", () => {
    const det = forward(wind, 25.9, 54.4, 3000, 2 * 3600);
    const detections = [
      { lon: det.lon, lat: det.lat, altM: 3000, tSec: det.tSec, sigmaPositionM: 500 },
      { lon: det.lon + 0.05, lat: det.lat + 0.1, altM: 3000, tSec: det.tSec + 1800 },
    ];
    const implicit = backtrack({ wind, detections, members: 40, maxFloatSec: 3 * 3600, forward: false });
    const explicit = backtrack({
      wind,
      detections,
      members: 40,
      maxFloatSec: 3 * 3600,
      forward: false,
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
    expect(implicit.samples).toEqual(explicit.samples);
    expect(implicit.altitudeFit).toEqual(explicit.altitudeFit);
    // A different step is a different simulation: the defaults are really what the runs used.
    const halfStep = backtrack({
      wind,
      detections,
      members: 40,
      maxFloatSec: 3 * 3600,
      dtSec: 30,
      forward: false,
    });
    expect(halfStep.samples.lon).not.toEqual(implicit.samples.lon);
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
  // A balloon seen at (26° E, 54.01° N, 3000 m) in a 10 m/s west wind, exactly: it climbed 1000 s
  // at exactly 3 m/s (10 km of drift) and floated F before it was seen, so it was launched
  // 10·(F + 1000) m due west along the parallel, F + 1000 s before the detection. The wind alone
  // cannot tell F; the priors can.
  const tSec = T0 + 6 * 3600;
  const det = { lon: 26, lat: 54.01, altM: 3000, tSec };
  const mPerDegLon = M_PER_DEG * Math.cos(54.01 * RAD_PER_DEG);
  const lonAt = (beforeSec: number) => 26 - (10 * beforeSec) / mPerDegLon;
  const exact = { ascentRateFraction: 0, windSigmaMps: 0, members: 200 } as const;
  const wind = new UniformWind(10, 0);
  /** A box as a region (counter-clockwise ring). */
  const box = (lon0: number, lon1: number, lat0: number, lat1: number) =>
    launchRegion(
      [
        [
          [
            [lon0, lat0],
            [lon1, lat0],
            [lon1, lat1],
            [lon0, lat1],
            [lon0, lat0],
          ],
        ],
      ],
      'box',
    );
  const weighted = (r: { samples: { weight: Float64Array } }) =>
    Array.from(r.samples.weight.keys()).filter((p) => r.samples.weight[p] > 0);

  // The true launch: 2800 s before the detection, 28 km west. A launch window of ± 2 min round it
  // leaves launch points within ± 1.2 km of it, all in one cell of 0.05° (25.55–25.60° E).
  const trueBefore = 2800;
  const narrow = {
    ...exact,
    wind,
    detections: [det],
    launchWindow: { startSec: tSec - trueBefore - 120, endSec: tSec - trueBefore + 120 },
    region: box(25.0, 25.99, 53.9, 54.1),
  };
  const result = backtrack(narrow);

  it('the time-window prior puts the best cell on the true launch, with its time, distance and bearing', () => {
    const trueLon = lonAt(trueBefore);
    expect(trueLon).toBeGreaterThan(25.56);
    expect(trueLon).toBeLessThan(25.59);
    const best = result.mostLikely[0];
    // The cell that contains the true launch, holding all the mass.
    expect(best.lon - 0.025).toBeLessThanOrEqual(trueLon);
    expect(best.lon + 0.025).toBeGreaterThan(trueLon);
    expect(best.lat).toBeCloseTo(54.025, 6);
    expect(best.probability).toBeCloseTo(1, 6);
    expect(Math.abs(best.meanLon - trueLon) * mPerDegLon).toBeLessThan(1300);
    expect(Math.abs(Date.parse(best.medianLaunch!) / 1000 - (tSec - trueBefore))).toBeLessThanOrEqual(130);
    // The best estimate (first launch area) within the window's ± 1.2 km of the true launch.
    expect(Math.abs(result.areas[0].lon - trueLon) * mPerDegLon).toBeLessThan(1300);
    expect(result.areas[0].probability).toBeCloseTo(1, 6);
    // Due west of the detection, at the cell centre's distance on the ellipsoid (≈ flat here: the
    // local east–west radius of curvature; the error of the flat picture is metres over 30 km).
    expect(result.areas[0].bearingDeg).toBe(270);
    const a = 6_378_137;
    const e2 = 0.00669437999014;
    const phi = 54.0175 * RAD_PER_DEG;
    const kmPerDegEast =
      (((a * Math.cos(phi)) / Math.sqrt(1 - e2 * Math.sin(phi) ** 2)) * RAD_PER_DEG) / 1000;
    const westKm = (26 - best.lon) * kmPerDegEast;
    const northKm = (best.lat - 54.01) * 111.2;
    expect(Math.abs(best.distanceKm - Math.hypot(westKm, northKm))).toBeLessThanOrEqual(0.06);
    expect(Math.abs(best.bearingDeg - (270 + Math.atan2(northKm, westKm) / RAD_PER_DEG))).toBeLessThanOrEqual(
      0.6,
    );
  });

  it('every weighted launch lies inside the region and the window; the rest weigh nothing', () => {
    const kept = weighted(result);
    expect(kept.length).toBeGreaterThan(20);
    for (const p of kept) {
      const t = result.samples.tSec[p];
      expect(t).toBeGreaterThanOrEqual(narrow.launchWindow.startSec);
      expect(t).toBeLessThanOrEqual(narrow.launchWindow.endSec);
      // On the line the wind draws, at the distance its launch time gives.
      // (Float paths are kept in single precision: 1e-6° is 0.1 m.)
      expect(result.samples.lat[p]).toBeCloseTo(54.01, 5);
      expect(result.samples.lon[p]).toBeCloseTo(lonAt(tSec - t), 5);
    }
    // Launches traced down outside the window are there, with no weight.
    expect(result.reachedGround).toBeGreaterThan(kept.length);
    expect(result.plausible).toBe(kept.length);
  });

  it('the region prior: launches outside weigh nothing, and a region the line misses leaves no launch', () => {
    // The whole evening as the window; a region 25.60–25.70° E (22.9–29.4 km west of 26° E).
    const strip = backtrack({
      ...exact,
      wind,
      detections: [det],
      launchWindow: { startSec: tSec - 4 * 3600, endSec: tSec },
      region: box(25.6, 25.7, 53.9, 54.1),
    });
    const kept = weighted(strip);
    expect(kept.length).toBeGreaterThan(20);
    for (const p of kept) {
      expect(strip.samples.lon[p]).toBeGreaterThanOrEqual(25.6);
      expect(strip.samples.lon[p]).toBeLessThanOrEqual(25.7);
      const before = tSec - strip.samples.tSec[p];
      expect(strip.samples.lon[p]).toBeCloseTo(lonAt(before), 5);
    }
    // Uniform along the line: each of the two cells holds about half.
    expect(strip.mostLikely).toHaveLength(2);
    for (const c of strip.mostLikely) expect(c.probability).toBeGreaterThan(0.3);
    // North of the line: nothing inside the priors, and the answer says so.
    const north = backtrack({
      ...exact,
      wind,
      detections: [det],
      launchWindow: { startSec: tSec - 4 * 3600, endSec: tSec },
      region: box(25.0, 25.9, 54.2, 54.4),
      forward: false,
    });
    expect(north.plausible).toBe(0);
    expect(north.mostLikely).toEqual([]);
    expect(north.warnings.join('\n')).toMatch(/no launch found inside the priors \(region box/);
  });

  it('a launch window that closes before the balloon could have reached the detection leaves no launch', () => {
    // Launched at least 1000 s (the climb) before it was seen: a window ending 1000 s earlier than
    // the detection but starting 100 s before that admits nothing but its last 100 s.
    const late = backtrack({
      ...exact,
      wind,
      detections: [det],
      launchWindow: { startSec: tSec - 900, endSec: tSec },
      forward: false,
    });
    expect(late.plausible).toBe(0);
    expect(late.mostLikely).toEqual([]);
  });

  it('the forward selection recovers the launch and agrees with the backward posterior', () => {
    const f = result.forward!;
    expect(f.run).toBeGreaterThan(100);
    expect(f.kept).toBeGreaterThan(20);
    const trueLon = lonAt(trueBefore);
    // The kept launches pass the detection within 3 σ (300 m floor: 900 m) at the right time.
    for (let q = 0; q < f.samples.weight.length; q++) {
      const t = f.samples.tSec[q];
      expect(Math.abs(f.samples.lat[q] - 54.01) * M_PER_DEG).toBeLessThan(950);
      expect(Math.abs(f.samples.lon[q] - lonAt(tSec - t)) * mPerDegLon).toBeLessThan(950);
    }
    expect(Math.abs(f.areas[0].lon - trueLon) * mPerDegLon).toBeLessThan(2000);
    expect(Math.abs(f.areas[0].lat - 54.01) * M_PER_DEG).toBeLessThan(500);
    expect(result.agreement?.agree).toBe(true);
    expect(result.agreement!.bestDistanceKm).toBeLessThan(2);
    expect(result.agreement!.topCellsShared).toBeGreaterThanOrEqual(1);
  });

  it('keeps a bounded sample of the forward tracks when asked, and changes nothing else', () => {
    const asked = backtrack({ ...narrow, forward: { tracks: { kept: 7, rejected: 5, strideSec: 300 } } });
    const f = asked.forward!;
    const tracks = f.tracks!;
    // The other figures are those of the run without tracks (the same draws, the same runs).
    const { tracks: _, ...rest } = backtrackSummary(asked).forward!;
    expect(rest).toEqual(backtrackSummary(result).forward);
    expect(result.forward).not.toHaveProperty('tracks');
    expect(tracks.keptTotal).toBe(f.kept);
    expect(tracks.rejectedTotal).toBe(f.run - f.kept);
    expect(f.kept).toBeGreaterThan(7);
    expect(f.run - f.kept).toBeGreaterThan(5);
    const kept = tracks.tracks.filter((t) => t.kept);
    expect(kept).toHaveLength(7);
    expect(tracks.tracks.filter((t) => !t.kept)).toHaveLength(5);
    expect(tracks.acceptSigmas).toBe(BACKTRACK_DEFAULTS.acceptSigmas);
    expect(tracks.matchFloorM).toBe(BACKTRACK_DEFAULTS.matchFloorM);
    for (const t of tracks.tracks) {
      const n = t.lon.length;
      expect([t.lat.length, t.altM.length, t.tSec.length]).toEqual([n, n, n]);
      expect(n).toBeLessThanOrEqual(FORWARD_TRACK_DEFAULTS.maxPoints);
      for (let i = 1; i < n; i++) expect(t.tSec[i]).toBeGreaterThanOrEqual(t.tSec[i - 1]);
      // The wind is 10 m/s from the west at every height, without error, and the climb is exactly
      // 3 m/s from the ground (0 m) to the float altitude: each point lies where that puts it.
      const t0 = t.tSec[0];
      const top = Math.max(...t.altM);
      // Metres per degree east on this track's own parallel (0.01° off 54.01° is 7 m in 30 km).
      const mPerDegLon = M_PER_DEG * Math.cos(t.lat[0] * RAD_PER_DEG);
      for (let i = 0; i < n; i++) {
        const dt = t.tSec[i] - t0;
        expect(Math.abs(t.lon[i] - (t.lon[0] + (10 * dt) / mPerDegLon)) * mPerDegLon).toBeLessThan(2);
        expect(t.lat[i]).toBeCloseTo(t.lat[0], 4);
        expect(Math.abs(t.altM[i] - Math.min(3 * dt, top))).toBeLessThan(1);
      }
    }
    for (const t of kept) {
      // A kept launch is one of the cross-check's kept samples …
      const q = Array.from(f.samples.tSec).indexOf(t.tSec[0]);
      expect(q).toBeGreaterThanOrEqual(0);
      expect(Math.abs(f.samples.lon[q] - t.lon[0]) * mPerDegLon).toBeLessThan(1);
      // … and its track has a point at the detection's time within 3 σ (σ: the 300 m floor).
      const i = t.tSec.indexOf(tSec);
      expect(i).toBeGreaterThan(0);
      const missM = Math.hypot((t.lon[i] - det.lon) * mPerDegLon, (t.lat[i] - det.lat) * M_PER_DEG);
      expect(missM).toBeLessThanOrEqual(3 * 300 + 2);
      expect(t.misfitSigma).toBeLessThanOrEqual(3);
    }
    for (const t of tracks.tracks.filter((u) => !u.kept))
      expect(t.misfitSigma ?? Infinity).toBeGreaterThan(3);
    // The same call gives the same tracks; a cap in points widens the stride.
    expect(
      backtrack({ ...narrow, forward: { tracks: { kept: 7, rejected: 5, strideSec: 300 } } }).forward!.tracks,
    ).toEqual(tracks);
    const capped = backtrack({
      ...narrow,
      forward: { tracks: { kept: 3, rejected: 0, strideSec: 60, maxPoints: 10 } },
    });
    for (const t of capped.forward!.tracks!.tracks) expect(t.lon.length).toBeLessThanOrEqual(10);
    expect(capped.forward!.tracks!.strideSec).toBeGreaterThan(60);
    expect(() => backtrack({ ...narrow, forward: { tracks: { kept: -1 } } })).toThrow(
      /forward\.tracks\.kept must be/,
    );
  });

  it('backtrackSummary keeps the old fields, versions the answer and leaves the sample arrays out', () => {
    const summary = backtrackSummary(result);
    for (const key of [
      'floatAltitudeM',
      'altitudeFit',
      'members',
      'reachedGround',
      'plausible',
      'medianLaunch',
      'mostLikely',
      'grid',
    ])
      expect(summary).toHaveProperty(key);
    expect(summary.version).toBe(2);
    expect(summary.members).toBe(200);
    expect(summary.priors.region).toEqual({ id: 'box', name: 'box' });
    expect(summary.forward).not.toHaveProperty('samples');
    expect(summary).not.toHaveProperty('samples');
    // Plain JSON: what the command line prints and the server sends, unchanged by a round trip.
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
    // The grid holds posterior mass.
    expect(summary.grid!.counts.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  });
});

describe('the default launch window', () => {
  it('opens at 16:00 Vilnius time on the evening the detection night began', () => {
    // 21:30Z on 24 Oct 2025 is 00:30 on the 25th in Vilnius (UTC+3): the window opens at 16:00 on
    // the 24th local, 13:00Z.
    const w = nightWindowBefore(Date.parse('2025-10-24T21:30:00Z') / 1000);
    expect(w.startSec).toBe(Date.parse('2025-10-24T13:00:00Z') / 1000);
    // After the October change (UTC+2): a detection at 02:00Z on 27 Oct (04:00 local) → 16:00 local
    // on the 26th, which is already winter time: 14:00Z.
    const winter = nightWindowBefore(Date.parse('2025-10-27T02:00:00Z') / 1000);
    expect(winter.startSec).toBe(Date.parse('2025-10-26T14:00:00Z') / 1000);
    // A detection at 17:00 local belongs to that evening's night.
    const evening = nightWindowBefore(Date.parse('2025-10-24T14:00:00Z') / 1000);
    expect(evening.startSec).toBe(Date.parse('2025-10-24T13:00:00Z') / 1000);
  });
});
