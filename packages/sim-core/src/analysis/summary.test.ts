import { describe, expect, it } from 'vitest';
import { M_PER_DEG, RAD_PER_DEG } from '../earth.js';
import { runScenario } from '../scenario/entry.js';
import type { Scenario } from '../scenario/schema.js';
import { lonBandZone } from '../testing/helpers.js';
import type { AnalysisTargets } from './observer.js';

const T0 = Date.parse('2025-10-24T18:00:00Z') / 1000;
const seconds = (iso: string | null | undefined) => (iso ? Date.parse(iso) / 1000 : Number.NaN);
/** Seconds to drift one degree of longitude along 54° N at 10 m/s (on the sphere the solver uses). */
const SEC_PER_DEG = (M_PER_DEG * Math.cos(54 * RAD_PER_DEG)) / 10;

/** Two sites on 54° N, launches at 18 and 19 UTC, two members each, carried east at 10 m/s for 3 h. */
const scenario: Scenario = {
  name: 'risk',
  wind: { type: 'uniform', uMps: 10, vMps: 0 },
  launch: {
    sites: [
      { id: 'a', lon: 25, lat: 54 },
      { id: 'b', lon: 26, lat: 54 },
    ],
    times: { start: '2025-10-24T18:00:00Z', end: '2025-10-24T19:00:00Z', everySec: 3600 },
  },
  flight: { floatAltitudeM: 3000 },
  solver: { durationSec: 3 * 3600 },
  ensemble: { members: 2 },
};
/** The border on the meridian 25.3° E; zone "near" 25.5–25.7° E, zone "late" 26.5–26.7° E. */
const targets: AnalysisTargets = {
  zones: [lonBandZone('near', 25.5, 25.7), lonBandZone('late', 26.5, 26.7)],
  origin: { id: 'O', name: 'Origin', contains: (lon) => lon < 25.3 },
  home: { id: 'H', name: 'Home', contains: (lon) => lon >= 25.3 },
};

describe('summarizeRun: the risk table, per site and launch time', () => {
  const { summary } = runScenario(scenario, { targets });

  it('has one row per site and launch time, in site then time order, with its members', () => {
    expect(summary.risk.map((r) => [r.site, r.launch, r.members])).toEqual([
      ['a', '2025-10-24T18:00:00.000Z', 2],
      ['a', '2025-10-24T19:00:00.000Z', 2],
      ['b', '2025-10-24T18:00:00.000Z', 2],
      ['b', '2025-10-24T19:00:00.000Z', 2],
    ]);
  });

  it('border: site a starts west of the border and crosses it, site b starts east of it', () => {
    expect(summary.risk.map((r) => r.borderProbability)).toEqual([1, 1, 0, 0]);
  });

  it('zones: who reaches which zone before the run ends (21 UTC), and when first', () => {
    const [a18, a19, b18, b19] = summary.risk;
    // From 25° E: "near" 0.5° away, "late" 1.5° away (2 h 43 min: only the 18 UTC launch gets there).
    expect(a18.zones.map((z) => [z.id, z.probability])).toEqual([
      ['near', 1],
      ['late', 1],
    ]);
    expect(seconds(a18.zones[0].earliestEntry)).toBeCloseTo(T0 + 0.5 * SEC_PER_DEG, 0);
    expect(seconds(a18.zones[1].earliestEntry)).toBeCloseTo(T0 + 1.5 * SEC_PER_DEG, 0);
    expect(a19.zones.map((z) => [z.id, z.probability, z.earliestEntry])).toEqual([
      ['near', 1, expect.any(String)],
      ['late', 0, null],
    ]);
    expect(seconds(a19.zones[0].earliestEntry)).toBeCloseTo(T0 + 3600 + 0.5 * SEC_PER_DEG, 0);
    // From 26° E "near" lies behind (upwind), "late" 0.5° ahead.
    for (const [row, launch] of [
      [b18, T0],
      [b19, T0 + 3600],
    ] as const) {
      expect(row.zones.map((z) => [z.id, z.probability])).toEqual([
        ['near', 0],
        ['late', 1],
      ]);
      expect(row.zones[0].earliestEntry).toBeNull();
      expect(seconds(row.zones[1].earliestEntry)).toBeCloseTo(launch + 0.5 * SEC_PER_DEG, 0);
    }
  });

  it('the whole-run figures agree with the rows: 4 of 8 members in "near", 6 in "late"', () => {
    expect(summary.zones.map((z) => [z.id, z.membersEntered, z.probability])).toEqual([
      ['near', 4, 0.5],
      ['late', 6, 0.75],
    ]);
    expect(summary.border?.membersCrossed).toBe(4);
    expect(summary.homeCountry).toEqual({ id: 'H', name: 'Home' });
  });

  it('per site: members, end states, median end point', () => {
    const [a, b] = summary.sites;
    expect([a.id, a.members, a.status]).toEqual(['a', 4, { active: 4 }]);
    expect([b.id, b.members, b.status]).toEqual(['b', 4, { active: 4 }]);
    // Half of a's members drifted 3 h, half 2 h: the median end lies between, 2.5 h of drift east.
    expect(a.medianEndLon).toBeCloseTo(25 + (2.5 * 3600) / SEC_PER_DEG, 3);
    expect(a.medianEndLat).toBeCloseTo(54, 4);
    // Still flying: no flight time yet.
    expect(a.medianFlightHours).toBeNull();
  });
});

