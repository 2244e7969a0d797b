/**
 * The zone answers a duty officer acts on, checked against values worked out by hand from the
 * geometry and the winds of each case: airborne-only insides, the threshold closure window, bounds
 * where the wind's coverage ends, closest approach to the zone itself, landings per country, and the
 * float-altitude fan.
 */
import { describe, expect, it } from 'vitest';
import { EARTH_RADIUS_M, M_PER_DEG, RAD_PER_DEG } from '../earth.js';
import type { Zone } from '../geo/zones.js';
import { formatSummary } from '../output/summary-text.js';
import { prepareRun, runScenario } from '../scenario/entry.js';
import { selectMembers } from '../scenario/prepare.js';
import type { Scenario } from '../scenario/schema.js';
import { MemberStatus } from '../solver/status.js';
import { boxCountries, lonBandZone } from '../testing/helpers.js';
import { gridWind } from '../wind/grid.js';
import type { AnalysisTargets, ZoneTarget } from './observer.js';
import { analysisTargets, countryAreas, zoneTarget } from './targets.js';

const T0 = Date.parse('2025-10-24T18:00:00Z') / 1000;
const seconds = (iso: string | null | undefined) => (iso ? Date.parse(iso) / 1000 : Number.NaN);
const iso = (tSec: number) => new Date(tSec * 1000).toISOString();
/** Seconds to drift one degree of longitude along 54° N at 10 m/s, on the solver's sphere. */
const SEC_PER_DEG = (M_PER_DEG * Math.cos(54 * RAD_PER_DEG)) / 10;

/** A lon/lat rectangle as a zone (the outline a zone file would give), between two altitudes. */
function rectangle(
  id: string,
  lonMin: number,
  lonMax: number,
  latMin: number,
  latMax: number,
  lowerM = 0,
  upperM = 5000,
): ZoneTarget {
  const zone: Zone = {
    id,
    name: id,
    kind: 'other',
    lowerM,
    upperM,
    polygon: [
      [
        [lonMin, latMin],
        [lonMax, latMin],
        [lonMax, latMax],
        [lonMin, latMax],
        [lonMin, latMin],
      ],
    ],
    approximate: false,
    source: 'test',
  };
  return zoneTarget(zone);
}

/**
 * Meridian arc (m) from the equator to latitude φ on the WGS 84 ellipsoid (a = 6 378 137 m,
 * f = 1/298.257223563): the series to e⁶ of Snyder, "Map Projections — A Working Manual" (USGS
 * 1987), eq. 3-21, exact to well under a millimetre.
 */
function meridianArcM(latDeg: number): number {
  const a = 6_378_137;
  const f = 1 / 298.257223563;
  const e2 = f * (2 - f);
  const e4 = e2 * e2;
  const e6 = e4 * e2;
  const p = latDeg * RAD_PER_DEG;
  return (
    a *
    ((1 - e2 / 4 - (3 * e4) / 64 - (5 * e6) / 256) * p -
      ((3 * e2) / 8 + (3 * e4) / 32 + (45 * e6) / 1024) * Math.sin(2 * p) +
      ((15 * e4) / 256 + (45 * e6) / 1024) * Math.sin(4 * p) -
      ((35 * e6) / 3072) * Math.sin(6 * p))
  );
}

/** Members from (25° E, 54° N) floating at `altM`, carried east at 10 m/s. */
function eastward(overrides: Partial<Scenario> & { launches?: number; altM?: number } = {}): Scenario {
  const { launches = 1, altM = 3000, ...rest } = overrides;
  return {
    wind: { type: 'uniform', uMps: 10, vMps: 0 },
    launch: {
      sites: [{ id: 'a', lon: 25, lat: 54 }],
      times:
        launches > 1
          ? { start: iso(T0), end: iso(T0 + 600 * (launches - 1)), everySec: 600 }
          : { start: iso(T0) },
    },
    flight: { floatAltitudeM: altM },
    solver: { durationSec: 3 * 3600 },
    ...rest,
  };
}

