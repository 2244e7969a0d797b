import { describe, expect, it } from 'vitest';
import { CELL_LAT_DEG, CELL_LON_DEG, frequencyClass, trajectoryFrequency } from './frequency.js';

/** Tracks as [member][frame] → [lon, lat] or null. */
const from = (tracks: ([number, number] | null)[][]) =>
  trajectoryFrequency(tracks.length, tracks[0].length, (m, f) => tracks[m][f]);

const countAt = (grid: NonNullable<ReturnType<typeof from>>, lon: number, lat: number) =>
  grid.counts[
    Math.floor((lat - grid.lat0) / grid.dLat + 1e-9) * grid.nx +
      Math.floor((lon - grid.lon0) / grid.dLon + 1e-9)
  ];

describe('trajectory frequency (members passing each cell)', () => {
  const a: [number, number] = [25.05, 54.03];
  const b: [number, number] = [25.35, 54.03];

  it('counts a member once in a cell it stays in, and once in a cell it comes back to', () => {
    const grid = from([[a, a, a, b, a]])!;
    expect(countAt(grid, ...a)).toBe(1);
    expect(countAt(grid, ...b)).toBe(1);
    expect(grid.members).toBe(1);
  });

  it('fills the cells a member crosses between two frames', () => {
    // 0.3° east in one frame: the three cells on the way (25.0–25.1, 25.1–25.2, 25.2–25.3) and b's.
    const grid = from([[a, b]])!;
    for (const lon of [25.05, 25.15, 25.25, 25.35]) expect(countAt(grid, lon, 54.03), String(lon)).toBe(1);
    expect([...grid.counts].reduce((s, n) => s + n, 0)).toBe(4);
  });

  it('counts each member passing: shares are of all members, not of those flying', () => {
    const grid = from([
      [a, a],
      [null, a],
      [b, b],
      [null, null],
    ])!;
    expect(countAt(grid, ...a)).toBe(2);
    expect(grid.members).toBe(4);
    expect(grid.dLon).toBe(CELL_LON_DEG);
    expect(grid.dLat).toBe(CELL_LAT_DEG);
  });

  it('draws nothing when no member flew', () => {
    expect(from([[null, null]])).toBe(null);
  });

  it('puts shares into classes at 1, 5, 10, 25 and 50 %', () => {
    expect([0.001, 0.01, 0.049, 0.05, 0.1, 0.25, 0.5, 1].map(frequencyClass)).toEqual([
      0, 1, 1, 2, 3, 4, 5, 5,
    ]);
  });
});
