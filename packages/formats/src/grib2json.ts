import type { GridAxis, GridLevels, GridWindInit, WindProducer } from '@balloon-sim/sim-core';
import {
  checkLonLatBox,
  DecodeError,
  describeValue,
  invalid,
  isoTime,
  isoTimeText,
  type LonLatBox,
} from '@balloon-sim/sim-core';

/**
 * grib2json: the JSON written by Cameron Beccario's grib2json tool (https://github.com/cambecc/grib2json)
 * and read by earth (https://github.com/cambecc/earth) and leaflet-velocity
 * (https://github.com/onaci/leaflet-velocity). A JSON array of records `{ header, data }`, one per GRIB2
 * message. The header carries the message's codes: discipline, parameterCategory/parameterNumber
 * (GRIB2 code table 4.2), surface1Type/surface1Value (table 4.5), refTime (ISO 8601), forecastTime, and the
 * grid (gridDefinitionTemplate, nx, ny, lo1, la1, lo2, la2, dx, dy, scanMode). `data` holds nx·ny values in
 * the grid's scan order; grib2json writes a missing (bitmap-masked) point as the string "NaN"
 * (FloatValue.java in grib2json).
 */

/** Parameter codes (discipline 0, GRIB2 code table 4.2) of the records read. */
const PARAMETERS = [
  { kind: 'u', category: 2, number: 2, categoryName: 'Momentum', name: 'U-component_of_wind', unit: 'm.s-1' },
  { kind: 'v', category: 2, number: 3, categoryName: 'Momentum', name: 'V-component_of_wind', unit: 'm.s-1' },
  { kind: 'gh', category: 3, number: 5, categoryName: 'Mass', name: 'Geopotential_height', unit: 'gpm' },
] as const;

type Kind = (typeof PARAMETERS)[number]['kind'];

/** The kinds of level read (GRIB2 code table 4.5) and the names grib2json gives them. */
const SURFACES = {
  isobaric: { code: 100, name: 'Isobaric surface' },
  'above-sea': { code: 102, name: 'Specific altitude above mean sea level' },
  'above-ground': { code: 103, name: 'Specified height level above ground' },
} as const;

export type Grib2JsonSurface = keyof typeof SURFACES;

const SURFACE_BY_CODE = new Map(
  Object.entries(SURFACES).map(([name, s]) => [s.code as number, name as Grib2JsonSurface]),
);

export interface ReadGrib2JsonOptions {
  /** Name of the input, used in error messages and the description. */
  source: string;
  /**
   * Keep only the nodes needed to cover this box (degrees): every node inside it and the nearest one
   * beyond each edge, so interpolation inside the box is unchanged. Longitudes in any convention.
   */
  bbox?: LonLatBox;
  /**
   * Which kind of level to read when the file holds winds on several (a whole GFS file converted holds
   * isobaric, above-ground and above-sea winds). Without it such a file is refused rather than guessed.
   */
  surface?: Grib2JsonSurface;
  /**
   * Records of several forecast runs (refTime): refused (default), since their times would be
   * interpolated across runs as one forecast; "allow" merges them with a warning.
   */
  mixedRuns?: 'refuse' | 'allow';
}

/** One record as written by grib2json (and by writeGrib2Json). */
export interface Grib2JsonRecord {
  header: Record<string, number | string>;
  data: number[];
}

interface Grid {
  nx: number;
  ny: number;
  lo1: number;
  la1: number;
  dx: number;
  dy: number;
  scanMode: number;
}

