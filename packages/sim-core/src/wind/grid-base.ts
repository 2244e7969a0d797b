import { isoTimeText } from '../time.js';
import type { GridAxis, GridWindParts } from './grid-init.js';
import { GridTimeAxis, newTimePlace, type TimePlace } from './grid-time-axis.js';
import type { WindFieldSource } from './source.js';
import { timeGapWarning } from './time-gaps.js';

const WRAP_TOLERANCE_DEG = 1e-6;

/**
 * A gridded field's nodes and the constants its samplers locate points with (see GridWindBase):
 * node index = t·timeStride + k·levelStride + j·nLon + i, levels ascending in height, longitude
 * ascending; u, v interleaved in `uv`.
 */
export interface GridNodes {
  readonly uv: Float32Array;
  /** Ground elevation (m AMSL) per column j·nLon + i; null where the source has none. */
  readonly orography: Float32Array | null;
  /** Geopotential height (m) per node on pressure levels; null on altitude levels. */
  readonly geopotentialHeightM: Float32Array | null;
  readonly nLon: number;
  readonly nLat: number;
  readonly nLevels: number;
  readonly timesSec: Float64Array;
  readonly lon0: number;
  readonly invDLon: number;
  readonly maxFx: number;
  readonly lonSpan: number;
  readonly wrapsLon: boolean;
  readonly lat0: number;
  readonly invDLat: number;
  readonly maxFy: number;
  readonly levelStride: number;
  readonly timeStride: number;
}

/**
 * What the two kinds of gridded field share: horizontal and time location (bilinear weights in
 * lon/lat, longitudes folded and wrapped; linear in time, by the grid's time axis), the coverage of
 * the box and times, and the ground elevation from the grid's orography. `locate` leaves its results
 * in fields (no allocation), read at once by the subclass's sampler.
 */
export abstract class GridWindBase {
  readonly description: string;
  /** The decoder's source, with the grid, levels and valid times the field holds. */
  readonly source: WindFieldSource;
  /** The decoder's warnings, and the gaps between time steps (see WindField.warnings). */
  readonly warnings: readonly string[];
  readonly nLon: number;
  readonly nLat: number;
  readonly nLevels: number;
  readonly timesSec: Float64Array;
  readonly lonAxis: GridAxis;
  readonly latAxis: GridAxis;
  /** Interleaved u, v node values (float32), ascending levels, ascending longitude. */
  protected readonly uv: Float32Array;
  protected readonly orography: Float32Array | null;
  protected readonly wrapsLon: boolean;
  protected readonly lon0: number;
  protected readonly invDLon: number;
  protected readonly maxFx: number;
  protected readonly lonSpan: number;
  protected readonly lat0: number;
  protected readonly invDLat: number;
  protected readonly maxFy: number;
  protected readonly timeAxis: GridTimeAxis;
  protected readonly levelStride: number;
  protected readonly timeStride: number;
  /* Results of `locate`: node index of the lower corner, offsets to the neighbours, weights. */
  protected base = 0;
  protected column = 0;
  protected di = 0;
  protected dj = 0;
  protected wx = 0;
  protected wy = 0;
  /** Result of locating the time: timeBase, dn and wt. */
  protected readonly time: TimePlace = newTimePlace();

  /** What the field was built from (see gridParts). */
  private readonly parts: GridWindParts;

  constructor(parts: GridWindParts) {
    this.parts = parts;
    const init = parts.meta;
    const norm = parts.grid;
    this.description = init.description;
    const gap = timeGapWarning(init.timesSec);
    this.warnings = [...(init.warnings ?? []), ...(gap ? [gap] : [])];
    this.nLon = norm.nx;
    this.nLat = norm.ny;
    this.nLevels = norm.nz;
    this.uv = norm.uv;
    this.orography = norm.orography;
    this.lonAxis = { start: norm.lonStart, step: norm.lonStep, count: norm.nx };
    this.latAxis = { ...init.lat };
    this.lon0 = norm.lonStart;
    this.invDLon = norm.nx > 1 ? 1 / norm.lonStep : 0;
    this.wrapsLon = norm.nx > 1 && Math.abs(norm.nx * norm.lonStep - 360) < WRAP_TOLERANCE_DEG;
    this.maxFx = this.wrapsLon ? norm.nx : norm.nx - 1;
    this.lonSpan = (norm.nx - 1) * norm.lonStep;
    this.lat0 = init.lat.start;
    this.invDLat = norm.ny > 1 ? 1 / init.lat.step : 0;
    this.maxFy = norm.ny - 1;
    this.levelStride = norm.nx * norm.ny;
    this.timeStride = norm.nz * this.levelStride;
    this.timeAxis = new GridTimeAxis(init.timesSec, this.timeStride);
    this.timesSec = this.timeAxis.timesSec;
    const latEnd = init.lat.start + (norm.ny - 1) * init.lat.step;
    this.source = {
      ...(init.source ?? { format: 'unknown', illustrative: false, files: [], referenceTimes: [] }),
      grid: {
        lonMin: norm.lonStart,
        lonMax: norm.lonStart + (norm.nx - 1) * norm.lonStep,
        lonStepDeg: norm.lonStep,
        nLon: norm.nx,
        latMin: Math.min(init.lat.start, latEnd),
        latMax: Math.max(init.lat.start, latEnd),
        latStepDeg: Math.abs(init.lat.step),
        nLat: norm.ny,
      },
      levels: { kind: parts.kind, values: [...norm.levelValues] },
      validTimes: Array.from(init.timesSec, (t) => isoTimeText(t)),
    };
  }

