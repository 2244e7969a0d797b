/** Small statistics helpers for summaries (outside hot loops). */

/** The q-quantile (0..1) of values by linear interpolation between order statistics; NaN if empty. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Array.from(values)
    .filter((x) => !Number.isNaN(x))
    .sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}

/** Rounds for display and JSON: n decimals, NaN becomes null. */
export function rounded(x: number, decimals: number): number | null {
  if (!Number.isFinite(x)) return null;
  const scale = 10 ** decimals;
  return Math.round(x * scale) / scale;
}
