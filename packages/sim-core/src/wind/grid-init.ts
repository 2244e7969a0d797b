/**
 * What a gridded wind is made from (`GridWindInit`, as decoders build it) and its check and
 * normalisation into the one form the samplers read.
 */
import { invalid } from '../errors.js';
import type { WindSourceInfo } from './source.js';

/** A regular axis: `count` values start, start + step, … (degrees; step may be negative for latitude). */
export interface GridAxis {
  start: number;
  step: number;
  count: number;
}

/** Vertical levels of a grid: fixed altitudes, or isobaric levels carrying geopotential height. */
export type GridLevels =
  | { kind: 'altitude'; altitudesM: readonly number[] }
  | {
      kind: 'pressure';
      pressuresHpa: readonly number[];
      /** Geopotential height (m) per node, laid out like u and v. */
      geopotentialHeightM: Float32Array;
    };

/**
 * Everything a gridded field is made from. Node values are laid out time-major:
 * index = ((t·nLevels + k)·nLat + j)·nLon + i, with i along `lon`, j along `lat`, k along the levels
 * in the order given, t along `timesSec`.
 */
export interface GridWindInit {
  lon: GridAxis;
  lat: GridAxis;
  levels: GridLevels;
  /** Valid times (s since the Unix epoch), strictly increasing. */
  timesSec: readonly number[];
  u: Float32Array;
  v: Float32Array;
  /** Ground elevation (m AMSL) per column, index j·nLon + i, where the source carries orography. */
  orographyM?: Float32Array;
  description: string;
  /** What a decoder found that users must know (e.g. files of several forecast runs, allowed). */
  warnings?: readonly string[];
  /** Where the data came from, as the decoder read it (format, files, producer, forecast run). */
  source?: WindSourceInfo;
}

/**
 * What a grid field keeps of its init besides the node values: with the normalised nodes, enough
 * to build the same field again (see GridWindParts).
 */
export interface GridWindMeta {
  description: string;
  warnings?: readonly string[];
  lat: GridAxis;
  timesSec: readonly number[];
  source?: WindSourceInfo;
}

/**
 * A gridded field's parts once checked and normalised: `gridWind` builds the same field from them
 * without checking or copying the nodes again. So a Node worker builds its field over arrays that
 * another thread decoded into a SharedArrayBuffer (the arrays may live in any ArrayBufferLike); the
 * nodes are only read, never written.
 */
export interface GridWindParts {
  kind: 'altitude' | 'pressure';
  meta: GridWindMeta;
  grid: NormalisedGrid;
}

/** An init checked and normalised into parts (see normaliseGrid); the init's own arrays are not kept. */
export function gridWindParts(init: GridWindInit): GridWindParts {
  const { description, warnings, lat, timesSec, source } = init;
  const meta: GridWindMeta = { description, lat: { ...lat }, timesSec: [...timesSec] };
  if (warnings) meta.warnings = warnings;
  if (source) meta.source = source;
  return { kind: init.levels.kind, meta, grid: normaliseGrid(init) };
}

/**
 * Checks that parts' arrays have the lengths their sizes say (O(1): the values were checked when the
 * parts were first made): parts that crossed from another thread may not be what a field made.
 */
export function checkGridParts(parts: GridWindParts): GridWindParts {
  const { nx, ny, nz, nt, uv, gh, orography, levelValues } = parts.grid;
  const nodes = nx * ny * nz * nt;
  if (!(Number.isInteger(nodes) && nodes >= 1))
    invalid('grid.nx', 'nx × ny × nz × nt must be an integer >= 1', nodes);
  if (uv.length !== 2 * nodes) invalid('grid.uv.length', `must be ${2 * nodes} (u, v per node)`, uv.length);
  if ((parts.kind === 'pressure') !== (gh !== null) || (gh && gh.length !== nodes))
    invalid('grid.gh.length', `must be ${parts.kind === 'pressure' ? nodes : 'absent'}`, gh?.length ?? null);
  if (orography && orography.length !== nx * ny)
    invalid('grid.orography.length', `must be ${nx * ny}`, orography.length);
  if (levelValues.length !== nz) invalid('grid.levelValues.length', `must be ${nz}`, levelValues.length);
  if (parts.meta.timesSec.length !== nt)
    invalid('meta.timesSec.length', `must be ${nt}`, parts.meta.timesSec.length);
  return parts;
}

/** An init in the form the samplers want (see `normaliseGrid`). */
export interface NormalisedGrid {
  nx: number;
  ny: number;
  nz: number;
  nt: number;
  /** u, v interleaved per node (float32): levels ascending in height, longitude ascending. */
  uv: Float32Array;
  /** Geopotential height (m) per node, in the same order; null on altitude levels. */
  gh: Float32Array | null;
  /** Ground elevation (m AMSL) per column, longitude ascending; null where the source has none. */
  orography: Float32Array | null;
  lonStart: number;
  lonStep: number;
  /** Altitudes (m) or pressures (hPa) of the levels, from the bottom up. */
  levelValues: number[];
}

/**
 * Validates an init and puts it in the form the samplers want: longitude ascending, levels ascending
 * in height, u and v interleaved in one float32 array (the two are always read together, so one cache
 * line serves both).
 */
