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
 *
 * The cache reads nothing of the field but what it is given when built: the node values, the row
 * length and the time axis.
 */
import { type GridTimeAxis, newTimePlace, type TimePlace } from './grid-time-axis.js';

/** Slabs are used while four of them take at most this many bytes. */
export const SLAB_MEMORY_LIMIT_BYTES = 256 * 1024 * 1024;

/** A slab of one time, filled a grid row (one level, one latitude) at a time as samples need it. */
export interface SlabView {
  data: Float32Array;
  /** Row r (level·nLat + j) holds this time's values when stamps[r] === generation. */
  stamps: Uint32Array;
  /**
   * The four rows a sample in cell r reads (r, the next latitude, and both one level up) are filled
   * when cellStamps[r] === generation: one check per sample instead of four.
   */
  cellStamps: Uint32Array;
  generation: number;
  /** Where the slab's time falls between the grid's times. */
  readonly time: TimePlace;
  /** The grid's interleaved u, v node values, which rows are interpolated from. */
  readonly nodes: Float32Array;
  /** Entries of one row: 2 · nLon. */
  readonly rowEntries: number;
}

/**
 * A view of `rows` rows of `rowEntries` entries each, reading `data`, interpolated from `nodes`.
 * Every view is made here, so all have one shape and the sampler's loads from them stay monomorphic.
 */
export function newSlabView(
  data: Float32Array,
  rows: number,
  nodes: Float32Array,
  rowEntries: number,
): SlabView {
  return {
    data,
    stamps: new Uint32Array(rows),
    cellStamps: new Uint32Array(rows),
    generation: 0,
    time: newTimePlace(),
    nodes,
    rowEntries,
  };
}

/**
 * Fills one row (level k, latitude j: r = k·nLat + j) of a slab: interleaved u, v at the slab's time,
 * rounded to float32 as the 16-node path rounds its time-interpolated nodes.
 */
function fillSlabRow(view: SlabView, row: number): void {
  const n = view.rowEntries;
  const a = 2 * view.time.timeBase + row * n;
  const b = a + 2 * view.time.dn;
  const uv = view.nodes;
  const out = view.data;
  const o = row * n;
  const wt = view.time.wt;
  for (let e = 0; e < n; e++) out[o + e] = uv[a + e] + wt * (uv[b + e] - uv[a + e]);
  view.stamps[row] = view.generation;
}

/**
 * Fills the stale rows among the four a sample in cell `row` reads; rowDj and rowDk are the row
 * offsets of the next latitude and the next level (0 on an axis of one value).
 */
export function fillSlabCell(view: SlabView, row: number, rowDj: number, rowDk: number): void {
  const gen = view.generation;
  const stamps = view.stamps;
  if (stamps[row] !== gen) fillSlabRow(view, row);
  if (stamps[row + rowDj] !== gen) fillSlabRow(view, row + rowDj);
  if (stamps[row + rowDk] !== gen) fillSlabRow(view, row + rowDk);
  if (stamps[row + rowDk + rowDj] !== gen) fillSlabRow(view, row + rowDk + rowDj);
  view.cellStamps[row] = gen;
}

/** The slabs of up to four times; a fifth time takes the slot used least recently. */
export class TimeSlabCache {
  private static readonly SLOTS = 4;
  private readonly times = new Float64Array(TimeSlabCache.SLOTS).fill(Number.NaN);
  private readonly points = new Float64Array(TimeSlabCache.SLOTS);
  private readonly lastUse = new Float64Array(TimeSlabCache.SLOTS);
  private readonly built = new Uint8Array(TimeSlabCache.SLOTS);
  private readonly views: (SlabView | null)[] = [null, null, null, null];
  private clock = 0;
  private readonly slabLength: number;

  /**
   * @param nodes the grid's interleaved u, v node values, time-major
   * @param rowEntries entries of one row (2 · nLon)
   * @param rows rows of one time (nLevels · nLat)
   * @param threshold points that must be asked for at one time before its slab is used
   * @param timeAxis the grid's times
   */
  constructor(
    private readonly nodes: Float32Array,
    private readonly rowEntries: number,
    private readonly rows: number,
    private readonly threshold: number,
    private readonly timeAxis: GridTimeAxis,
  ) {
    this.slabLength = rows * rowEntries;
  }

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
      view = newSlabView(new Float32Array(this.slabLength), this.rows, this.nodes, this.rowEntries);
      this.views[slot] = view;
    }
    // A new generation makes every row stale: rows are filled when first sampled.
    view.generation++;
    this.timeAxis.locate(tSec, view.time);
    this.built[slot] = 1;
    return view;
  }
}
