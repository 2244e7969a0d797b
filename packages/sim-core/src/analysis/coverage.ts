import { MemberStatus } from '../solver/status.js';
import { isoTime, isoTimeOrNull } from '../time.js';
import { ForecastEnsemble } from '../wind/forecast-members.js';
import { OffsetWind } from '../wind/grid-offset.js';
import type { WindCoverage, WindField } from '../wind/wind-field.js';
import type { RunObserver } from './observer.js';
import { rounded } from './stats.js';

/**
 * Members whose flight stopped where the wind's data ended, so that where they went next is unknown:
 * they left the wind's box (left-domain), outlived its times (wind-ended), or met a missing value in
 * it (non-finite). The summary bounds what they may have done instead of treating their stop as an
 * answer.
 */
export function isUnresolved(status: number): boolean {
  return (
    status === MemberStatus.leftDomain ||
    status === MemberStatus.windEnded ||
    status === MemberStatus.nonFinite
  );
}

/** An edge of the wind's box, where a member left it. */
export type BoxEdge = 'west' | 'east' | 'north' | 'south';

/** Which members left the wind's coverage, where and when, and what that does to the answers. */
export interface CoverageSummary {
  members: number;
  /** Members whose end is unknown (left-domain + wind-ended + non-finite), and their share. */
  unresolved: number;
  unresolvedFraction: number;
  /** Members that left the wind's box, by the edge they crossed, with the first and last time. */
  leftDomain: { count: number; edges: { edge: BoxEdge; count: number; first: string; last: string }[] };
  /** Members still flying when the wind's times ended, and that end. */
  windEnded: { count: number; at: string | null };
  /** Members stopped by a non-finite wind or state, first and last time. */
  nonFinite: { count: number; first: string | null; last: string | null };
  /** The wind's coverage: box (degrees), top (m AMSL) and times (null: unbounded). */
  wind: {
    lonMin: number;
    lonMax: number;
    latMin: number;
    latMax: number;
    altMaxM: number;
    start: string | null;
    end: string | null;
  };
  /** The end the scenario asked for; the run stops earlier when the wind's times end first. */
  requestedEnd: string;
  /**
   * The drift speed (m/s) at which an unresolved member is taken to move at most after it left: what
   * decides which zones it could still reach (null when no member is unresolved), and where that
   * figure comes from: the scenario (`analysis.maxDriftSpeedMps`), or the wind (1.5 × the fastest
   * wind found in it at the altitudes flown, at least 20 m/s).
   */
  maxDriftSpeedMps: number | null;
  maxDriftSpeedFrom: 'scenario' | 'wind' | null;
}

/** Speed (m/s) below which the default maximum drift speed never goes: a brisk wind at 1–5 km. */
export const MIN_DEFAULT_DRIFT_MPS = 20;
/** Margin on the fastest wind found in the field: winds beyond its box may be faster. */
export const DRIFT_MARGIN = 1.5;

/**
 * The fastest horizontal wind (m/s) found in a field between the ground and `altTopM`, over its box
 * and over the times [t0, t1] within its data: sampled on a 25 × 25 lattice of the box, 12
 * altitudes and 9 times (≈ 70 000 samples, a few milliseconds). Bilinear sampling never exceeds the
 * grid's nodes, so the lattice may miss the very fastest node: the margin covers it.
 */
