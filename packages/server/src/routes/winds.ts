import {
  AltitudeGridWind,
  type GridNodes,
  isaAltitudeM,
  isoTime,
  isoTimeOrNull,
  isoTimeText,
  PressureGridWind,
  timeGapWarning,
  type WindCoverage,
  type WindField,
} from '@balloon-sim/sim-core';
import type { FastifyPluginAsync } from 'fastify';
import type { BundledWind } from '../catalog.js';
import type { ServerContext } from '../context.js';
import { ClientError } from '../errors.js';
import { anyObject, errorResponses, NameParams } from '../schemas.js';

/** The first four bytes of a GET /api/winds/:id/field answer: "BSWF" read as a little-endian uint32. */
export const WIND_FIELD_MAGIC = 0x46575342;
/** The version of that layout, in its JSON header: a reader refuses one it does not know. */
export const WIND_FIELD_VERSION = 1;

const nullable = (type: string) => ({ type: [type, 'null'] });

const WindSummary = {
  id: { type: 'string' },
  files: { type: 'array', items: { type: 'string' }, description: 'its files (fixtures/…, shared-data/…)' },
  scenarios: { type: 'array', items: { type: 'string' }, description: 'bundled scenarios using it' },
  source: anyObject('the `wind` of a scenario that runs on it'),
} as const;

const GridAxes = {
  lon0: { type: 'number', description: 'longitude of column 0, degrees' },
  lat0: { type: 'number', description: 'latitude of row 0, degrees' },
  dLon: { type: 'number', description: 'degrees between columns' },
  dLat: { type: 'number', description: 'degrees between rows (negative: rows run north to south)' },
  nx: { type: 'integer' },
  ny: { type: 'integer' },
} as const;

const WindMeta = {
  type: 'object',
  required: ['id', 'description', 'files', 'coverage', 'levels', 'times', 'grid'],
  properties: {
    ...WindSummary,
    description: { type: 'string' },
    coverage: {
      type: 'object',
      properties: {
        lonMin: { type: 'number' },
        lonMax: { type: 'number' },
        latMin: { type: 'number' },
        latMax: { type: 'number' },
        altMinM: { type: 'number' },
        altMaxM: { type: 'number' },
        start: { ...nullable('string'), description: 'first valid time; null: steady' },
        end: nullable('string'),
      },
      additionalProperties: false,
    },
    levels: {
      type: ['object', 'null'],
      properties: {
        kind: { type: 'string', enum: ['pressure', 'altitude'] },
        values: {
          type: 'array',
          items: { type: 'number' },
          description: 'hPa (pressure) or m AMSL (altitude)',
        },
      },
      additionalProperties: false,
    },
    times: { type: 'array', items: { type: 'string' } },
    grid: { type: ['object', 'null'], properties: GridAxes, additionalProperties: false },
  },
  additionalProperties: false,
} as const;

const GridQuery = {
  type: 'object',
  properties: {
    level: { type: 'number', exclusiveMinimum: 0, maximum: 1100, description: 'pressure level, hPa' },
    alt: { type: 'number', minimum: -500, maximum: 50_000, description: 'altitude, m AMSL' },
    time: { type: 'string', format: 'date-time', description: 'default: the first time of the wind' },
    stride: { type: 'integer', minimum: 1, maximum: 100, default: 1, description: 'keep every n-th node' },
  },
  additionalProperties: false,
} as const;

const GridReply = {
  type: 'object',
  required: ['lon0', 'lat0', 'dLon', 'dLat', 'nx', 'ny', 'time', 'u', 'v'],
  properties: {
    ...GridAxes,
    time: { type: 'string' },
    level: { type: 'number', description: 'hPa, when asked by level' },
    altM: { type: 'number', description: 'm AMSL, when asked by altitude' },
    u: { type: 'array', items: { type: 'number' }, description: 'eastward wind, m/s, index j·nx + i' },
    v: { type: 'array', items: { type: 'number' }, description: 'northward wind, m/s' },
  },
  additionalProperties: false,
} as const;

type GridField = AltitudeGridWind | PressureGridWind;
const isGrid = (field: WindField): field is GridField =>
  field instanceof AltitudeGridWind || field instanceof PressureGridWind;

function coverageJson(c: WindCoverage) {
  return {
    lonMin: c.lonMin,
    lonMax: c.lonMax,
    latMin: c.latMin,
    latMax: c.latMax,
    altMinM: c.altMinM,
    altMaxM: c.altMaxM,
    start: isoTimeOrNull(c.tMinSec),
    end: isoTimeOrNull(c.tMaxSec),
  };
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The wind at every `stride`-th node of a field's own grid, on a pressure level or at an altitude, at
 * one time: sim-core's samplers do the interpolation (on a level: linear in log-pressure; a field on
 * altitude levels places the pressure level at its ISA altitude).
 */
