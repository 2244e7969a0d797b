/**
 * What a back-track knows before it looks at a detection: where balloons are launched (a region),
 * when (a launch-time window) and how high they float (a float-altitude density). Each becomes a
 * factor of the posterior over launch cells and times (backtrack.ts).
 */
import { M_PER_DEG, RAD_PER_DEG } from '../earth.js';
import { invalid } from '../errors.js';
import { PreparedZone } from '../geo/zones.js';
import { isoTimeText } from '../time.js';
import { AreaMask } from './area-mask.js';

// ---- the launch region ------------------------------------------------------------------------

/** Where launches are possible: a polygon area with a fast test. */
export interface LaunchRegion {
  /** A short name for outputs: the bundled id (`by-border-strip`) or the file it was read from. */
  id: string;
  name: string;
  contains(lon: number, lat: number): boolean;
  /** Bounding box of its polygons (degrees). */
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

/**
 * A launch region from polygons (rings of [lon, lat] degrees, holes included, as GeoJSON gives
 * them): the exact even–odd test behind a raster (area-mask.ts), as the analysis tests zones.
 */
export function launchRegion(polygons: number[][][][], id: string, name = id): LaunchRegion {
  if (!Array.isArray(polygons) || polygons.length === 0) invalid('region', 'has no polygon', id);
  const parts = polygons.map(
    (polygon, p) =>
      new PreparedZone({
        id: `${id}#${p}`,
        name,
        kind: 'other',
        lowerM: Number.NEGATIVE_INFINITY,
        upperM: Number.POSITIVE_INFINITY,
        polygon,
        approximate: false,
        source: id,
      }),
  );
  const exact = (lon: number, lat: number) => parts.some((part) => part.containsLonLat(lon, lat));
  const mask = new AreaMask(polygons.flat(), exact, 0.01);
  return {
    id,
    name,
    contains: (lon, lat) => mask.contains(lon, lat),
    lonMin: mask.lonMin,
    lonMax: mask.lonMax,
    latMin: mask.latMin,
    latMax: mask.latMax,
  };
}

/**
 * A test for "within `marginM` of the region", on a raster of `cellDeg` cells holding each cell's
 * distance to the nearest cell of the region (a chamfer distance transform, within 8 % of the true
 * distance): the back-track traces the ascent down only from float points this near the region
 * (an ascent drifts at most its duration times the wind), so the others cost nothing. Generous by
 * construction: a cell belongs to the region when its centre or a corner does, and one cell more is
 * allowed.
 */
export function nearRegion(
  region: LaunchRegion,
  maxMarginM: number,
  cellDeg = 0.05,
): (lon: number, lat: number, marginM: number) => boolean {
  const latMid = 0.5 * (region.latMin + region.latMax);
  const dxM = cellDeg * M_PER_DEG * Math.cos(latMid * RAD_PER_DEG);
  const dyM = cellDeg * M_PER_DEG;
  const pad = Math.ceil(maxMarginM / Math.min(dxM, dyM)) + 2;
  const lon0 = region.lonMin - pad * cellDeg;
  const lat0 = region.latMin - pad * cellDeg;
  const nx = Math.ceil((region.lonMax - region.lonMin) / cellDeg) + 2 * pad + 1;
  const ny = Math.ceil((region.latMax - region.latMin) / cellDeg) + 2 * pad + 1;
  const dist = new Float64Array(nx * ny).fill(Number.POSITIVE_INFINITY);
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const x = lon0 + i * cellDeg;
      const y = lat0 + j * cellDeg;
      if (
        region.contains(x + cellDeg / 2, y + cellDeg / 2) ||
        region.contains(x, y) ||
        region.contains(x + cellDeg, y) ||
        region.contains(x, y + cellDeg) ||
        region.contains(x + cellDeg, y + cellDeg)
      )
        dist[j * nx + i] = 0;
    }
  // Two passes of the 8-neighbour chamfer transform with the cells' true side lengths.
  const dd = Math.hypot(dxM, dyM);
  const relax = (k: number, other: number, step: number) => {
    if (dist[other] + step < dist[k]) dist[k] = dist[other] + step;
  };
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      if (i > 0) relax(k, k - 1, dxM);
      if (j > 0) {
        relax(k, k - nx, dyM);
        if (i > 0) relax(k, k - nx - 1, dd);
        if (i < nx - 1) relax(k, k - nx + 1, dd);
      }
    }
  for (let j = ny - 1; j >= 0; j--)
    for (let i = nx - 1; i >= 0; i--) {
      const k = j * nx + i;
      if (i < nx - 1) relax(k, k + 1, dxM);
      if (j < ny - 1) {
        relax(k, k + nx, dyM);
        if (i < nx - 1) relax(k, k + nx + 1, dd);
        if (i > 0) relax(k, k + nx - 1, dd);
      }
    }
  const slack = Math.max(dxM, dyM);
  return (lon, lat, marginM) => {
    const i = Math.floor((lon - lon0) / cellDeg);
    const j = Math.floor((lat - lat0) / cellDeg);
    return i >= 0 && i < nx && j >= 0 && j < ny && dist[j * nx + i] <= 1.08 * marginM + slack;
  };
}