export function fastestWindMps(
  wind: Pick<WindField, 'coverage' | 'sample'>,
  altTopM: number,
  t0: number,
  t1: number,
): number {
  // Forecast members: the fastest of any member (each bounds its own trajectory members' drift). A
  // grid offset's members are its base field displaced within the same box: the base's lattice
  // stands for all 27 (the margin covers a displacement of one cell), and one field is sampled once.
  const ensemble = wind instanceof ForecastEnsemble ? wind : null;
  if (ensemble) {
    const fields = new Set(ensemble.fields.map((f) => (f instanceof OffsetWind ? f.base : f)));
    return Math.max(...[...fields].map((f) => fastestWindMps(f, altTopM, t0, t1)));
  }
  const c = wind.coverage;
  const lonMin = c.wrapsLon ? -180 : c.lonMin;
  const lonMax = c.wrapsLon ? 180 : c.lonMax;
  const altLo = Math.max(0, c.altMinM);
  const altHi = Math.max(altLo, Math.min(c.altMaxM, altTopM));
  const tLo = Math.max(Math.min(t0, t1), c.tMinSec);
  const tHi = Math.min(Math.max(t0, t1), c.tMaxSec);
  const out = new Float64Array(2);
  let fastest = 0;
  const at = (lo: number, hi: number, k: number, n: number) =>
    n === 1 ? lo : lo + ((hi - lo) * k) / (n - 1);
  const nt = Number.isFinite(tLo) && Number.isFinite(tHi) && tHi > tLo ? 9 : 1;
  const tMid = Number.isFinite(tLo) ? tLo : Number.isFinite(tHi) ? tHi : t0;
  for (let it = 0; it < nt; it++) {
    const t = nt === 1 ? tMid : at(tLo, tHi, it, nt);
    for (let ia = 0; ia < 12; ia++) {
      const alt = at(altLo, altHi, ia, 12);
      for (let iy = 0; iy < 25; iy++) {
        const lat = at(c.latMin, c.latMax, iy, 25);
        for (let ix = 0; ix < 25; ix++) {
          wind.sample(at(lonMin, lonMax, ix, 25), lat, alt, t, out);
          const speed = Math.hypot(out[0], out[1]);
          if (speed > fastest) fastest = speed;
        }
      }
    }
  }
  return fastest;
}

/**
 * The edge of the box a member crossed to end at (lon, lat): north or south when its latitude is
 * beyond the box, else the nearer longitude edge (measured round the globe); at a corner, the edge it
 * is farther beyond (in kilometres).
 */
export function exitEdge(c: WindCoverage, lon: number, lat: number): BoxEdge {
  const beyondLat = lat > c.latMax ? lat - c.latMax : lat < c.latMin ? c.latMin - lat : 0;
  let beyondLon = 0;
  let lonEdge: BoxEdge = 'east';
  if (!c.wrapsLon) {
    const span = c.lonMax - c.lonMin;
    const east = lon - c.lonMin - 360 * Math.floor((lon - c.lonMin) / 360);
    if (east > span) {
      const pastEast = east - span;
      const pastWest = 360 - east;
      lonEdge = pastEast <= pastWest ? 'east' : 'west';
      beyondLon = Math.min(pastEast, pastWest) * Math.cos((lat * Math.PI) / 180);
    }
  }
  if (beyondLat > 0 && beyondLat >= beyondLon) return lat > c.latMax ? 'north' : 'south';
  return beyondLon > 0 ? lonEdge : lat >= (c.latMin + c.latMax) / 2 ? 'north' : 'south';
}

/** What summarizeCoverage needs of a run. */
export interface CoverageInput {
  observer: RunObserver;
  /** The highest altitude (m AMSL) the scenario sends members to (+∞: the wind's top bounds it). */
  plannedTopM: number;
  wind: Pick<WindField, 'coverage' | 'sample'>;
  status: ArrayLike<number>;
  endLon: ArrayLike<number>;
  endLat: ArrayLike<number>;
  endTSec: ArrayLike<number>;
  startSec: number;
  endSec: number;
  /** The scenario's `analysis.maxDriftSpeedMps`, if set. */
  maxDriftSpeedMps?: number;
}

/**
 * The run's coverage summary, which members are unresolved, and for each unresolved member and zone
 * the earliest time it could be inside the zone: its stop time plus the horizontal distance from
 * where it stopped to the zone's area (0 inside) at the maximum drift speed (+∞ when that is after the
 * run's requested end; the vertical limits are not used, as an unresolved member's altitude after it
 * left is unknown too). Zones without an outline count as reachable at once.
 */
