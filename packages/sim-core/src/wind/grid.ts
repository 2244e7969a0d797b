import { invalid } from '../errors.js';
import { timeGapWarning } from './time-gaps.js';
import type { WindCoverage, WindField } from './wind-field.js';

/** A regular axis: `count` values start, start + step, … (degrees; step may be negative for latitude). */
export interface GridAxis {
  start: number;
  step: number;
  count: number;
}

/** Vertical levels of a grid: fixed altitudes, or isobaric levels carrying geopotential height. */
export type GridLevels =
  | { kind: 'altitude'; altitudesM: readonly number[] }
  | {
      kind: 'pressure';
      pressuresHpa: readonly number[];
      /** Geopotential height (m) per node, laid out like u and v. */
      geopotentialHeightM: Float32Array;
    };

/**
 * Everything a gridded field is made from. Node values are laid out time-major:
 * index = ((t·nLevels + k)·nLat + j)·nLon + i, with i along `lon`, j along `lat`, k along the levels
 * in the order given, t along `timesSec`.
 */
export interface GridWindInit {
  lon: GridAxis;
  lat: GridAxis;
  levels: GridLevels;
  /** Valid times (s since the Unix epoch), strictly increasing. */
  timesSec: readonly number[];
  u: Float32Array;
  v: Float32Array;
  /** Ground elevation (m AMSL) per column, index j·nLon + i, where the source carries orography. */
  orographyM?: Float32Array;
  description: string;
  /** What a decoder found that users must know (e.g. files of several forecast runs, allowed). */
  warnings?: readonly string[];
}

const WRAP_TOLERANCE_DEG = 1e-6;

/**
 * Validates an init and puts it in the form the samplers want: longitude ascending, levels ascending
 * in height, u and v interleaved in one float32 array (the two are always read together, so one cache
 * line serves both).
 */
function normalise(init: GridWindInit) {
  const { lon, lat, timesSec } = init;
  for (const [name, axis] of [
    ['lon', lon],
    ['lat', lat],
  ] as const) {
    if (!Number.isInteger(axis.count) || axis.count < 1)
      invalid(`${name}.count`, 'must be an integer >= 1', axis.count);
    if (!Number.isFinite(axis.start)) invalid(`${name}.start`, 'must be a finite number', axis.start);
    if (!(Number.isFinite(axis.step) && (axis.step !== 0 || axis.count === 1)))
      invalid(`${name}.step`, 'must be finite and non-zero', axis.step);
  }
  if (timesSec.length < 1) invalid('timesSec', 'must hold at least one time', timesSec);
  for (let n = 1; n < timesSec.length; n++) {
    if (!(timesSec[n] > timesSec[n - 1]))
      invalid(`timesSec[${n}]`, 'must be greater than the time before', timesSec[n]);
  }
  const nLevels =
    init.levels.kind === 'altitude' ? init.levels.altitudesM.length : init.levels.pressuresHpa.length;
  if (nLevels < 1) invalid('levels', 'must hold at least one level', nLevels);
  const nx = lon.count;
  const ny = lat.count;
  const nodes = nx * ny * nLevels * timesSec.length;
  for (const name of ['u', 'v'] as const) {
    if (init[name].length !== nodes)
      invalid(`${name}.length`, `must be ${nodes} (lon × lat × levels × times)`, init[name].length);
  }
  if (init.levels.kind === 'pressure' && init.levels.geopotentialHeightM.length !== nodes)
    invalid('geopotentialHeightM.length', `must be ${nodes}`, init.levels.geopotentialHeightM.length);
  if (init.orographyM && init.orographyM.length !== nx * ny)
    invalid('orographyM.length', `must be ${nx * ny}`, init.orographyM.length);
  // An infinity is no missing-value mark of any format: it is a value beyond float32 (1e39 in a JSON
  // file, a corrupted packing) and would send every member near it to an infinite position.
  const arrays: [string, Float32Array | undefined][] = [
    ['u', init.u],
    ['v', init.v],
    ['geopotentialHeightM', init.levels.kind === 'pressure' ? init.levels.geopotentialHeightM : undefined],
    ['orographyM', init.orographyM],
  ];
  for (const [name, values] of arrays) {
    if (!values) continue;
    for (let e = 0; e < values.length; e++) {
      const x = values[e];
      if (x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY)
        invalid(`${name}[${e}]`, `must be a finite number (${init.description})`, x);
    }
  }

  // Level order: ascending height. Altitudes sort directly; pressures sort descending.
  const levelKey =
    init.levels.kind === 'altitude'
      ? init.levels.altitudesM.map((z) => z)
      : init.levels.pressuresHpa.map((p) => -p);
  levelKey.forEach((key, k) => {
    if (!Number.isFinite(key)) invalid(`levels[${k}]`, 'must be a finite number', Math.abs(key));
  });
  const levelOrder = levelKey.map((_, k) => k).sort((a, b) => levelKey[a] - levelKey[b]);
  for (let k = 1; k < levelOrder.length; k++) {
    if (levelKey[levelOrder[k]] === levelKey[levelOrder[k - 1]])
      invalid('levels', 'must not repeat a level', Math.abs(levelKey[levelOrder[k]]));
  }
  const flipLon = lon.step < 0;
  const layer = nx * ny;
  const reorder = (src: Float32Array, interleave: Float32Array | null, component: number) => {
    const dst = interleave ?? new Float32Array(src.length);
    const stride = interleave ? 2 : 1;
    for (let n = 0; n < timesSec.length; n++) {
      for (let k = 0; k < nLevels; k++) {
        const from = (n * nLevels + levelOrder[k]) * layer;
        const to = (n * nLevels + k) * layer;
        for (let j = 0; j < ny; j++) {
          for (let i = 0; i < nx; i++) {
            const srcI = flipLon ? nx - 1 - i : i;
            dst[(to + j * nx + i) * stride + component] = src[from + j * nx + srcI];
          }
        }
      }
    }
    return dst;
  };
  const uv = new Float32Array(nodes * 2);
  reorder(init.u, uv, 0);
  reorder(init.v, uv, 1);
  const gh = init.levels.kind === 'pressure' ? reorder(init.levels.geopotentialHeightM, null, 0) : null;
  let orography: Float32Array | null = null;
  if (init.orographyM) {
    orography = new Float32Array(layer);
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        orography[j * nx + i] = init.orographyM[j * nx + (flipLon ? nx - 1 - i : i)];
  }
  const lonStart = flipLon ? lon.start + lon.step * (nx - 1) : lon.start;
  const lonStep = Math.abs(lon.step);
  const levelValues =
    init.levels.kind === 'altitude'
      ? levelOrder.map((k) => (init.levels as { altitudesM: readonly number[] }).altitudesM[k])
      : levelOrder.map((k) => (init.levels as { pressuresHpa: readonly number[] }).pressuresHpa[k]);
  return { nx, ny, nz: nLevels, nt: timesSec.length, uv, gh, orography, lonStart, lonStep, levelValues };
}

