import type { GridAxis, GridWindInit } from '@balloon-sim/sim-core';
import { DecodeError, describeValue, isoTime, isoTimeText, windFromDirection } from '@balloon-sim/sim-core';

/**
 * Open-Meteo forecast API responses (https://open-meteo.com/en/docs) holding pressure-level winds:
 * `hourly` has a `time` array and, per level, `wind_speed_850hPa`, `wind_direction_850hPa` and
 * `geopotential_height_850hPa` arrays (the API's older spellings `windspeed_…`/`winddirection_…` are read
 * too); `hourly_units` gives each variable's unit and the time format. A request for several coordinates
 * returns a JSON array with one such object per point.
 *
 * Documented behaviour this reader relies on (open-meteo.com/en/docs, "API Documentation" and "JSON
 * Return Object"; the JSON writer ForecastapiResult.swift in github.com/open-meteo/open-meteo):
 * - wind speed is km/h unless `wind_speed_unit` asked for m/s, mph or kn; hourly_units says which
 *   ("km/h", "m/s", "mp/h", "kn");
 * - wind direction is the direction the wind blows FROM, in degrees;
 * - geopotential height is in metres above mean sea level;
 * - `timeformat=iso8601` (default) gives local times "2022-07-01T00:00" in the requested timezone, offset
 *   from UTC by `utc_offset_seconds`; `timeformat=unixtime` gives UTC seconds whatever the timezone
 *   (safest: the server formats local times with the offset rounded to whole hours but reports the
 *   actual offset, so for half-hour zones such as Asia/Kolkata iso8601 times may be off by 30 min);
 * - a missing value is written as null;
 * - latitude/longitude are the centre of the model grid cell used, which can be some km from the
 *   requested point.
 *
 * Nulls: a pressure level where a variable is null at every point and time (the model does not have
 * that level) is dropped; hours at the end where values are null (the model's forecast ran out) are
 * dropped; both are said in the description. Any other null is a hole in the field: DecodeError.
 */

export interface ReadOpenMeteoOptions {
  /** Name of the input, used in error messages and the description. */
  source: string;
}

/** m/s per unit of speed, keyed by the unit text Open-Meteo writes in hourly_units. */
const MPS_PER_SPEED_UNIT: Record<string, number> = {
  'km/h': 1 / 3.6,
  'm/s': 1,
  'mp/h': 0.44704, // Open-Meteo's spelling of mph (SiUnit in github.com/open-meteo/sdk)
  mph: 0.44704,
  kn: 1852 / 3600,
};
const DEGREES_PER_DIRECTION_UNIT: Record<string, number> = { '°': 1 };
const M_PER_HEIGHT_UNIT: Record<string, number> = { m: 1, gpm: 1 };

/** Coordinates closer than this (degrees, about 11 m) are the same lattice line; float32 noise is far below. */
const LATTICE_TOLERANCE_DEG = 1e-4;

const ISO_LOCAL_MINUTE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** One level's three series at one point, converted: m/s, degrees, m; NaN where Open-Meteo had null. */
interface LevelSeries {
  speedMps: Float64Array;
  directionDeg: Float64Array;
  heightM: Float64Array;
  /** Variable names as found, for messages. */
  names: [string, string, string];
}

const seriesOf = (s: LevelSeries) => [s.speedMps, s.directionDeg, s.heightM] as const;

interface Point {
  latDeg: number;
  lonDeg: number;
  timesSec: number[];
  levels: Map<number, LevelSeries>;
  part: string;
}

/** Level (hPa) of a pressure-level variable name, by the current or the older spelling. */
function levelOf(name: string, variable: 'speed' | 'direction' | 'height'): number | null {
  const pattern = {
    speed: /^wind_?speed_(\d+(?:\.\d+)?)hPa$/,
    direction: /^wind_?direction_(\d+(?:\.\d+)?)hPa$/,
    height: /^geopotential_height_(\d+(?:\.\d+)?)hPa$/,
  }[variable];
  const m = pattern.exec(name);
  return m ? Number(m[1]) : null;
}

