import { minOf } from '../arrays.js';
import { distanceM } from '../earth.js';
import { ELLIPSOID_OVER_SPHERE, ellipsoidDistanceM } from '../geo/ellipsoid.js';
import { isoTime, isoTimeOrNull } from '../time.js';
import type { RunObserver } from './observer.js';
import { median, quantile, quantilesViaProxy, rounded } from './stats.js';

/**
 * Wilson score interval for a binomial proportion (95 %: z = 1.96). Unlike the normal approximation
 * it stays inside [0, 1] and is sensible for 0 or n successes, which zone probabilities often are.
 */
export function wilsonInterval(successes: number, trials: number, z = 1.959964): [number, number] {
  if (trials === 0) return [0, 1];
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / (1 + z2 / trials);
  // At 0 and n successes the bounds are exactly 0 and 1; keep rounding from moving them.
  return [
    successes === 0 ? 0 : Math.max(0, centre - half),
    successes === trials ? 1 : Math.min(1, centre + half),
  ];
}

/** Per zone: how likely members enter, when, for how long, and how close they come to the airport. */
export interface ZoneSummary {
  id: string;
  name: string;
  kind: string;
  lowerM: number;
  upperM: number | null;
  /** Fraction of members that entered (0..1) and its 95 % Wilson interval. */
  probability: number;
  ci95: [number, number];
  membersEntered: number;
  earliestEntry: string | null;
  medianEntry: string | null;
  p90Entry: string | null;
  /**
   * From the first entry of any member to the last moment any member was inside: when to close. A
   * member still in the air inside at the end of the run keeps it open to the run's end; a payload
   * that came down inside was last inside when it landed.
   */
  closureWindow: { start: string; end: string } | null;
  medianMinutesInside: number | null;
  /**
   * Closest approach to the zone's airport (km, on the WGS 84 ellipsoid) over members: the least and
   * the median.
   */
  closestApproachKm: { min: number | null; median: number | null } | null;
}

export interface BorderSummary {
  probability: number;
  ci95: [number, number];
  membersCrossed: number;
  earliest: string | null;
  median: string | null;
  p90: string | null;
}

/** Summaries of a subset of members (all, or one site and launch time). */
export function zoneSummaries(
  observer: RunObserver,
  runEndSec: number,
  members?: ArrayLike<number>,
): ZoneSummary[] {
  const list = members ?? Array.from({ length: observer.count }, (_, i) => i);
  const n = list.length;
  return observer.targets.zones.map((zone, z) => {
    const entries: number[] = [];
    const inside: number[] = [];
    // Closest points of approach (index k of each member), and their spherical distance (m).
    const closestK: number[] = [];
    const closestSphereM: number[] = [];
    let closureEnd = Number.NEGATIVE_INFINITY;
    for (let q = 0; q < n; q++) {
      const i = list[q];
      const k = i * observer.zoneCount + z;
      if (zone.airport && Number.isFinite(observer.closestM[k])) {
        closestK.push(k);
        closestSphereM.push(
          distanceM(observer.closestLon[k], observer.closestLat[k], zone.airport.lon, zone.airport.lat),
        );
      }
      const entry = observer.entryTSec[k];
      if (Number.isNaN(entry)) continue;
      entries.push(entry);
      inside.push(observer.insideSec[k] / 60);
      const last = observer.isInside(i, z) ? runEndSec : observer.exitTSec[k];
      if (last > closureEnd) closureEnd = last;
    }
    const earliest = entries.length ? minOf(entries) : Number.NaN;
    return {
      id: zone.id,
      name: zone.name,
      kind: zone.kind,
      lowerM: zone.lowerM,
      upperM: Number.isFinite(zone.upperM) ? zone.upperM : null,
      probability: n ? entries.length / n : 0,
      ci95: wilsonInterval(entries.length, n).map((x) => rounded(x, 4) ?? 0) as [number, number],
      membersEntered: entries.length,
      earliestEntry: isoTimeOrNull(earliest),
      medianEntry: isoTimeOrNull(median(entries)),
      p90Entry: isoTimeOrNull(quantile(entries, 0.9)),
      closureWindow: entries.length ? { start: isoTime(earliest), end: isoTime(closureEnd) } : null,
      medianMinutesInside: rounded(median(inside), 1),
      closestApproachKm: zone.airport
        ? closestApproachKm(observer, zone.airport, closestK, closestSphereM)
        : null,
    };
  });
}

/**
 * The least and the median closest approach to an airport (km, on the WGS 84 ellipsoid) of the
 * members' closest points (record indices `ks`), ranked by their spherical distances so that only
 * the members near those ranks are measured on the ellipsoid.
 */
