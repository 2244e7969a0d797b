import type { GridAxis, GridWindInit } from '@balloon-sim/sim-core';
import { DecodeError, isoTime } from '@balloon-sim/sim-core';

/**
 * The project's own wind grid file: JSON holding a regular lon/lat grid on altitude or pressure levels
 * at several times. Used for the bundled illustrative wind and for anything users want to hand-build.
 *
 * {
 *   "format": "balloon-sim-wind-grid", "version": 1, "description": "...", "illustrative": true,
 *   "lon": { "start": 22, "step": 0.5, "count": 13 }, "lat": { ... },
 *   "levels": { "kind": "altitude", "altitudesM": [...] } | { "kind": "pressure", "pressuresHpa": [...] },
 *   "times": ["2025-10-24T12:00:00Z", ...],
 *   "u": [...], "v": [...], "geopotentialHeightM": [...] (pressure levels only), "orographyM": [...] (optional)
 * }
 * Node values in m/s (u east, v north) and m, laid out as in GridWindInit:
 * index = ((time·nLevels + level)·nLat + j)·nLon + i.
 */
export const GRID_JSON_FORMAT = 'balloon-sim-wind-grid';

export interface GridJsonMeta {
  description: string;
  /** True for fields the project made up (demos): shown wherever the field is used. */
  illustrative?: boolean;
  source?: string;
}

function numberArray(value: unknown, source: string, field: string, length: number): Float32Array {
  if (!Array.isArray(value)) throw new DecodeError('must be an array of numbers', source, field);
  if (value.length !== length)
    throw new DecodeError(
      `must hold ${length} values (lon × lat × levels × times), holds ${value.length}`,
      source,
      field,
    );
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const x = value[i];
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new DecodeError(`value ${i} must be a finite number, got ${JSON.stringify(x)}`, source, field);
    out[i] = x;
  }
  return out;
}

function axis(value: unknown, source: string, field: string): GridAxis {
  const a = value as Partial<GridAxis> | null;
  if (!a || typeof a !== 'object') throw new DecodeError('must be { start, step, count }', source, field);
  for (const key of ['start', 'step', 'count'] as const) {
    if (typeof a[key] !== 'number' || !Number.isFinite(a[key]))
      throw new DecodeError(`${key} must be a finite number`, source, field);
  }
  if (!Number.isInteger(a.count) || (a.count as number) < 1)
    throw new DecodeError('count must be an integer >= 1', source, field);
  return { start: a.start as number, step: a.step as number, count: a.count as number };
}

function numbers(value: unknown, source: string, field: string): number[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.some((x) => typeof x !== 'number' || !Number.isFinite(x))
  )
    throw new DecodeError('must be a non-empty array of finite numbers', source, field);
  return value as number[];
}

/** Reads a wind grid JSON document (already parsed) into a GridWindInit. */
export function readGridJson(doc: unknown, source: string): GridWindInit & { illustrative: boolean } {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new DecodeError('not a JSON object', source);
  const d = doc as Record<string, unknown>;
  if (d.format !== GRID_JSON_FORMAT)
    throw new DecodeError(
      `"format" must be "${GRID_JSON_FORMAT}", got ${JSON.stringify(d.format)}`,
      source,
      'format',
    );
  if (d.version !== 1)
    throw new DecodeError(`version ${JSON.stringify(d.version)} is not supported (1 is)`, source, 'version');
  const lon = axis(d.lon, source, 'lon');
  const lat = axis(d.lat, source, 'lat');
  const levelsDoc = d.levels as Record<string, unknown> | undefined;
  if (!Array.isArray(d.times) || d.times.length === 0)
    throw new DecodeError('must be a non-empty array', source, 'times');
  const timesSec = d.times.map((t, i) => {
    const ms = typeof t === 'string' ? Date.parse(t) : Number.NaN;
    if (!Number.isFinite(ms))
      throw new DecodeError(`time ${i} is not an ISO 8601 date-time: ${JSON.stringify(t)}`, source, 'times');
    return ms / 1000;
  });
  const levelKind = levelsDoc?.kind;
  let nLevels: number;
  if (levelKind === 'altitude') nLevels = numbers(levelsDoc?.altitudesM, source, 'levels.altitudesM').length;
  else if (levelKind === 'pressure')
    nLevels = numbers(levelsDoc?.pressuresHpa, source, 'levels.pressuresHpa').length;
  else throw new DecodeError('levels.kind must be "altitude" or "pressure"', source, 'levels');
  const nodes = lon.count * lat.count * nLevels * timesSec.length;
  const u = numberArray(d.u, source, 'u', nodes);
  const v = numberArray(d.v, source, 'v', nodes);
  const orographyM =
    d.orographyM === undefined
      ? undefined
      : numberArray(d.orographyM, source, 'orographyM', lon.count * lat.count);
  const illustrative = d.illustrative === true;
  const description = `${typeof d.description === 'string' ? d.description : source}${illustrative ? ' [ILLUSTRATIVE: not real weather]' : ''}`;
  const levels: GridWindInit['levels'] =
    levelKind === 'altitude'
      ? { kind: 'altitude', altitudesM: levelsDoc?.altitudesM as number[] }
      : {
          kind: 'pressure',
          pressuresHpa: levelsDoc?.pressuresHpa as number[],
          geopotentialHeightM: numberArray(d.geopotentialHeightM, source, 'geopotentialHeightM', nodes),
        };
  // The file's own words on where it came from; format and files are set by decodeWind.
  const attributes: Record<string, string> = {};
  if (typeof d.description === 'string') attributes.description = d.description;
  if (typeof d.source === 'string') attributes.source = d.source;
  return {
    lon,
    lat,
    levels,
    timesSec,
    u,
    v,
    orographyM,
    description,
    illustrative,
    source: { format: 'grid-json', illustrative, files: [], referenceTimes: [], attributes },
  };
}

/** Writes a field as a wind grid JSON document (values rounded to `decimals`, default 3). */
export function writeGridJson(init: GridWindInit, meta: GridJsonMeta, decimals = 3): Record<string, unknown> {
  const scale = 10 ** decimals;
  const round = (a: Float32Array) => Array.from(a, (x) => Math.round(x * scale) / scale);
  return {
    format: GRID_JSON_FORMAT,
    version: 1,
    description: meta.description,
    ...(meta.illustrative ? { illustrative: true } : {}),
    ...(meta.source ? { source: meta.source } : {}),
    lon: init.lon,
    lat: init.lat,
    levels:
      init.levels.kind === 'altitude'
        ? { kind: 'altitude', altitudesM: [...init.levels.altitudesM] }
        : { kind: 'pressure', pressuresHpa: [...init.levels.pressuresHpa] },
    times: init.timesSec.map((t) => isoTime(t)),
    u: round(init.u),
    v: round(init.v),
    ...(init.levels.kind === 'pressure'
      ? { geopotentialHeightM: round(init.levels.geopotentialHeightM) }
      : {}),
    ...(init.orographyM ? { orographyM: round(init.orographyM) } : {}),
  };
}