function readPoint(value: unknown, part: string, source: string): Point {
  const where = (field: string) => (part ? `${part}.${field}` : field);
  if (!isObject(value))
    throw new DecodeError('must be an Open-Meteo forecast response object', source, part || undefined);
  if (value.error === true)
    throw new DecodeError(
      `is an Open-Meteo error response: ${describeValue(value.reason)}`,
      source,
      part || undefined,
    );
  const num = (field: string): number => {
    const x = value[field];
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new DecodeError(`must be a finite number, got ${describeValue(x)}`, source, where(field));
    return x;
  };
  const latDeg = num('latitude');
  const lonDeg = num('longitude');
  const hourly = value.hourly;
  const units = value.hourly_units;
  if (!isObject(hourly))
    throw new DecodeError(
      'is missing: request pressure-level variables with &hourly=',
      source,
      where('hourly'),
    );
  if (!isObject(units)) throw new DecodeError('is missing or not an object', source, where('hourly_units'));

  // Times.
  const times = hourly.time;
  if (!Array.isArray(times) || times.length === 0)
    throw new DecodeError('must be a non-empty array', source, where('hourly.time'));
  const format = units.time ?? (typeof times[0] === 'number' ? 'unixtime' : 'iso8601');
  let timesSec: number[];
  if (format === 'unixtime') {
    timesSec = times.map((t, n) => {
      if (typeof t !== 'number' || !Number.isFinite(t))
        throw new DecodeError(
          `must be UNIX seconds (timeformat=unixtime), got ${describeValue(t)}`,
          source,
          where(`hourly.time[${n}]`),
        );
      return t;
    });
  } else if (format === 'iso8601') {
    const offsetSec = num('utc_offset_seconds');
    timesSec = times.map((t, n) => {
      const m = typeof t === 'string' ? ISO_LOCAL_MINUTE.exec(t) : null;
      if (!m)
        throw new DecodeError(
          `must be a local time like "2022-07-01T00:00", got ${describeValue(t)}`,
          source,
          where(`hourly.time[${n}]`),
        );
      // Built field by field: Date.parse would read a zoneless time in the machine's own time zone.
      const localSec = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) / 1000;
      return localSec - offsetSec;
    });
  } else {
    throw new DecodeError(
      `must be "iso8601" or "unixtime", got ${describeValue(format)}`,
      source,
      where('hourly_units.time'),
    );
  }
  for (let n = 1; n < timesSec.length; n++)
    if (!(timesSec[n] > timesSec[n - 1]))
      throw new DecodeError('times must increase', source, where(`hourly.time[${n}]`));

  // Levels: every level with a wind speed needs a direction and a geopotential height.
  const names = Object.keys(hourly);
  const byLevel = (variable: 'speed' | 'direction' | 'height') => {
    const found = new Map<number, string>();
    for (const name of names) {
      const level = levelOf(name, variable);
      if (level !== null) found.set(level, name);
    }
    return found;
  };
  const speeds = byLevel('speed');
  const directions = byLevel('direction');
  const heights = byLevel('height');
  if (speeds.size === 0)
    throw new DecodeError(
      'holds no pressure-level wind: request wind_speed_XhPa, wind_direction_XhPa and geopotential_height_XhPa',
      source,
      where('hourly'),
    );
  for (const [level, name] of directions)
    if (!speeds.has(level))
      throw new DecodeError(`has ${name} but no wind_speed_${level}hPa`, source, where('hourly'));

  /** A variable's values times its unit's factor; NaN for null. */
  const series = (name: string, factors: Record<string, number>, kind: string) => {
    const unit = units[name];
    const factor = typeof unit === 'string' ? factors[unit] : undefined;
    if (factor === undefined)
      throw new DecodeError(
        `is ${describeValue(unit)}; ${kind} must be in ${Object.keys(factors).join(', ')}`,
        source,
        where(`hourly_units.${name}`),
      );
    const values = hourly[name];
    if (!Array.isArray(values) || values.length !== timesSec.length)
      throw new DecodeError(
        `must be an array of ${timesSec.length} values (one per time)`,
        source,
        where(`hourly.${name}`),
      );
    return Float64Array.from(values, (x, n) => {
      if (x === null) return Number.NaN;
      if (typeof x !== 'number' || !Number.isFinite(x))
        throw new DecodeError(
          `value ${n} must be a number or null, got ${describeValue(x)}`,
          source,
          where(`hourly.${name}`),
        );
      return x * factor;
    });
  };

  const levels = new Map<number, LevelSeries>();
  for (const [level, speedName] of speeds) {
    const directionName = directions.get(level);
    const heightName = heights.get(level);
    for (const [name, expected] of [
      [directionName, `wind_direction_${level}hPa`],
      [heightName, `geopotential_height_${level}hPa`],
    ])
      if (!name)
        throw new DecodeError(
          `is missing: each pressure level needs wind_speed, wind_direction and geopotential_height`,
          source,
          where(`hourly.${expected}`),
        );
    const s: LevelSeries = {
      speedMps: series(speedName, MPS_PER_SPEED_UNIT, 'wind speed'),
      directionDeg: series(directionName!, DEGREES_PER_DIRECTION_UNIT, 'wind direction'),
      heightM: series(heightName!, M_PER_HEIGHT_UNIT, 'geopotential height'),
      names: [speedName, directionName!, heightName!],
    };
    s.speedMps.forEach((x, n) => {
      if (x < 0) throw new DecodeError(`value ${n} is negative`, source, where(`hourly.${speedName}`));
    });
    s.directionDeg.forEach((x, n) => {
      if (x < 0 || x > 360)
        throw new DecodeError(
          `value ${n} is ${x}, outside 0..360°`,
          source,
          where(`hourly.${directionName}`),
        );
    });
    levels.set(level, s);
  }
  return { latDeg, lonDeg, timesSec, levels, part };
}

