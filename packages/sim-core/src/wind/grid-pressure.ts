import { invalid } from '../errors.js';
import { type GridNodes, GridWindBase } from './grid-base.js';
import { type GridWindInit, normaliseGrid } from './grid-init.js';
import type { WindCoverage, WindField } from './wind-field.js';

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
    const norm = normaliseGrid(init);
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
    this.timeAxis.locate(tSec, this.time);
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
    const { column, di, dj, wx, wy } = this;
    const { timeBase, dn, wt } = this.time;
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
