import { invalid } from '../errors.js';
import type { WindFieldSource } from './source.js';

/** A lon/lat box (degrees), e.g. to cut a region out of a global file. */
export interface LonLatBox {
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

/** Checks a box: finite edges, min ≤ max, at most 360° of longitude (InputError naming the edge). */
export function checkLonLatBox(box: LonLatBox): void {
  for (const key of ['lonMin', 'lonMax', 'latMin', 'latMax'] as const)
    if (!Number.isFinite(box[key])) invalid(`bbox.${key}`, 'must be a finite number', box[key]);
  if (!(box.lonMin <= box.lonMax && box.lonMax - box.lonMin <= 360))
    invalid('bbox.lonMax', `must be from lonMin (${box.lonMin}) to lonMin + 360`, box.lonMax);
  if (!(box.latMin <= box.latMax)) invalid('bbox.latMax', `must be >= latMin (${box.latMin})`, box.latMax);
}

/**
 * What a wind field covers: a lon/lat box, an altitude range and a time range. A run refuses launches
 * outside it before it starts; a member that leaves the box during a run stops as "left-domain".
 */
export interface WindCoverage {
  /** West and east edges (degrees). `lonMax` may exceed 180 for grids stored as 0..360. */
  readonly lonMin: number;
  readonly lonMax: number;
  /** True when the field covers every longitude (a global grid or an analytic field). */
  readonly wrapsLon: boolean;
  readonly latMin: number;
  readonly latMax: number;
  /** Altitudes (m above mean sea level) inside which the field holds data. */
  readonly altMinM: number;
  readonly altMaxM: number;
  /** Valid times (s since the Unix epoch); ±Infinity for a steady field. */
  readonly tMinSec: number;
  readonly tMaxSec: number;
}

/**
 * A source of horizontal wind. `sample` is the hot call of every run: it must not allocate.
 */
export interface WindField {
  readonly coverage: WindCoverage;
  /** One line saying what the field is and where it came from (shown in summaries). */
  readonly description: string;
  /**
   * Where the field came from, as data (format, files, producer, forecast run, grid, levels, valid
   * times): what every output's provenance says of the wind. Fields without it are described by
   * `description` alone.
   */
  readonly source?: WindFieldSource;
  /**
   * What the data hold that a user must know before trusting an answer: gaps between time steps,
   * files of several forecast runs. `validate`, `wind inspect` and every run's summary show them.
   */
  readonly warnings?: readonly string[];
  /**
   * Writes u (eastward, m/s) into out[0] and v (northward, m/s) into out[1] at a point:
   * lon, lat in degrees, altitude in m above mean sea level, time in s since the Unix epoch.
   * Outside the coverage the value of the nearest edge is used.
   */
  sample(lon: number, lat: number, altM: number, tSec: number, out: Float64Array): void;
  /**
   * Optional batch form of `sample`: n points at one time, u[p] and v[p] for (lon[p], lat[p], altM[p]).
   * The solver calls it once per integrator stage for all members; a field can then locate the time
   * once. Results must equal `sample`'s to the bit.
   */
  sampleMany?(
    n: number,
    lon: Float64Array,
    lat: Float64Array,
    altM: Float64Array,
    tSec: number,
    u: Float64Array,
    v: Float64Array,
  ): void;
  /**
   * Altitude (m above mean sea level) of an isobaric surface at a point, for balloons floating on a
   * pressure level. Fields without geopotential height leave it out and the ISA is used.
   */
  pressureLevelAltitudeM?(lon: number, lat: number, pressureHpa: number, tSec: number): number;
  /** Ground elevation (m above mean sea level) where the field carries orography. */
  groundElevationM?(lon: number, lat: number): number;
}

/** Coverage of a field defined everywhere and at all times (analytic fields). */
export const EVERYWHERE: WindCoverage = Object.freeze({
  lonMin: -180,
  lonMax: 180,
  wrapsLon: true,
  latMin: -90,
  latMax: 90,
  altMinM: -500,
  altMaxM: 50_000,
  tMinSec: Number.NEGATIVE_INFINITY,
  tMaxSec: Number.POSITIVE_INFINITY,
});

/** True when (lon, lat) lies inside the coverage box; longitudes in any convention. */
export function coversLonLat(c: WindCoverage, lon: number, lat: number): boolean {
  if (!(lat >= c.latMin && lat <= c.latMax)) return false;
  if (c.wrapsLon) return Number.isFinite(lon);
  const east = lon - c.lonMin - 360 * Math.floor((lon - c.lonMin) / 360);
  return east <= c.lonMax - c.lonMin;
}

/**
 * The nearest point of the coverage box to (lon, lat): latitude clamped, and a longitude outside a
 * regional box moved to the nearer of its edges (measured round the globe).
 */
export function nearestInBox(c: WindCoverage, lon: number, lat: number): { lon: number; lat: number } {
  const nearLat = Math.min(c.latMax, Math.max(c.latMin, lat));
  if (c.wrapsLon || coversLonLat(c, lon, c.latMin)) return { lon, lat: nearLat };
  const east = lon - c.lonMin - 360 * Math.floor((lon - c.lonMin) / 360); // beyond lonMax, < 360
  return { lon: east - (c.lonMax - c.lonMin) < 360 - east ? c.lonMax : c.lonMin, lat: nearLat };
}