export function normaliseGrid(init: GridWindInit): NormalisedGrid {
  const { lon, lat, timesSec } = init;
  for (const [name, axis] of [
    ['lon', lon],
    ['lat', lat],
  ] as const) {
    if (!Number.isInteger(axis.count) || axis.count < 1)
      invalid(`${name}.count`, 'must be an integer >= 1', axis.count);
    if (!Number.isFinite(axis.start)) invalid(`${name}.start`, 'must be a finite number', axis.start);
    if (!(Number.isFinite(axis.step) && (axis.step !== 0 || axis.count === 1)))
      invalid(`${name}.step`, 'must be finite and non-zero', axis.step);
  }
  if (timesSec.length < 1) invalid('timesSec', 'must hold at least one time', timesSec);
  for (let n = 1; n < timesSec.length; n++) {
    if (!(timesSec[n] > timesSec[n - 1]))
      invalid(`timesSec[${n}]`, 'must be greater than the time before', timesSec[n]);
  }
  const nLevels =
    init.levels.kind === 'altitude' ? init.levels.altitudesM.length : init.levels.pressuresHpa.length;
  if (nLevels < 1) invalid('levels', 'must hold at least one level', nLevels);
  const nx = lon.count;
  const ny = lat.count;
  const nodes = nx * ny * nLevels * timesSec.length;
  for (const name of ['u', 'v'] as const) {
    if (init[name].length !== nodes)
      invalid(`${name}.length`, `must be ${nodes} (lon × lat × levels × times)`, init[name].length);
  }
  if (init.levels.kind === 'pressure' && init.levels.geopotentialHeightM.length !== nodes)
    invalid('geopotentialHeightM.length', `must be ${nodes}`, init.levels.geopotentialHeightM.length);
  if (init.orographyM && init.orographyM.length !== nx * ny)
    invalid('orographyM.length', `must be ${nx * ny}`, init.orographyM.length);
  // An infinity is no missing-value mark of any format: it is a value beyond float32 (1e39 in a JSON
  // file, a corrupted packing) and would send every member near it to an infinite position.
  const arrays: [string, Float32Array | undefined][] = [
    ['u', init.u],
    ['v', init.v],
    ['geopotentialHeightM', init.levels.kind === 'pressure' ? init.levels.geopotentialHeightM : undefined],
    ['orographyM', init.orographyM],
  ];
  for (const [name, values] of arrays) {
    if (!values) continue;
    for (let e = 0; e < values.length; e++) {
      const x = values[e];
      if (x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY)
        invalid(`${name}[${e}]`, `must be a finite number (${init.description})`, x);
    }
  }

  // Level order: ascending height. Altitudes sort directly; pressures sort descending.
  const levelKey =
    init.levels.kind === 'altitude'
      ? init.levels.altitudesM.map((z) => z)
      : init.levels.pressuresHpa.map((p) => -p);
  levelKey.forEach((key, k) => {
    if (!Number.isFinite(key)) invalid(`levels[${k}]`, 'must be a finite number', Math.abs(key));
  });
  const levelOrder = levelKey.map((_, k) => k).sort((a, b) => levelKey[a] - levelKey[b]);
  for (let k = 1; k < levelOrder.length; k++) {
    if (levelKey[levelOrder[k]] === levelKey[levelOrder[k - 1]])
      invalid('levels', 'must not repeat a level', Math.abs(levelKey[levelOrder[k]]));
  }
  const flipLon = lon.step < 0;
  const layer = nx * ny;
  const reorder = (src: Float32Array, interleave: Float32Array | null, component: number) => {
    const dst = interleave ?? new Float32Array(src.length);
    const stride = interleave ? 2 : 1;
    for (let n = 0; n < timesSec.length; n++) {
      for (let k = 0; k < nLevels; k++) {
        const from = (n * nLevels + levelOrder[k]) * layer;
        const to = (n * nLevels + k) * layer;
        for (let j = 0; j < ny; j++) {
          for (let i = 0; i < nx; i++) {
            const srcI = flipLon ? nx - 1 - i : i;
            dst[(to + j * nx + i) * stride + component] = src[from + j * nx + srcI];
          }
        }
      }
    }
    return dst;
  };
  const uv = new Float32Array(nodes * 2);
  reorder(init.u, uv, 0);
  reorder(init.v, uv, 1);
  const gh = init.levels.kind === 'pressure' ? reorder(init.levels.geopotentialHeightM, null, 0) : null;
  if (gh && init.levels.kind === 'pressure') {
    // The sampler places an altitude between levels by each column's heights, which only means
    // something when they rise with the level; heights that do not are a corrupted field, not weather.
    // A missing height (NaN) is left to the sampler, which gives no wind in that column.
    const pressures = init.levels.pressuresHpa;
    for (let n = 0; n < timesSec.length; n++)
      for (let k = 1; k < nLevels; k++)
        for (let c = 0; c < layer; c++) {
          const below = gh[(n * nLevels + k - 1) * layer + c];
          const here = gh[(n * nLevels + k) * layer + c];
          if (here > below || Number.isNaN(here) || Number.isNaN(below)) continue;
          const i = c % nx;
          const e = (n * nLevels + levelOrder[k]) * layer + (c - i) + (flipLon ? nx - 1 - i : i);
          invalid(
            `geopotentialHeightM[${e}]`,
            `(${pressures[levelOrder[k]]} hPa) must be above the level below it (${pressures[levelOrder[k - 1]]} hPa at ${below} m): heights rise as pressure falls (${init.description})`,
            here,
          );
        }
  }
  let orography: Float32Array | null = null;
  if (init.orographyM) {
    orography = new Float32Array(layer);
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        orography[j * nx + i] = init.orographyM[j * nx + (flipLon ? nx - 1 - i : i)];
  }
  const lonStart = flipLon ? lon.start + lon.step * (nx - 1) : lon.start;
  const lonStep = Math.abs(lon.step);
  const levelValues =
    init.levels.kind === 'altitude'
      ? levelOrder.map((k) => (init.levels as { altitudesM: readonly number[] }).altitudesM[k])
      : levelOrder.map((k) => (init.levels as { pressuresHpa: readonly number[] }).pressuresHpa[k]);
  return { nx, ny, nz: nLevels, nt: timesSec.length, uv, gh, orography, lonStart, lonStep, levelValues };
}
