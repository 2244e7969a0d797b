/**
 * Pressure-level columns merged across a time interval, and time slabs made from them: what lets a
 * pressure grid sample four columns per point instead of eight without changing what it computes.
 *
 * A column's wind at one time is piecewise linear in height, with its corners at that time's level
 * heights (held constant below the bottom level and above the top one). Between two grid times the
 * wind is linear in time, so at any time t between them it is still piecewise linear in height, with
 * its corners at the union of both times' heights. A "merged column" of interval n lists that union
 * (2·nLevels heights, sorted; equal heights stay, zero-width brackets are never chosen) with the wind
 * of each of the two times at every one of them. A "slab" of time t holds, per merged corner, the
 * wind at t. Sampling a slab column is then one bracket and one linear interpolation, and its result
 * equals the per-column scheme (interpolate each time's column in height, then in time) up to the
 * float32 rounding of what the caches store: at most 2^-23 of the largest wind component of the grid.
 *
 * `columnWindAt` is the one definition of a time's column value at a height; the cache fills and the
 * pressure field's point-by-point path both call it, so a slab or no slab gives the same bits.
 */
import type { GridTimeAxis, TimePlace } from './grid-time-axis.js';
import { newTimePlace } from './grid-time-axis.js';

/** What the caches read of the grid: node values and heights, laid out as the samplers hold them. */
export interface PressureGridNodes {
  /** Interleaved u, v per node, node = time·timeStride + level·levelStride + column. */
  readonly uv: Float32Array;
  /** Geopotential height per node, the same layout. */
  readonly gh: Float32Array;
  /** 1 where a (time, column) holds a non-finite height or wind: it gives NaN at every height. */
  readonly badColumn: Uint8Array;
  readonly nLevels: number;
  /** Columns per level: nLon · nLat. */
  readonly levelStride: number;
}

/**
 * Writes into out[o] and out[o + 1] the u and v of the column whose bottom node is `node`, at height
 * z, where `atOrBelow` is how many of its levels lie at or below z: a level's own values at its
 * height, the bottom (top) level's below (above) the column, else linear in height between the two
 * levels around z. `out` is float32, so what it holds is rounded as the caches store it.
 */
export function columnWindAt(
  grid: PressureGridNodes,
  node: number,
  atOrBelow: number,
  z: number,
  out: Float32Array,
  o: number,
): void {
  const { uv, gh, levelStride, nLevels } = grid;
  if (atOrBelow === 0) {
    out[o] = uv[2 * node];
    out[o + 1] = uv[2 * node + 1];
    return;
  }
  const lo = node + (atOrBelow - 1) * levelStride;
  if (atOrBelow === nLevels) {
    out[o] = uv[2 * lo];
    out[o + 1] = uv[2 * lo + 1];
    return;
  }
  const hi = lo + levelStride;
  const w = (z - gh[lo]) / (gh[hi] - gh[lo]);
  out[o] = uv[2 * lo] + w * (uv[2 * hi] - uv[2 * lo]);
  out[o + 1] = uv[2 * lo + 1] + w * (uv[2 * hi + 1] - uv[2 * lo + 1]);
}

/** The merged columns of one time interval, filled a column at a time as slabs need them. */
interface MergedColumns {
  /** Node index of the interval's earlier time (time · timeStride); −1 while unused. */
  timeBase: number;
  /** Node offset to the later time (0 on a grid of one time). */
  dn: number;
  /** Index of the earlier time's first column in `badColumn` (time · levelStride), offset to the later. */
  badBase: number;
  badDn: number;
  /** Merged corner heights: column c's 2·nLevels at c·corners. */
  readonly heights: Float32Array;
  /** Per merged corner: u, v at the earlier time, u, v at the later one. */
  readonly winds: Float32Array;
  /** Column c is filled when stamps[c] === generation. */
  readonly stamps: Uint32Array;
  generation: number;
  lastUse: number;
}

/** The slab of one time: the wind at every merged corner of the columns sampled so far. */
export interface PressureSlab {
  /** The merged corner heights of the slab's interval (read, never written, by the sampler). */
  heights: Float32Array;
  /** u, v per merged corner at the slab's time. */
  readonly winds: Float32Array;
  /** The four columns of cell c (c, east, north, north-east) are filled when cellStamps[c] === generation. */
  readonly cellStamps: Uint32Array;
  /** Column c is filled when columnStamps[c] === generation. */
  readonly columnStamps: Uint32Array;
  generation: number;
  /** Merged corners per column: 2 · nLevels. */
  readonly corners: number;
  readonly time: TimePlace;
  /** The interval the slab was made from, and that interval's generation then. */
  source: MergedColumns | null;
  sourceGeneration: number;
}

