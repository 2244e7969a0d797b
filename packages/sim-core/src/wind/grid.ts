/**
 * Gridded wind fields, the entry to them: `gridWind` builds the right kind from a `GridWindInit`.
 * Where each part lives:
 * - grid-init.ts: what a grid is made from (`GridWindInit`), checked and normalised;
 * - grid-base.ts: what both kinds share (horizontal location, coverage, orography);
 * - grid-time-axis.ts: where a time falls between the grid's times;
 * - grid-time-slabs.ts: time-interpolated copies of the grid for the solver's batches;
 * - grid-altitude.ts: `AltitudeGridWind`, on fixed altitude levels;
 * - grid-pressure.ts: `PressureGridWind`, on isobaric levels with geopotential heights.
 */
import { AltitudeGridWind } from './grid-altitude.js';
import type { GridWindInit, GridWindParts } from './grid-init.js';
import { PressureGridWind } from './grid-pressure.js';

export { AltitudeGridWind } from './grid-altitude.js';
export type { GridNodes } from './grid-base.js';
export type {
  GridAxis,
  GridLevels,
  GridWindInit,
  GridWindMeta,
  GridWindParts,
  NormalisedGrid,
} from './grid-init.js';
export { PressureGridWind } from './grid-pressure.js';

/**
 * Builds the right gridded field for the kind of levels given: from an init, or from another field's
 * parts (`gridParts()`: the same field, over the same node arrays, nothing checked or copied again).
 */
export function gridWind(from: GridWindInit | GridWindParts): AltitudeGridWind | PressureGridWind {
  const kind = 'grid' in from ? from.kind : from.levels.kind;
  return kind === 'altitude' ? new AltitudeGridWind(from) : new PressureGridWind(from);
}
