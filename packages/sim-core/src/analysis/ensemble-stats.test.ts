import { describe, expect, it } from 'vitest';
import { M_PER_DEG, RAD_PER_DEG } from '../earth.js';
import { MemberSet } from '../solver/members.js';
import { Simulation } from '../solver/simulation.js';
import { MemberStatus } from '../solver/status.js';
import { lonBandZone, membersAt, seededRandom } from '../testing/helpers.js';
import { UniformWind } from '../wind/analytic.js';
import {
  borderSummary,
  coveredAtLeast,
  densityGrid,
  visitsByMember,
  wilsonInterval,
  type ZoneStatsContext,
  zoneSummaries,
} from './ensemble-stats.js';
import { type AnalysisTargets, type ObserverRecords, RunObserver } from './observer.js';
import { zoneTarget } from './targets.js';

const T0 = Date.parse('2025-10-24T18:00:00Z') / 1000;
const seconds = (iso: string | null | undefined) => (iso ? Date.parse(iso) / 1000 : Number.NaN);

/**
 * Members floating at 3000 m from (25° E, 54° N), launched `launchOffsetsSec` after T0, carried east
 * at 10 m/s by a uniform wind for `durationSec` from T0, watched by a RunObserver. Along the parallel
 * a member covers one degree of longitude in M_PER_DEG·cos 54° / 10 s, so every crossing time below
 * is that figure times the degrees to go.
 */
function drift(
  targets: AnalysisTargets,
  launchOffsetsSec: number[],
  durationSec: number,
  profile: Parameters<typeof membersAt>[2] = {},
) {
  const members = membersAt(
    launchOffsetsSec.map(() => ({ lon: 25, lat: 54, altM: 3000 })),
    T0,
    profile,
  );
  launchOffsetsSec.forEach((dt, i) => {
    members.launchTSec[i] = T0 + dt;
  });
  const sim = new Simulation({
    wind: new UniformWind(10, 0),
    members,
    method: 'rk4',
    dtSec: 60,
    direction: 'forward',
    durationSec,
    startSec: T0,
  });
  const observer = new RunObserver(targets, members);
  while (!sim.done) {
    sim.step();
    observer.observe(sim);
  }
  return { observer, runEndSec: sim.tSec, endTSec: sim.endTSec, status: sim.status };
}
const SEC_PER_DEG = (M_PER_DEG * Math.cos(54 * RAD_PER_DEG)) / 10;

/**
 * The zone statistics' context for a run from `startSec` to `endSec` in which every member stayed in
 * the wind's coverage (none unresolved), with the default 1 % threshold and no timeline.
 */
function statsOf(observer: RunObserver, endSec: number, startSec = T0): ZoneStatsContext {
  return {
    observer,
    startSec,
    runEndSec: endSec,
    endSec,
    times: [],
    threshold: 0.01,
    bridgeSec: 0,
    unresolved: new Uint8Array(observer.count),
    reachTSec: new Float64Array(observer.count * observer.zoneCount).fill(Number.NaN),
    ...visitsByMember(observer),
  };
}

/** An observer holding the given records for n members (built directly, no run). */
function observerWith(targets: AnalysisTargets, n: number, records: Partial<ObserverRecords>): RunObserver {
  const observer = new RunObserver(targets, new MemberSet(n));
  const z = targets.zones.length;
  const nan = (size: number) => new Float64Array(size).fill(Number.NaN);
  const full: ObserverRecords = {
    borderTSec: nan(n),
    borderLon: nan(n),
    borderLat: nan(n),
    borderAltM: nan(n),
    entryTSec: nan(n * z),
    insideSec: new Float64Array(n * z),
    closestM: new Float64Array(n * z).fill(Number.POSITIVE_INFINITY),
    closestTSec: nan(n * z),
    closestAltM: nan(n * z),
    closestLon: nan(n * z),
    closestLat: nan(n * z),
    visitMember: new Uint32Array(0),
    visitZone: new Uint32Array(0),
    visitStartTSec: new Float64Array(0),
    visitEndTSec: new Float64Array(0),
    ...records,
  };
  observer.absorb(
    full,
    Array.from({ length: n }, (_, i) => i),
  );
  return observer;
}