/**
 * The slabs of up to four times and the merged columns of up to two intervals (the stage times of one
 * solver step lie in at most two). Memory is allocated when the first slab is used.
 */
export class PressureSlabCache {
  private static readonly SLOTS = 4;
  private static readonly INTERVALS = 2;
  private readonly times = new Float64Array(PressureSlabCache.SLOTS).fill(Number.NaN);
  private readonly points = new Float64Array(PressureSlabCache.SLOTS);
  private readonly lastUse = new Float64Array(PressureSlabCache.SLOTS);
  private readonly built = new Uint8Array(PressureSlabCache.SLOTS);
  private readonly slabs: (PressureSlab | null)[] = [null, null, null, null];
  private readonly intervals: MergedColumns[] = [];
  private clock = 0;
  private readonly columns: number;
  private readonly corners: number;
  /** Scratch of the slab fill: a merged corner's four winds. */
  private readonly four = new Float32Array(4);

  /**
   * @param grid the field's nodes
   * @param threshold points that must be asked for at one time before its slab is used
   * @param timeAxis the grid's times
   */
  constructor(
    private readonly grid: PressureGridNodes,
    private readonly threshold: number,
    private readonly timeAxis: GridTimeAxis,
  ) {
    this.columns = grid.levelStride;
    this.corners = 2 * grid.nLevels;
  }

  /** Bytes the cache takes once in use: four slabs and two intervals' merged columns. */
  static bytes(columns: number, nLevels: number): number {
    const corners = columns * 2 * nLevels;
    return (
      PressureSlabCache.SLOTS * (8 * corners + 8 * columns) +
      PressureSlabCache.INTERVALS * (20 * corners + 4 * columns)
    );
  }

  /** The slab of time tSec if it is in use or now worth using; else null. Counts the points asked. */
  get(tSec: number, points: number): PressureSlab | null {
    const clock = ++this.clock;
    let slot = -1;
    for (let s = 0; s < PressureSlabCache.SLOTS; s++) {
      if (this.times[s] === tSec) {
        slot = s;
        break;
      }
    }
    if (slot < 0) {
      slot = 0;
      for (let s = 1; s < PressureSlabCache.SLOTS; s++) if (this.lastUse[s] < this.lastUse[slot]) slot = s;
      this.times[slot] = tSec;
      this.points[slot] = 0;
      this.built[slot] = 0;
    }
    this.lastUse[slot] = clock;
    let slab = this.slabs[slot];
    if (this.built[slot] && slab !== null) {
      const source = slab.source!;
      // The interval's merged columns may have been reused for another interval since: then every
      // column of this slab is stale too.
      if (source.generation === slab.sourceGeneration && source.timeBase === slab.time.timeBase) {
        source.lastUse = clock;
        return slab;
      }
      this.attach(slab, clock);
      return slab;
    }
    this.points[slot] += points;
    if (this.points[slot] < this.threshold) return null;
    if (!slab) {
      const corners = this.columns * this.corners;
      slab = {
        heights: new Float32Array(0),
        winds: new Float32Array(2 * corners),
        cellStamps: new Uint32Array(this.columns),
        columnStamps: new Uint32Array(this.columns),
        generation: 0,
        corners: this.corners,
        time: newTimePlace(),
        source: null,
        sourceGeneration: 0,
      };
      this.slabs[slot] = slab;
    }
    this.timeAxis.locate(tSec, slab.time);
    this.attach(slab, clock);
    this.built[slot] = 1;
    return slab;
  }

  /** Makes every column of the slab stale and points it at its interval's merged columns. */
  private attach(slab: PressureSlab, clock: number): void {
    const source = this.interval(slab.time.timeBase, slab.time.dn, clock);
    slab.generation++;
    slab.source = source;
    slab.sourceGeneration = source.generation;
    slab.heights = source.heights;
  }