describe('airspace is air', () => {
  it('a payload landing in a zone that starts at the surface is inside until it lands, not after', () => {
    // Float 1 h (0.55° east of 25° E: inside the zone 25.5–26° E since 0.5°), then descend at 5 m/s
    // onto the ground inside the zone. From then on it is in no airspace.
    const zone = rectangle('surface', 25.5, 26, 53.5, 54.5, 0, 3000);
    const result = runScenario(
      eastward({ flight: { floatAltitudeM: 2500, floatDurationSec: 3600, descentRateMps: 5 } }),
      { targets: { zones: [zone] } },
    );
    expect(result.status[0]).toBe(MemberStatus.landed);
    const landedSec = result.endTSec[0];
    const enteredSec = T0 + 0.5 * SEC_PER_DEG;
    const visits = result.observer.visits;
    expect(visits.count).toBe(1);
    expect(visits.startTSec[0]).toBeCloseTo(enteredSec, 0);
    expect(visits.endTSec[0]).toBe(landedSec);
    // The landing is the zone exit, as an event too.
    expect(result.analysisEvents.map((e) => [e.kind, e.tSec])).toEqual([
      ['zone-entry', expect.closeTo(enteredSec, 0)],
      ['zone-exit', landedSec],
    ]);
    const z = result.summary.zones[0];
    expect(seconds(z.anyMemberWindow?.end)).toBeCloseTo(landedSec, 2);
    expect(z.thresholdWindow).toHaveLength(1);
    expect(seconds(z.thresholdWindow[0].end)).toBeCloseTo(landedSec, 2);
    // P(inside) at the output times: 1 from entry to landing, 0 after (the run goes on for 3 h).
    result.summary.timeline.forEach((time, k) => {
      const t = seconds(time);
      const inside = t >= enteredSec && t < landedSec ? 1 : 0;
      expect([time, z.insideProbability.lower[k]]).toEqual([time, inside]);
    });
    expect(result.summary.timeline.at(-1)).toBe(iso(T0 + 3 * 3600));
  });
});

describe('the threshold closure window', () => {
  // Five members launched 10 min apart drift east at 10 m/s through a zone 0.2° wide: member k is
  // inside from e(k) = T0 + 600k + 0.5·S to x(k) = e(k) + 0.2·S, S the seconds per degree. A stay
  // lasts 0.2·S ≈ 1307 s, longer than two launch spacings (1200 s) and shorter than three.
  const e = (k: number) => T0 + 600 * k + 0.5 * SEC_PER_DEG;
  const x = (k: number) => e(k) + 0.2 * SEC_PER_DEG;
  const run = (threshold: number, intervalSec: number) =>
    runScenario(
      eastward({ launches: 5, analysis: { closureThreshold: threshold }, output: { intervalSec } }),
      { targets: { zones: [lonBandZone('z', 25.5, 25.7)] } },
    ).summary.zones[0];

  it('P ≥ 40 % of 5 members (2 inside): one piece, from the second entry to the fourth exit', () => {
    const z = run(0.4, 300);
    expect(z.thresholdWindow).toHaveLength(1);
    expect(seconds(z.thresholdWindow[0].start)).toBeCloseTo(e(1), 1);
    expect(seconds(z.thresholdWindow[0].end)).toBeCloseTo(x(3), 1);
    // The any-member window runs from the first entry to the last exit.
    expect(seconds(z.anyMemberWindow?.start)).toBeCloseTo(e(0), 1);
    expect(seconds(z.anyMemberWindow?.end)).toBeCloseTo(x(4), 1);
  });

  it('P ≥ 60 % (3 inside): three pieces of 0.2·S − 1200 s, 1800 − 0.2·S s apart', () => {
    // Three members overlap from the third one's entry to the first one's exit: [e(k+2), x(k)].
    const z = run(0.6, 300);
    expect(z.thresholdWindow.map((w) => [seconds(w.start), seconds(w.end)])).toEqual([
      [expect.closeTo(e(2), 1), expect.closeTo(x(0), 1)],
      [expect.closeTo(e(3), 1), expect.closeTo(x(1), 1)],
      [expect.closeTo(e(4), 1), expect.closeTo(x(2), 1)],
    ]);
    expect(x(0) - e(2)).toBeCloseTo(0.2 * SEC_PER_DEG - 1200, 6);
  });

  it('gaps shorter than the output interval are bridged: 493 s < 600 s makes one piece', () => {
    const z = run(0.6, 600);
    expect(z.thresholdWindow).toHaveLength(1);
    expect(seconds(z.thresholdWindow[0].start)).toBeCloseTo(e(2), 1);
    expect(seconds(z.thresholdWindow[0].end)).toBeCloseTo(x(2), 1);
  });

  it('warns when the ensemble is too small to resolve the threshold (fewer than 3/threshold members)', () => {
    const summary = runScenario(eastward({ launches: 5, analysis: { closureThreshold: 0.4 } }), {
      targets: { zones: [lonBandZone('z', 25.5, 25.7)] },
    }).summary;
    // 3 / 0.4 = 7.5: 5 members are too few; the default 1 % needs 300.
    expect(
      summary.warnings.some((w) => w.includes('5 members cannot resolve a closure threshold of 40 %')),
    ).toBe(true);
    expect(summary.closureThreshold).toBe(0.4);
  });
});