describe('wilsonInterval', () => {
  it('gives the published 95 % Wilson score intervals (Newcombe 1998, Table I, method 3)', () => {
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [s, n, lo, hi] of cases) {
      const [l, h] = wilsonInterval(s, n);
      expect(l).toBeCloseTo(lo, 4);
      expect(h).toBeCloseTo(hi, 4);
    }
  });

  it('0/10, 5/10 and 10/10: the closed forms z²/(n+z²), ½ ± …, n/(n+z²)', () => {
    // With 0 successes the upper bound is z²/(n + z²); with n it is mirrored: lower n/(n + z²).
    // z = 1.959964, z² = 3.841459: 3.841459 / 13.841459 = 0.27753, 10 / 13.841459 = 0.72247.
    expect(wilsonInterval(0, 10)).toEqual([0, expect.closeTo(0.27753, 5)]);
    expect(wilsonInterval(10, 10)).toEqual([expect.closeTo(0.72247, 5), 1]);
    // 5/10: centred on ½, half-width z·√(0.025 + z²/400) / (1 + z²/10)
    // = 1.959964 · 0.186021 / 1.384146 = 0.263407.
    const [lo, hi] = wilsonInterval(5, 10);
    expect(lo).toBeCloseTo(0.5 - 0.263407, 5);
    expect(hi).toBeCloseTo(0.5 + 0.263407, 5);
  });

  it('says nothing is known with no trials', () => {
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });
});

