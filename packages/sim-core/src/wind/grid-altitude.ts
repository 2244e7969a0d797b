import { invalid } from '../errors.js';
import { GridWindBase } from './grid-base.js';
import { checkGridParts, type GridWindInit, type GridWindParts, gridWindParts } from './grid-init.js';
import {
  fillSlabCell,
  newSlabView,
  SLAB_MEMORY_LIMIT_BYTES,
  type SlabView,
  TimeSlabCache,
} from './grid-time-slabs.js';
import type { WindCoverage, WindField } from './wind-field.js';

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

  /** From an init (checked and normalised here) or from a field's parts (see GridWindParts). */
  constructor(from: GridWindInit | GridWindParts) {
    const kind = 'grid' in from ? from.kind : from.levels.kind;
    if (kind !== 'altitude') invalid('levels.kind', 'must be "altitude" for AltitudeGridWind', kind);
    const parts = 'grid' in from ? checkGridParts(from) : gridWindParts(from);
    super(parts);
    const norm = parts.grid;
    this.altitudesM = Float64Array.from(norm.levelValues);
    this.lowestM = this.altitudesM[0];
    this.highestM = this.altitudesM[this.altitudesM.length - 1];
    this.invDz = this.altitudesM.map((z, k, all) => (k + 1 < all.length ? 1 / (all[k + 1] - z) : 0));
    this.coverage = { ...this.horizontalCoverage(), altMinM: this.lowestM, altMaxM: this.highestM };
    const rows = this.nLevels * this.nLat;
    const rowEntries = 2 * this.nLon;
    const slabLength = rows * rowEntries;
    if (this.nTimes === 1) {
      // Generation 0 and stamps of 0: every cell reads as filled, so nothing is ever written here.
      this.onlyTime = newSlabView(this.uv, rows, this.uv, rowEntries);
    } else if (4 * 8 * slabLength <= SLAB_MEMORY_LIMIT_BYTES) {
      // A slab sample saves eight interpolations; filling one of the (up to four) rows it reads
      // costs 2·nLon. Rows are filled on first use and shared by nearby points, so a time gets its
      // slab once as many points as a row holds (and at least 256) have been asked for at it. For
      // the solver's thousands of members that is within the first few batches of each stage time.
      const threshold = Math.max(256, this.nLon);
      this.slabs = new TimeSlabCache(this.uv, rowEntries, rows, threshold, this.timeAxis);
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
    const time = this.time;
    const t0 = 2 * time.timeBase;
    const t1 = t0 + 2 * time.dn;
    const wt = time.wt;
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
      if (cells[row] !== gen) fillSlabCell(view, row, rowDj, rowDk);
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
