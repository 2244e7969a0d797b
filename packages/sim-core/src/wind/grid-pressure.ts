import { invalid } from '../errors.js';
import { type GridNodes, GridWindBase } from './grid-base.js';
import { checkGridParts, type GridWindInit, type GridWindParts, gridWindParts } from './grid-init.js';
import {
  columnWindAt,
  type PressureGridNodes,
  type PressureSlab,
  PressureSlabCache,
} from './grid-pressure-columns.js';
import { SLAB_MEMORY_LIMIT_BYTES } from './grid-time-slabs.js';
import type { WindCoverage, WindField } from './wind-field.js';

/**
 * A gridded field on isobaric levels with geopotential height at every node. In each grid column
 * around a point, at each of the two grid times around it, the wind is linear in height between the
 * two levels whose heights (that column's, at that time) bracket the altitude, and holds the bottom
 * (top) level's value below (above) them; the columns are then weighted bilinearly and linearly in
 * time. Between levels, height is close to linear in log-pressure (hypsometric equation, exact for
 * an isothermal layer), so linear in height is linear in log-pressure to that accuracy, without
 * needing temperature. Heights must rise with the level in every column (checked when built).
 *
 * The sums are taken time first: each column is merged across the two times (grid-pressure-columns.ts),
 * which leaves four columns per point instead of eight, and for the solver's batches the merged
 * columns at a stage time come from a slab. Results equal the eight-column sum up to the float32
 * rounding of the merged values (at most 2^-23 of the grid's largest wind component).
 */
export class PressureGridWind extends GridWindBase implements WindField {
  readonly coverage: WindCoverage;
  /** Levels (hPa) from the bottom (highest pressure) up. */
  readonly pressuresHpa: Float64Array;
  private readonly gh: Float32Array;
  private readonly logP: Float64Array;
  /** What the merged columns read: the nodes, and which (time, column) holds a non-finite value. */
  private readonly nodes: PressureGridNodes;
  private readonly slabs: PressureSlabCache | null = null;
  /** Per point of a batch, the merged corner found last: a floating balloon rarely changes bracket. */
  private corners = new Uint16Array(1024);
  private kGuess0 = 0;
  private kGuess1 = 0;
  /** Scratch of the point-by-point path: winds at the merged corners, as float32 like the caches. */
  private readonly cornerWinds = new Float32Array(8);
  private readonly slabWinds = new Float32Array(4);
  /** `sample`'s point and result, as the one-element arrays `samplePoint` reads and writes. */
  private readonly one = {
    lon: new Float64Array(1),
    lat: new Float64Array(1),
    alt: new Float64Array(1),
    u: new Float64Array(1),
    v: new Float64Array(1),
  };

  /** From an init (checked and normalised here) or from a field's parts (see GridWindParts). */
  constructor(from: GridWindInit | GridWindParts) {
    const kind = 'grid' in from ? from.kind : from.levels.kind;
    if (kind !== 'pressure') invalid('levels.kind', 'must be "pressure" for PressureGridWind', kind);
    const parts = 'grid' in from ? checkGridParts(from) : gridWindParts(from);
    super(parts);
    const norm = parts.grid;
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
    const badColumn = new Uint8Array(this.nTimes * layer);
    for (let n = 0; n < this.nTimes; n++)
      for (let k = 0; k < this.nLevels; k++)
        for (let c = 0; c < layer; c++) {
          const node = n * this.timeStride + k * layer + c;
          const finite =
            Number.isFinite(this.gh[node]) &&
            Number.isFinite(this.uv[2 * node]) &&
            Number.isFinite(this.uv[2 * node + 1]);
          if (!finite) badColumn[n * layer + c] = 1;
        }
    this.nodes = { uv: this.uv, gh: this.gh, badColumn, nLevels: this.nLevels, levelStride: layer };
    if (PressureSlabCache.bytes(layer, this.nLevels) <= SLAB_MEMORY_LIMIT_BYTES) {
      // As on altitude levels: a slab pays once as many points as a grid row holds (and at least
      // 256) have been asked for at one time.
      this.slabs = new PressureSlabCache(this.nodes, Math.max(256, this.nLon), this.timeAxis);
    }
  }

  override gridNodes(): GridNodes {
    return { ...super.gridNodes(), geopotentialHeightM: this.gh };
  }

  sample(lon: number, lat: number, altM: number, tSec: number, out: Float64Array): void {
    const one = this.one;
    one.lon[0] = lon;
    one.lat[0] = lat;
    one.alt[0] = altM;
    this.timeAxis.locate(tSec, this.time);
    this.samplePoint(0, one.lon, one.lat, one.alt, one.u, one.v);
    out[0] = one.u[0];
    out[1] = one.v[0];
  }