describe('zoneSummaries on members driven through zones by a uniform wind', () => {
  // Five launches 10 min apart; zone "near" spans 25.5–25.7° E (entered 0.5° downwind, left 0.7°),
  // zone "open" starts at 25.5° E and has no eastern edge within reach: no member leaves it.
  const offsets = [0, 600, 1200, 1800, 2400];
  const near = lonBandZone('near', 25.5, 25.7);
  const open = lonBandZone('open', 25.5, 40);
  const { observer, runEndSec } = drift({ zones: [near, open] }, offsets, 3 * 3600);
  const [nearSummary, openSummary] = zoneSummaries(statsOf(observer, runEndSec));
  const entry = (k: number) => T0 + offsets[k] + 0.5 * SEC_PER_DEG;
  const exit = (k: number) => T0 + offsets[k] + 0.7 * SEC_PER_DEG;

  it('entry times: earliest, median and p90 of the five (linear between order statistics)', () => {
    expect(nearSummary.membersEntered).toBe(5);
    expect(nearSummary.probability).toBe(1);
    expect(seconds(nearSummary.earliestEntry)).toBeCloseTo(entry(0), 1);
    // Median of five: the third. p90: position 0.9·(5 − 1) = 3.6, i.e. the fourth plus 0.6 of the
    // gap to the fifth (600 s): 1800 + 360 s after T0, plus the drift time.
    expect(seconds(nearSummary.medianEntry)).toBeCloseTo(entry(2), 1);
    expect(seconds(nearSummary.p90Entry)).toBeCloseTo(T0 + 2160 + 0.5 * SEC_PER_DEG, 1);
    // 0.2° inside at 10 m/s, in minutes.
    expect(nearSummary.medianMinutesInside).toBeCloseTo((0.2 * SEC_PER_DEG) / 60, 1);
    // 5 of 5: the Wilson lower bound is n/(n + z²) = 5 / 8.841459.
    expect(nearSummary.ci95).toEqual([expect.closeTo(0.5655, 4), 1]);
  });

  it('any-member window: from the first entry of any member to the last exit of any', () => {
    expect(seconds(nearSummary.anyMemberWindow?.start)).toBeCloseTo(entry(0), 1);
    expect(seconds(nearSummary.anyMemberWindow?.end)).toBeCloseTo(exit(4), 1);
  });

  it('any-member window: members still inside when the run ends keep it open to the run end', () => {
    expect(runEndSec).toBe(T0 + 3 * 3600);
    expect(openSummary.membersEntered).toBe(5);
    expect(seconds(openSummary.anyMemberWindow?.start)).toBeCloseTo(entry(0), 1);
    expect(openSummary.anyMemberWindow?.end).toBe('2025-10-24T21:00:00.000Z');
  });

  it('any-member window: a payload that came down inside the zone was last inside when it landed', () => {
    // Float 1 h (0.55° east, inside "open" since 0.5°), then descend to the ground inside it. The
    // zone reaches the ground (0 m), so the payload lies inside its limits: it must not hold the
    // window open for the rest of the run (3 h), only until it landed.
    const landing = drift({ zones: [open] }, [0], 3 * 3600, { floatDurationSec: 3600, descentRateMps: 5 });
    expect(landing.status[0]).toBe(MemberStatus.landed);
    const landedSec = landing.endTSec[0];
    expect(landedSec).toBeGreaterThan(T0 + 3600);
    expect(landedSec).toBeLessThan(T0 + 3600 + 1000); // 3000 m at 5 m/s or a little faster aloft
    const [z] = zoneSummaries(statsOf(landing.observer, landing.runEndSec));
    expect(seconds(z.anyMemberWindow?.start)).toBeCloseTo(T0 + 0.5 * SEC_PER_DEG, 1);
    expect(seconds(z.anyMemberWindow?.end)).toBeCloseTo(landedSec, 2); // ISO times carry milliseconds
    expect(landing.observer.visits.endTSec[0]).toBe(landedSec);
    // Inside from its entry until it landed.
    expect(z.medianMinutesInside).toBeCloseTo((landedSec - (T0 + 0.5 * SEC_PER_DEG)) / 60, 1);
  });

  it('a subset of members (one site and launch time) is summarised alone', () => {
    const [late] = zoneSummaries(statsOf(observer, runEndSec), [3, 4]);
    expect(late.membersEntered).toBe(2);
    expect(seconds(late.earliestEntry)).toBeCloseTo(entry(3), 1);
    expect(seconds(late.anyMemberWindow?.start)).toBeCloseTo(entry(3), 1);
    expect(seconds(late.anyMemberWindow?.end)).toBeCloseTo(exit(4), 1);
  });

  it('a zone nobody reaches has probability 0, no times and no window', () => {
    const { observer: o, runEndSec: end } = drift({ zones: [lonBandZone('far', 30, 31)] }, offsets, 3600);
    const [far] = zoneSummaries(statsOf(o, end));
    expect(far.probability).toBe(0);
    // 0 of 5: the upper bound is z²/(n + z²) = 3.841459 / 8.841459.
    expect(far.ci95).toEqual([0, expect.closeTo(0.4345, 4)]);
    expect(far.earliestEntry).toBeNull();
    expect(far.medianEntry).toBeNull();
    expect(far.p90Entry).toBeNull();
    expect(far.anyMemberWindow).toBeNull();
    expect(far.thresholdWindow).toEqual([]);
    expect(far.medianMinutesInside).toBeNull();
  });
});