/** A regular axis through the distinct values of `coords`, or null if they are not evenly spaced. */
function latticeAxis(coords: number[]): GridAxis | null {
  const sorted = [...coords].sort((a, b) => a - b);
  const lines: number[] = [];
  for (const x of sorted)
    if (lines.length === 0 || x - lines[lines.length - 1] > LATTICE_TOLERANCE_DEG) lines.push(x);
  const count = lines.length;
  if (count === 1) return { start: lines[0], step: 0, count };
  const step = (lines[count - 1] - lines[0]) / (count - 1);
  const even = lines.every((x, k) => Math.abs(x - (lines[0] + k * step)) <= LATTICE_TOLERANCE_DEG);
  return even ? { start: lines[0], step, count } : null;
}

const describeLattice = (points: Point[]) => points.map((p) => `(${p.latDeg}, ${p.lonDeg})`).join(', ');

/**
 * Reads an Open-Meteo forecast response with pressure-level winds into a pressure-level gridded field
 * (u, v from speed and the direction the wind blows from, converted to m/s; geopotential height in m).
 * - one point (an object, or an array of one): a 1×1 grid, i.e. a time-dependent profile that is
 *   horizontally uniform (grid.ts holds the edge values beyond a grid's edges);
 * - several points: they must form a regular lon/lat lattice (each row and column evenly spaced, every
 *   combination present once, in any order); otherwise a DecodeError says so, never a silent snapping.
 */