describe('summarizeRun: distances from launch to end', () => {
  it('are geodesics on the WGS 84 ellipsoid', () => {
    // 3 h north at 10 m/s from the equator: the solver's sphere moves the balloon 108 km of arc,
    // Δφ = 108 000 / 6 371 008.8 rad = 0.971268°. On the ellipsoid that meridian arc is
    // a(1 − e²)·[(1 + 3e²/4)·Δφ − (3e²/8)·sin 2Δφ] = 6 335 439.3 m · 0.0169518 = 107.4 km, not 108.0.
    const { summary } = runScenario(
      {
        wind: { type: 'uniform', uMps: 0, vMps: 10 },
        launch: { sites: [{ id: 'e', lon: 25, lat: 0 }], times: { start: '2025-10-24T18:00:00Z' } },
        flight: { floatAltitudeM: 3000 },
        solver: { durationSec: 3 * 3600 },
      },
      { targets: { zones: [] } },
    );
    expect(summary.sites[0].medianEndLat).toBeCloseTo(0.9713, 4);
    expect(summary.sites[0].medianDistanceKm).toBe(107.4);
    expect(summary.sites[0].maxDistanceKm).toBe(107.4);
  });
});

describe('summarizeRun: landings', () => {
  it('counts payloads that came down, and those inside the home country', () => {
    // Float 2 h at 3000 m, then descend: landing about 2 h 10 min after launch, ≈1.2° east of the
    // site. From 24° E that is west of the border (25.3° E), from 25° E east of it.
    const { summary } = runScenario(
      {
        ...scenario,
        launch: {
          sites: [
            { id: 'west', lon: 24, lat: 54 },
            { id: 'east', lon: 25, lat: 54 },
          ],
          times: { start: '2025-10-24T18:00:00Z' },
        },
        flight: { floatAltitudeM: 3000, floatDurationSec: 7200, descentRateMps: 5 },
      },
      { targets },
    );
    expect(summary.status.landed).toBe(4);
    expect(summary.landings.count).toBe(4);
    expect(summary.landings.inHomeCountry).toBe(2);
    expect(summary.landings.medianLat).toBeCloseTo(54, 4);
    expect(summary.landings.medianLon).toBeGreaterThan(24.5 + 7200 / SEC_PER_DEG);
    expect(summary.landings.medianLon).toBeLessThan(24.5 + 9000 / SEC_PER_DEG);
    expect(summary.landings.grid?.total).toBe(4);
    for (const site of summary.sites) {
      expect(site.status).toEqual({ landed: 2 });
      // 2 h of float and a few minutes of descent.
      expect(site.medianFlightHours).toBeGreaterThan(2);
      expect(site.medianFlightHours).toBeLessThan(2.5);
    }
  });

  it('without a home country there is no home count and no border', () => {
    const { summary } = runScenario(scenario, { targets: { zones: [] } });
    expect(summary.homeCountry).toBeNull();
    expect(summary.border).toBeNull();
    expect(summary.landings.inHomeCountry).toBeNull();
    expect(summary.risk.every((r) => r.borderProbability === null && r.zones.length === 0)).toBe(true);
  });
});