/**
 * A uniform wind of 10 m/s from the west on a grid that ends at 26° E (lon 24–26°, lat 53–56°,
 * 0–10 km): members launched from 25° E leave its box one degree later, at the first step end past
 * S seconds of drift.
 */
function boxedWind(lonMax = 26, endSec = T0 + 10 * 3600) {
  const nLon = (lonMax - 24) / 0.5 + 1;
  const nLat = 7;
  const times = [T0 - 3600, endSec];
  const size = nLon * nLat * 2 * times.length;
  return gridWind({
    lon: { start: 24, step: 0.5, count: nLon },
    lat: { start: 53, step: 0.5, count: nLat },
    levels: { kind: 'altitude', altitudesM: [0, 10_000] },
    timesSec: times,
    u: new Float32Array(size).fill(10),
    v: new Float32Array(size),
    description: 'uniform 10 m/s from the west, boxed',
  });
}

describe('bounds where the wind’s coverage ends', () => {
  // Launches at 18, 19, 20 and 21 UTC; the run is asked to go to 22 UTC; unresolved members drift at
  // most 10 m/s (analysis.maxDriftSpeedMps). Zone "in" (25.5–25.7° E) lies inside the box, "beyond"
  // (26.3–26.5° E) east of it, "far" (27.5–27.7° E) much farther.
  const scenario: Scenario = {
    wind: { type: 'file', paths: ['unused'] },
    launch: {
      sites: [{ id: 'a', lon: 25, lat: 54 }],
      times: { start: iso(T0), end: iso(T0 + 3 * 3600), everySec: 3600 },
    },
    flight: { floatAltitudeM: 3000 },
    solver: { durationSec: 4 * 3600 },
    analysis: { maxDriftSpeedMps: 10 },
  };
  const targets: AnalysisTargets = {
    zones: [
      rectangle('in', 25.5, 25.7, 53.5, 54.5),
      rectangle('beyond', 26.3, 26.5, 53.5, 54.5),
      rectangle('far', 27.5, 27.7, 53.5, 54.5),
    ],
  };
  const result = runScenario(scenario, { wind: boxedWind(), targets });
  const { summary } = result;
  const [inZone, beyond, far] = summary.zones;
  // A member leaves at the first step end (60 s grid from its launch) past 1° of drift.
  const leftAfter = Math.ceil(SEC_PER_DEG / 60) * 60;
  const leftLon = 25 + leftAfter / SEC_PER_DEG;
  // From there to the zone's western edge along 54° N, at 10 m/s (the distance from a point to a
  // meridian, asin(cos φ · sin Δλ), equals the arc along the parallel to 10⁻⁶ here).
  const toBeyondSec =
    (EARTH_RADIUS_M * Math.asin(Math.cos(54 * RAD_PER_DEG) * Math.sin((26.3 - leftLon) * RAD_PER_DEG))) / 10;
  const reach = (k: number) => T0 + 3600 * k + leftAfter + toBeyondSec;

  it('the members that left: 18, 19 and 20 UTC launches, across the east edge; 21 UTC is still flying', () => {
    expect(Array.from(result.status)).toEqual([
      MemberStatus.leftDomain,
      MemberStatus.leftDomain,
      MemberStatus.leftDomain,
      MemberStatus.active,
    ]);
    expect(summary.coverage).toMatchObject({
      members: 4,
      unresolved: 3,
      unresolvedFraction: 0.75,
      leftDomain: {
        count: 3,
        edges: [{ edge: 'east', count: 3, first: iso(T0 + leftAfter), last: iso(T0 + 7200 + leftAfter) }],
      },
      windEnded: { count: 0, at: null },
      requestedEnd: iso(T0 + 4 * 3600),
      maxDriftSpeedMps: 10,
      maxDriftSpeedFrom: 'scenario',
    });
    expect(summary.warnings[0]).toMatch(
      /^3 of 4 members \(75\.0 %\) are UNRESOLVED: 3 left the wind's box \(3 across its east edge, 26° E/,
    );
  });

  it('a zone inside the box: seen entered by all four, nothing left to bound', () => {
    expect([inZone.probability, inZone.probabilityUpper, inZone.membersEntered]).toEqual([1, 1, 4]);
  });

  it('a zone beyond the box: none seen, two could have reached it by 22 UTC (18 and 19 UTC launches)', () => {
    // 18 UTC: left at T0 + leftAfter, reach ≈ 20:21; 19 UTC ≈ 21:21; 20 UTC ≈ 22:21, after the end.
    expect(reach(1)).toBeLessThan(T0 + 4 * 3600);
    expect(reach(2)).toBeGreaterThan(T0 + 4 * 3600);
    expect([beyond.probability, beyond.probabilityUpper, beyond.membersMayHaveEntered]).toEqual([0, 0.5, 2]);
    // 0 of 4 below, 2 of 4 above: Wilson's lower end of 0/4 and upper end of 2/4.
    expect(beyond.ci95).toEqual([0, expect.closeTo(0.85, 2)]);
    expect(seconds(beyond.anyMemberWindow?.start)).toBeCloseTo(reach(0), 0);
    expect(beyond.anyMemberWindow?.end).toBe(iso(T0 + 4 * 3600));
    expect(beyond.anyMemberWindowSeen).toBeNull();
    expect(beyond.thresholdWindowSeen).toEqual([]);
    // The default threshold (1 %) is one member of four: from the first possible arrival to the end.
    expect(beyond.thresholdWindow.map((w) => [seconds(w.start), w.end])).toEqual([
      [expect.closeTo(reach(0), 0), iso(T0 + 4 * 3600)],
    ]);
  });

  it('its timeline: 0 seen; the upper bound ¼ from the first possible arrival, ½ from the second', () => {
    summary.timeline.forEach((time, k) => {
      const t = seconds(time);
      const upper = (t >= reach(0) ? 1 : 0) + (t >= reach(1) ? 1 : 0);
      expect([time, beyond.insideProbability.lower[k], beyond.insideProbability.upper[k]]).toEqual([
        time,
        0,
        upper / 4,
      ]);
    });
  });

  it('a zone too far to reach at 10 m/s before the end stays at 0', () => {
    expect([far.probability, far.probabilityUpper]).toEqual([0, 0]);
    expect(far.anyMemberWindow).toBeNull();
  });

  it('members that outlived the wind’s times: bounded from where they were when it ended', () => {
    // The box reaches 30° E (no one leaves it), the times end at 21 UTC; the run is asked to go to
    // 22 UTC. At 21 UTC the 18, 19 and 20 UTC launches are 3, 2 and 1 h of drift east of 25° E; a
    // zone from 26.8° E lies 0.148°, 0.698° and 1.249° ahead of them: 9.7, 45.6 and 81.6 km, of
    // which only the first is within 36 km (1 h at 10 m/s).
    const wind = boxedWind(30, T0 + 3 * 3600);
    const zone = rectangle('ahead', 26.8, 27, 53.5, 54.5);
    const ended = runScenario(
      {
        ...scenario,
        launch: { ...scenario.launch, times: { ...scenario.launch.times, end: iso(T0 + 7200) } },
      },
      { wind, targets: { zones: [zone] } },
    );
    expect(Array.from(ended.status)).toEqual([
      MemberStatus.windEnded,
      MemberStatus.windEnded,
      MemberStatus.windEnded,
    ]);
    const c = ended.summary.coverage;
    expect(c.windEnded).toEqual({ count: 3, at: iso(T0 + 3 * 3600) });
    expect(c.leftDomain.count).toBe(0);
    const [z] = ended.summary.zones;
    expect([z.probability, z.probabilityUpper]).toEqual([0, 1 / 3]);
    const posAt21 = 25 + (3 * 3600) / SEC_PER_DEG;
    const arrive =
      T0 +
      3 * 3600 +
      (EARTH_RADIUS_M * Math.asin(Math.cos(54 * RAD_PER_DEG) * Math.sin((26.8 - posAt21) * RAD_PER_DEG))) /
        10;
    expect(seconds(z.thresholdWindow[0].start)).toBeCloseTo(arrive, 0);
    expect(z.thresholdWindow[0].end).toBe(iso(T0 + 4 * 3600));
  });

  it('the text summary leads with the warning and names the statuses apart', () => {
    const text = formatSummary(summary).split('\n');
    expect(text[0]).toMatch(/^WARNING: 3 of 4 members \(75\.0 %\) are UNRESOLVED/);
    expect(text.find((l) => l.startsWith('site'))).toMatch(/landed\s+flying\s+left box\s+wind ended/);
    expect(text.find((l) => l.startsWith('beyond'))).toMatch(/^beyond\s+0–5000 m\s+0–50 %/);
  });
});