/** A u, v or gh record whose header has been checked; its data is checked when copied. */
interface Parsed {
  index: number;
  kind: Kind;
  surface: Grib2JsonSurface;
  /** surface1Value as stored: Pa for isobaric levels, m otherwise. */
  level: number;
  validTimeSec: number;
  /** refTime: the forecast run (s since the epoch). */
  refTimeSec: number;
  grid: Grid;
  data: unknown;
  centerName?: string;
  /** The GRIB2 identification and product codes grib2json copies into the header (when present). */
  producer: WindProducer;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
/** Tolerance (degrees) when comparing grid coordinates, which grib2json prints from float32. */
const DEG_TOLERANCE = 1e-3;

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** Reads the header of record `index`; null for records that are not u, v or gh on a level we read. */
function parseRecord(record: unknown, index: number, source: string): Parsed | null {
  const part = `record[${index}]`;
  if (!isObject(record)) throw new DecodeError('must be an object { header, data }', source, part);
  const header = record.header;
  if (!isObject(header)) throw new DecodeError('is missing or not an object', source, `${part}.header`);
  const num = (key: string): number => {
    const x = header[key];
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new DecodeError(
        `must be a finite number, got ${describeValue(x)}`,
        source,
        `${part}.header.${key}`,
      );
    return x;
  };
  // grib2json always writes discipline; hand-made files for leaflet-velocity often leave it out (= 0).
  const discipline = header.discipline === undefined ? 0 : num('discipline');
  const category = num('parameterCategory');
  const number = num('parameterNumber');
  const parameter = PARAMETERS.find((p) => p.category === category && p.number === number);
  if (discipline !== 0 || !parameter) return null;
  const surface = SURFACE_BY_CODE.get(num('surface1Type'));
  if (!surface) return null; // e.g. tropopause or max-wind level: not a level a balloon flies on
  const level = num('surface1Value');

  const refTime = header.refTime;
  const refMs = typeof refTime === 'string' && ISO_WITH_ZONE.test(refTime) ? Date.parse(refTime) : Number.NaN;
  if (!Number.isFinite(refMs))
    throw new DecodeError(
      `must be an ISO 8601 time with a zone (e.g. "2016-04-06T12:00:00.000Z"), got ${describeValue(refTime)}`,
      source,
      `${part}.header.refTime`,
    );
  // forecastTime is in hours for GFS and is read as hours by earth and leaflet-velocity; grib2json does
  // not write the GRIB2 time unit (code table 4.4), so hours is the only reading the format allows.
  const validTimeSec = refMs / 1000 + num('forecastTime') * 3600;

  if (header.gridDefinitionTemplate !== undefined && num('gridDefinitionTemplate') !== 0)
    throw new DecodeError(
      `is ${header.gridDefinitionTemplate}; only regular latitude/longitude grids (template 0) are read`,
      source,
      `${part}.header.gridDefinitionTemplate`,
    );
  const count = (key: string) => {
    const n = num(key);
    if (!Number.isInteger(n) || n < 1)
      throw new DecodeError(`must be an integer >= 1, got ${n}`, source, `${part}.header.${key}`);
    return n;
  };
  const nx = count('nx');
  const ny = count('ny');
  const step = (key: string, n: number) => {
    const d = num(key);
    if (!(d > 0) && n > 1) throw new DecodeError(`must be > 0, got ${d}`, source, `${part}.header.${key}`);
    return d;
  };
  const grid: Grid = {
    nx,
    ny,
    lo1: num('lo1'),
    la1: num('la1'),
    dx: step('dx', nx),
    dy: step('dy', ny),
    // Viewers assume scan mode 0 when it is absent; so do we.
    scanMode: header.scanMode === undefined ? 0 : num('scanMode'),
  };
  // Scanning mode flags (GRIB2 code table 3.4): 0x80 points go west (-i), 0x40 rows go north (+j).
  // 0x20 (columns consecutive), 0x10 (boustrophedon) and the staggering bits are not supported.
  if ((grid.scanMode & ~0xc0) !== 0 || !Number.isInteger(grid.scanMode))
    throw new DecodeError(
      `is ${grid.scanMode}; only scan modes 0, 64, 128 and 192 (rows of consecutive points) are read`,
      source,
      `${part}.header.scanMode`,
    );
  if (header.numberPoints !== undefined && num('numberPoints') !== nx * ny)
    throw new DecodeError(
      `is ${header.numberPoints}, not nx·ny = ${nx * ny}`,
      source,
      `${part}.header.numberPoints`,
    );
  // lo2/la2 (last point) must agree with the first point, steps and scan directions.
  const lonStep = grid.scanMode & 0x80 ? -grid.dx : grid.dx;
  const latStep = grid.scanMode & 0x40 ? grid.dy : -grid.dy;
  if (header.la2 !== undefined && Math.abs(grid.la1 + (ny - 1) * latStep - num('la2')) > DEG_TOLERANCE)
    throw new DecodeError(
      `is ${header.la2}, but la1 ${grid.la1}, dy ${grid.dy}, ny ${ny} and scanMode ${grid.scanMode} give ${grid.la1 + (ny - 1) * latStep}`,
      source,
      `${part}.header.la2`,
    );
  if (header.lo2 !== undefined) {
    const expected = grid.lo1 + (nx - 1) * lonStep;
    const off = Math.abs(expected - num('lo2')) % 360;
    if (Math.min(off, 360 - off) > DEG_TOLERANCE)
      throw new DecodeError(
        `is ${header.lo2}, but lo1 ${grid.lo1}, dx ${grid.dx}, nx ${nx} and scanMode ${grid.scanMode} give ${expected}`,
        source,
        `${part}.header.lo2`,
      );
  }
  const centerName = typeof header.centerName === 'string' ? header.centerName : undefined;
  // grib2json copies section 1 and 4 codes with their names; the model number (octet 14) it leaves out.
  const code = (key: string, nameKey?: string) => {
    const value = header[key];
    if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
    const name = nameKey === undefined ? undefined : header[nameKey];
    return { code: value, name: typeof name === 'string' ? name : null };
  };
  const producer: WindProducer = {};
  const centre = code('center', 'centerName');
  const subCentre = code('subcenter');
  const productionStatus = code('productStatus', 'productStatusName');
  const dataType = code('productType', 'productTypeName');
  const generatingProcess = code('genProcessType', 'genProcessTypeName');
  if (centre) producer.centre = centre;
  if (subCentre) producer.subCentre = subCentre.code;
  if (productionStatus) producer.productionStatus = productionStatus;
  if (dataType) producer.dataType = dataType;
  if (generatingProcess) producer.generatingProcess = generatingProcess;
  return {
    producer,
    index,
    kind: parameter.kind,
    surface,
    level,
    validTimeSec,
    refTimeSec: refMs / 1000,
    grid,
    data: record.data,
    centerName,
  };
}

/** The data of a record, checked: nx·ny finite numbers. */
function checkedData(r: Parsed, source: string): number[] {
  const part = `record[${r.index}].data`;
  const n = r.grid.nx * r.grid.ny;
  if (!Array.isArray(r.data)) throw new DecodeError('is missing or not an array', source, part);
  if (r.data.length !== n)
    throw new DecodeError(`holds ${r.data.length} values, not nx·ny = ${n}`, source, part);
  for (let i = 0; i < n; i++) {
    const x = r.data[i];
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new DecodeError(
        x === 'NaN'
          ? `value ${i} is "NaN", grib2json's mark for a missing (masked) point; a wind field cannot have holes`
          : `value ${i} must be a finite number, got ${describeValue(x)}`,
        source,
        part,
      );
  }
  return r.data as number[];
}

function sameGrid(a: Grid, b: Grid): keyof Grid | null {
  for (const key of ['nx', 'ny', 'scanMode'] as const) if (a[key] !== b[key]) return key;
  for (const key of ['lo1', 'la1', 'dx', 'dy'] as const)
    if (Math.abs(a[key] - b[key]) > DEG_TOLERANCE) return key;
  return null;
}

/**
 * Node indices along one axis covering [min, max]: every node inside and the nearest one beyond each
 * end. On a longitude axis that wraps, indices run on past the seam (mod count). Null if none overlap.
 */
function cropAxis(axis: GridAxis, min: number, max: number, wraps: boolean) {
  const { start, step, count } = axis;
  const all = { indices: Array.from({ length: count }, (_, i) => i), start };
  if (count === 1) return min <= start && start <= max ? all : null;
  const a = (min - start) / step;
  const b = (max - start) / step;
  // The small slack keeps a box edge lying on a node from pulling in the node beyond it.
  let i0 = Math.floor(Math.min(a, b) + 1e-9);
  let i1 = Math.ceil(Math.max(a, b) - 1e-9);
  if (wraps) {
    if (i1 - i0 + 1 >= count) return all;
  } else {
    i0 = Math.max(i0, 0);
    i1 = Math.min(i1, count - 1);
    if (i0 > i1) return null;
  }
  const indices: number[] = [];
  for (let i = i0; i <= i1; i++) indices.push(((i % count) + count) % count);
  return { indices, start: start + i0 * step };
}

const formatList = (values: number[]) => values.map((x) => String(Math.round(x * 1000) / 1000)).join(', ');

/**
 * Builds a gridded field from the u and v records of a grib2json document (and the geopotential height
 * records on isobaric levels): one or several levels and valid times (refTime + forecastTime hours).
 * - isobaric levels (surface type 100, Pa) need gh at every level and time and give a pressure-level field;
 * - heights above mean sea level (102, m) give altitude levels;
 * - heights above ground (103, m; typically the 10 m wind) give altitude levels at the same number of
 *   metres above sea level: a stand-in, said so in the description, since the file carries no terrain.
 * Other records (temperature, other surfaces) are ignored. Everything read is checked; a DecodeError
 * names the record and header field that failed.
 */
export function readGrib2Json(json: unknown, options: ReadGrib2JsonOptions): GridWindInit {
  const { source } = options;
  if (!Array.isArray(json))
    throw new DecodeError(
      'not a grib2json document: expected a JSON array of { header, data } records',
      source,
    );
  if (json.length === 0) throw new DecodeError('holds no records', source);
  const parsed = json.map((record, i) => parseRecord(record, i, source));
  const winds = parsed.filter((r): r is Parsed => r !== null && r.kind !== 'gh');

  const found = [...new Set(winds.map((r) => r.surface))];
  if (found.length === 0)
    throw new DecodeError(
      'holds no u/v wind (parameterCategory 2, parameterNumber 2 and 3) on isobaric, above-sea or above-ground levels',
      source,
    );
  const surface = options.surface ?? found[0];
  if (!options.surface && found.length > 1)
    throw new DecodeError(
      `holds winds on several kinds of level (${found.join(', ')}): choose one with the surface option`,
      source,
    );
  if (!found.includes(surface))
    throw new DecodeError(`holds no u/v wind on ${surface} levels (only on ${found.join(', ')})`, source);
  const isobaric = surface === 'isobaric';

  const used = parsed.filter(
    (r): r is Parsed => r !== null && r.surface === surface && (r.kind !== 'gh' || isobaric),
  );
  const ref = used.find((r) => r.kind !== 'gh')!;
  const runs = new Map<number, number[]>(); // refTime → record indices
  for (const r of used) runs.set(r.refTimeSec, [...(runs.get(r.refTimeSec) ?? []), r.index]);
  const runList = [...runs]
    .sort(([a], [b]) => a - b)
    .map(
      ([t, records]) =>
        `refTime ${isoTimeText(t, 'minutes')}: ${records.length} record${records.length > 1 ? 's' : ''} from record[${records[0]}]`,
    )
    .join('; ');
  if (runs.size > 1 && options.mixedRuns !== 'allow')
    throw new DecodeError(
      `holds records of ${runs.size} forecast runs (${runList}): their times would be interpolated across runs as if they were one forecast. Give the records of one run, or allow it (scenario wind.mixedRuns "allow", command line --allow-mixed-runs)`,
      source,
    );
  // Levels and times come from the winds; gh records elsewhere are simply not needed.
  const levelValues = [...new Set(winds.filter((r) => r.surface === surface).map((r) => r.level))].sort(
    (a, b) => (isobaric ? b - a : a - b), // bottom first: highest pressure, lowest height
  );
  const times = [...new Set(winds.filter((r) => r.surface === surface).map((r) => r.validTimeSec))].sort(
    (a, b) => a - b,
  );
  const cells = new Map<string, Partial<Record<Kind, Parsed>>>();
  const key = (level: number, t: number) => `${level}@${t}`;
  for (const r of used) {
    if (!levelValues.includes(r.level) || !times.includes(r.validTimeSec)) continue;
    const mismatch = sameGrid(ref.grid, r.grid);
    if (mismatch)
      throw new DecodeError(
        `grid differs from record[${ref.index}]: ${mismatch} is ${r.grid[mismatch]}, not ${ref.grid[mismatch]}`,
        source,
        `record[${r.index}].header.${mismatch}`,
      );
    const cell = cells.get(key(r.level, r.validTimeSec)) ?? {};
    const twin = cell[r.kind];
    if (twin)
      throw new DecodeError(
        `repeats record[${twin.index}] (${r.kind} at the same level and valid time)`,
        source,
        `record[${r.index}]`,
      );
    cell[r.kind] = r;
    cells.set(key(r.level, r.validTimeSec), cell);
  }
  const levelName = (level: number) =>
    isobaric ? `${level / 100} hPa` : `${level} m above ${surface === 'above-sea' ? 'sea level' : 'ground'}`;
  for (const level of levelValues)
    for (const t of times) {
      const cell = cells.get(key(level, t)) ?? {};
      for (const kind of isobaric ? (['u', 'v', 'gh'] as const) : (['u', 'v'] as const))
        if (!cell[kind])
          throw new DecodeError(
            `has no ${kind} record for ${levelName(level)} valid at ${isoTimeText(t, 'minutes')}` +
              (kind === 'gh'
                ? ': isobaric winds need geopotential height (parameterCategory 3, parameterNumber 5) to place each level in altitude'
                : ''),
            source,
            'records',
          );
    }

  const g = ref.grid;
  let lon: GridAxis = { start: g.lo1, step: g.scanMode & 0x80 ? -g.dx : g.dx, count: g.nx };
  let lat: GridAxis = { start: g.la1, step: g.scanMode & 0x40 ? g.dy : -g.dy, count: g.ny };
  const wraps = g.nx > 1 && Math.abs(g.nx * g.dx - 360) < 1e-6;
  let lonIndices = Array.from({ length: g.nx }, (_, i) => i);
  let latIndices = Array.from({ length: g.ny }, (_, j) => j);
  if (options.bbox) {
    const box = options.bbox;
    checkLonLatBox(box);
    // On a regional grid, move the box by whole turns to where it is nearest the grid (a box at -10..5
    // and a grid stored as 330..359 meet at 350..359).
    const gridMidLon = lon.start + (lon.step * (g.nx - 1)) / 2;
    const shift = wraps ? 0 : 360 * Math.round((gridMidLon - (box.lonMin + box.lonMax) / 2) / 360);
    const x = cropAxis(lon, box.lonMin + shift, box.lonMax + shift, wraps);
    const y = cropAxis(lat, box.latMin, box.latMax, false);
    if (!x || !y)
      invalid(
        'bbox',
        `must overlap the grid of ${source} (lon ${lon.start}, step ${lon.step}, ${g.nx} points; lat ${lat.start}, step ${lat.step}, ${g.ny} points)`,
        box,
      );
    lonIndices = x.indices;
    latIndices = y.indices;
    lon = { ...lon, start: x.start, count: lonIndices.length };
    lat = { ...lat, start: y.start, count: latIndices.length };
  }

  const layer = lon.count * lat.count;
  const nodes = layer * levelValues.length * times.length;
  const u = new Float32Array(nodes);
  const v = new Float32Array(nodes);
  const gh = isobaric ? new Float32Array(nodes) : null;
  const copy = (r: Parsed, dst: Float32Array, offset: number) => {
    const values = checkedData(r, source);
    for (let j = 0; j < lat.count; j++) {
      const row = latIndices[j] * g.nx;
      for (let i = 0; i < lon.count; i++) dst[offset + j * lon.count + i] = values[row + lonIndices[i]];
    }
  };
  times.forEach((t, n) => {
    levelValues.forEach((level, k) => {
      const cell = cells.get(key(level, t))!;
      const offset = (n * levelValues.length + k) * layer;
      copy(cell.u!, u, offset);
      copy(cell.v!, v, offset);
      if (gh) copy(cell.gh!, gh, offset);
    });
  });

  const levels: GridLevels = gh
    ? { kind: 'pressure', pressuresHpa: levelValues.map((pa) => pa / 100), geopotentialHeightM: gh }
    : { kind: 'altitude', altitudesM: levelValues };
  const what = isobaric
    ? `u, v and geopotential height on ${levelValues.length} isobaric level(s) ${formatList(levelValues.map((pa) => pa / 100))} hPa`
    : surface === 'above-ground'
      ? `wind at ${formatList(levelValues)} m above ground, used as a stand-in for the same height above mean sea level (the file has no terrain)`
      : `wind at ${formatList(levelValues)} m above mean sea level`;
  const when =
    times.length === 1
      ? `valid ${isoTime(times[0], 'minutes')}`
      : `${times.length} times ${isoTime(times[0], 'minutes')} to ${isoTime(times[times.length - 1], 'minutes')}`;
  const where = `${lon.count}×${lat.count} points every ${g.dx}°×${g.dy}° from ${lon.start}° E, ${lat.start}° N`;
  return {
    lon,
    lat,
    levels,
    timesSec: times,
    u,
    v,
    warnings:
      runs.size > 1
        ? [
            `the wind mixes ${runs.size} forecast runs (${runList}), allowed by mixedRuns: times of different runs are interpolated as one forecast`,
          ]
        : [],
    description: `grib2json ${source}${ref.centerName ? ` (${ref.centerName})` : ''}: ${what}; ${where}; ${when}`,
    // Format and files are set by decodeWind, which knows the file's bytes.
    source: {
      format: 'grib2json',
      illustrative: false,
      files: [],
      referenceTimes: [...runs.keys()].sort((a, b) => a - b).map((t) => isoTime(t)),
      levelType: surface,
      producer: ref.producer,
    },
  };
}

export interface WriteGrib2JsonOptions {
  /**
   * Reference time (s since the Unix epoch) written as refTime; forecastTime is the whole number of hours
   * from it to each valid time. Default: the first valid time.
   */
  refTimeSec?: number;
  /**
   * Surface type for altitude levels: 'above-sea' (GRIB2 type 102, the default, since GridWindInit
   * altitudes are above mean sea level) or 'above-ground' (103, e.g. to give back a 10 m wind as read).
   */
  altitudeSurface?: 'above-sea' | 'above-ground';
  /**
   * Write only this level / time (indices into the field). earth and leaflet-velocity draw one u/v pair:
   * earth takes the first two records, leaflet-velocity the last u and the last v it finds.
   */
  levelIndex?: number;
  timeIndex?: number;
}

/** The shortest decimal that reads back as the same float32: compact output, exact round trip. */
function float32Number(x: number): number {
  const f = Math.fround(x);
  for (let digits = 1; digits < 9; digits++) {
    const y = Number(f.toPrecision(digits));
    if (Math.fround(y) === f) return y;
  }
  return f;
}

function pick(count: number, index: number | undefined, name: string): number[] {
  if (index === undefined) return Array.from({ length: count }, (_, i) => i);
  if (!(Number.isInteger(index) && index >= 0 && index < count))
    invalid(name, `must be an integer from 0 to ${count - 1}`, index);
  return [index];
}

/**
 * Writes a gridded field as grib2json records that earth and leaflet-velocity accept: for each valid time
 * and level a u record, a v record and, on isobaric levels, a geopotential height record, with the header
 * fields grib2json writes and data in scan mode 0 (rows west to east, from north to south). Fields that
 * describe a GRIB message we did not write are honest placeholders: gribLength 0, centre 255 (missing),
 * production status 255 (missing).
 */
export function writeGrib2Json(field: GridWindInit, options: WriteGrib2JsonOptions = {}): Grib2JsonRecord[] {
  const { lon, lat, levels, timesSec } = field;
  const nx = lon.count;
  const ny = lat.count;
  const nLevels = levels.kind === 'pressure' ? levels.pressuresHpa.length : levels.altitudesM.length;
  const layer = nx * ny;
  const nodes = layer * nLevels * timesSec.length;
  for (const name of ['u', 'v'] as const)
    if (field[name].length !== nodes)
      invalid(`${name}.length`, `must be ${nodes} (lon × lat × levels × times)`, field[name].length);
  if (levels.kind === 'pressure' && levels.geopotentialHeightM.length !== nodes)
    invalid('geopotentialHeightM.length', `must be ${nodes}`, levels.geopotentialHeightM.length);
  const refTimeSec = options.refTimeSec ?? timesSec[0];
  if (!Number.isFinite(refTimeSec)) invalid('refTimeSec', 'must be a finite number', refTimeSec);

  // Scan mode 0: first point in the north-west, i eastward, j southward.
  const eastward = lon.step >= 0;
  const southward = lat.step <= 0;
  const lo1 = eastward ? lon.start : lon.start + (nx - 1) * lon.step;
  const la1 = southward ? lat.start : lat.start + (ny - 1) * lat.step;
  const dx = Math.abs(lon.step);
  const dy = Math.abs(lat.step);
  const surface =
    levels.kind === 'pressure' ? SURFACES.isobaric : SURFACES[options.altitudeSurface ?? 'above-sea'];

  const scanOrder = (src: Float32Array, offset: number, name: string): number[] => {
    const out = new Array<number>(layer);
    for (let j = 0; j < ny; j++) {
      const srcJ = southward ? j : ny - 1 - j;
      for (let i = 0; i < nx; i++) {
        const index = offset + srcJ * nx + (eastward ? i : nx - 1 - i);
        const x = src[index];
        if (!Number.isFinite(x)) invalid(`${name}[${index}]`, 'must be a finite number', x);
        out[j * nx + i] = float32Number(x);
      }
    }
    return out;
  };

  const records: Grib2JsonRecord[] = [];
  for (const n of pick(timesSec.length, options.timeIndex, 'timeIndex')) {
    const forecastHours = (timesSec[n] - refTimeSec) / 3600;
    // Viewers add forecastTime to refTime as whole hours (Date.setHours).
    if (!(Number.isInteger(forecastHours) && forecastHours >= 0))
      invalid(
        `timesSec[${n}]`,
        `must be a whole number of hours at or after refTime ${isoTimeText(refTimeSec, 'minutes')}`,
        timesSec[n],
      );
    for (const k of pick(nLevels, options.levelIndex, 'levelIndex')) {
      const offset = (n * nLevels + k) * layer;
      const surfaceValue = levels.kind === 'pressure' ? levels.pressuresHpa[k] * 100 : levels.altitudesM[k];
      const components: [Kind, Float32Array][] = [
        ['u', field.u],
        ['v', field.v],
      ];
      if (levels.kind === 'pressure') components.push(['gh', levels.geopotentialHeightM]);
      for (const [kind, values] of components) {
        const p = PARAMETERS.find((q) => q.kind === kind)!;
        records.push({
          header: {
            discipline: 0,
            disciplineName: 'Meteorological products',
            gribEdition: 2,
            gribLength: 0, // no GRIB message behind this record
            center: 255,
            centerName: 'Missing',
            subcenter: 0,
            refTime: isoTime(refTimeSec),
            significanceOfRT: 1,
            significanceOfRTName: 'Start of forecast',
            productStatus: 255,
            productStatusName: 'Missing',
            productType: 1,
            productTypeName: 'Forecast products',
            productDefinitionTemplate: 0,
            productDefinitionTemplateName: 'Analysis/forecast at horizontal level/layer at a point in time',
            parameterCategory: p.category,
            parameterCategoryName: p.categoryName,
            parameterNumber: p.number,
            parameterNumberName: p.name,
            parameterUnit: p.unit,
            genProcessType: 2,
            genProcessTypeName: 'Forecast',
            forecastTime: forecastHours,
            surface1Type: surface.code,
            surface1TypeName: surface.name,
            surface1Value: surfaceValue,
            surface2Type: 255,
            surface2TypeName: 'Missing',
            surface2Value: 0,
            gridDefinitionTemplate: 0,
            gridDefinitionTemplateName: 'Latitude_Longitude',
            numberPoints: layer,
            // The sphere NCEP's GFS declares; a latitude/longitude grid's values do not depend on it.
            shape: 6,
            shapeName: 'Earth spherical with radius of 6,371,229.0 m',
            gridUnits: 'degrees',
            resolution: 48, // increments given; u and v relative to east and north
            winds: 'true',
            scanMode: 0,
            nx,
            ny,
            basicAngle: 0,
            subDivisions: 0,
            lo1,
            la1,
            lo2: lo1 + (nx - 1) * dx,
            la2: la1 - (ny - 1) * dy,
            dx,
            dy,
          },
          data: scanOrder(values, offset, kind === 'gh' ? 'geopotentialHeightM' : kind),
        });
      }
    }
  }
  return records;
}
