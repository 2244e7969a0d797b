import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/helpers.js';
import {
  median,
  proxyWindows,
  quantile,
  quantileOfSorted,
  quantilesViaProxy,
  quantilesViaSortedProxy,
  rounded,
} from './stats.js';

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

describe('quantilesViaProxy', () => {
  const bounds = { lo: 0.994, hi: 1.005, tol: 0.002 };
  const qs = [0, 0.1, 0.5, 0.9, 1];

  it('gives exactly what quantile gives over every value (property, seeded)', () => {
    const rand = seededRandom('quantilesViaProxy');
    for (let trial = 0; trial < 200; trial++) {
      const n = Math.floor(rand() * 60);
      // Clustered proxies, with ties, and values anywhere within the bounds of theirs.
      const proxy = Array.from({ length: n }, () =>
        rand() < 0.3 ? 5000 : Math.round(rand() * 20) * 1000 * rand(),
      );
      const value = proxy.map(
        (p) => p * (bounds.lo + rand() * (bounds.hi - bounds.lo)) + (rand() - 0.5) * bounds.tol,
      );
      const got = quantilesViaProxy(proxy, (i) => value[i], qs, bounds);
      expect(got).toEqual(qs.map((q) => quantile(value, q)));
    }
  });

  it('computes few values when the proxies are spread, and leaves out NaN proxies', () => {
    const n = 10_000;
    const proxy = Array.from({ length: n }, (_, i) => 1000 + 10 * i);
    let calls = 0;
    const [min, med, max] = quantilesViaProxy(
      proxy,
      (i) => {
        calls++;
        return 1.001 * proxy[i];
      },
      [0, 0.5, 1],
      bounds,
    );
    expect([min, med, max]).toEqual([
      1.001 * 1000,
      1.001 * 0.5 * (proxy[4999] + proxy[5000]),
      1.001 * proxy[n - 1],
    ]);
    // Each rank needs the members within about ±1.1 % of its proxy: a few hundred of 10 000.
    expect(calls).toBeLessThan(n / 10);
    expect(quantilesViaProxy([Number.NaN, 3, Number.NaN], (i) => [9, 3, 9][i], [0.5], bounds)).toEqual([3]);
    expect(quantilesViaProxy([], () => 0, [0.5], bounds)).toEqual([Number.NaN]);
  });
});

describe('quantilesViaSortedProxy and quantileOfSorted', () => {
  const bounds = { lo: 0.994, hi: 1.005, tol: 0.002 };
  const qs = [0, 0.1, 0.5, 0.9, 1];

  it('give exactly what quantile gives over every value, from proxies sorted beforehand (property, seeded)', () => {
    const rand = seededRandom('quantilesViaSortedProxy');
    for (let trial = 0; trial < 200; trial++) {
      const n = Math.floor(rand() * 60);
      const proxy = Array.from({ length: n }, () =>
        rand() < 0.3 ? 5000 : Math.round(rand() * 20) * 1000 * rand(),
      );
      const value = proxy.map(
        (p) => p * (bounds.lo + rand() * (bounds.hi - bounds.lo)) + (rand() - 0.5) * bounds.tol,
      );
      // Ranks by proxy (ties in any order: only the values' multiset decides a quantile).
      const order = proxy.map((_, i) => i).sort((a, b) => proxy[a] - proxy[b]);
      const sorted = order.map((i) => proxy[i]);
      let calls = 0;
      const got = quantilesViaSortedProxy(
        sorted,
        (r) => {
          calls++;
          return value[order[r]];
        },
        qs,
        bounds,
      );
      expect(got).toEqual(qs.map((q) => quantile(value, q)));
      // The ranks it measures are those proxyWindows names (a worker measures them beforehand).
      const asked = new Set<number>();
      quantilesViaSortedProxy(
        sorted,
        (r) => {
          asked.add(r);
          return value[order[r]];
        },
        qs,
        bounds,
      );
      const named = new Set<number>();
      for (const [from, to] of proxyWindows(sorted, qs, bounds)) for (let r = from; r < to; r++) named.add(r);
      expect([...asked].sort((a, b) => a - b)).toEqual([...named].sort((a, b) => a - b));
      // Each value measured once at most, though neighbouring ranks share their candidates.
      expect(calls).toBeLessThanOrEqual(n);
      const sortedValues = Float64Array.from(value).sort();
      for (const q of qs) expect(quantileOfSorted(sortedValues, q)).toBe(quantile(value, q));
    }
    expect(quantilesViaSortedProxy([], () => 0, [0.5], bounds)).toEqual([Number.NaN]);
    expect(quantileOfSorted([], 0.5)).toBeNaN();
  });
});
