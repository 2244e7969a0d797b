/**
 * Weighted launch samples (a posterior over launch points and times) summarised for people: cells
 * ranked by posterior mass, each with its launch-time distribution, distance and bearing; the best
 * estimate; how two such distributions agree.
 */
import { ellipsoidDistanceM } from '../geo/ellipsoid.js';
import { initialBearingDeg } from '../geo/sphere.js';
import { isoTimeOrNull } from '../time.js';
import type { DensityGrid } from './ensemble-stats.js';
import { rounded } from './stats.js';

/**
 * Launch samples: one launch point, time and float altitude each, with a weight (≥ 0). NaN
 * positions are samples that never reached a launch point (their weight is 0).
 */
export interface LaunchSamples {
  lon: Float64Array;
  lat: Float64Array;
  tSec: Float64Array;
  floatAltM: Float64Array;
  weight: Float64Array;
}

export interface LaunchCell {
  /** The cell's centre (degrees). */
  lon: number;
  lat: number;
  /** Posterior mass of the cell (0–1). */
  probability: number;
  /** Launch time from this cell: weighted median, and the 5 % and 95 % quantiles (ISO 8601 UTC). */
  medianLaunch: string | null;
  launchFrom: string | null;
  launchTo: string | null;
  /** The weighted mean of the cell's launch points: where in the cell they lie (degrees). */
  meanLon: number;
  meanLat: number;
  /** From the (first) detection to the cell's centre: the geodesic on WGS 84 (km, 0.1 km). */
  distanceKm: number;
  /**
   * The initial bearing of that line (whole degrees clockwise from true north, 0–359). geolib gives
   * bearings on the sphere only; at these latitudes the WGS 84 azimuth differs by < 0.1° (checked
   * against Vincenty's inverse azimuth), well under the degree reported.
   */
  bearingDeg: number;
}

/** A weighted quantile (0..1) of values: the smallest value whose cumulative weight reaches q. */
export function weightedQuantile(values: ArrayLike<number>, weights: ArrayLike<number>, q: number): number {
  const idx: number[] = [];
  let total = 0;
  for (let i = 0; i < values.length; i++)
    if (weights[i] > 0 && Number.isFinite(values[i])) {
      idx.push(i);
      total += weights[i];
    }
  if (total === 0) return Number.NaN;
  idx.sort((a, b) => values[a] - values[b]);
  let sum = 0;
  for (const i of idx) {
    sum += weights[i];
    if (sum >= q * total) return values[i];
  }
  return values[idx[idx.length - 1]];
}

/** (Σw)² / Σw²: how many independent, equally weighted samples a weighted set is worth (Kish). */
export function effectiveSampleSize(weights: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < weights.length; i++) {
    s += weights[i];
    s2 += weights[i] * weights[i];
  }
  return s2 > 0 ? (s * s) / s2 : 0;
}

/** Cell (i, j) of a grid anchored at 0° 0°, so that two distributions share their cells. */
function cellKey(lon: number, lat: number, cellDeg: number): number {
  const i = Math.floor(lon / cellDeg + 1e-9);
  const j = Math.floor(lat / cellDeg + 1e-9);
  // i in −3600…3600 and j in −1800…1800 for cells ≥ 0.05°: one number per cell.
  return (j + 100_000) * 1_000_000 + (i + 500_000);
}

function cellOfKey(key: number): { i: number; j: number } {
  return { i: (key % 1_000_000) - 500_000, j: Math.floor(key / 1_000_000) - 100_000 };
}

/** The posterior mass per cell (normalised), keyed by cell. */
export function cellMasses(samples: LaunchSamples, cellDeg: number): Map<number, number> {
  const mass = new Map<number, number>();
  let total = 0;
  for (let p = 0; p < samples.weight.length; p++) {
    const w = samples.weight[p];
    if (!(w > 0)) continue;
    const key = cellKey(samples.lon[p], samples.lat[p], cellDeg);
    mass.set(key, (mass.get(key) ?? 0) + w);
    total += w;
  }
  for (const [k, m] of mass) mass.set(k, m / total);
  return mass;
}

