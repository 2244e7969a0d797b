import type { GridAxis, LonLatBox } from '@balloon-sim/sim-core';
import type { LatLonGrid } from './latlon-grid.js';
import type { Section } from './section.js';

/** A lon/lat box (degrees). Longitudes in any convention; lonMin > lonMax means across the 180° line. */
/** The region to keep, in degrees. */
export type Grib2Bbox = LonLatBox;

/**
 * The part of a grid kept while decoding: output axes and, for every column i and row j of the file's
 * grid, where it goes in the output (−1: not kept). Output index = rowOffset[j] + column[i].
 */
export interface Crop {
  lon: GridAxis;
  lat: GridAxis;
  /** Output column of each grid column i (Ni entries), or −1. */
  column: Int32Array;
  /** Output offset (output row × output columns) of each grid row j (Nj entries), or −1. */
  rowOffset: Int32Array;
}

/** Slack for box edges that fall on grid nodes up to floating-point rounding, in grid steps. */
const EDGE_EPS = 1e-6;

/**
 * The sub-grid covering the box, plus one node beyond each edge, so that bilinear interpolation works
 * right up to the box edges. On a global grid the columns wrap across the 0/360° seam; on a regional
 * grid they are clipped to the grid. Without a box, the whole grid.
 */
export function cropGrid(grid: LatLonGrid, bbox: Grib2Bbox | undefined, s3: Section): Crop {
  const cols = bbox ? lonRange(grid, bbox) : { first: 0, count: grid.ni };
  const rows = bbox ? latRange(grid.lat, bbox) : { first: 0, count: grid.nj };
  if (cols.count <= 0 || rows.count <= 0) {
    s3.fail(
      `the grid (lon ${grid.lon.start}…${grid.lonLastDeg}, lat ${grid.lat.start}…${grid.latLastDeg}) does not overlap the box lon ${bbox?.lonMin}…${bbox?.lonMax}, lat ${bbox?.latMin}…${bbox?.latMax}`,
      47,
    );
  }
  const column = new Int32Array(grid.ni).fill(-1);
  for (let c = 0; c < cols.count; c++) column[mod(cols.first + c, grid.ni)] = c;
  const rowOffset = new Int32Array(grid.nj).fill(-1);
  for (let r = 0; r < rows.count; r++) rowOffset[rows.first + r] = r * cols.count;
  let lonStart = grid.lon.start + cols.first * grid.lon.step;
  if (bbox) lonStart = inConvention(lonStart, bbox);
  return {
    lon: { start: lonStart, step: grid.lon.step, count: cols.count },
    lat: { start: grid.lat.start + rows.first * grid.lat.step, step: grid.lat.step, count: rows.count },
    column,
    rowOffset,
  };
}

/**
 * The first longitude written in the box's convention: −180…180 when the box has a negative
 * longitude, 0…360 when it has one beyond 180, else as the file gives it.
 */
function inConvention(lon: number, bbox: Grib2Bbox): number {
  if (bbox.lonMin < 0 || bbox.lonMax < 0) return mod(lon + 180, 360) - 180;
  if (bbox.lonMin > 180 || bbox.lonMax > 180) return mod(lon, 360);
  return lon;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** First column (may be negative on a global grid: it wraps) and number of columns kept. */
function lonRange(grid: LatLonGrid, bbox: Grib2Bbox): { first: number; count: number } {
  const { start, step, count: ni } = grid.lon;
  if (ni === 1) return { first: 0, count: lonInside(start, bbox) ? 1 : 0 };
  let width = bbox.lonMax - bbox.lonMin;
  if (width < 0) width += 360;
  const stepAbs = Math.abs(step);
  // Distance (degrees, along the scanning direction) from the first grid column to the box's near edge.
  const nearEdge = step > 0 ? bbox.lonMin : bbox.lonMax;
  const offset = mod((nearEdge - start) * Math.sign(step), 360);
  if (grid.global) {
    if (width >= 360 - stepAbs) return { first: 0, count: ni };
    const first = Math.ceil(offset / stepAbs - EDGE_EPS) - 1;
    const last = Math.floor((offset + width) / stepAbs + EDGE_EPS) + 1;
    return last - first + 1 >= ni ? { first: 0, count: ni } : { first, count: last - first + 1 };
  }
  // Regional: the box may begin before the first column (offset − 360) or after it.
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const shift of [0, -360]) {
    const a = Math.ceil((offset + shift) / stepAbs - EDGE_EPS) - 1;
    const b = Math.floor((offset + shift + width) / stepAbs + EDGE_EPS) + 1;
    if (b >= 0 && a <= ni - 1) {
      first = Math.min(first, Math.max(a, 0));
      last = Math.max(last, Math.min(b, ni - 1));
    }
  }
  return first > last ? { first: 0, count: 0 } : { first, count: last - first + 1 };
}

function lonInside(lon: number, bbox: Grib2Bbox): boolean {
  let width = bbox.lonMax - bbox.lonMin;
  if (width < 0) width += 360;
  return mod(lon - bbox.lonMin, 360) <= width + EDGE_EPS;
}

/** First row and number of rows whose latitudes cover the box, one row beyond each edge. */
function latRange(lat: GridAxis, bbox: Grib2Bbox): { first: number; count: number } {
  if (lat.count === 1) {
    const inside = lat.start >= bbox.latMin - EDGE_EPS && lat.start <= bbox.latMax + EDGE_EPS;
    return { first: 0, count: inside ? 1 : 0 };
  }
  // Fractional row indices of the two box edges; rows run north or south depending on the sign of the step.
  const ja = (bbox.latMin - lat.start) / lat.step;
  const jb = (bbox.latMax - lat.start) / lat.step;
  const first = Math.max(Math.ceil(Math.min(ja, jb) - EDGE_EPS) - 1, 0);
  const last = Math.min(Math.floor(Math.max(ja, jb) + EDGE_EPS) + 1, lat.count - 1);
  return { first, count: last - first + 1 };
}