describe('closest approach to the zone itself', () => {
  it('a track along 54° N passing 0.2° south of a zone: the meridian arc to its edge, on WGS 84', () => {
    // Every point of the track below the zone's span (25.5–25.7° E) is nearest to its southern edge,
    // due north: the distance is the meridian arc from 54.0° to 54.2°.
    const zone = rectangle('north', 25.5, 25.7, 54.2, 54.4);
    const { summary, observer } = runScenario(eastward(), { targets: { zones: [zone] } });
    const expectedKm = (meridianArcM(54.2) - meridianArcM(54)) / 1000;
    expect(expectedKm).toBeCloseTo(22.26, 2); // ≈ 0.2 × 111.3 km
    expect(summary.zones[0].closestApproach?.horizontalKm).toBeCloseTo(expectedKm, 1);
    expect(summary.zones[0].closestApproach?.verticalM).toBe(0);
    expect(observer.closestLon[0]).toBeGreaterThanOrEqual(25.5);
    expect(observer.closestLon[0]).toBeLessThanOrEqual(25.7);
    expect(summary.zones[0].probability).toBe(0);
  });

  it('far from the zone (1° away, beyond the fine raster) still the exact arc', () => {
    const zone = rectangle('farNorth', 25.5, 25.7, 55, 55.2);
    const { summary } = runScenario(eastward(), { targets: { zones: [zone] } });
    expect(summary.zones[0].closestApproach?.horizontalKm).toBeCloseTo(
      (meridianArcM(55) - meridianArcM(54)) / 1000,
      1,
    );
  });

  it('a track 1000 m above a zone’s ceiling passes over it: 0 km horizontally, 1000 m vertically', () => {
    const under = rectangle('under', 25.5, 25.7, 53.9, 54.1, 0, 5000);
    const over = rectangle('over', 25.5, 25.7, 53.9, 54.1, 7000, 9000);
    const { summary } = runScenario(eastward({ altM: 6000 }), { targets: { zones: [under, over] } });
    for (const z of summary.zones) {
      expect(z.probability).toBe(0);
      expect(z.closestApproach).toMatchObject({ horizontalKm: 0, verticalM: 1000 });
    }
    // Over the zone from 0.5° to 0.7° east: the first moment over it is when the closest approach began.
    expect(seconds(summary.zones[0].closestApproach?.time)).toBeGreaterThanOrEqual(T0 + 0.5 * SEC_PER_DEG);
    expect(seconds(summary.zones[0].closestApproach?.time)).toBeLessThan(T0 + 0.5 * SEC_PER_DEG + 60);
  });

  it('a member that entered has come to 0 km and 0 m, at its entry', () => {
    const zone = rectangle('crossed', 25.5, 25.7, 53.9, 54.1);
    const { summary } = runScenario(eastward(), { targets: { zones: [zone] } });
    expect(summary.zones[0].closestApproach).toEqual({
      horizontalKm: 0,
      verticalM: 0,
      time: summary.zones[0].earliestEntry,
    });
  });
});

