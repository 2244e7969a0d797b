import { countSetBits } from './bits.js';
import type { Crop } from './crop.js';
import type { LatLonGrid } from './latlon-grid.js';

/** Largest finite float32: decoded values are stored as float32 and must fit. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Places packed integers X, which come in the file's scanning order (flag table 3.4), on the output
 * grid as values Y = (R + X·2^E) / 10^D (FM 92 regulation 92.9.4, computed in float64, stored as
 * float32). Output order: i along longitude fastest, then j along latitude, both in the scanning
 * directions, keeping only the cropped part. The file's order is "lines" of the fast direction (rows,
 * or columns when the j points are consecutive), odd lines reversed when rows alternate.
 *
 * With a bit map (section 6), value k belongs to the k-th point whose bit is set; the others are
 * missing and become NaN, as do values the packing marks missing (X = NaN). `xs[v − firstValue]` holds
 * value v (simple packing without a bit map unpacks only the lines the crop keeps).
 *
 * Returns the number of kept values beyond float32 range (corrupted scale factors or data), which the
 * caller refuses, so that Infinity is never passed off as data.
 */
export function scatter(
  xs: Float64Array,
  firstValue: number,
  bitmap: Uint8Array | null,
  grid: LatLonGrid,
  crop: Crop,
  reference: number,
  binaryFactor: number,
  decimalFactor: number,
  out: Float32Array,
): number {
  // Fast direction (along a line of the file) and slow direction (from line to line).
  const byColumns = grid.consecutiveJ;
  const fastCount = byColumns ? grid.nj : grid.ni;
  const slowCount = byColumns ? grid.ni : grid.nj;
  const fastTarget = byColumns ? crop.rowOffset : crop.column;
  const slowTarget = byColumns ? crop.column : crop.rowOffset;
  let overflow = 0;
  let p = 0; // point number in scanning order
  let k = 0; // value number (equals p without a bit map)
  for (let s = 0; s < slowCount; s++) {
    const lineTarget = slowTarget[s];
    if (lineTarget < 0) {
      if (bitmap !== null) k += countSetBits(bitmap, p, fastCount);
      p += fastCount;
      continue;
    }
    const reversed = grid.alternateRows && (s & 1) === 1;
    for (let f = 0; f < fastCount; f++, p++) {
      const target = fastTarget[reversed ? fastCount - 1 - f : f];
      let y = Number.NaN;
      if (bitmap === null) {
        if (target < 0) continue;
        y = (reference + xs[p - firstValue] * binaryFactor) / decimalFactor;
      } else {
        const present = (bitmap[p >>> 3] >>> (7 - (p & 7))) & 1;
        if (present === 1 && target >= 0) y = (reference + xs[k - firstValue] * binaryFactor) / decimalFactor;
        k += present;
        if (target < 0) continue;
      }
      if (Math.abs(y) > FLOAT32_MAX) overflow++; // false for NaN (missing), true for ±Infinity
      out[lineTarget + target] = y;
    }
  }
  return overflow;
}

/** The range of values [first, first + count) that the kept lines need, without a bit map. */
export function neededValues(grid: LatLonGrid, crop: Crop): { first: number; count: number } {
  const byColumns = grid.consecutiveJ;
  const fastCount = byColumns ? grid.nj : grid.ni;
  const slowTarget = byColumns ? crop.column : crop.rowOffset;
  let firstLine = -1;
  let lastLine = -1;
  for (let s = 0; s < slowTarget.length; s++) {
    if (slowTarget[s] < 0) continue;
    if (firstLine < 0) firstLine = s;
    lastLine = s;
  }
  return { first: firstLine * fastCount, count: (lastLine - firstLine + 1) * fastCount };
}