/**
 * Shared horizontal and time location for gridded fields: bilinear weights in lon/lat, linear in time.
 * `locate` leaves its results in fields (no allocation), read at once by the subclass's sampler.
 */
abstract class GridWindBase {
  readonly description: string;
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
  protected readonly t0: number;
  protected readonly invDt: number;
  protected readonly uniformTimes: boolean;
  protected readonly levelStride: number;
  protected readonly timeStride: number;
  /* Results of `locate`: node index of the lower corner, offsets to the neighbours, weights. */
  protected base = 0;
  protected column = 0;
  timeBase = 0;
  protected di = 0;
  protected dj = 0;
  dn = 0;
  protected wx = 0;
  protected wy = 0;
  wt = 0;

  constructor(init: GridWindInit, norm: ReturnType<typeof normalise>) {
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
    this.timesSec = Float64Array.from(init.timesSec);
    this.t0 = this.timesSec[0];
    const nt = this.timesSec.length;
    const dt = nt > 1 ? (this.timesSec[nt - 1] - this.t0) / (nt - 1) : 1;
    this.invDt = 1 / dt;
    this.uniformTimes = this.timesSec.every(
      (t, n) => Math.abs(t - (this.t0 + n * dt)) < 1e-6 * Math.max(1, dt),
    );
    this.levelStride = norm.nx * norm.ny;
    this.timeStride = norm.nz * this.levelStride;
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

  /** Locates (lon, lat, t) in the grid: sets base, di, dj, dn and the weights wx, wy, wt. */
  protected locate(lon: number, lat: number, tSec: number): void {
    this.locateColumn(lon, lat);
    this.locateTime(tSec);
    this.base = this.timeBase + this.column;
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

    // Math.min rather than assigning maxFy (an integer field) keeps fy a raw double: see sampleSlab.
    let fy = Math.min((lat - this.lat0) * this.invDLat, this.maxFy);
    if (!(fy >= 0)) fy = 0;
    let j = fy | 0;
    if (j > this.nLat - 2) j = this.nLat > 1 ? this.nLat - 2 : 0;
    this.dj = this.nLat > 1 ? this.nLon : 0;
    this.wy = fy - j;
    this.column = j * this.nLon + i;
  }

  /** Sets timeBase (node index of the earlier time), dn and wt. */
  locateTime(tSec: number): void {
    const nt = this.timesSec.length;
    let n = 0;
    let ft = 0;
    if (nt > 1) {
      ft = this.uniformTimes ? (tSec - this.t0) * this.invDt : this.timeIndex(tSec);
      if (!(ft >= 0)) ft = 0;
      else if (ft > nt - 1) ft = nt - 1;
      n = ft | 0;
      if (n > nt - 2) n = nt - 2;
    }
    this.wt = ft - n;
    this.dn = nt > 1 ? this.timeStride : 0;
    this.timeBase = n * this.timeStride;
  }

  /**
   * Fills one row (level k, latitude j: r = k·nLat + j) of a slab: interleaved u, v at the slab's time,
   * rounded to float32 as the 16-node path rounds its time-interpolated nodes.
   */
  fillSlabRow(view: SlabView, row: number): void {
    const n = 2 * this.nLon;
    const a = 2 * view.timeBase + row * n;
    const b = a + 2 * view.dn;
    const uv = this.uv;
    const out = view.data;
    const o = row * n;
    const wt = view.wt;
    for (let e = 0; e < n; e++) out[o + e] = uv[a + e] + wt * (uv[b + e] - uv[a + e]);
    view.stamps[row] = view.generation;
  }

  /**
   * Fills the stale rows among the four a sample in cell `row` reads; rowDj and rowDk are the row
   * offsets of the next latitude and the next level (0 on an axis of one value).
   */
  fillSlabCell(view: SlabView, row: number, rowDj: number, rowDk: number): void {
    const gen = view.generation;
    const stamps = view.stamps;
    if (stamps[row] !== gen) this.fillSlabRow(view, row);
    if (stamps[row + rowDj] !== gen) this.fillSlabRow(view, row + rowDj);
    if (stamps[row + rowDk] !== gen) this.fillSlabRow(view, row + rowDk);
    if (stamps[row + rowDk + rowDj] !== gen) this.fillSlabRow(view, row + rowDk + rowDj);
    view.cellStamps[row] = gen;
  }

  /** Fractional time index on irregular times (binary search). */
  protected timeIndex(tSec: number): number {
    const times = this.timesSec;
    let lo = 0;
    let hi = times.length - 1;
    if (tSec <= times[0]) return 0;
    if (tSec >= times[hi]) return hi;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (times[mid] <= tSec) lo = mid;
      else hi = mid;
    }
    return lo + (tSec - times[lo]) / (times[hi] - times[lo]);
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

/**
 * Time-interpolated copies of a grid ("slabs"). All members of a run are evaluated at the same few
 * times (t, t + dt/2, t + dt for RK4), so interpolating the grid to each of those times halves the
 * nodes every later sample reads (8 instead of 16). A time gets a slab once enough points have been
 * asked for at it, so small runs and scattered times never pay for one; its rows (one level, one
 * latitude) are filled when a sample first needs them, so only the part of the grid the balloons
 * are in is interpolated. Slab values are float32, the precision the grid is stored in (half the
 * memory traffic of float64); the 16-node path rounds its time-interpolated nodes to float32 the
 * same way, so using a slab or not never changes a result. The least recently used of four slots
 * is reused.
 */
/** A slab of one time, filled a grid row (one level, one latitude) at a time as samples need it. */
interface SlabView {
  data: Float32Array;
  /** Row r (level·nLat + j) holds this time's values when stamps[r] === generation. */
  stamps: Uint32Array;
  /**
   * The four rows a sample in cell r reads (r, the next latitude, and both one level up) are filled
   * when cellStamps[r] === generation: one check per sample instead of four.
   */
  cellStamps: Uint32Array;
  generation: number;
  /* Where the time falls between the grid's times (see locateTime). */
  timeBase: number;
  dn: number;
  wt: number;
}

class TimeSlabCache {
  private static readonly SLOTS = 4;
  private readonly times = new Float64Array(TimeSlabCache.SLOTS).fill(Number.NaN);
  private readonly points = new Float64Array(TimeSlabCache.SLOTS);
  private readonly lastUse = new Float64Array(TimeSlabCache.SLOTS);
  private readonly built = new Uint8Array(TimeSlabCache.SLOTS);
  private readonly views: (SlabView | null)[] = [null, null, null, null];
  private clock = 0;

  constructor(
    private readonly slabLength: number,
    private readonly rows: number,
    /** Points that must be asked for at one time before its slab is used. */
    private readonly threshold: number,
    private readonly grid: { locateTime(tSec: number): void; timeBase: number; dn: number; wt: number },
  ) {}

  /** The slab of time tSec if it is in use or now worth using; else null. Counts the points asked. */
  get(tSec: number, points: number): SlabView | null {
    const clock = ++this.clock;
    let slot = -1;
    for (let s = 0; s < TimeSlabCache.SLOTS; s++) {
      if (this.times[s] === tSec) {
        slot = s;
        break;
      }
    }
    if (slot < 0) {
      slot = 0;
      for (let s = 1; s < TimeSlabCache.SLOTS; s++) if (this.lastUse[s] < this.lastUse[slot]) slot = s;
      this.times[slot] = tSec;
      this.points[slot] = 0;
      this.built[slot] = 0;
    }
    this.lastUse[slot] = clock;
    if (this.built[slot]) return this.views[slot];
    this.points[slot] += points;
    if (this.points[slot] < this.threshold) return null;
    let view = this.views[slot];
    if (!view) {
      view = {
        data: new Float32Array(this.slabLength),
        stamps: new Uint32Array(this.rows),
        cellStamps: new Uint32Array(this.rows),
        generation: 0,
        timeBase: 0,
        dn: 0,
        wt: 0,
      };
      this.views[slot] = view;
    }
    // A new generation makes every row stale: rows are filled when first sampled.
    view.generation++;
    this.grid.locateTime(tSec);
    view.timeBase = this.grid.timeBase;
    view.dn = this.grid.dn;
    view.wt = this.grid.wt;
    this.built[slot] = 1;
    return view;
  }
}

/** Slabs are used while four of them take at most this many bytes. */
const SLAB_MEMORY_LIMIT_BYTES = 256 * 1024 * 1024;

/**
 * A gridded field on fixed altitude levels (m AMSL). Sampling is linear in time, bilinear in lon/lat and
 * linear in altitude between the bracketing levels: 16 nodes per point, or 8 from a time slab when
 * many points are sampled at one time. Beyond the edges of the grid, the lowest/highest level and the
 * first/last time, the edge values hold.
 */
export class AltitudeGridWind extends GridWindBase implements WindField {
  readonly coverage: WindCoverage;
  readonly altitudesM: Float64Array;
  private readonly lowestM: number;
  private readonly highestM: number;
  /** 1 / (altitude of level k + 1 − altitude of level k): a multiply instead of a divide per sample. */
  private readonly invDz: Float64Array;
  private readonly slabs: TimeSlabCache | null = null;
  /** A field of one time is its own slab: this view reads the grid itself, every row already filled. */
  private readonly onlyTime: SlabView | null = null;
  /* Result of `locateLevel`: the level below and the weight toward the level above. */
  private level = 0;
  private wz = 0;
  private readonly scratch = new Float64Array(2);
  /* Scratch of `sample`: entry offsets of the 8 corners, their time-interpolated u, v. */
  private readonly corners = new Int32Array(8);
  private readonly nodes = new Float64Array(16);

  constructor(init: GridWindInit) {
    if (init.levels.kind !== 'altitude')
      invalid('levels.kind', 'must be "altitude" for AltitudeGridWind', init.levels.kind);
    const norm = normalise(init);
    super(init, norm);
    this.altitudesM = Float64Array.from(norm.levelValues);
    this.lowestM = this.altitudesM[0];
    this.highestM = this.altitudesM[this.altitudesM.length - 1];
    this.invDz = this.altitudesM.map((z, k, all) => (k + 1 < all.length ? 1 / (all[k + 1] - z) : 0));
    this.coverage = { ...this.horizontalCoverage(), altMinM: this.lowestM, altMaxM: this.highestM };
    const slabLength = 2 * this.timeStride;
    if (this.nTimes === 1) {
      // Generation 0 and stamps of 0: every cell reads as filled, so nothing is ever written here.
      const rows = this.nLevels * this.nLat;
      this.onlyTime = {
        data: this.uv,
        stamps: new Uint32Array(rows),
        cellStamps: new Uint32Array(rows),
        generation: 0,
        timeBase: 0,
        dn: 0,
        wt: 0,
      };
    } else if (4 * 8 * slabLength <= SLAB_MEMORY_LIMIT_BYTES) {
      // A slab sample saves eight interpolations; filling one of the (up to four) rows it reads
      // costs 2·nLon. Rows are filled on first use and shared by nearby points, so a time gets its
      // slab once as many points as a row holds (and at least 256) have been asked for at it. For
      // the solver's thousands of members that is within the first few batches of each stage time.
      const threshold = Math.max(256, this.nLon);
      this.slabs = new TimeSlabCache(slabLength, this.nLevels * this.nLat, threshold, this);
    }
  }

  /**
   * Sets level (the level below altM) and wz (weight toward the one above). The scan starts at the
   * bottom: balloons fly in the lowest levels, and a short scan whose branches the CPU predicts
   * measured faster than a lookup table, whose load the sample's addresses would wait for.
   */
  private locateLevel(altM: number): void {
    const alts = this.altitudesM;
    let k = 0;
    let wz = 0;
    if (altM >= this.highestM) {
      k = alts.length > 1 ? alts.length - 2 : 0;
      wz = 1;
    } else if (altM > this.lowestM) {
      while (alts[k + 1] <= altM) k++;
      wz = (altM - alts[k]) * this.invDz[k];
    }
    this.level = k;
    this.wz = wz;
  }

  /**
   * One point from the 16 grid nodes around it: nodes interpolated in time first (rounded to float32
   * as a slab stores them), then bilinearly at the two bracketing levels, then in altitude — the slab
   * path's arithmetic, so results agree to the bit. The nodes go through a typed array rather than a
   * helper returning each one: V8 boxes a double returned from a call it does not inline.
   */
  sample(lon: number, lat: number, altM: number, tSec: number, out: Float64Array): void {
    this.locate(lon, lat, tSec);
    this.locateLevel(altM);
    const levelEntries = 2 * this.levelStride;
    const corners = this.corners;
    corners[0] = 2 * this.column + this.level * levelEntries;
    corners[1] = corners[0] + 2 * this.di;
    corners[2] = corners[0] + 2 * this.dj;
    corners[3] = corners[2] + 2 * this.di;
    const dk = this.nLevels > 1 ? levelEntries : 0;
    for (let q = 0; q < 4; q++) corners[4 + q] = corners[q] + dk;
    // nodes[2·q + comp]: corner q (a, b, c, d at level k, then at level k + 1), u (0) or v (1).
    const uv = this.uv;
    const t0 = 2 * this.timeBase;
    const t1 = t0 + 2 * this.dn;
    const wt = this.wt;
    const nodes = this.nodes;
    for (let q = 0; q < 16; q++) {
      const e = corners[q >> 1] + (q & 1);
      nodes[q] = Math.fround(uv[t0 + e] + wt * (uv[t1 + e] - uv[t0 + e]));
    }
    const wx = this.wx;
    const wy = this.wy;
    const wz = this.wz;
    for (let comp = 0; comp < 2; comp++) {
      let lo = nodes[comp] + wx * (nodes[2 + comp] - nodes[comp]);
      let hi = nodes[4 + comp] + wx * (nodes[6 + comp] - nodes[4 + comp]);
      const low = lo + wy * (hi - lo);
      lo = nodes[8 + comp] + wx * (nodes[10 + comp] - nodes[8 + comp]);
      hi = nodes[12 + comp] + wx * (nodes[14 + comp] - nodes[12 + comp]);
      const high = lo + wy * (hi - lo);
      out[comp] = low + wz * (high - low);
    }
  }

  /**
   * Samples n points at one time into u[p], v[p] (m/s): the solver's call, once per RK stage. From the
   * time's slab when it has one, or from the grid itself when it has one time (8 nodes per point),
   * else point by point from the grid (16 nodes).
   */
  sampleMany(
    n: number,
    lonIn: Float64Array,
    latIn: Float64Array,
    altIn: Float64Array,
    tSec: number,
    uOut: Float64Array,
    vOut: Float64Array,
  ): void {
    const view = this.slabs === null ? this.onlyTime : this.slabs.get(tSec, n);
    if (view !== null) {
      this.sampleSlab(view, n, lonIn, latIn, altIn, uOut, vOut);
      return;
    }
    const out = this.scratch;
    for (let p = 0; p < n; p++) {
      this.sample(lonIn[p], latIn[p], altIn[p], tSec, out);
      uOut[p] = out[0];
      vOut[p] = out[1];
    }
  }

  /**
   * The hot loop: n points from a slab. Locating the column and the level is written out here rather
   * than calling locateColumn and locateLevel, whose results would go through the object's fields;
   * the bit-for-bit test against `sample` keeps the two in step.
   */
  private sampleSlab(
    view: SlabView,
    n: number,
    lonIn: Float64Array,
    latIn: Float64Array,
    altIn: Float64Array,
    uOut: Float64Array,
    vOut: Float64Array,
  ): void {
    // Fields and the offsets of degenerate axes (one column, row or level: offset 0) in locals.
    const slab = view.data;
    const cells = view.cellStamps;
    const gen = view.generation;
    const nx = this.nLon;
    const ny = this.nLat;
    const lon0 = this.lon0;
    const invDLon = this.invDLon;
    const maxFx = this.maxFx;
    const wraps = this.wrapsLon;
    const lat0 = this.lat0;
    const invDLat = this.invDLat;
    const maxFy = this.maxFy;
    const alts = this.altitudesM;
    const nz = alts.length;
    const lowest = this.lowestM;
    const highest = this.highestM;
    const invDz = this.invDz;
    const lastI = nx > 1 ? nx - 2 : 0;
    const lastJ = ny > 1 ? ny - 2 : 0;
    const lastK = nz > 1 ? nz - 2 : 0;
    const levelEntries = 2 * this.levelStride;
    const eastEntries = nx > 1 ? 2 : 0;
    const dj = ny > 1 ? 2 * nx : 0;
    const dk = nz > 1 ? levelEntries : 0;
    const rowDj = ny > 1 ? 1 : 0;
    const rowDk = nz > 1 ? ny : 0;
    for (let p = 0; p < n; p++) {
      const lon = lonIn[p];
      let fx = (lon - lon0) * invDLon;
      if (!(fx >= 0 && fx <= maxFx)) fx = this.foldLon(lon);
      let i = fx | 0; // fx ≥ 0 here, so truncation is floor
      let di = eastEntries;
      if (i > lastI) {
        if (!wraps) i = lastI;
        else if (i === nx - 1)
          di = 2 - 2 * nx; // the cell across the seam of a global grid
        else {
          i = 0; // fx = nx: the first column again
          fx = 0;
        }
      }
      const wx = fx - i;
      // Clamped with Math.min: a branch assigning maxFy, an integer-valued field, made V8 keep fy
      // boxed and allocate a heap number per sample (≈ 0.4 GB per drift-bench run).
      let fy = Math.min((latIn[p] - lat0) * invDLat, maxFy);
      if (!(fy >= 0)) fy = 0;
      let j = fy | 0;
      if (j > lastJ) j = lastJ;
      const wy = fy - j;
      const altM = altIn[p];
      let k = 0;
      let wz = 0;
      if (altM >= highest) {
        k = lastK;
        wz = 1;
      } else if (altM > lowest) {
        while (alts[k + 1] <= altM) k++;
        wz = (altM - alts[k]) * invDz[k];
      }
      const row = k * ny + j;
      if (cells[row] !== gen) this.fillSlabCell(view, row, rowDj, rowDk);
      // Entry offsets (interleaved u, v) of the four columns at level k.
      const a = 2 * (j * nx + i) + k * levelEntries;
      const b = a + di;
      const c = a + dj;
      const d = c + di;
      // Bilinear at level k and k + 1, then linear in altitude.
      let lo = slab[a] + wx * (slab[b] - slab[a]);
      let hi = slab[c] + wx * (slab[d] - slab[c]);
      const uLow = lo + wy * (hi - lo);
      lo = slab[a + dk] + wx * (slab[b + dk] - slab[a + dk]);
      hi = slab[c + dk] + wx * (slab[d + dk] - slab[c + dk]);
      const uHigh = lo + wy * (hi - lo);
      lo = slab[a + 1] + wx * (slab[b + 1] - slab[a + 1]);
      hi = slab[c + 1] + wx * (slab[d + 1] - slab[c + 1]);
      const vLow = lo + wy * (hi - lo);
      lo = slab[a + dk + 1] + wx * (slab[b + dk + 1] - slab[a + dk + 1]);
      hi = slab[c + dk + 1] + wx * (slab[d + dk + 1] - slab[c + dk + 1]);
      const vHigh = lo + wy * (hi - lo);
      uOut[p] = uLow + wz * (uHigh - uLow);
      vOut[p] = vLow + wz * (vHigh - vLow);
    }
  }
}

/**
 * A gridded field on isobaric levels with geopotential height at every node. The altitude of a point
 * is placed between levels separately in each of the (up to eight) grid columns around it, using that
 * column's heights at that time; wind is then linear in height between the two levels. Between
 * levels, height is close to linear in log-pressure (hypsometric equation, exact for an isothermal
 * layer), so linear in height is linear in log-pressure to that accuracy, without needing temperature.
 */
export class PressureGridWind extends GridWindBase implements WindField {
  readonly coverage: WindCoverage;
  /** Levels (hPa) from the bottom (highest pressure) up. */
  readonly pressuresHpa: Float64Array;
  private readonly gh: Float32Array;
  private readonly logP: Float64Array;
  private kGuess = 0;
  /** `sample`'s point and result, as the one-element arrays `samplePoint` reads and writes. */
  private readonly one = {
    lon: new Float64Array(1),
    lat: new Float64Array(1),
    alt: new Float64Array(1),
    u: new Float64Array(1),
    v: new Float64Array(1),
  };

  constructor(init: GridWindInit) {
    if (init.levels.kind !== 'pressure')
      invalid('levels.kind', 'must be "pressure" for PressureGridWind', init.levels.kind);
    const norm = normalise(init);
    super(init, norm);
    this.pressuresHpa = Float64Array.from(norm.levelValues);
    this.gh = norm.gh!;
    this.logP = this.pressuresHpa.map((p) => Math.log(p));
    // Altitudes covered everywhere: from the highest bottom-level height to the lowest top-level height.
    let bottom = Number.NEGATIVE_INFINITY;
    let top = Number.POSITIVE_INFINITY;
    const layer = this.levelStride;
    for (let n = 0; n < this.nTimes; n++) {
      const b = n * this.timeStride;
      const t = b + (this.nLevels - 1) * layer;
      for (let c = 0; c < layer; c++) {
        if (this.gh[b + c] > bottom) bottom = this.gh[b + c];
        if (this.gh[t + c] < top) top = this.gh[t + c];
      }
    }
    this.coverage = { ...this.horizontalCoverage(), altMinM: bottom, altMaxM: top };
  }

  sample(lon: number, lat: number, altM: number, tSec: number, out: Float64Array): void {
    const one = this.one;
    one.lon[0] = lon;
    one.lat[0] = lat;
    one.alt[0] = altM;
    this.locateTime(tSec);
    this.samplePoint(0, one.lon, one.lat, one.alt, one.u, one.v);
    out[0] = one.u[0];
    out[1] = one.v[0];
  }

  /** n points at one time (the solver's call, once per RK stage): `sample`'s arithmetic, point by point. */
  sampleMany(
    n: number,
    lonIn: Float64Array,
    latIn: Float64Array,
    altIn: Float64Array,
    tSec: number,
    uOut: Float64Array,
    vOut: Float64Array,
  ): void {
    this.locateTime(tSec);
    for (let p = 0; p < n; p++) this.samplePoint(p, lonIn, latIn, altIn, uOut, vOut);
  }

  /**
   * Point p at the located time: each of the eight columns around it (two times, four corners) is
   * interpolated linearly in height at the point's altitude, by that column's geopotential heights,
   * then the columns are weighted bilinearly and in time. Points come in arrays, and the work is one
   * loop, because V8 boxes every double passed to or returned from a call it does not inline.
   */
  private samplePoint(
    p: number,
    lonIn: Float64Array,
    latIn: Float64Array,
    altIn: Float64Array,
    uOut: Float64Array,
    vOut: Float64Array,
  ): void {
    this.locateColumn(lonIn[p], latIn[p]);
    const altM = altIn[p];
    const { column, timeBase, di, dj, dn, wx, wy, wt } = this;
    const gh = this.gh;
    const uv = this.uv;
    const stride = this.levelStride;
    const nz = this.nLevels;
    let u = 0;
    let v = 0;
    // Column q: time q >> 2 (0 earlier, 1 later), corner q & 3 (west/east bit 1, south/north bit 2).
    for (let q = 0; q < 8; q++) {
      const later = q >> 2;
      const east = q & 1;
      const north = q & 2;
      const w = (later ? wt : 1 - wt) * (east ? wx : 1 - wx) * (north ? wy : 1 - wy);
      if (w === 0) continue;
      const node = timeBase + column + later * dn + (east ? di : 0) + (north ? dj : 0);
      const topNode = node + (nz - 1) * stride;
      if (nz === 1 || altM <= gh[node]) {
        u += w * uv[2 * node];
        v += w * uv[2 * node + 1];
      } else if (altM >= gh[topNode]) {
        u += w * uv[2 * topNode];
        v += w * uv[2 * topNode + 1];
      } else {
        // Neighbouring columns have their levels at similar heights: start from the last one found.
        let k = this.kGuess < nz - 1 ? this.kGuess : nz - 2;
        while (k > 0 && gh[node + k * stride] > altM) k--;
        while (k < nz - 2 && gh[node + (k + 1) * stride] <= altM) k++;
        this.kGuess = k;
        const lower = node + k * stride;
        const upper = lower + stride;
        const wz = (altM - gh[lower]) / (gh[upper] - gh[lower]);
        u += w * (uv[2 * lower] + wz * (uv[2 * upper] - uv[2 * lower]));
        v += w * (uv[2 * lower + 1] + wz * (uv[2 * upper + 1] - uv[2 * lower + 1]));
      }
    }
    uOut[p] = u;
    vOut[p] = v;
  }

  /**
   * u, v (m/s) on a pressure surface at a point: bilinear on the level, linear in time, and linear in
   * log-pressure between levels (exact node values on a level). What `wind sample --level` prints.
   */
  sampleOnLevel(lon: number, lat: number, pressureHpa: number, tSec: number, out: Float64Array): void {
    out[0] = this.onLevel(this.uv, 2, 0, lon, lat, pressureHpa, tSec);
    out[1] = this.onLevel(this.uv, 2, 1, lon, lat, pressureHpa, tSec);
  }

  /**
   * One node quantity on a pressure surface: entry `stride·node + offset` of `values`, bilinear on the
   * level, linear in time, linear in log-pressure between levels (extrapolated beyond the end levels).
   */
  private onLevel(
    values: Float32Array,
    stride: number,
    offset: number,
    lon: number,
    lat: number,
    pressureHpa: number,
    tSec: number,
  ): number {
    const { k, wz } = this.levelWeight(pressureHpa);
    this.locate(lon, lat, tSec);
    const { base, di, dj, dn, wx, wy, wt } = this;
    const dk = this.nLevels > 1 ? this.levelStride : 0;
    const at = (node: number) => {
      const e = stride * node + offset;
      return values[e] + wz * (values[e + stride * dk] - values[e]);
    };
    let sum = 0;
    for (let slab = 0; slab < 2; slab++) {
      const wTime = slab === 0 ? 1 - wt : wt;
      if (wTime === 0) continue;
      const n = base + slab * dn + k * this.levelStride;
      const lo = at(n) + wx * (at(n + di) - at(n));
      const hi = at(n + dj) + wx * (at(n + dj + di) - at(n + dj));
      sum += wTime * (lo + wy * (hi - lo));
    }
    return sum;
  }

  /** The level below a pressure and the log-pressure weight toward the next level up. */
  private levelWeight(pressureHpa: number): { k: number; wz: number } {
    const logP = Math.log(pressureHpa);
    const lp = this.logP;
    const nz = this.nLevels;
    if (nz === 1) return { k: 0, wz: 0 };
    if (logP >= lp[0]) return { k: 0, wz: (logP - lp[0]) / (lp[1] - lp[0]) };
    if (logP <= lp[nz - 1]) return { k: nz - 2, wz: (logP - lp[nz - 2]) / (lp[nz - 1] - lp[nz - 2]) };
    let k = 0;
    while (lp[k + 1] > logP) k++;
    return { k, wz: (logP - lp[k]) / (lp[k + 1] - lp[k]) };
  }

  /** Height (m) of a pressure surface at a point: heights interpolated linearly in log-pressure. */
  pressureLevelAltitudeM(lon: number, lat: number, pressureHpa: number, tSec: number): number {
    return this.onLevel(this.gh, 1, 0, lon, lat, pressureHpa, tSec);
  }
}

/** Builds the right gridded field for the kind of levels given. */
export function gridWind(init: GridWindInit): AltitudeGridWind | PressureGridWind {
  return init.levels.kind === 'altitude' ? new AltitudeGridWind(init) : new PressureGridWind(init);
}
