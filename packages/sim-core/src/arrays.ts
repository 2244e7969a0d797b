/**
 * Loops for arrays whose length can follow the member count. `target.push(...source)` and
 * `Math.min(...values)` pass every element as one call argument each, and V8 throws "Maximum call
 * stack size exceeded" somewhere past 10⁵ arguments (a 100 000-member run has more events than that),
 * so anything sized by the input goes through these instead.
 */

/** Appends every element of `source` to `target` (in place); returns `target`. */
export function appendAll<T>(target: T[], source: ArrayLike<T>): T[] {
  for (let k = 0; k < source.length; k++) target.push(source[k]);
  return target;
}

/** The smallest value, as `Math.min` gives it: Infinity when empty, NaN when any value is NaN. */
export function minOf(values: ArrayLike<number>): number {
  let min = Number.POSITIVE_INFINITY;
  for (let k = 0; k < values.length; k++) min = Math.min(min, values[k]);
  return min;
}

/** The largest value, as `Math.max` gives it: -Infinity when empty, NaN when any value is NaN. */
export function maxOf(values: ArrayLike<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < values.length; k++) max = Math.max(max, values[k]);
  return max;
}