export interface RankedCells {
  /** The cells, most probable first (at most `top`). */
  cells: LaunchCell[];
  /** The cells' keys, in the same order, for comparing two distributions (agreement). */
  keys: number[];
  /** Mass per cell. */
  mass: Map<number, number>;
  /** The posterior mass per cell over the box holding it ("counts" are masses, summing to 1). */
  grid: DensityGrid | null;
}

/**
 * Ranks the cells (cellDeg degrees, anchored at 0° 0°) of weighted launch samples by their mass;
 * `from` is where distances and bearings are measured from (the first detection).
 */
export function rankCells(
  samples: LaunchSamples,
  cellDeg: number,
  from: { lon: number; lat: number },
  top: number,
): RankedCells {
  const mass = cellMasses(samples, cellDeg);
  if (mass.size === 0) return { cells: [], keys: [], mass, grid: null };
  const order = [...mass.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const keys = order.slice(0, top).map(([k]) => k);
  const members = new Map<number, number[]>(keys.map((k) => [k, []]));
  for (let p = 0; p < samples.weight.length; p++) {
    if (!(samples.weight[p] > 0)) continue;
    members.get(cellKey(samples.lon[p], samples.lat[p], cellDeg))?.push(p);
  }
  const cells = keys.map((key) => {
    const { i, j } = cellOfKey(key);
    const ps = members.get(key)!;
    const times = ps.map((p) => samples.tSec[p]);
    const weights = ps.map((p) => samples.weight[p]);
    let w = 0;
    let x = 0;
    let y = 0;
    for (const p of ps) {
      w += samples.weight[p];
      x += samples.weight[p] * samples.lon[p];
      y += samples.weight[p] * samples.lat[p];
    }
    const lon = rounded((i + 0.5) * cellDeg, 4)!;
    const lat = rounded((j + 0.5) * cellDeg, 4)!;
    return {
      lon,
      lat,
      probability: rounded(mass.get(key)!, 4)!,
      medianLaunch: isoTimeOrNull(weightedQuantile(times, weights, 0.5)),
      launchFrom: isoTimeOrNull(weightedQuantile(times, weights, 0.05)),
      launchTo: isoTimeOrNull(weightedQuantile(times, weights, 0.95)),
      meanLon: rounded(x / w, 4)!,
      meanLat: rounded(y / w, 4)!,
      distanceKm: rounded(ellipsoidDistanceM(from.lon, from.lat, lon, lat) / 1000, 1)!,
      bearingDeg: Math.round(initialBearingDeg(from.lon, from.lat, lon, lat)) % 360,
    };
  });
  let iMin = Infinity;
  let iMax = -Infinity;
  let jMin = Infinity;
  let jMax = -Infinity;
  for (const key of mass.keys()) {
    const { i, j } = cellOfKey(key);
    iMin = Math.min(iMin, i);
    iMax = Math.max(iMax, i);
    jMin = Math.min(jMin, j);
    jMax = Math.max(jMax, j);
  }
  const nx = iMax - iMin + 1;
  const ny = jMax - jMin + 1;
  const counts = new Array<number>(nx * ny).fill(0);
  for (const [key, m] of mass) {
    const { i, j } = cellOfKey(key);
    counts[(j - jMin) * nx + (i - iMin)] = rounded(m, 6)!;
  }
  const grid: DensityGrid = {
    lon0: rounded(iMin * cellDeg, 6)!,
    lat0: rounded(jMin * cellDeg, 6)!,
    cellDeg,
    nx,
    ny,
    counts,
    total: 1,
  };
  return { cells, keys, mass, grid };
}

/** How the backward posterior and the forward selection agree. */
export interface Agreement {
  /** Between the two best estimates (the first launch area of each), km on WGS 84. */
  bestDistanceKm: number;
  /** Forward minus backward median launch time of the first launch areas (min). */
  launchDifferenceMin: number | null;
  /** Of the backward's top cells (up to 5), how many are also among the forward's top 5. */
  topCellsShared: number;
  topCellsCompared: number;
  /** Σ over cells of the smaller of the two masses: 1 for the same distribution, 0 for disjoint ones. */
  massOverlap: number;
  /**
   * True when the two best estimates lie within AREA_RADIUS_KM of each other: the methods send a
   * patrol to the same place.
   */
  agree: boolean;
}

export function agreementOf(
  backward: { cells: RankedCells; areas: LaunchArea[] },
  forward: { cells: RankedCells; areas: LaunchArea[] },
): Agreement | null {
  const b = backward.areas[0];
  const f = forward.areas[0];
  if (!b || !f) return null;
  const topB = backward.cells.keys.slice(0, 5);
  const topF = new Set(forward.cells.keys.slice(0, 5));
  let overlap = 0;
  for (const [k, m] of backward.cells.mass) overlap += Math.min(m, forward.cells.mass.get(k) ?? 0);
  const distanceKm = ellipsoidDistanceM(b.lon, b.lat, f.lon, f.lat) / 1000;
  const tb = b.medianLaunch === null ? Number.NaN : Date.parse(b.medianLaunch);
  const tf = f.medianLaunch === null ? Number.NaN : Date.parse(f.medianLaunch);
  return {
    bestDistanceKm: rounded(distanceKm, 1)!,
    // + 0 turns a rounded −0 into 0: JSON has no −0, and a round trip must not change the answer.
    launchDifferenceMin: Number.isFinite(tf - tb) ? rounded((tf - tb) / 60_000, 0)! + 0 : null,
    topCellsShared: topB.filter((k) => topF.has(k)).length,
    topCellsCompared: topB.length,
    massOverlap: rounded(overlap, 3)!,
    agree: distanceKm <= AREA_RADIUS_KM,
  };
}

/**
 * A place to look for the launch: a point and the circle of `radiusKm` round it, with the posterior
 * mass inside the circle and the launch times of that mass.
 */
export interface LaunchArea {
  lon: number;
  lat: number;
  radiusKm: number;
  /** Posterior mass within radiusKm of the point (0–1). */
  probability: number;
  /** Of that, the mass no earlier area holds: the areas' added masses sum to what they cover together. */
  addedProbability: number;
  /** Launch time of that mass: weighted median, 5 % and 95 % (ISO 8601 UTC). */
  medianLaunch: string | null;
  launchFrom: string | null;
  launchTo: string | null;
  /** From the (first) detection to the point: km on WGS 84, and the initial bearing (whole degrees). */
  distanceKm: number;
  bearingDeg: number;
}

/** The radius of a launch area (km): the distance within which the bench counts an estimate a hit. */
export const AREA_RADIUS_KM = 10;

/** Launch points closer together than this many degrees are pooled when areas are chosen. */
const POOL_DEG = 0.01;
/** At most this many pooled points: beyond, the pooling grid coarsens (the search is quadratic). */
const MAX_POOLED = 1500;

/**
 * Where to look, in order: the first area is centred on the posterior's medoid — the launch point
 * that minimises the expected distance to the true launch, and so the best single estimate — and
 * each next one on the launch point that adds the most posterior mass within the radius not yet
 * held by those before (a greedy cover; a hit within the radius of one of them is what a patrol
 * needs). Launch points are pooled on a grid of about 1 km first.
 */
export function launchAreas(
  samples: LaunchSamples,
  from: { lon: number; lat: number },
  count: number,
  radiusKm = AREA_RADIUS_KM,
): LaunchArea[] {
  // Pool the weighted launch points by fine cell: each pool keeps its mass and weighted mean point.
  let pools: { lon: number; lat: number; mass: number }[] = [];
  let total = 0;
  for (let cell = POOL_DEG; ; cell *= 2) {
    const map = new Map<number, { x: number; y: number; w: number }>();
    total = 0;
    for (let p = 0; p < samples.weight.length; p++) {
      const w = samples.weight[p];
      if (!(w > 0)) continue;
      const key = cellKey(samples.lon[p], samples.lat[p], cell);
      const pool = map.get(key);
      if (pool) {
        pool.x += w * samples.lon[p];
        pool.y += w * samples.lat[p];
        pool.w += w;
      } else map.set(key, { x: w * samples.lon[p], y: w * samples.lat[p], w });
      total += w;
    }
    if (map.size <= MAX_POOLED || cell > 1) {
      pools = [...map.values()].map((q) => ({ lon: q.x / q.w, lat: q.y / q.w, mass: q.w / total }));
      break;
    }
  }
  const n = pools.length;
  if (n === 0) return [];
  // Local flat coordinates (km) about the pools' mean latitude: distances of tens of km, to choose by.
  let latMean = 0;
  for (const q of pools) latMean += q.mass * q.lat;
  const kx = 111.195 * Math.cos((latMean * Math.PI) / 180);
  const ky = 111.195;
  const xs = pools.map((q) => q.lon * kx);
  const ys = pools.map((q) => q.lat * ky);
  const r2 = radiusKm * radiusKm;
  const centres: number[] = [];
  // The medoid.
  let best = 0;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let a = 0; a < n; a++) {
    let cost = 0;
    for (let b = 0; b < n; b++) cost += pools[b].mass * Math.hypot(xs[a] - xs[b], ys[a] - ys[b]);
    if (cost < bestCost) {
      bestCost = cost;
      best = a;
    }
  }
  centres.push(best);
  const covered = new Uint8Array(n);
  const cover = (a: number) => {
    for (let b = 0; b < n; b++) if ((xs[a] - xs[b]) ** 2 + (ys[a] - ys[b]) ** 2 <= r2) covered[b] = 1;
  };
  cover(best);
  while (centres.length < count) {
    let pick = -1;
    let gain = 0;
    for (let a = 0; a < n; a++) {
      let g = 0;
      for (let b = 0; b < n; b++)
        if (!covered[b] && (xs[a] - xs[b]) ** 2 + (ys[a] - ys[b]) ** 2 <= r2) g += pools[b].mass;
      if (g > gain) {
        gain = g;
        pick = a;
      }
    }
    if (pick < 0) break; // everything is covered
    centres.push(pick);
    cover(pick);
  }
  // Each area's figures from the samples themselves, on the ellipsoid.
  const taken = new Uint8Array(samples.weight.length);
  return centres.map((a) => {
    const lon = pools[a].lon;
    const lat = pools[a].lat;
    const times: number[] = [];
    const weights: number[] = [];
    let mass = 0;
    let added = 0;
    for (let p = 0; p < samples.weight.length; p++) {
      const w = samples.weight[p];
      if (!(w > 0)) continue;
      // Flat distance first (cheap), the ellipsoid only near the edge of the circle.
      const dx = (samples.lon[p] - lon) * kx;
      const dy = (samples.lat[p] - lat) * ky;
      const flat = dx * dx + dy * dy;
      if (flat > 1.05 * r2) continue;
      if (flat > 0.95 * r2 && ellipsoidDistanceM(lon, lat, samples.lon[p], samples.lat[p]) / 1000 > radiusKm)
        continue;
      mass += w;
      times.push(samples.tSec[p]);
      weights.push(w);
      if (!taken[p]) {
        added += w;
        taken[p] = 1;
      }
    }
    return {
      lon: rounded(lon, 4)!,
      lat: rounded(lat, 4)!,
      radiusKm,
      probability: rounded(mass / total, 4)!,
      addedProbability: rounded(added / total, 4)!,
      medianLaunch: isoTimeOrNull(weightedQuantile(times, weights, 0.5)),
      launchFrom: isoTimeOrNull(weightedQuantile(times, weights, 0.05)),
      launchTo: isoTimeOrNull(weightedQuantile(times, weights, 0.95)),
      distanceKm: rounded(ellipsoidDistanceM(from.lon, from.lat, lon, lat) / 1000, 1)!,
      bearingDeg: Math.round(initialBearingDeg(from.lon, from.lat, lon, lat)) % 360,
    };
  });
}