function sampleGrid(field: GridField, q: { level?: number; alt?: number; tSec: number; stride: number }) {
  const lon = field.lonAxis;
  const lat = field.latAxis;
  const nx = Math.ceil(lon.count / q.stride);
  const ny = Math.ceil(lat.count / q.stride);
  const u: number[] = new Array(nx * ny);
  const v: number[] = new Array(nx * ny);
  const out = new Float64Array(2);
  const altM = q.level === undefined ? q.alt! : isaAltitudeM(q.level * 100);
  for (let j = 0; j < ny; j++) {
    const y = lat.start + j * q.stride * lat.step;
    for (let i = 0; i < nx; i++) {
      const x = lon.start + i * q.stride * lon.step;
      if (q.level !== undefined && field instanceof PressureGridWind)
        field.sampleOnLevel(x, y, q.level, q.tSec, out);
      else field.sample(x, y, altM, q.tSec, out);
      u[j * nx + i] = r2(out[0]);
      v[j * nx + i] = r2(out[1]);
    }
  }
  return {
    lon0: lon.start,
    lat0: lat.start,
    dLon: lon.step * q.stride,
    dLat: lat.step * q.stride,
    nx,
    ny,
    u,
    v,
  };
}

/**
 * A gridded field as GET /api/winds/:id/field sends it (packages/server/README.md, "The wind field
 * in binary"): uint32 magic, uint32 byte length H of a UTF-8 JSON header (padded with spaces so the
 * arrays start on a multiple of 8), the header, then float32 arrays, all little-endian. The header
 * says what sim-core's GridWindInit needs to rebuild the same field (axes, levels, times, description,
 * decoder warnings, source) and where each array lies. The arrays are the field's own nodes, in the
 * order it keeps them (levels ascending in height, longitude ascending), so the rebuilt field
 * interpolates exactly as the server's: the same float32 values, the same samplers.
 */
export function encodeWindField(
  field: GridField,
  meta: { id: string; redact: (text: string) => string },
): Buffer {
  const g: GridNodes = field.gridNodes();
  const nodes = g.nLon * g.nLat * g.nLevels * g.timesSec.length;
  const u = new Float32Array(nodes);
  const v = new Float32Array(nodes);
  for (let n = 0; n < nodes; n++) {
    u[n] = g.uv[2 * n];
    v[n] = g.uv[2 * n + 1];
  }
  const arrays: [string, Float32Array][] = [
    ['u', u],
    ['v', v],
    ...(g.geopotentialHeightM
      ? [['geopotentialHeightM', g.geopotentialHeightM] as [string, Float32Array]]
      : []),
    ...(g.orography ? [['orographyM', g.orography] as [string, Float32Array]] : []),
  ];
  // The decoder's own warnings: the field adds its time-gap warning again when rebuilt.
  const gap = timeGapWarning(g.timesSec);
  const { grid: _grid, levels: _levels, validTimes: _times, ...source } = field.source;
  // The decoder named the files by the paths the server read them from: the client gets them as
  // every other answer names them (fixtures/…, shared-data/…), never a path on this machine.
  const redactAll = (value: unknown): unknown =>
    typeof value === 'string'
      ? meta.redact(value)
      : Array.isArray(value)
        ? value.map(redactAll)
        : value && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactAll(v)]))
          : value;
  let offset = 0;
  const layout = arrays.map(([name, values]) => {
    const entry = { name, offset, count: values.length };
    offset += 4 * values.length;
    return entry;
  });
  const header = {
    version: WIND_FIELD_VERSION,
    id: meta.id,
    description: meta.redact(field.description),
    warnings: field.warnings.filter((w) => w !== gap).map(meta.redact),
    source: redactAll(source),
    lon: { ...field.lonAxis },
    lat: { ...field.latAxis },
    levels:
      field instanceof PressureGridWind
        ? { kind: 'pressure', values: [...field.pressuresHpa] }
        : { kind: 'altitude', values: [...field.altitudesM] },
    timesSec: [...g.timesSec],
    byteOrder: 'little-endian',
    arrays: layout,
  };
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (8 - ((8 + json.length) % 8)) % 8;
  if (pad > 0) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const out = Buffer.alloc(8 + json.length + offset);
  out.writeUInt32LE(WIND_FIELD_MAGIC, 0);
  out.writeUInt32LE(json.length, 4);
  json.copy(out, 8);
  let at = 8 + json.length;
  for (const [, values] of arrays) {
    // Written value by value, little-endian whatever this machine's order.
    for (let n = 0; n < values.length; n++) out.writeFloatLE(values[n], at + 4 * n);
    at += 4 * values.length;
  }
  return out;
}