export function readOpenMeteo(json: unknown, options: ReadOpenMeteoOptions): GridWindInit {
  const { source } = options;
  const list = Array.isArray(json) ? json : [json];
  if (list.length === 0) throw new DecodeError('is an empty array: no locations', source);
  const points = list.map((value, p) => readPoint(value, Array.isArray(json) ? `[${p}]` : '', source));

  // Every point must share the time axis and the levels (one request gives them all the same).
  const first = points[0];
  for (const point of points.slice(1)) {
    if (
      point.timesSec.length !== first.timesSec.length ||
      point.timesSec.some((t, n) => t !== first.timesSec[n])
    )
      throw new DecodeError(
        `has other times than ${first.part || 'the first point'}`,
        source,
        `${point.part}.hourly.time`,
      );
    const a = [...first.levels.keys()].sort().join(', ');
    const b = [...point.levels.keys()].sort().join(', ');
    if (a !== b)
      throw new DecodeError(
        `has wind on levels ${b} hPa, the first point on ${a} hPa`,
        source,
        `${point.part}.hourly`,
      );
  }

  // Lattice.
  const lonAxis = latticeAxis(points.map((p) => p.lonDeg));
  const latAxis = latticeAxis(points.map((p) => p.latDeg));
  const notLattice = (why: string) =>
    new DecodeError(
      `the ${points.length} points ${describeLattice(points)} do not form a regular lon/lat lattice (${why}). ` +
        'A gridded field needs a regular grid of points; Open-Meteo answers with the centre of the model cell it ' +
        'used, so request points on the model grid (cell_selection=nearest), or read each point on its own',
      source,
    );
  if (!lonAxis || !latAxis) throw notLattice(`unevenly spaced ${lonAxis ? 'latitudes' : 'longitudes'}`);
  if (lonAxis.count * latAxis.count !== points.length)
    throw notLattice(`${lonAxis.count} longitudes × ${latAxis.count} latitudes ≠ ${points.length} points`);
  const layer = points.length;
  const column = new Array<Point | undefined>(layer);
  for (const point of points) {
    const i = lonAxis.count > 1 ? Math.round((point.lonDeg - lonAxis.start) / lonAxis.step) : 0;
    const j = latAxis.count > 1 ? Math.round((point.latDeg - latAxis.start) / latAxis.step) : 0;
    if (column[j * lonAxis.count + i]) throw notLattice(`two points at lattice node ${i}, ${j}`);
    column[j * lonAxis.count + i] = point;
  }

  // Nulls: drop levels a variable never has, then trailing hours with any null; other nulls are errors.
  const dropped: string[] = [];
  const levels = [...first.levels.keys()]
    .sort((a, b) => b - a) // bottom (highest pressure) first
    .filter((level) => {
      for (const v of [0, 1, 2] as const) {
        const arrays = points.map((p) => seriesOf(p.levels.get(level)!)[v]);
        if (arrays.every((a) => a.every(Number.isNaN))) {
          dropped.push(`${level} hPa (no ${first.levels.get(level)!.names[v]})`);
          return false;
        }
      }
      return true;
    });
  if (levels.length === 0)
    throw new DecodeError(`has no level with data: ${dropped.join(', ')} are all null`, source);
  const nTimesIn = first.timesSec.length;
  const firstNull = (n: number) => {
    for (const point of points)
      for (const level of levels) {
        const s = point.levels.get(level)!;
        const k = seriesOf(s).findIndex((a) => Number.isNaN(a[n]));
        if (k >= 0) return { point, name: s.names[k] };
      }
    return null;
  };
  let nTimes = nTimesIn;
  while (nTimes > 0 && firstNull(nTimes - 1)) nTimes--;
  if (nTimes === 0) throw new DecodeError('has no time at which every value is present', source);
  for (let n = 0; n < nTimes; n++) {
    const hole = firstNull(n);
    if (hole)
      throw new DecodeError(
        `value ${n} (${isoTimeText(first.timesSec[n], 'minutes')}) is null in the middle of the data; a wind field cannot have holes`,
        source,
        `${hole.point.part ? `${hole.point.part}.` : ''}hourly.${hole.name}`,
      );
  }

  const nLevels = levels.length;
  const nodes = layer * nLevels * nTimes;
  const u = new Float32Array(nodes);
  const v = new Float32Array(nodes);
  const gh = new Float32Array(nodes);
  for (let n = 0; n < nTimes; n++)
    levels.forEach((level, k) => {
      column.forEach((point, c) => {
        const s = point!.levels.get(level)!;
        const e = (n * nLevels + k) * layer + c;
        [u[e], v[e]] = windFromDirection(s.directionDeg[n], s.speedMps[n]);
        gh[e] = s.heightM[n];
      });
    });

  const timesSec = first.timesSec.slice(0, nTimes);
  const where =
    layer === 1
      ? `one point ${first.latDeg}° N, ${first.lonDeg}° E, used as a horizontally uniform profile`
      : `${lonAxis.count}×${latAxis.count} points ${latAxis.start}..${latAxis.start + (latAxis.count - 1) * latAxis.step}° N, ` +
        `${lonAxis.start}..${lonAxis.start + (lonAxis.count - 1) * lonAxis.step}° E`;
  const when =
    nTimes === 1
      ? `valid ${isoTime(timesSec[0], 'minutes')}`
      : `${nTimes} times ${isoTime(timesSec[0], 'minutes')} to ${isoTime(timesSec[nTimes - 1], 'minutes')}`;
  const notes = [
    ...(dropped.length ? [`dropped all-null levels ${dropped.join(', ')}`] : []),
    ...(nTimes < nTimesIn ? [`dropped ${nTimesIn - nTimes} trailing time(s) with null values`] : []),
  ];
  return {
    lon: lonAxis,
    lat: latAxis,
    levels: { kind: 'pressure', pressuresHpa: levels, geopotentialHeightM: gh },
    timesSec,
    u,
    v,
    description:
      `Open-Meteo ${source}: wind on ${nLevels} pressure level(s) ${levels.join(', ')} hPa; ${where}; ${when}` +
      (notes.length ? ` (${notes.join('; ')})` : ''),
  };
}
