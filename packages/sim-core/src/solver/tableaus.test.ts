import { describe, expect, it } from 'vitest';
import { SOLVER_METHODS, type SolverMethod, tableauOf } from './tableaus.js';

/**
 * Butcher's order conditions up to order 4 (Hairer, Nørsett & Wanner, Solving ODEs I, §II.2), for an
 * explicit method whose A has one entry per row, aᵢ = A[i][i−1]: each with the order it belongs to,
 * the tableau's value and the value it must have.
 */
function orderConditions(method: SolverMethod): { order: number; value: number; want: number }[] {
  const { a, b, c } = tableauOf(method);
  const sum = (f: (i: number) => number) => b.reduce((s, _, i) => s + b[i] * f(i), 0);
  const ac = (i: number) => (i > 0 ? a[i] * c[i - 1] : 0); // (A·c)ᵢ
  return [
    { order: 1, value: sum(() => 1), want: 1 },
    { order: 2, value: sum((i) => c[i]), want: 1 / 2 },
    { order: 3, value: sum((i) => c[i] ** 2), want: 1 / 3 },
    { order: 3, value: sum(ac), want: 1 / 6 },
    { order: 4, value: sum((i) => c[i] ** 3), want: 1 / 4 },
    { order: 4, value: sum((i) => c[i] * ac(i)), want: 1 / 8 },
    { order: 4, value: sum((i) => (i > 0 ? a[i] * c[i - 1] ** 2 : 0)), want: 1 / 12 },
    { order: 4, value: sum((i) => (i > 0 ? a[i] * ac(i - 1) : 0)), want: 1 / 24 },
  ];
}

describe('tableaus', () => {
  it.each([
    ['euler', 1],
    ['heun', 2],
    ['rk4', 4],
  ] as [SolverMethod, number][])(
    '%s meets the order conditions of order %d, and not all of the next',
    (method, order) => {
      const { a, c } = tableauOf(method);
      expect(c.slice(1)).toEqual(a.slice(1)); // each stage time is its row sum of A
      const conditions = orderConditions(method);
      for (const k of conditions.filter((k) => k.order <= order)) expect(k.value).toBeCloseTo(k.want, 14);
      const next = conditions.filter((k) => k.order === order + 1);
      if (next.length > 0) expect(next.some((k) => Math.abs(k.value - k.want) > 1e-3)).toBe(true);
    },
  );

  it('has one tableau per method, in SOLVER_METHODS order', () => {
    expect(SOLVER_METHODS.map((m) => tableauOf(m).b.length)).toEqual([1, 2, 4]);
  });
});