describe('landings per country', () => {
  it('counts every country of the geography and the landings in none', () => {
    const geography = boxCountries([
      { id: 'AA', name: 'Aland', lonMin: 25, latMin: 53.5, lonMax: 26, latMax: 54.5 },
      { id: 'BB', name: 'Bland', lonMin: 26, latMin: 53.5, lonMax: 27, latMax: 54.5 },
    ]);
    // Float 1 h at 3000 m, then descend at 5 m/s (a little faster aloft: under 600 s): landing
    // 0.55–0.64° east of the site, so from 24.6, 25.2, 25.9 and 27.5° E in Aland, Aland, Bland and
    // east of both.
    const targets = analysisTargets([], countryAreas(geography, 'test geography'), 'BB', 'AA');
    const { summary } = runScenario(
      {
        wind: { type: 'uniform', uMps: 10, vMps: 0 },
        launch: {
          sites: [24.6, 25.2, 25.9, 27.5].map((lon, k) => ({ id: `s${k}`, lon, lat: 54 })),
          times: { start: iso(T0) },
        },
        flight: { floatAltitudeM: 3000, floatDurationSec: 3600, descentRateMps: 5 },
        solver: { durationSec: 3 * 3600 },
      },
      { targets },
    );
    expect(summary.landings.count).toBe(4);
    expect(summary.landings.byCountry).toEqual([
      { id: 'AA', name: 'Aland', count: 2 },
      { id: 'BB', name: 'Bland', count: 1 },
    ]);
    expect(summary.landings.elsewhere).toBe(1);
    expect(summary.landings.inHomeCountry).toBe(1);
    expect(formatSummary(summary)).toContain(
      'landings: 4 payloads came down: Aland 2, Bland 1, elsewhere 1;',
    );
  });
});

