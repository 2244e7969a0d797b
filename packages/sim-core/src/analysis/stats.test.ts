import { describe, expect, it } from 'vitest';
import { median, quantile, rounded } from './stats.js';

describe('quantile', () => {
  it('interpolates linearly between order statistics, ignoring NaN', () => {
    // Sorted: 1, 2, 3, 4. Position q·(n − 1): median 1.5 → 2.5; p90 2.7 → 3 + 0.7 = 3.7.
    const values = [3, 1, Number.NaN, 4, 2];
    expect(median(values)).toBe(2.5);
    expect(quantile(values, 0.9)).toBeCloseTo(3.7, 12);
    expect(quantile(values, 0)).toBe(1);
    expect(quantile(values, 1)).toBe(4);
    expect(median([7])).toBe(7);
    // Typed arrays too, and the input is left as it was.
    const typed = Float64Array.from([10, 0, 5]);
    expect(median(typed)).toBe(5);
    expect(Array.from(typed)).toEqual([10, 0, 5]);
  });

  it('is NaN without values', () => {
    expect(median([])).toBeNaN();
    expect(quantile([Number.NaN], 0.9)).toBeNaN();
  });
});

describe('rounded', () => {
  it('rounds to n decimals and turns a non-finite value into null', () => {
    expect(rounded(1.23456, 2)).toBe(1.23);
    expect(rounded(2.5, 0)).toBe(3);
    expect(rounded(Number.NaN, 2)).toBeNull();
    expect(rounded(Number.POSITIVE_INFINITY, 2)).toBeNull();
  });
});