export function summarizeCoverage(input: CoverageInput): {
  coverage: CoverageSummary;
  unresolved: Uint8Array;
  reachTSec: Float64Array;
} {
  const { observer, wind, status, endLon, endLat, endTSec, startSec, endSec } = input;
  const n = status.length;
  const c = wind.coverage;
  const unresolved = new Uint8Array(n);
  const edges = new Map<BoxEdge, { count: number; first: number; last: number }>();
  let left = 0;
  let windEnded = 0;
  let nonFinite = 0;
  let nfFirst = Number.POSITIVE_INFINITY;
  let nfLast = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (!isUnresolved(status[i])) continue;
    unresolved[i] = 1;
    const t = endTSec[i];
    if (status[i] === MemberStatus.leftDomain) {
      left++;
      const edge = exitEdge(c, endLon[i], endLat[i]);
      const e = edges.get(edge) ?? { count: 0, first: t, last: t };
      e.count++;
      e.first = Math.min(e.first, t);
      e.last = Math.max(e.last, t);
      edges.set(edge, e);
    } else if (status[i] === MemberStatus.windEnded) windEnded++;
    else {
      nonFinite++;
      nfFirst = Math.min(nfFirst, t);
      nfLast = Math.max(nfLast, t);
    }
  }
  const count = left + windEnded + nonFinite;
  let speed: number | null = null;
  let from: CoverageSummary['maxDriftSpeedFrom'] = null;
  if (count > 0) {
    if (input.maxDriftSpeedMps !== undefined) {
      speed = input.maxDriftSpeedMps;
      from = 'scenario';
    } else {
      // 500 m above the highest planned altitude: members overshoot a little, and the speed at the
      // top is interpolated from the level above.
      const fastest = fastestWindMps(wind, input.plannedTopM + 500, startSec, endSec);
      speed = rounded(Math.max(MIN_DEFAULT_DRIFT_MPS, DRIFT_MARGIN * fastest), 1)!;
      from = 'wind';
    }
  }
  const z = observer.zoneCount;
  const reachTSec = new Float64Array(n * z).fill(Number.NaN);
  const forward = endSec >= startSec;
  if (speed !== null) {
    observer.targets.zones.forEach((zone, k) => {
      for (let i = 0; i < n; i++) {
        if (!unresolved[i]) continue;
        const d = zone.geometry ? zone.geometry.distanceM(endLon[i], endLat[i]) : 0;
        const reach = endTSec[i] + ((forward ? 1 : -1) * d) / speed!;
        const inTime = forward ? reach <= endSec : reach >= endSec;
        reachTSec[i * z + k] = inTime ? reach : forward ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
      }
    });
  }
  const order: BoxEdge[] = ['west', 'east', 'north', 'south'];
  const finite = (t: number) => (Number.isFinite(t) ? t : Number.NaN);
  return {
    unresolved,
    reachTSec,
    coverage: {
      members: n,
      unresolved: count,
      unresolvedFraction: n ? (rounded(count / n, 4) ?? 0) : 0,
      leftDomain: {
        count: left,
        edges: order
          .filter((edge) => edges.has(edge))
          .map((edge) => {
            const e = edges.get(edge)!;
            return { edge, count: e.count, first: isoTime(e.first), last: isoTime(e.last) };
          }),
      },
      windEnded: { count: windEnded, at: windEnded ? isoTimeOrNull(forward ? c.tMaxSec : c.tMinSec) : null },
      nonFinite: {
        count: nonFinite,
        first: isoTimeOrNull(finite(nfFirst)),
        last: isoTimeOrNull(finite(nfLast)),
      },
      wind: {
        lonMin: c.lonMin,
        lonMax: c.lonMax,
        latMin: c.latMin,
        latMax: c.latMax,
        altMaxM: c.altMaxM,
        start: isoTimeOrNull(c.tMinSec),
        end: isoTimeOrNull(c.tMaxSec),
      },
      requestedEnd: isoTime(endSec),
      maxDriftSpeedMps: speed,
      maxDriftSpeedFrom: from,
    },
  };
}