/** The bundled winds: a list, each one's metadata, and down-sampled grids for drawing on a map. */
export const windRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  const { catalog, redact } = ctx;
  const summary = (w: BundledWind) => ({
    id: w.id,
    files: w.files.map(redact),
    scenarios: w.scenarios,
    source: catalog.windSource(w),
  });
  // A field's encoding, made once per decoded field (the catalog keeps a few fields).
  const encoded = new WeakMap<WindField, Buffer>();
  const find = async (id: string) => {
    const wind = await catalog.wind(id);
    if (!wind) throw new ClientError(404, `no bundled wind "${id}" (see GET /api/winds)`);
    return { wind, field: await catalog.windField({ ...catalog.windSource(wind), paths: wind.files }) };
  };

  app.get(
    '/api/winds',
    {
      schema: {
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'files'],
              properties: WindSummary,
              additionalProperties: false,
            },
          },
          ...errorResponses,
        },
      },
    },
    async () => (await catalog.winds()).map(summary),
  );

  app.get<{ Params: { id: string } }>(
    '/api/winds/:id',
    { schema: { params: NameParams, response: { 200: WindMeta, ...errorResponses } } },
    async (request) => {
      const { wind, field } = await find(request.params.id);
      const grid = isGrid(field) ? field : null;
      return {
        ...summary(wind),
        description: field.description,
        coverage: coverageJson(field.coverage),
        levels:
          field instanceof PressureGridWind
            ? { kind: 'pressure', values: [...field.pressuresHpa] }
            : field instanceof AltitudeGridWind
              ? { kind: 'altitude', values: [...field.altitudesM] }
              : null,
        times: grid ? [...grid.timesSec].map((t) => isoTime(t)) : [],
        grid: grid && {
          lon0: grid.lonAxis.start,
          lat0: grid.latAxis.start,
          dLon: grid.lonAxis.step,
          dLat: grid.latAxis.step,
          nx: grid.lonAxis.count,
          ny: grid.latAxis.count,
        },
      };
    },
  );

  app.get<{
    Params: { id: string };
    Querystring: { level?: number; alt?: number; time?: string; stride: number };
  }>(
    '/api/winds/:id/grid',
    {
      schema: { params: NameParams, querystring: GridQuery, response: { 200: GridReply, ...errorResponses } },
    },
    async (request) => {
      const { level, alt, time, stride } = request.query;
      if ((level === undefined) === (alt === undefined))
        throw new ClientError(400, 'give one of level (pressure, hPa) or alt (altitude, m AMSL)');
      const { wind, field } = await find(request.params.id);
      if (!isGrid(field)) throw new ClientError(400, `wind "${wind.id}" is not on a grid`);
      const tSec = time === undefined ? field.timesSec[0] : Date.parse(time) / 1000;
      const c = field.coverage;
      if (tSec < c.tMinSec || tSec > c.tMaxSec)
        throw new ClientError(
          400,
          `time must lie inside the wind's times (${isoTimeText(c.tMinSec)} to ${isoTimeText(c.tMaxSec)})`,
        );
      const points = Math.ceil(field.lonAxis.count / stride) * Math.ceil(field.latAxis.count / stride);
      if (points > ctx.limits.maxGridPoints)
        throw new ClientError(
          400,
          `${points} grid points, more than this server's limit (maxGridPoints = ${ctx.limits.maxGridPoints}): give a larger stride`,
        );
      return {
        ...sampleGrid(field, { level, alt, tSec, stride }),
        time: isoTime(tSec),
        ...(level === undefined ? { altM: alt } : { level }),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/winds/:id/field',
    { schema: { params: NameParams, response: errorResponses } },
    async (request, reply) => {
      const { wind, field } = await find(request.params.id);
      if (!isGrid(field)) throw new ClientError(400, `wind "${wind.id}" is not on a grid`);
      const g = field.gridNodes();
      const arrays = 2 + (g.geopotentialHeightM ? 1 : 0);
      const bytes =
        4 * (arrays * g.nLon * g.nLat * g.nLevels * g.timesSec.length + (g.orography?.length ?? 0));
      if (bytes > ctx.limits.maxWindFieldBytes)
        throw new ClientError(
          400,
          `wind "${wind.id}" is ${bytes} bytes as float32 arrays, more than this server's limit (maxWindFieldBytes = ${ctx.limits.maxWindFieldBytes})`,
        );
      let body = encoded.get(field);
      if (!body) {
        body = encodeWindField(field, { id: wind.id, redact });
        encoded.set(field, body);
      }
      return reply.type('application/octet-stream').send(body);
    },
  );
};