// ---- the launch-time window -------------------------------------------------------------------

/** Launches happen in [startSec, endSec] (s since the Unix epoch), uniformly as far as the prior knows. */
export interface LaunchWindow {
  startSec: number;
  endSec: number;
}

/**
 * The default window: "the evening and night before the detection". Launches are reported at
 * night; the window opens at 16:00 local time (before dusk all year at these latitudes: sunset in
 * Vilnius is 15:55–22:00 local) on the evening the detection's night began, and closes at the
 * detection. A detection from 16:00 to midnight local belongs to that evening's night, one from
 * midnight to 16:00 to the night that began the evening before.
 */
export const NIGHT_WINDOW_DEFAULTS = Object.freeze({ timeZone: 'Europe/Vilnius', startHourLocal: 16 });

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      return invalid('timeZone', 'must be an IANA time zone such as Europe/Vilnius', timeZone);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local wall-clock time of an instant, as seconds of a UTC calendar (whole seconds). */
function wallClockSec(timeZone: string, tSec: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatterOf(timeZone).formatToParts(new Date(Math.floor(tSec) * 1000)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) / 1000;
}

/** The offset of local time from UTC (s, +10 800 for Europe/Vilnius in summer) at an instant. */
export function utcOffsetSec(timeZone: string, tSec: number): number {
  return wallClockSec(timeZone, tSec) - Math.floor(tSec);
}

/**
 * The instant a local wall-clock time (seconds of a UTC calendar) happens. Two passes settle it
 * across a change of offset; a wall time skipped by the spring change maps to the instant one offset
 * later, as clocks do.
 */
function instantOfWallClock(timeZone: string, wallSec: number): number {
  let t = wallSec - utcOffsetSec(timeZone, wallSec);
  t = wallSec - utcOffsetSec(timeZone, t);
  return t;
}

/** The default launch window before a detection at `detectionSec` (see NIGHT_WINDOW_DEFAULTS). */
export function nightWindowBefore(
  detectionSec: number,
  timeZone: string = NIGHT_WINDOW_DEFAULTS.timeZone,
  startHourLocal: number = NIGHT_WINDOW_DEFAULTS.startHourLocal,
): LaunchWindow {
  if (!Number.isFinite(detectionSec)) invalid('detections[0].tSec', 'must be a finite time', detectionSec);
  if (!(startHourLocal >= 0 && startHourLocal < 24))
    invalid('startHourLocal', 'must be an hour of the day, 0 to < 24', startHourLocal);
  const wall = wallClockSec(timeZone, detectionSec);
  const midnight = Math.floor(wall / 86_400) * 86_400;
  let startWall = midnight + startHourLocal * 3600;
  if (startWall > wall) startWall -= 86_400;
  return { startSec: instantOfWallClock(timeZone, startWall), endSec: detectionSec };
}