  /** The merged columns of the interval starting at node index timeBase, taking the older slot if new. */
  private interval(timeBase: number, dn: number, clock: number): MergedColumns {
    for (const m of this.intervals) {
      if (m.timeBase === timeBase) {
        m.lastUse = clock;
        return m;
      }
    }
    let m: MergedColumns;
    if (this.intervals.length < PressureSlabCache.INTERVALS) {
      const corners = this.columns * this.corners;
      m = {
        timeBase,
        dn,
        badBase: 0,
        badDn: 0,
        heights: new Float32Array(corners),
        winds: new Float32Array(4 * corners),
        stamps: new Uint32Array(this.columns),
        generation: 0,
        lastUse: clock,
      };
      this.intervals.push(m);
    } else {
      m = this.intervals[0].lastUse <= this.intervals[1].lastUse ? this.intervals[0] : this.intervals[1];
    }
    m.timeBase = timeBase;
    m.dn = dn;
    m.badBase = timeBase / this.grid.nLevels;
    m.badDn = dn / this.grid.nLevels;
    m.generation++; // every column stale
    m.lastUse = clock;
    return m;
  }

  /**
   * Fills the stale columns of cell c (c, c + di, c + dj, c + dj + di; di and dj are 0 on an axis of
   * one value, and di crosses the seam of a global grid).
   */
  fillCell(slab: PressureSlab, c: number, di: number, dj: number): void {
    const gen = slab.generation;
    const stamps = slab.columnStamps;
    if (stamps[c] !== gen) this.fillColumn(slab, c);
    if (stamps[c + di] !== gen) this.fillColumn(slab, c + di);
    if (stamps[c + dj] !== gen) this.fillColumn(slab, c + dj);
    if (stamps[c + dj + di] !== gen) this.fillColumn(slab, c + dj + di);
    slab.cellStamps[c] = gen;
  }

  /** The wind of column c at the slab's time at each merged corner, rounded to float32. */
  private fillColumn(slab: PressureSlab, c: number): void {
    const source = slab.source!;
    if (source.stamps[c] !== source.generation) fillMergedColumn(this.grid, source, c, this.four);
    const wt = slab.time.wt;
    const from = source.winds;
    const to = slab.winds;
    const o = c * this.corners;
    for (let m = o; m < o + this.corners; m++) {
      const e = 4 * m;
      to[2 * m] = from[e] + wt * (from[e + 2] - from[e]);
      to[2 * m + 1] = from[e + 1] + wt * (from[e + 3] - from[e + 1]);
    }
    slab.columnStamps[c] = slab.generation;
  }
}

/**
 * Merges the level heights of column c at the interval's two times (ties: the earlier time's first)
 * and evaluates both times' columns at every merged height. A column holding a non-finite value at
 * either time gets NaN winds at heights of +Infinity, so every altitude in it samples NaN.
 */
function fillMergedColumn(grid: PressureGridNodes, m: MergedColumns, c: number, four: Float32Array): void {
  const { gh, levelStride, nLevels, badColumn } = grid;
  const corners = 2 * nLevels;
  const node0 = m.timeBase + c;
  const node1 = node0 + m.dn;
  const heights = m.heights;
  const winds = m.winds;
  const o = c * corners;
  if (badColumn[m.badBase + c] !== 0 || badColumn[m.badBase + m.badDn + c] !== 0) {
    heights.fill(Number.POSITIVE_INFINITY, o, o + corners);
    winds.fill(Number.NaN, 4 * o, 4 * (o + corners));
    m.stamps[c] = m.generation;
    return;
  }
  let k0 = 0; // levels of each time taken so far
  let k1 = 0;
  for (let q = 0; q < corners; q++) {
    const h0 = k0 < nLevels ? gh[node0 + k0 * levelStride] : Number.POSITIVE_INFINITY;
    const h1 = k1 < nLevels ? gh[node1 + k1 * levelStride] : Number.POSITIVE_INFINITY;
    let z: number;
    if (h0 <= h1) {
      z = h0;
      k0++;
    } else {
      z = h1;
      k1++;
    }
    // Levels at or below z: those taken, and the other time's next one when it lies at z too.
    const below0 = k0 < nLevels && gh[node0 + k0 * levelStride] === z ? k0 + 1 : k0;
    const below1 = k1 < nLevels && gh[node1 + k1 * levelStride] === z ? k1 + 1 : k1;
    columnWindAt(grid, node0, below0, z, four, 0);
    columnWindAt(grid, node1, below1, z, four, 2);
    heights[o + q] = z;
    const e = 4 * (o + q);
    winds[e] = four[0];
    winds[e + 1] = four[1];
    winds[e + 2] = four[2];
    winds[e + 3] = four[3];
  }
  m.stamps[c] = m.generation;
}
