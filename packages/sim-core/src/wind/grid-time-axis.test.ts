import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/helpers.js';
import { GridTimeAxis, newTimePlace } from './grid-time-axis.js';

/** Nodes per time in these tests: timeBase is a multiple of it. */
const STRIDE = 10;

function place(times: number[], tSec: number) {
  const out = newTimePlace();
  new GridTimeAxis(times, STRIDE).locate(tSec, out);
  return out;
}

describe('GridTimeAxis', () => {
  it('places a time between two regular times by its fraction of the interval', () => {
    expect(place([0, 3600, 7200], 1800)).toEqual({ timeBase: 0, dn: STRIDE, wt: 0.5 });
    expect(place([0, 3600, 7200], 5400)).toEqual({ timeBase: STRIDE, dn: STRIDE, wt: 0.5 });
    expect(place([0, 3600, 7200], 3600)).toEqual({ timeBase: STRIDE, dn: STRIDE, wt: 0 });
  });

  it('places a time between irregular times by the interval it falls in', () => {
    expect(place([0, 3600, 10_800], 7200)).toEqual({ timeBase: STRIDE, dn: STRIDE, wt: 0.5 });
    expect(place([0, 3600, 10_800], 900)).toEqual({ timeBase: 0, dn: STRIDE, wt: 0.25 });
  });

  it('holds the first and last times outside the range, and the only time of a one-time grid', () => {
    expect(place([0, 3600, 7200], -50)).toEqual({ timeBase: 0, dn: STRIDE, wt: 0 });
    expect(place([0, 3600, 7200], 7200)).toEqual({ timeBase: STRIDE, dn: STRIDE, wt: 1 });
    expect(place([0, 3600, 7200], 1e9)).toEqual({ timeBase: STRIDE, dn: STRIDE, wt: 1 });
    expect(place([0, 3600, 10_800], 1e9)).toEqual({ timeBase: STRIDE, dn: STRIDE, wt: 1 });
    expect(place([500], 7)).toEqual({ timeBase: 0, dn: 0, wt: 0 });
  });

  it('reproduces a quantity linear in time from its values at the grid times (property)', () => {
    const rand = seededRandom('grid time axis');
    const times = [0, 1800, 3600, 9000, 10_800, 21_600];
    const f = (t: number) => 3 - 0.002 * t;
    const out = newTimePlace();
    const axis = new GridTimeAxis(times, STRIDE);
    for (let trial = 0; trial < 1000; trial++) {
      const t = rand() * 21_600;
      axis.locate(t, out);
      const n = out.timeBase / STRIDE;
      expect(f(times[n]) + out.wt * (f(times[n + 1]) - f(times[n]))).toBeCloseTo(f(t), 9);
    }
  });
});
