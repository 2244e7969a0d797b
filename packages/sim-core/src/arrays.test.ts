import { describe, expect, it } from 'vitest';
import { appendAll, maxOf, minOf } from './arrays.js';

// Far past the argument count at which a spread call overflows V8's stack (~1.2·10⁵ on 64-bit Node).
const HUGE = 1_000_000;

describe('array helpers for input-sized arrays', () => {
  it('appendAll appends a million elements in order, keeping what was there', () => {
    const source = Array.from({ length: HUGE }, (_, k) => k);
    const target = appendAll([-1], source);
    expect(target.length).toBe(HUGE + 1);
    expect(target[0]).toBe(-1);
    expect(target[1]).toBe(0);
    expect(target[HUGE]).toBe(HUGE - 1);
  });

  it('minOf and maxOf take a million values, typed or not', () => {
    const values = Float64Array.from({ length: HUGE }, (_, k) => (k % 1000) - 500);
    values[777_777] = -1e9;
    values[123_456] = 1e9;
    expect(minOf(values)).toBe(-1e9);
    expect(maxOf(values)).toBe(1e9);
    expect(minOf(Array.from({ length: HUGE }, (_, k) => HUGE - k))).toBe(1);
    expect(maxOf(Array.from({ length: HUGE }, (_, k) => k))).toBe(HUGE - 1);
  });

  it('minOf and maxOf agree with Math.min and Math.max on empty input and NaN', () => {
    expect(minOf([])).toBe(Math.min());
    expect(maxOf([])).toBe(Math.max());
    expect(minOf([3, Number.NaN, 1])).toBeNaN();
    expect(maxOf([3, Number.NaN, 1])).toBeNaN();
    expect(minOf([2, -7.5, 4])).toBe(-7.5);
    expect(maxOf(new Uint8Array([2, 250, 4]))).toBe(250);
  });
});