describe('zoneSummaries on constructed observer records', () => {
  const zone = lonBandZone('z', 0, 1);
  const runEndSec = 10_000;

  it('one window spans every member inside, gaps between them included', () => {
    // Member 0 inside 100–200 s, member 1 inside 500–600 s, member 2 never: the any-member window
    // runs from 100 to 600 s (first entry of any to the last moment any was inside); the threshold
    // window (1 %: one member of three) is the two stays apart.
    const observer = observerWith({ zones: [zone] }, 3, {
      entryTSec: Float64Array.from([100, 500, Number.NaN]),
      insideSec: Float64Array.from([100, 100, 0]),
      visitMember: Uint32Array.from([0, 1]),
      visitZone: Uint32Array.from([0, 0]),
      visitStartTSec: Float64Array.from([100, 500]),
      visitEndTSec: Float64Array.from([200, 600]),
    });
    const [z] = zoneSummaries(statsOf(observer, runEndSec, 0));
    expect(z.anyMemberWindow).toEqual({ start: '1970-01-01T00:01:40.000Z', end: '1970-01-01T00:10:00.000Z' });
    expect(z.membersEntered).toBe(2);
    expect(z.probability).toBeCloseTo(2 / 3, 12);
    expect(z.medianEntry).toBe('1970-01-01T00:05:00.000Z'); // (100 + 500) / 2 s
    expect(z.thresholdWindow).toEqual([
      { start: '1970-01-01T00:01:40.000Z', end: '1970-01-01T00:03:20.000Z' },
      { start: '1970-01-01T00:08:20.000Z', end: '1970-01-01T00:10:00.000Z' },
    ]);
  });

  it('a member inside at the end of the run keeps the window open to the run end, whatever its entry', () => {
    const observer = observerWith({ zones: [zone] }, 2, {
      entryTSec: Float64Array.from([100, 4000]),
      visitMember: Uint32Array.from([0, 1]),
      visitZone: Uint32Array.from([0, 0]),
      visitStartTSec: Float64Array.from([100, 4000]),
      visitEndTSec: Float64Array.from([200, Number.NaN]),
    });
    const [z] = zoneSummaries(statsOf(observer, runEndSec, 0));
    expect(z.anyMemberWindow).toEqual({ start: '1970-01-01T00:01:40.000Z', end: '1970-01-01T02:46:40.000Z' });
  });

  it('closest approach: the least and the median over members, in km on the WGS 84 ellipsoid', () => {
    // A zone south of the equator up to it (0–1° E, 1° S–0°); closest points due north of its
    // northern edge, 0.5°, 1° and 2° of latitude away. The meridian arc from the equator is
    // a(1 − e²)·[(1 + 3e²/4)·φ − (3e²/8)·sin 2φ] to ~1 mm here: 55 287.4 m, 110 574.4 m and
    // 221 150.9 m (on the sphere of EARTH_RADIUS_M: 55.6, 111.2, 222.4 km).
    const outlined = zoneTarget({
      id: 'z',
      name: 'z',
      kind: 'other',
      lowerM: 0,
      upperM: 5000,
      polygon: [
        [
          [0, -1],
          [1, -1],
          [1, 0],
          [0, 0],
          [0, -1],
        ],
      ],
      approximate: false,
      source: 'test',
    });
    const observer = observerWith({ zones: [outlined] }, 4, {
      // The separations the observer found on the sphere select the member; the ellipsoid measures it.
      closestM: Float64Array.from([111_195, 55_597, 222_390, Number.POSITIVE_INFINITY]),
      closestLon: Float64Array.from([0.5, 0.5, 0.5, Number.NaN]),
      closestLat: Float64Array.from([1, 0.5, 2, Number.NaN]),
      closestAltM: Float64Array.from([3000, 3000, 3000, Number.NaN]),
      closestTSec: Float64Array.from([100, 200, 300, Number.NaN]),
    });
    const [z] = zoneSummaries(statsOf(observer, runEndSec, 0));
    expect(z.closestApproach).toEqual({ horizontalKm: 55.3, verticalM: 0, time: '1970-01-01T00:03:20.000Z' });
    expect(z.medianClosestHorizontalKm).toBe(110.6);
    // A bare area test (no outline) has no distance to measure.
    const [bare] = zoneSummaries(statsOf(observerWith({ zones: [zone] }, 1, {}), runEndSec, 0));
    expect(bare.closestApproach).toBeNull();
  });
});