  /**
   * The lon/lat box and time range; subclasses add the altitude range. An axis of one value (a single
   * column, e.g. a point forecast) makes the field horizontally uniform along it: it covers every
   * longitude (or latitude) instead of a box of zero width.
   */
  protected horizontalCoverage() {
    const lat1 = this.lat0 + (this.nLat - 1) * this.latAxis.step;
    const allLon = this.wrapsLon || this.nLon === 1;
    return {
      lonMin: allLon ? -180 : this.lon0,
      lonMax: allLon ? 180 : this.lon0 + this.lonSpan,
      wrapsLon: allLon,
      latMin: this.nLat === 1 ? -90 : Math.min(this.lat0, lat1),
      latMax: this.nLat === 1 ? 90 : Math.max(this.lat0, lat1),
      tMinSec: this.nTimes > 1 ? this.timesSec[0] : Number.NEGATIVE_INFINITY,
      tMaxSec: this.nTimes > 1 ? this.timesSec[this.nTimes - 1] : Number.POSITIVE_INFINITY,
    };
  }

  /**
   * The grid as the samplers read it, for another implementation of the same interpolation (the GPU
   * path, @balloon-sim/gpu): the arrays are the field's own, to be read, never written.
   */
  gridNodes(): GridNodes {
    return {
      uv: this.uv,
      orography: this.orography,
      nLon: this.nLon,
      nLat: this.nLat,
      nLevels: this.nLevels,
      timesSec: this.timesSec,
      lon0: this.lon0,
      invDLon: this.invDLon,
      maxFx: this.maxFx,
      lonSpan: this.lonSpan,
      wrapsLon: this.wrapsLon,
      lat0: this.lat0,
      invDLat: this.invDLat,
      maxFy: this.maxFy,
      levelStride: this.levelStride,
      timeStride: this.timeStride,
      geopotentialHeightM: null,
    };
  }

  /**
   * The field's parts (its normalised nodes, the field's own, to be read, never written): `gridWind`
   * builds an identical field from them, e.g. in another thread over the same shared memory.
   */
  gridParts(): GridWindParts {
    return this.parts;
  }

  get nTimes(): number {
    return this.timesSec.length;
  }

  /** Fractional column index along longitude of a longitude outside the stored range. */
  protected foldLon(lon: number): number {
    const east = lon - this.lon0 - 360 * Math.floor((lon - this.lon0) / 360); // 0 ≤ east < 360
    if (this.wrapsLon || east <= this.lonSpan) return east * this.invDLon;
    // Outside a regional grid: hold the value of the nearer edge.
    return east - this.lonSpan < 360 - east ? this.maxFx : 0;
  }

  /** Locates (lon, lat, t) in the grid: sets base, di, dj, the weights wx, wy, and `time`. */
  protected locate(lon: number, lat: number, tSec: number): void {
    this.locateColumn(lon, lat);
    this.timeAxis.locate(tSec, this.time);
    this.base = this.time.timeBase + this.column;
  }

  /** Sets column (node index j·nLon + i of the south-west corner), di, dj, wx, wy. */
  protected locateColumn(lon: number, lat: number): void {
    let fx = (lon - this.lon0) * this.invDLon;
    if (!(fx >= 0 && fx <= this.maxFx)) fx = this.foldLon(lon);
    let i = fx | 0; // fx ≥ 0 here, so truncation is floor
    if (this.wrapsLon) {
      if (i >= this.nLon) {
        i = 0; // fx = nLon: the first column again
        fx = 0;
      }
      this.di = i === this.nLon - 1 ? 1 - this.nLon : 1;
    } else {
      if (i > this.nLon - 2) i = this.nLon > 1 ? this.nLon - 2 : 0;
      this.di = this.nLon > 1 ? 1 : 0;
    }
    this.wx = fx - i;

    // Math.min rather than assigning maxFy (an integer field) keeps fy a raw double: see
    // AltitudeGridWind.sampleSlab.
    let fy = Math.min((lat - this.lat0) * this.invDLat, this.maxFy);
    if (!(fy >= 0)) fy = 0;
    let j = fy | 0;
    if (j > this.nLat - 2) j = this.nLat > 1 ? this.nLat - 2 : 0;
    this.dj = this.nLat > 1 ? this.nLon : 0;
    this.wy = fy - j;
    this.column = j * this.nLon + i;
  }

  /** Ground elevation (m AMSL) from the grid's orography, bilinear; NaN where there is none. */
  groundElevationM(lon: number, lat: number): number {
    const oro = this.orography;
    if (!oro) return Number.NaN;
    this.locate(lon, lat, this.timesSec[0]);
    const c = this.base; // first time, first level: the node index is the column index
    const x = this.wx;
    const y = this.wy;
    const s0 = oro[c] + x * (oro[c + this.di] - oro[c]);
    const s1 = oro[c + this.dj] + x * (oro[c + this.dj + this.di] - oro[c + this.dj]);
    return s0 + y * (s1 - s0);
  }
}
