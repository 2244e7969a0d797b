import { describe, expect, it } from 'vitest';
import { GridTimeAxis } from './grid-time-axis.js';
import { fillSlabCell, TimeSlabCache } from './grid-time-slabs.js';

// A grid of 2 longitudes × 3 latitudes × 1 level at the times 0 and 3 s: rows of 4 entries (u, v of
// two columns), 3 rows, 6 nodes per time. Entry e of time n holds e + 12·n: each entry grows by 4 per
// second, so at time t it is e + 4·t.
const TIMES = [0, 3];
const ROW_ENTRIES = 4;
const ROWS = 3;
const nodes = Float32Array.from({ length: 2 * ROWS * ROW_ENTRIES }, (_, e) => e);
const THRESHOLD = 10;

function cache() {
  return new TimeSlabCache(nodes, ROW_ENTRIES, ROWS, THRESHOLD, new GridTimeAxis(TIMES, 6));
}

describe('TimeSlabCache', () => {
  it('gives a time its slab only once enough points have been asked for at it', () => {
    const slabs = cache();
    expect(slabs.get(1.5, 4)).toBeNull();
    expect(slabs.get(1.5, 5)).toBeNull();
    const view = slabs.get(1.5, 1); // 10 points in all
    expect(view).not.toBeNull();
    expect(slabs.get(1.5, 1)).toBe(view);
  });

  it('fills only the rows a sample reads, with the values at the slab time rounded to float32', () => {
    const view = cache().get(1, THRESHOLD)!;
    fillSlabCell(view, 0, 1, 0); // a cell in row 0 reads rows 0 and 1 (one level)
    const expected = (e: number) => Math.fround(e + 4 * 1);
    expect(Array.from(view.data.subarray(0, 8))).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map(expected));
    expect(Array.from(view.data.subarray(8))).toEqual([0, 0, 0, 0]); // row 2: not read, not filled
    expect(view.cellStamps[0]).toBe(view.generation);
    expect(view.cellStamps[1]).not.toBe(view.generation);
  });

  it('rounds an interpolated value to float32 as the 16-node path does', () => {
    const fractional = Float32Array.from({ length: 24 }, (_, e) => (e < 12 ? 0.1 : 1.1));
    const slabs = new TimeSlabCache(fractional, ROW_ENTRIES, ROWS, 1, new GridTimeAxis(TIMES, 6));
    const view = slabs.get(1, 1)!;
    fillSlabCell(view, 0, 0, 0);
    const a = Math.fround(0.1);
    const b = Math.fround(1.1);
    expect(view.data[0]).toBe(Math.fround(a + (1 / 3) * (b - a)));
  });

  it('keeps four times; a fifth reuses the least recently used slot, whose slab must be earned again', () => {
    const slabs = cache();
    const views = [0.5, 1, 1.5, 2].map((t) => slabs.get(t, THRESHOLD)!);
    expect(new Set(views).size).toBe(4);
    slabs.get(0.5, 1); // time 0.5 used again: time 1 is now the least recently used
    const generation = views[1].generation;
    const fifth = slabs.get(2.5, THRESHOLD)!;
    expect(fifth).toBe(views[1]);
    expect(fifth.generation).toBe(generation + 1); // every row stale again
    expect(slabs.get(0.5, 1)).toBe(views[0]);
    expect(slabs.get(1, 1)).toBeNull(); // time 1 lost its slot: counted from zero
  });
});
