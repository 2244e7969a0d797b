/// <reference lib="dom" />
/**
 * Density regions drawn from a count grid (sim-core's DensityGrid, made by its densityGrid: counts
 * per cell, row-major from the south-west corner): the landing footprint of a run, and the
 * launch-area probability of a back-track. The counts are smoothed by one cell (d3.blur2), then contoured at the densities
 * that enclose 50 % and 90 % of the total — "highest-density regions", which read directly as
 * "half the payloads came down inside this line".
 */
import type { DensityGrid } from '@balloon-sim/sim-core/protocol';
import * as d3 from 'd3';
import type { MapView } from './map.js';

/** What the regions need of a grid (a DensityGrid's total is not). */
export type CountGrid = Omit<DensityGrid, 'total'>;

/** Cells of padding round the grid, so that every contour closes inside it. */
const PAD = 2;

/** The density above which `share` of the total lies. */
function enclosing(values: ArrayLike<number>, share: number): number {
  const sorted = Float64Array.from(values).sort().reverse();
  const total = sorted.reduce((a, b) => a + b, 0);
  let sum = 0;
  for (const v of sorted) {
    sum += v;
    if (sum >= share * total) return v;
  }
  return 0;
}

export function densityRegions(grid: CountGrid): { share: number; geometry: d3.ContourMultiPolygon }[] {
  const nx = grid.nx + 2 * PAD;
  const ny = grid.ny + 2 * PAD;
  const values = new Float64Array(nx * ny);
  for (let j = 0; j < grid.ny; j++)
    for (let i = 0; i < grid.nx; i++) values[(j + PAD) * nx + i + PAD] = grid.counts[j * grid.nx + i];
  d3.blur2({ data: values, width: nx, height: ny }, 1);
  const shares = [0.9, 0.5];
  const thresholds = shares.map((s) => enclosing(values, s));
  const contours = d3.contours().size([nx, ny]).thresholds(thresholds)(Array.from(values));
  return contours.map((geometry, k) => ({ share: shares[k], geometry }));
}

/**
 * Draws the regions in a zoomed layer. Contour coordinates are grid units (x east, y north from
 * the padded south-west corner); they are placed with the map's projection through a planar
 * stream, because contour rings are planar shapes, not spherical polygons.
 */
export function drawDensity(
  layer: d3.Selection<SVGGElement, unknown, null, undefined>,
  view: MapView,
  grid: CountGrid | null,
  className: string,
): void {
  const regions = grid ? densityRegions(grid) : [];
  const lon0 = (grid?.lon0 ?? 0) - PAD * (grid?.cellDeg ?? 0);
  const lat0 = (grid?.lat0 ?? 0) - PAD * (grid?.cellDeg ?? 0);
  const cell = grid?.cellDeg ?? 0;
  const toMap = d3.geoTransform({
    point(x, y) {
      const p = view.projection([lon0 + x * cell, lat0 + y * cell]);
      if (p) this.stream.point(p[0], p[1]);
    },
  });
  const path = d3.geoPath(toMap);
  layer
    .selectAll('path')
    .data(regions)
    .join('path')
    .attr('class', (d) => `${className} ${className}-${Math.round(d.share * 100)}`)
    .attr('d', (d) => path(d.geometry) ?? '');
}