describe('the float-altitude fan', () => {
  // A shear wind, u = 0.005 s⁻¹ · z: 10 m/s at 2000 m, 20 m/s at 4000 m. In 2 h the low band drifts
  // 72 km (1.1° at 54° N), the high one 144 km (2.2°); a zone 1.6–1.8° east of the launch is reached
  // by the high band only (1.6° at 20 m/s: 5229 s).
  const fan: Scenario = {
    wind: { type: 'shear', u0Mps: 0, v0Mps: 0, duDzPerSec: 0.005, dvDzPerSec: 0 },
    launch: {
      sites: [{ id: 'a', lon: 25, lat: 54 }],
      times: { start: iso(T0), end: iso(T0 + 3600), everySec: 3600 },
    },
    flight: { floatAltitudesM: [2000, 4000] },
    solver: { durationSec: 2 * 3600 },
    ensemble: { members: 2 },
  };

  it('spreads each launch’s members over the altitudes by member number, and reports each band', () => {
    const { summary, prepared } = runScenario(fan, { targets: { zones: [lonBandZone('z', 26.6, 26.8)] } });
    expect(Array.from(prepared.memberBand ?? [])).toEqual([0, 1, 0, 1]);
    expect(Array.from(prepared.simulation.members.floatAltM)).toEqual([2000, 4000, 2000, 4000]);
    // The run ends 2 h after the first launch (20 UTC): the 18 UTC high member gets there at ≈ 19:27,
    // the 19 UTC one would at ≈ 20:27; no low member gets there. So 1 of each band's 2, 1 of 4 in all.
    expect(summary.bands.map((b) => [b.label, b.members, b.zones[0].probability])).toEqual([
      ['2000 m', 2, 0],
      ['4000 m', 2, 0.5],
    ]);
    expect(summary.zones[0].probability).toBe(0.25);
    const text = formatSummary(summary);
    expect(text).toContain('risk per float altitude:');
    expect(text).toMatch(/\n2000 m\s+2\s+0 %\n4000 m\s+2\s+50 %/);
  });

  it('a range cut into bands: members evenly within each band, the same in any part of the run', () => {
    const doc: Scenario = {
      ...fan,
      flight: { floatAltitudeRangeM: { minM: 2000, maxM: 4000, bands: 2 } },
      ensemble: { members: 4 },
    };
    const whole = prepareRun(doc, anyField());
    // Band 0 (2000–3000 m) holds members 0 and 2 at ¼ and ¾ of it; band 1 members 1 and 3.
    expect(Array.from(whole.simulation.members.floatAltM.subarray(0, 4))).toEqual([2250, 3250, 2750, 3750]);
    expect(whole.floatBands).toEqual([
      { minM: 2000, maxM: 3000 },
      { minM: 3000, maxM: 4000 },
    ]);
    const part = selectMembers(whole, Uint32Array.from([5, 6]));
    expect(Array.from(part.simulation.members.floatAltM)).toEqual([3250, 2750]);
    expect(Array.from(part.memberBand ?? [])).toEqual([1, 0]);
  });

  it('refuses a fan with fewer members per launch than altitudes, and two ways of giving the float', () => {
    expect(() => prepareRun({ ...fan, ensemble: { members: 1 } }, anyField())).toThrow(
      /ensemble\.members must be at least the fan's 2 float altitudes, so that each has members, got 1/,
    );
    expect(() =>
      prepareRun({ ...fan, flight: { floatAltitudeM: 3000, floatAltitudesM: [2000] } }, anyField()),
    ).toThrow(/flight\.floatAltitudesM cannot be given together with flight\.floatAltitudeM/);
  });
});

/** A field covering the launches, for preparing runs (not run). */
function anyField() {
  return boxedWind(30);
}