function closestApproachKm(
  observer: RunObserver,
  airport: { lon: number; lat: number },
  ks: number[],
  sphereM: number[],
): { min: number | null; median: number | null } {
  const [min, med] = quantilesViaProxy(
    sphereM,
    (q) =>
      ellipsoidDistanceM(observer.closestLon[ks[q]], observer.closestLat[ks[q]], airport.lon, airport.lat),
    [0, 0.5],
    ELLIPSOID_OVER_SPHERE,
  );
  return { min: rounded(min / 1000, 1), median: rounded(med / 1000, 1) };
}

/** A zone's cell of the risk table: of some members, the share that entered and the earliest entry. */
export interface ZoneEntries {
  id: string;
  probability: number;
  earliestEntry: string | null;
}

/**
 * Per zone, of some members (one site and launch time): the share that entered and the earliest
 * entry — what the risk table shows, without the rest of zoneSummaries (medians, closest approaches).
 */
export function zoneEntries(observer: RunObserver, members: ArrayLike<number>): ZoneEntries[] {
  return observer.targets.zones.map((zone, z) => {
    let entered = 0;
    let earliest = Number.POSITIVE_INFINITY;
    for (let q = 0; q < members.length; q++) {
      const entry = observer.entryTSec[members[q] * observer.zoneCount + z];
      if (Number.isNaN(entry)) continue;
      entered++;
      if (entry < earliest) earliest = entry;
    }
    return {
      id: zone.id,
      probability: members.length ? entered / members.length : 0,
      earliestEntry: isoTimeOrNull(earliest),
    };
  });
}

export function borderSummary(observer: RunObserver, members?: ArrayLike<number>): BorderSummary {
  const list = members ?? Array.from({ length: observer.count }, (_, i) => i);
  const times: number[] = [];
  for (let q = 0; q < list.length; q++) {
    const t = observer.borderTSec[list[q]];
    if (!Number.isNaN(t)) times.push(t);
  }
  return {
    probability: list.length ? times.length / list.length : 0,
    ci95: wilsonInterval(times.length, list.length).map((x) => rounded(x, 4) ?? 0) as [number, number],
    membersCrossed: times.length,
    earliest: isoTimeOrNull(times.length ? minOf(times) : Number.NaN),
    median: isoTimeOrNull(median(times)),
    p90: isoTimeOrNull(quantile(times, 0.9)),
  };
}

/** A count grid of points (landings, launch points): cell (i, j) covers lon0 + i·cellDeg … */
export interface DensityGrid {
  lon0: number;
  lat0: number;
  cellDeg: number;
  nx: number;
  ny: number;
  /** Points per cell, row-major from the south-west corner (j·nx + i). */
  counts: number[];
  total: number;
}

/** Bins points into a grid just covering them (cellDeg degrees); null when there are none. */
export function densityGrid(
  lons: ArrayLike<number>,
  lats: ArrayLike<number>,
  cellDeg = 0.05,
): DensityGrid | null {
  let lonMin = Infinity;
  let lonMax = -Infinity;
  let latMin = Infinity;
  let latMax = -Infinity;
  let total = 0;
  for (let p = 0; p < lons.length; p++) {
    if (Number.isNaN(lons[p]) || Number.isNaN(lats[p])) continue;
    lonMin = Math.min(lonMin, lons[p]);
    lonMax = Math.max(lonMax, lons[p]);
    latMin = Math.min(latMin, lats[p]);
    latMax = Math.max(latMax, lats[p]);
    total++;
  }
  if (total === 0) return null;
  const lon0 = Math.floor(lonMin / cellDeg) * cellDeg;
  const lat0 = Math.floor(latMin / cellDeg) * cellDeg;
  const nx = Math.floor((lonMax - lon0) / cellDeg) + 1;
  const ny = Math.floor((latMax - lat0) / cellDeg) + 1;
  const counts = new Array<number>(nx * ny).fill(0);
  for (let p = 0; p < lons.length; p++) {
    if (Number.isNaN(lons[p]) || Number.isNaN(lats[p])) continue;
    const i = Math.min(nx - 1, Math.floor((lons[p] - lon0) / cellDeg));
    const j = Math.min(ny - 1, Math.floor((lats[p] - lat0) / cellDeg));
    counts[j * nx + i]++;
  }
  return { lon0: rounded(lon0, 6)!, lat0: rounded(lat0, 6)!, cellDeg, nx, ny, counts, total };
}