describe('borderSummary', () => {
  const targets: AnalysisTargets = { zones: [] };

  it('counts crossings and gives their earliest, median and p90 times', () => {
    // 10 members, 5 crossed at 100, 200, 300, 400, 1000 s: median 300 s; p90 at position
    // 0.9·4 = 3.6: 400 + 0.6·600 = 760 s. 5/10: the Wilson interval 0.2366–0.7634.
    const crossed = [Number.NaN, 300, Number.NaN, 100, 1000, Number.NaN, 200, Number.NaN, 400, Number.NaN];
    const observer = observerWith(targets, 10, { borderTSec: Float64Array.from(crossed) });
    const b = borderSummary(observer);
    expect(b.membersCrossed).toBe(5);
    expect(b.probability).toBe(0.5);
    expect(b.ci95).toEqual([0.2366, 0.7634]);
    expect(b.earliest).toBe('1970-01-01T00:01:40.000Z');
    expect(b.median).toBe('1970-01-01T00:05:00.000Z');
    expect(b.p90).toBe('1970-01-01T00:12:40.000Z');
  });

  it('of a subset, and with no crossing at all', () => {
    const observer = observerWith(targets, 3, {
      borderTSec: Float64Array.from([Number.NaN, 50, Number.NaN]),
    });
    expect(borderSummary(observer, [1]).probability).toBe(1);
    expect(borderSummary(observer, [1]).median).toBe('1970-01-01T00:00:50.000Z');
    const none = borderSummary(observer, [0, 2]);
    expect(none).toEqual({
      probability: 0,
      probabilityUpper: 0,
      ci95: [0, expect.closeTo(0.6576, 4)], // 0 of 2: z²/(2 + z²) = 3.841459 / 5.841459
      membersCrossed: 0,
      earliest: null,
      median: null,
      p90: null,
    });
  });

  it('a uniform wind across a meridian border: every member crosses when it reaches it', () => {
    const { observer } = drift(
      {
        zones: [],
        origin: { id: 'O', name: 'Origin', contains: (lon) => lon < 25.3 },
        home: { id: 'H', name: 'Home', contains: (lon) => lon >= 25.3 },
      },
      [0, 3600],
      3 * 3600,
    );
    const b = borderSummary(observer);
    expect(b.membersCrossed).toBe(2);
    expect(seconds(b.earliest)).toBeCloseTo(T0 + 0.3 * SEC_PER_DEG, 1);
    expect(seconds(b.median)).toBeCloseTo(T0 + 1800 + 0.3 * SEC_PER_DEG, 1);
  });
});

describe('densityGrid', () => {
  it('bins points into cells from the south-west corner, row by row', () => {
    // Cells of 0.5°: the grid starts at (25, 54) and just covers (26.2, 55.1): 3 × 3 cells.
    const grid = densityGrid([25.1, 25.2, 26.2, 25.7, Number.NaN], [54.1, 54.3, 55.1, 54.6, 54], 0.5)!;
    expect(grid).toEqual({
      lon0: 25,
      lat0: 54,
      cellDeg: 0.5,
      nx: 3,
      ny: 3,
      counts: [2, 0, 0, 0, 1, 0, 0, 0, 1],
      total: 4,
    });
    expect(densityGrid([Number.NaN], [Number.NaN])).toBeNull();
  });
});

describe('coveredAtLeast', () => {
  /**
   * The oracle: the times where at least `need` intervals [a, b) hold, found by testing the middle of
   * every gap between consecutive endpoints (the count is constant inside a gap), then joining.
   */
  function bruteForce(
    intervals: [number, number][],
    need: number,
    from: number,
    to: number,
  ): [number, number][] {
    const points = [...new Set(intervals.flat().concat([from, to]))].sort((a, b) => a - b);
    const pieces: [number, number][] = [];
    for (let k = 0; k + 1 < points.length; k++) {
      const [a, b] = [points[k], points[k + 1]];
      if (a < from || b > to) continue;
      const mid = Number.isFinite(a) && Number.isFinite(b) ? (a + b) / 2 : Number.isFinite(a) ? a + 1 : b - 1;
      const count = intervals.filter(([s, e]) => s <= mid && mid < e).length;
      if (count < need) continue;
      const last = pieces[pieces.length - 1];
      if (last && last[1] === a) last[1] = b;
      else pieces.push([a, b]);
    }
    return pieces;
  }

  it('finds exactly the times at least n of the intervals hold, with shared ends, empty and open intervals', () => {
    const random = seededRandom('coveredAtLeast');
    for (let trial = 0; trial < 300; trial++) {
      // Integer times, so that many intervals start and end at the same moments.
      const intervals: [number, number][] = Array.from({ length: 1 + Math.floor(random() * 40) }, () => {
        const a = Math.floor(random() * 30);
        const b = random() < 0.1 ? Number.POSITIVE_INFINITY : a + Math.floor(random() * 10) - 1;
        return [a, b];
      });
      const need = 1 + Math.floor(random() * 6);
      expect(coveredAtLeast(intervals, need, 2, 35), `trial ${trial}`).toEqual(
        bruteForce(intervals, need, 2, 35),
      );
    }
  });
});