  /**
   * n points at one time (the solver's call, once per RK stage): from the time's slab when it has
   * one, else point by point from the grid, with the same arithmetic.
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
    const slab = this.slabs === null ? null : this.slabs.get(tSec, n);
    if (slab !== null) {
      this.sampleSlab(slab, n, lonIn, latIn, altIn, uOut, vOut);
      return;
    }
    this.timeAxis.locate(tSec, this.time);
    for (let p = 0; p < n; p++) this.samplePoint(p, lonIn, latIn, altIn, uOut, vOut);
  }

  /**
   * Point p at the located time, from the grid: in each of the four columns around it, the two merged
   * corners around the altitude (the highest level height of either time at or below it, the lowest
   * above it), the wind of both times there, then linear in time and in height, as a slab holds them.
   * Points come in arrays because V8 boxes every double passed to or returned from a call it does
   * not inline.
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
    const z = altIn[p];
    const { column, di, dj, wx, wy } = this;
    const { timeBase, dn, wt } = this.time;
    const grid = this.nodes;
    const gh = this.gh;
    const stride = this.levelStride;
    const nz = this.nLevels;
    const topOffset = (nz - 1) * stride;
    const bad = grid.badColumn;
    const badBase = timeBase / nz;
    const badLater = badBase + dn / nz;
    const f = this.cornerWinds;
    const slab = this.slabWinds;
    let u = 0;
    let v = 0;
    // Column q: corner q (west/east bit 1, south/north bit 2).
    for (let q = 0; q < 4; q++) {
      const east = q & 1;
      const north = q & 2;
      const w = (east ? wx : 1 - wx) * (north ? wy : 1 - wy);
      if (w === 0) continue;
      const c = column + (east ? di : 0) + (north ? dj : 0);
      if (bad[badBase + c] !== 0 || bad[badLater + c] !== 0) {
        u += w * Number.NaN;
        v += w * Number.NaN;
        continue;
      }
      const node0 = timeBase + c;
      const node1 = node0 + dn;
      const bottom0 = gh[node0];
      const bottom1 = gh[node1];
      const top0 = gh[node0 + topOffset];
      const top1 = gh[node1 + topOffset];
      const bottom = Math.min(bottom0, bottom1);
      const top = Math.max(top0, top1);
      if (z <= bottom) {
        columnWindAt(grid, node0, bottom0 === bottom ? 1 : 0, bottom, f, 0);
        columnWindAt(grid, node1, bottom1 === bottom ? 1 : 0, bottom, f, 2);
        slab[0] = f[0] + wt * (f[2] - f[0]);
        slab[1] = f[1] + wt * (f[3] - f[1]);
        u += w * slab[0];
        v += w * slab[1];
      } else if (z >= top) {
        columnWindAt(grid, node0, nz, top, f, 0);
        columnWindAt(grid, node1, nz, top, f, 2);
        slab[0] = f[0] + wt * (f[2] - f[0]);
        slab[1] = f[1] + wt * (f[3] - f[1]);
        u += w * slab[0];
        v += w * slab[1];
      } else {
        // Levels at or below z in each time's column (heights rise with the level).
        let k0 = this.kGuess0;
        while (k0 > 0 && gh[node0 + (k0 - 1) * stride] > z) k0--;
        while (k0 < nz && gh[node0 + k0 * stride] <= z) k0++;
        let k1 = this.kGuess1;
        while (k1 > 0 && gh[node1 + (k1 - 1) * stride] > z) k1--;
        while (k1 < nz && gh[node1 + k1 * stride] <= z) k1++;
        this.kGuess0 = k0;
        this.kGuess1 = k1;
        const below0 = k0 > 0 ? gh[node0 + (k0 - 1) * stride] : Number.NEGATIVE_INFINITY;
        const below1 = k1 > 0 ? gh[node1 + (k1 - 1) * stride] : Number.NEGATIVE_INFINITY;
        const above0 = k0 < nz ? gh[node0 + k0 * stride] : Number.POSITIVE_INFINITY;
        const above1 = k1 < nz ? gh[node1 + k1 * stride] : Number.POSITIVE_INFINITY;
        const zLo = Math.max(below0, below1);
        const zHi = Math.min(above0, above1);
        columnWindAt(grid, node0, k0, zLo, f, 0);
        columnWindAt(grid, node1, k1, zLo, f, 2);
        columnWindAt(grid, node0, above0 === zHi ? k0 + 1 : k0, zHi, f, 4);
        columnWindAt(grid, node1, above1 === zHi ? k1 + 1 : k1, zHi, f, 6);
        slab[0] = f[0] + wt * (f[2] - f[0]);
        slab[1] = f[1] + wt * (f[3] - f[1]);
        slab[2] = f[4] + wt * (f[6] - f[4]);
        slab[3] = f[5] + wt * (f[7] - f[5]);
        const wz = (z - zLo) / (zHi - zLo);
        u += w * (slab[0] + wz * (slab[2] - slab[0]));
        v += w * (slab[1] + wz * (slab[3] - slab[1]));
      }
    }
    uOut[p] = u;
    vOut[p] = v;
  }

  /**
   * The hot loop: n points from a slab. Locating the column is written out here rather than calling
   * locateColumn, whose results would go through the object's fields; the bit-for-bit test against
   * `sample` keeps the two in step.
   */
  private sampleSlab(
    slab: PressureSlab,
    n: number,
    lonIn: Float64Array,
    latIn: Float64Array,
    altIn: Float64Array,
    uOut: Float64Array,
    vOut: Float64Array,
  ): void {
    if (this.corners.length < n) this.corners = new Uint16Array(n);
    const guess = this.corners;
    const cache = this.slabs!;
    const heights = slab.heights;
    const winds = slab.winds;
    const cells = slab.cellStamps;
    const gen = slab.generation;
    const nCorners = slab.corners;
    const lastCorner = nCorners - 1;
    const nx = this.nLon;
    const ny = this.nLat;
    const lon0 = this.lon0;
    const invDLon = this.invDLon;
    const maxFx = this.maxFx;
    const wraps = this.wrapsLon;
    const lat0 = this.lat0;
    const invDLat = this.invDLat;
    const maxFy = this.maxFy;
    const lastI = nx > 1 ? nx - 2 : 0;
    const lastJ = ny > 1 ? ny - 2 : 0;
    const eastColumns = nx > 1 ? 1 : 0;
    const dj = ny > 1 ? nx : 0;
    for (let p = 0; p < n; p++) {
      const lon = lonIn[p];
      let fx = (lon - lon0) * invDLon;
      if (!(fx >= 0 && fx <= maxFx)) fx = this.foldLon(lon);
      let i = fx | 0; // fx ≥ 0 here, so truncation is floor
      let di = eastColumns;
      if (i > lastI) {
        if (!wraps) i = lastI;
        else if (i === nx - 1)
          di = 1 - nx; // the cell across the seam of a global grid
        else {
          i = 0; // fx = nx: the first column again
          fx = 0;
        }
      }
      const wx = fx - i;
      // Clamped with Math.min, as in AltitudeGridWind.sampleSlab: a branch assigning maxFy would box fy.
      let fy = Math.min((latIn[p] - lat0) * invDLat, maxFy);
      if (!(fy >= 0)) fy = 0;
      let j = fy | 0;
      if (j > lastJ) j = lastJ;
      const wy = fy - j;
      const z = altIn[p];
      const column = j * nx + i;
      if (cells[column] !== gen) cache.fillCell(slab, column, di, dj);
      let m = Math.min(guess[p], lastCorner - 1);
      let u = 0;
      let v = 0;
      for (let q = 0; q < 4; q++) {
        const east = q & 1;
        const north = q & 2;
        const w = (east ? wx : 1 - wx) * (north ? wy : 1 - wy);
        if (w === 0) continue;
        const o = (column + (east ? di : 0) + (north ? dj : 0)) * nCorners;
        if (z <= heights[o]) {
          u += w * winds[2 * o];
          v += w * winds[2 * o + 1];
        } else if (z >= heights[o + lastCorner]) {
          u += w * winds[2 * (o + lastCorner)];
          v += w * winds[2 * (o + lastCorner) + 1];
        } else {
          // Neighbouring columns have their corners at similar heights: start from the last one found.
          while (m > 0 && heights[o + m] > z) m--;
          while (heights[o + m + 1] <= z) m++;
          const lo = o + m;
          const wz = (z - heights[lo]) / (heights[lo + 1] - heights[lo]);
          u += w * (winds[2 * lo] + wz * (winds[2 * lo + 2] - winds[2 * lo]));
          v += w * (winds[2 * lo + 1] + wz * (winds[2 * lo + 3] - winds[2 * lo + 1]));
        }
      }
      guess[p] = m;
      uOut[p] = u;
      vOut[p] = v;
    }
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
    const { base, di, dj, wx, wy } = this;
    const { dn, wt } = this.time;
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
  levelWeight(pressureHpa: number): { k: number; wz: number } {
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
