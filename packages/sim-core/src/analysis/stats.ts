/** Small statistics helpers for summaries (outside hot loops). */

/** The q-quantile (0..1) of values by linear interpolation between order statistics; NaN if empty. */
export function quantile(values: ArrayLike<number>, q: number): number {
  // A typed array's numeric sort, not Array#sort with a comparator: ~10× faster on the 10⁵ values
  // of a large run's summary. Both order equal values alike for the result (−0 and 0 may swap
  // places; their difference is 0 and the interpolation gives the same number).
  let count = 0;
  for (let k = 0; k < values.length; k++) if (!Number.isNaN(values[k])) count++;
  const sorted = new Float64Array(count);
  count = 0;
  for (let k = 0; k < values.length; k++) if (!Number.isNaN(values[k])) sorted[count++] = values[k];
  sorted.sort();
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

/** How a costly value relates to its cheap proxy: lo·proxy − tol ≤ value ≤ hi·proxy + tol. */
export interface ProxyBounds {
  lo: number;
  hi: number;
  tol: number;
}

/**
 * The q-quantiles (as `quantile` gives them) of values that are costly to compute — value(i) for
 * every i with a finite proxy[i] — computing only the few whose proxy lies near each order
 * statistic needed. With every value within `bounds` of its proxy, the r-th smallest value lies in
 * [lo·p₍ᵣ₎ − tol, hi·p₍ᵣ₎ + tol] (p₍ᵣ₎ the r-th smallest proxy); members whose proxy puts them
 * surely below or above that range are counted, not computed; the rest are computed and ranked.
 * The result equals `quantile` over all the values, bit for bit. Used for distances on the ellipsoid
 * (≈ 1 µs each) of thousands of members, whose spherical distances (≈ 0.1 µs) are the proxies.
 */
export function quantilesViaProxy(
  proxy: ArrayLike<number>,
  value: (i: number) => number,
  qs: readonly number[],
  bounds: ProxyBounds,
): number[] {
  // The finite proxies sorted (a typed array's numeric sort: ~10× faster than sorting indices with
  // a comparator, for the 10⁵ members of a large run). The members ranked below..notAbove − 1 are
  // exactly those whose proxy lies between the proxies of those ranks: count boundaries fall between
  // distinct values, so they are found by value, in one pass.
  let n = 0;
  for (let i = 0; i < proxy.length; i++) if (Number.isFinite(proxy[i])) n++;
  const sorted = new Float64Array(n);
  n = 0;
  for (let i = 0; i < proxy.length; i++) if (Number.isFinite(proxy[i])) sorted[n++] = proxy[i];
  sorted.sort();
  if (n === 0) return qs.map(() => Number.NaN);
  const known = new Map<number, number>();
  const measured = (i: number) => {
    let v = known.get(i);
    if (v === undefined) {
      v = value(i);
      known.set(i, v);
    }
    return v;
  };
  /** The r-th smallest value (0-based). */
  const orderStatistic = (r: number) => {
    const [below, notAbove] = rankWindow(sorted, r, bounds);
    const from = sorted[below];
    const to = sorted[notAbove - 1];
    const candidates: number[] = [];
    for (let i = 0; i < proxy.length; i++) {
      const x = proxy[i];
      if (x >= from && x <= to) candidates.push(measured(i));
    }
    candidates.sort((a, b) => a - b);
    return candidates[r - below];
  };
  return qs.map((q) => {
    const pos = (n - 1) * q;
    const rLo = Math.floor(pos);
    const rHi = Math.ceil(pos);
    const vLo = orderStatistic(rLo);
    const vHi = rHi === rLo ? vLo : orderStatistic(rHi);
    return vLo + (pos - rLo) * (vHi - vLo);
  });
}

/** The q-quantile of values already sorted ascending (no NaN): what `quantile` gives of them, bit for bit. */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * quantilesViaProxy with the finite proxies already sorted ascending (`value(r)`: the costly value
 * of the one at rank r): the members near each order statistic are a run of ranks, found by binary
 * search, not by a pass over every member. The same result, bit for bit: the same values are
 * measured and ranked.
 */
export function quantilesViaSortedProxy(
  sorted: ArrayLike<number>,
  value: (r: number) => number,
  qs: readonly number[],
  bounds: ProxyBounds,
): number[] {
  const n = sorted.length;
  if (n === 0) return qs.map(() => Number.NaN);
  // Values measured once (the two order statistics of an even count share their candidates); a
  // window can hold thousands (every member at distance 0 of a zone most entered): typed arrays,
  // and a typed array's numeric sort.
  const known = new Float64Array(n);
  const isKnown = new Uint8Array(n);
  const measured = (r: number) => {
    if (!isKnown[r]) {
      known[r] = value(r);
      isKnown[r] = 1;
    }
    return known[r];
  };
  const orderStatistic = (r: number) => {
    const [below, notAbove] = rankWindow(sorted, r, bounds);
    const candidates = new Float64Array(notAbove - below);
    for (let s = below; s < notAbove; s++) candidates[s - below] = measured(s);
    candidates.sort();
    return candidates[r - below];
  };
  return qs.map((q) => {
    const pos = (n - 1) * q;
    const rLo = Math.floor(pos);
    const rHi = Math.ceil(pos);
    const vLo = orderStatistic(rLo);
    const vHi = rHi === rLo ? vLo : orderStatistic(rHi);
    return vLo + (pos - rLo) * (vHi - vLo);
  });
}

/**
 * The ranks [below, notAbove) whose values may hold the r-th smallest value, the proxies sorted
 * (see quantilesViaProxy): those not surely below nor surely above it.
 */
function rankWindow(sorted: ArrayLike<number>, r: number, bounds: ProxyBounds): [number, number] {
  const { lo, hi, tol } = bounds;
  const n = sorted.length;
  /** How many proxies lie below x (or at most x, with `orEqual`): a binary search. */
  const countBelow = (x: number, orEqual = false) => {
    let a = 0;
    let b = n;
    while (a < b) {
      const mid = (a + b) >> 1;
      const p = sorted[mid];
      if (p < x || (orEqual && p === x)) a = mid + 1;
      else b = mid;
    }
    return a;
  };
  const p = sorted[r];
  // Surely below it: hi·proxy + tol < lo·p − tol. Surely above it: lo·proxy − tol > hi·p + tol.
  return [countBelow((lo * p - 2 * tol) / hi), countBelow((hi * p + 2 * tol) / lo, true)];
}

/**
 * The ranks quantilesViaSortedProxy measures for these quantiles, as [from, to) windows: a part of
 * a run measures them for its own members beforehand (in its worker), so that a summary of the part
 * alone, or of parts alike, finds them measured.
 */
export function proxyWindows(
  sorted: ArrayLike<number>,
  qs: readonly number[],
  bounds: ProxyBounds,
): [number, number][] {
  const n = sorted.length;
  if (n === 0) return [];
  return qs.flatMap((q) => {
    const pos = (n - 1) * q;
    return [...new Set([Math.floor(pos), Math.ceil(pos)])].map((r) => rankWindow(sorted, r, bounds));
  });
}