/** Checks a window given by the caller against the first detection: it must open before it. */
export function checkWindow(window: LaunchWindow, firstDetectionSec: number): LaunchWindow {
  if (!Number.isFinite(window.startSec))
    invalid('launchWindow.startSec', 'must be a finite time', window.startSec);
  if (!Number.isFinite(window.endSec)) invalid('launchWindow.endSec', 'must be a finite time', window.endSec);
  if (!(window.startSec < window.endSec))
    invalid('launchWindow', 'must start before it ends', {
      start: isoTimeText(window.startSec),
      end: isoTimeText(window.endSec),
    });
  if (!(window.startSec < firstDetectionSec))
    invalid(
      'launchWindow.startSec',
      `must lie before the first detection (${isoTimeText(firstDetectionSec)})`,
      isoTimeText(window.startSec),
    );
  // A launch after the first sighting is no launch of that balloon.
  return { startSec: window.startSec, endSec: Math.min(window.endSec, firstDetectionSec) };
}

// ---- the float altitude -----------------------------------------------------------------------

/** A band of float altitudes (m AMSL) with its relative density per metre. */
export interface AltitudeBand {
  fromM: number;
  toM: number;
  weight: number;
}

/**
 * The default float-altitude prior: 1–5 km, as reported for these balloons, with the 3–4 km band
 * where most reports put them three times as dense per metre: 3–4 km holds half the prior mass,
 * 1–3 km a third, 4–5 km a sixth.
 */
export const DEFAULT_FLOAT_ALTITUDES: readonly AltitudeBand[] = Object.freeze([
  { fromM: 1000, toM: 3000, weight: 1 },
  { fromM: 3000, toM: 4000, weight: 3 },
  { fromM: 4000, toM: 5000, weight: 1 },
]);

/** A piecewise-constant density over float altitudes, normalised, with its inverse CDF for sampling. */
export class AltitudePrior {
  readonly bands: readonly AltitudeBand[];
  readonly minM: number;
  readonly maxM: number;
  private readonly mass: number[];
  private readonly total: number;

  constructor(bands: readonly AltitudeBand[], field = 'floatAltitudes') {
    if (!Array.isArray(bands) || bands.length === 0) invalid(field, 'must hold at least one band', bands);
    bands.forEach((b, k) => {
      const at = `${field}[${k}]`;
      if (!(Number.isFinite(b.fromM) && b.fromM >= -500 && b.fromM <= 50_000))
        invalid(`${at}.fromM`, 'must be an altitude from -500 to 50000 m', b.fromM);
      if (!(Number.isFinite(b.toM) && b.toM > b.fromM && b.toM <= 50_000))
        invalid(`${at}.toM`, `must be above fromM (${b.fromM} m) and at most 50000 m`, b.toM);
      if (!(Number.isFinite(b.weight) && b.weight >= 0)) invalid(`${at}.weight`, 'must be >= 0', b.weight);
      const prev = bands[k - 1];
      if (prev && b.fromM < prev.toM)
        invalid(`${at}.fromM`, `must not overlap the band before (ending at ${prev.toM} m)`, b.fromM);
    });
    this.bands = bands.map((b) => ({ ...b }));
    this.mass = bands.map((b) => b.weight * (b.toM - b.fromM));
    this.total = this.mass.reduce((a, b) => a + b, 0);
    if (!(this.total > 0)) invalid(field, 'must have a band of weight > 0', bands);
    this.minM = bands[0].fromM;
    this.maxM = bands[bands.length - 1].toM;
  }

  /** Probability density (per metre) at an altitude. */
  density(altM: number): number {
    for (const b of this.bands) if (altM >= b.fromM && altM < b.toM) return b.weight / this.total;
    return altM === this.maxM ? this.bands[this.bands.length - 1].weight / this.total : 0;
  }

  /** The altitude at cumulative probability u ∈ [0, 1). */
  sample(u: number): number {
    let left = u * this.total;
    for (const [k, b] of this.bands.entries()) {
      if (left < this.mass[k] || k === this.bands.length - 1)
        return b.weight > 0 ? b.fromM + Math.min(b.toM - b.fromM, left / b.weight) : b.fromM;
      left -= this.mass[k];
    }
    return this.maxM;
  }

  /** The share of the prior mass between two altitudes. */
  massBetween(loM: number, hiM: number): number {
    let m = 0;
    for (const b of this.bands) m += b.weight * Math.max(0, Math.min(hiM, b.toM) - Math.max(loM, b.fromM));
    return m / this.total;
  }
}
