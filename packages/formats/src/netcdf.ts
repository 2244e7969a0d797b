/**
 * Wind fields from NetCDF files in the CF layout of ERA5 downloads and ecCodes' grib_to_netcdf:
 * variables u, v and z (geopotential) or gh (geopotential height) over (time, level, latitude,
 * longitude), pressure levels in hPa, latitude usually descending, values often packed as int16 with
 * scale_factor/add_offset. NetCDF3 is read with netcdfjs, NetCDF4 (HDF5) with h5wasm, loaded only
 * when an HDF5 file is met. No Node built-ins: this runs in browsers too.
 */

import type { GridAxis, GridWindInit } from '@balloon-sim/sim-core';
import {
  checkLonLatBox,
  DecodeError,
  InputError,
  invalid,
  isoTime,
  type LonLatBox,
  maxOf,
  minOf,
  STANDARD_GRAVITY_M_S2,
} from '@balloon-sim/sim-core';
import { cfTimesToUnixSec, parseCfTimeUnits } from './netcdf/cf-time.js';
import { openClassic } from './netcdf/classic.js';
import { openHdf5 } from './netcdf/hdf5.js';
import {
  type NcAttributeValue,
  type NcFile,
  type NcRange,
  type NcVariable,
  numbersOf,
  textOf,
} from './netcdf/model.js';

export interface NetcdfWindOptions {
  /** File name or URL, used in error messages and the field's description. */
  source: string;
  /** Read only this box (degrees), widened to the enclosing grid nodes so that the field covers it. */
  bbox?: LonLatBox;
}

export interface NetcdfVariableInfo {
  name: string;
  dims: string[];
  shape: number[];
  /** Stored type: byte, short, int, float, double… */
  type: string;
  units?: string;
  standardName?: string;
  longName?: string;
  /** Present when values are stored packed: value = stored · scaleFactor + addOffset. */
  packing?: { scaleFactor: number; addOffset: number };
  /** Stored values that mean "no data" (_FillValue, missing_value). */
  fillValues?: number[];
}

export interface NetcdfDescription {
  source: string;
  format: string;
  dimensions: { name: string; size: number }[];
  variables: NetcdfVariableInfo[];
  /** The variables a wind read uses, or null when the file cannot give a wind field (see windProblem). */
  wind: { u: string; v: string; height: string; heightKind: 'geopotential' | 'geopotential height' } | null;
  /** Why readNetcdfWind would fail on this file. */
  windProblem?: string;
  /** Where and when the wind is given, or null with windProblem. */
  coverage: {
    lonMinDeg: number;
    lonMaxDeg: number;
    lonStepDeg: number;
    nLon: number;
    latMinDeg: number;
    latMaxDeg: number;
    latStepDeg: number;
    nLat: number;
    /** In the file's order. */
    pressuresHpa: number[];
    /** ISO 8601, UTC. */
    times: string[];
  } | null;
}

/**
 * Reads u, v and geopotential height on pressure levels into a GridWindInit (node values time-major,
 * levels and latitude in the file's order). Throws a DecodeError naming the file and the variable or
 * structure that failed; an InputError for a bbox that misses the grid.
 */
export async function readNetcdfWind(bytes: Uint8Array, options: NetcdfWindOptions): Promise<GridWindInit> {
  const { source, bbox } = options;
  if (bbox) checkLonLatBox(bbox);
  return withNcFile(bytes, source, (file) => {
    const plan = planWind(file, source);
    const selection = selectBox(plan, bbox);
    const heightFactor = plan.heightIsGeopotential ? 1 / STANDARD_GRAVITY_M_S2 : 1;
    const u = readField(file, plan.u, plan, selection, 1, source);
    const v = readField(file, plan.v, plan, selection, 1, source);
    const geopotentialHeightM = readField(file, plan.height, plan, selection, heightFactor, source);
    const { lon, lat } = selection;
    const p = plan.pressuresHpa;
    const times = plan.timesSec;
    const description =
      `NetCDF ${source} (${file.format}): ${plan.u.name}, ${plan.v.name}, ${plan.height.name} ` +
      `on ${p.length} pressure levels ${maxOf(p)}–${minOf(p)} hPa, ` +
      `${lon.count}×${lat.count} nodes from ${lon.start}° E ${lat.start}° N every ${Math.abs(lon.step)}°/${Math.abs(lat.step)}°, ` +
      `${times.length} time${times.length === 1 ? '' : 's'} from ${isoTime(times[0])}`;
    return {
      lon,
      lat,
      levels: { kind: 'pressure', pressuresHpa: p, geopotentialHeightM },
      timesSec: times,
      u,
      v,
      description,
      // Format and files are set by decodeWind (or the Node side's HDF5 reader), which know the bytes.
      source: {
        format: 'netcdf',
        illustrative: false,
        files: [],
        // CF files name no forecast run in a standard place; their global attributes say who made them.
        referenceTimes: [],
        levelType: 'isobaric',
        attributes: textAttributes(file.globalAttributes),
      },
    };
  });
}

/** Longest attribute text kept in a source (a `history` can hold a whole download request). */
const MAX_ATTRIBUTE_CHARS = 1000;

/** The text global attributes of a file (Conventions, title, institution, source, history…). */
function textAttributes(attributes: ReadonlyMap<string, NcAttributeValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of attributes) {
    const text = textOf(value);
    if (text !== undefined)
      out[name] = text.length > MAX_ATTRIBUTE_CHARS ? `${text.slice(0, MAX_ATTRIBUTE_CHARS - 1)}…` : text;
  }
  return out;
}

/** Lists a NetCDF file's dimensions and variables, and where and when its wind is, for `wind inspect`. */
export async function describeNetcdf(bytes: Uint8Array, source: string): Promise<NetcdfDescription> {
  return withNcFile(bytes, source, (file) => {
    const variables = file.variables.map(variableInfo);
    const description: NetcdfDescription = {
      source,
      format: file.format,
      dimensions: file.dimensions.map((d) => ({ ...d })),
      variables,
      wind: null,
      coverage: null,
    };
    let plan: WindPlan;
    try {
      plan = planWind(file, source);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      description.windProblem = error.message;
      return description;
    }
    description.wind = {
      u: plan.u.name,
      v: plan.v.name,
      height: plan.height.name,
      heightKind: plan.heightIsGeopotential ? 'geopotential' : 'geopotential height',
    };
    const { lonAxis, latAxis } = plan;
    const lonEnd = lonAxis.start + (lonAxis.count - 1) * lonAxis.step;
    const latEnd = latAxis.start + (latAxis.count - 1) * latAxis.step;
    description.coverage = {
      lonMinDeg: Math.min(lonAxis.start, lonEnd),
      lonMaxDeg: Math.max(lonAxis.start, lonEnd),
      lonStepDeg: Math.abs(lonAxis.step),
      nLon: lonAxis.count,
      latMinDeg: Math.min(latAxis.start, latEnd),
      latMaxDeg: Math.max(latAxis.start, latEnd),
      latStepDeg: Math.abs(latAxis.step),
      nLat: latAxis.count,
      pressuresHpa: [...plan.pressuresHpa],
      times: plan.timesSec.map((t) => isoTime(t)),
    };
    return description;
  });
}

// ---------------------------------------------------------------------------------------------------
// Opening

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // "\x89HDF\r\n\x1a\n"

function detectFormat(bytes: Uint8Array, source: string): 'classic' | 'hdf5' {
  if (bytes.length >= 4 && bytes[0] === 0x43 && bytes[1] === 0x44 && bytes[2] === 0x46) {
    // "CDF" then the version byte: 1 classic, 2 64-bit offset, 5 64-bit data (CDF-5).
    const version = bytes[3];
    if (version === 1 || version === 2) return 'classic';
    const reason =
      version === 5
        ? 'is NetCDF3 64-bit data (CDF-5), which this reader does not support (convert it with nccopy -k nc4)'
        : `has an unknown NetCDF3 version byte ${version}`;
    throw new DecodeError(reason, source, 'header', 3);
  }
  // HDF5 may be preceded by a user block of 512·2ⁿ bytes; netCDF-4 writes none, but other tools may.
  for (const at of [0, 512, 1024, 2048]) {
    if (bytes.length >= at + 8 && HDF5_SIGNATURE.every((b, i) => bytes[at + i] === b)) return 'hdf5';
  }
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new DecodeError(
    `is not a NetCDF file: it starts with ${head ? `bytes ${head}` : 'nothing'}, ` +
      'not "CDF\\x01", "CDF\\x02" (NetCDF3) or "\\x89HDF\\r\\n\\x1a\\n" (NetCDF4/HDF5)',
    source,
    'header',
    0,
  );
}

/**
 * Opens the file, runs `use` on it synchronously and closes it. Every failure leaves as an
 * InputError (usually a DecodeError naming the part); a library's own exception is wrapped into a
 * DecodeError carrying its message.
 */
async function withNcFile<T>(bytes: Uint8Array, source: string, use: (file: NcFile) => T): Promise<T> {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError('is not bytes (a Uint8Array)', source);
  const format = detectFormat(bytes, source);
  let file: NcFile | undefined;
  try {
    file = format === 'classic' ? openClassic(bytes, source) : await openHdf5(bytes, source);
    return use(file);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DecodeError(`cannot be decoded: ${message}`, source);
  } finally {
    file?.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// Finding the wind and its coordinates

/** Names (compared case-insensitively with the name, then the CF standard_name) of each variable. */
const WIND_NAMES = {
  u: ['u', 'eastward_wind', 'u_component_of_wind'],
  v: ['v', 'northward_wind', 'v_component_of_wind'],
  gh: ['gh', 'geopotential_height', 'zg', 'hgt'],
  z: ['z', 'geopotential'],
};

type AxisRole = 'time' | 'level' | 'lat' | 'lon';
const AXIS_ORDER: readonly AxisRole[] = ['time', 'level', 'lat', 'lon'];
const AXIS_NAMES: Record<AxisRole, string> = {
  time: 'time',
  level: 'pressure level',
  lat: 'latitude',
  lon: 'longitude',
};
const AXIS_VARIABLE_NAMES: Record<AxisRole, readonly string[]> = {
  time: ['time', 'valid_time', 't'],
  level: ['level', 'pressure_level', 'isobaricinhpa', 'plev', 'lev', 'pressure', 'isobaric'],
  lat: ['latitude', 'lat'],
  lon: ['longitude', 'lon'],
};
/** Factor from a pressure unit to hPa. */
const PRESSURE_UNITS_TO_HPA: Record<string, number> = {
  hpa: 1,
  millibars: 1,
  millibar: 1,
  mbar: 1,
  mb: 1,
  pa: 0.01,
  kpa: 10,
};

interface WindPlan {
  u: NcVariable;
  v: NcVariable;
  height: NcVariable;
  heightIsGeopotential: boolean;
  /** Index of each axis among the wind variables' dimensions; -1 for a scalar coordinate (one value). */
  axisDim: Record<AxisRole, number>;
  lonDeg: Float64Array;
  latDeg: Float64Array;
  lonAxis: GridAxis;
  latAxis: GridAxis;
  pressuresHpa: number[];
  timesSec: number[];
}

function findVariable(file: NcFile, names: readonly string[]): NcVariable | undefined {
  return (
    file.variables.find((v) => names.includes(v.name.toLowerCase())) ??
    file.variables.find((v) => names.includes(textOf(v.attributes.get('standard_name'))?.toLowerCase() ?? ''))
  );
}

/** The coordinate variable of a dimension: the 1-D variable of the same name. */
function coordinateOf(file: NcFile, dim: string): NcVariable | undefined {
  return file.variables.find((v) => v.name === dim && v.dims.length === 1 && v.dims[0] === dim);
}

/** Which axis a dimension (or a scalar coordinate variable) is, from its name, standard_name and units. */
function axisRole(name: string, coordinate: NcVariable | undefined): AxisRole | undefined {
  const units = textOf(coordinate?.attributes.get('units'))?.trim().toLowerCase() ?? '';
  const standardName = textOf(coordinate?.attributes.get('standard_name'))?.toLowerCase();
  const lower = name.toLowerCase();
  if (
    standardName === 'longitude' ||
    AXIS_VARIABLE_NAMES.lon.includes(lower) ||
    /^degrees?_?e(ast)?$/.test(units)
  )
    return 'lon';
  if (
    standardName === 'latitude' ||
    AXIS_VARIABLE_NAMES.lat.includes(lower) ||
    /^degrees?_?n(orth)?$/.test(units)
  )
    return 'lat';
  if (
    standardName === 'air_pressure' ||
    AXIS_VARIABLE_NAMES.level.includes(lower) ||
    PRESSURE_UNITS_TO_HPA[units] !== undefined
  )
    return 'level';
  if (standardName === 'time' || AXIS_VARIABLE_NAMES.time.includes(lower) || / since /.test(units))
    return 'time';
  return undefined;
}

function planWind(file: NcFile, source: string): WindPlan {
  const u = findVariable(file, WIND_NAMES.u);
  const v = findVariable(file, WIND_NAMES.v);
  const names = file.variables.map((x) => x.name).join(', ') || 'none';
  if (!u || !v) {
    const missing = !u ? WIND_NAMES.u : WIND_NAMES.v;
    throw new DecodeError(
      `holds no wind: no variable named or with standard_name ${missing.join('/')} (variables: ${names})`,
      source,
      'variables',
    );
  }
  const gh = findVariable(file, WIND_NAMES.gh);
  const z = gh ? undefined : findVariable(file, WIND_NAMES.z);
  const height = gh ?? z;
  if (!height)
    throw new DecodeError(
      'holds no geopotential (z) or geopotential height (gh), which place the pressure levels in altitude ' +
        `(variables: ${names})`,
      source,
      'variables',
    );

  // Axes of u: every dimension must be one of the four, or an extra one of size 1 (an ensemble number…).
  const uPart = `variable "${u.name}"`;
  const axisDim: Record<AxisRole, number> = { time: -1, level: -1, lat: -1, lon: -1 };
  u.dims.forEach((dim, d) => {
    const role = axisRole(dim, coordinateOf(file, dim));
    if (role && axisDim[role] < 0) axisDim[role] = d;
    else if (u.shape[d] !== 1)
      throw new DecodeError(
        `has dimension "${dim}" (size ${u.shape[d]}), which is not one of time, level, latitude, longitude`,
        source,
        uPart,
      );
  });
  const dimList = `its dimensions: ${u.dims.join(', ') || 'none'}`;
  for (const role of ['lat', 'lon'] as const) {
    if (axisDim[role] < 0)
      throw new DecodeError(`has no ${AXIS_NAMES[role]} dimension (${dimList})`, source, uPart);
  }
  // A single time or level may be a scalar coordinate variable instead of a dimension.
  const scalar: Partial<Record<AxisRole, NcVariable>> = {};
  for (const role of ['time', 'level'] as const) {
    if (axisDim[role] >= 0) continue;
    scalar[role] = file.variables.find((x) => x.shape.length === 0 && axisRole(x.name, x) === role);
    if (!scalar[role])
      throw new DecodeError(
        `has no ${AXIS_NAMES[role]} dimension (${dimList}) and the file no scalar ${AXIS_NAMES[role]} coordinate`,
        source,
        uPart,
      );
  }
  const present = AXIS_ORDER.map((role) => axisDim[role]).filter((d) => d >= 0);
  if (present.some((d, n) => n > 0 && d < present[n - 1]))
    throw new DecodeError(
      `has dimensions in the order (${u.dims.join(', ')}), not (time, level, latitude, longitude)`,
      source,
      uPart,
    );
  for (const other of [v, height]) {
    if (other.dims.join() !== u.dims.join() || other.shape.join() !== u.shape.join())
      throw new DecodeError(
        `has dimensions (${describeDims(other)}), unlike ${u.name} (${describeDims(u)})`,
        source,
        `variable "${other.name}"`,
      );
  }

  const coordinate = (role: AxisRole): { variable: NcVariable; values: Float64Array } => {
    const d = axisDim[role];
    const variable = d >= 0 ? coordinateOf(file, u.dims[d]) : scalar[role]!;
    if (!variable)
      throw new DecodeError(
        'has no coordinate variable giving its values',
        source,
        `dimension "${u.dims[d]}"`,
      );
    const values = readAll(file, variable, source);
    if (!values.every(Number.isFinite))
      throw new DecodeError('holds missing or non-finite values', source, `variable "${variable.name}"`);
    return { variable, values };
  };
  const lon = coordinate('lon');
  const lat = coordinate('lat');
  const level = coordinate('level');
  const time = coordinate('time');

  const levelUnits = textOf(level.variable.attributes.get('units'))?.trim() ?? 'hPa';
  const toHpa = PRESSURE_UNITS_TO_HPA[levelUnits.toLowerCase()];
  const levelPart = `variable "${level.variable.name}"`;
  if (toHpa === undefined)
    throw new DecodeError(
      `has units "${levelUnits}", not a pressure (hPa, millibars, Pa)`,
      source,
      levelPart,
    );
  const pressuresHpa = Array.from(level.values, (p) => p * toHpa);
  if (!pressuresHpa.every((p) => p > 0)) throw new DecodeError('holds a pressure <= 0', source, levelPart);
  if (new Set(pressuresHpa).size !== pressuresHpa.length)
    throw new DecodeError('repeats a pressure level', source, levelPart);

  const timePart = `variable "${time.variable.name}"`;
  const timeUnits = textOf(time.variable.attributes.get('units'));
  if (!timeUnits)
    throw new DecodeError('has no units (expected e.g. "hours since 1900-01-01")', source, timePart);
  const parsed = parseCfTimeUnits(timeUnits, textOf(time.variable.attributes.get('calendar')));
  if (typeof parsed === 'string') throw new DecodeError(parsed, source, timePart);
  const timesSec = cfTimesToUnixSec(time.values, parsed);
  if (timesSec.some((t, n) => n > 0 && !(t > timesSec[n - 1])))
    throw new DecodeError('holds times that are not strictly increasing', source, timePart);

  return {
    u,
    v,
    height,
    heightIsGeopotential: height === z,
    axisDim,
    lonDeg: lon.values,
    latDeg: lat.values,
    lonAxis: regularAxis(lon.values, `variable "${lon.variable.name}"`, source),
    latAxis: regularAxis(lat.values, `variable "${lat.variable.name}"`, source),
    pressuresHpa,
    timesSec,
  };
}

function describeDims(variable: NcVariable): string {
  return variable.dims.map((d, n) => `${d}=${variable.shape[n]}`).join(', ');
}

/** All values of a (small, coordinate) variable, unpacked. */
function readAll(file: NcFile, variable: NcVariable, source: string): Float64Array {
  const raw = file.read(
    variable,
    variable.shape.map((n) => [0, n] as const),
  );
  if (raw.length !== variable.shape.reduce((a, b) => a * b, 1))
    throw new DecodeError(
      `gave ${raw.length} values for shape (${variable.shape})`,
      source,
      `variable "${variable.name}"`,
    );
  const unpack = unpacker(variable, 1, source);
  return Float64Array.from(raw, unpack);
}

/**
 * Checks that coordinates are evenly spaced (the grid wind needs a regular axis) and returns the axis.
 * The tolerance, 1 % of a step, passes coordinates stored as float32 (0.1° steps are not exact).
 */
function regularAxis(values: Float64Array, part: string, source: string): GridAxis {
  const count = values.length;
  if (count === 0) throw new DecodeError('is empty', source, part);
  const step = count > 1 ? (values[count - 1] - values[0]) / (count - 1) : 0;
  if (count > 1 && step === 0) throw new DecodeError('repeats one value', source, part);
  for (let n = 0; n < count; n++) {
    if (Math.abs(values[n] - (values[0] + n * step)) > 0.01 * Math.abs(step))
      throw new DecodeError(
        `is not evenly spaced (value ${n} is ${values[n]}, expected ${values[0] + n * step})`,
        source,
        part,
      );
  }
  return { start: values[0], step, count };
}

// ---------------------------------------------------------------------------------------------------
// Selecting a box and reading the fields

/** The nodes read: a latitude index range, and longitude runs with each column's place in the output. */
interface Selection {
  lon: GridAxis;
  lat: GridAxis;
  latRange: NcRange;
  lonRuns: { range: NcRange; outColumns: number[] }[];
}

function selectBox(plan: WindPlan, bbox: LonLatBox | undefined): Selection {
  const { lonDeg, latDeg, lonAxis, latAxis } = plan;
  if (!bbox) {
    const all = Array.from(lonDeg, (_, i) => i);
    return {
      lon: lonAxis,
      lat: latAxis,
      latRange: [0, latDeg.length],
      lonRuns: [{ range: [0, all.length], outColumns: all }],
    };
  }
  // Widen the box by just under one grid step, so that it takes the enclosing nodes and no more.
  const latMargin = Math.abs(latAxis.step) * (1 - 1e-9);
  const lonStep = Math.abs(lonAxis.step);
  const lonMargin = lonStep * (1 - 1e-9);
  const rows = Array.from(latDeg, (_, j) => j).filter(
    (j) => latDeg[j] >= bbox.latMin - latMargin && latDeg[j] <= bbox.latMax + latMargin,
  );
  // Longitudes are compared modulo 360, unwrapped to start at the box's west edge, so that a box
  // across 0° (or 180°) selects from both ends of the file's range.
  const west = bbox.lonMin - lonMargin;
  const east = bbox.lonMax + lonMargin;
  const unwrapped = Array.from(lonDeg, (lon) => lon - 360 * Math.floor((lon - west) / 360));
  const columns = unwrapped.map((_, i) => i).filter((i) => unwrapped[i] <= east);
  const coverage = `longitude ${minOf(lonDeg)}–${maxOf(lonDeg)}, latitude ${minOf(latDeg)}–${maxOf(latDeg)}`;
  if (rows.length === 0 || columns.length === 0)
    invalid('bbox', `must overlap the file's grid (${coverage})`, bbox);

  const ordered = [...columns].sort((a, b) => unwrapped[a] - unwrapped[b]);
  const lonValues = Float64Array.from(ordered, (i) => unwrapped[i]);
  for (let n = 1; n < lonValues.length; n++) {
    if (Math.abs(lonValues[n] - lonValues[0] - n * lonStep) > 0.01 * lonStep)
      invalid(
        'bbox',
        `selects unevenly spaced longitudes from a grid that does not go round (${coverage})`,
        bbox,
      );
  }
  const place = new Map(ordered.map((i, n) => [i, n]));
  // Runs of consecutive file indices, each read as one hyperslab.
  const lonRuns: Selection['lonRuns'] = [];
  for (const i of columns) {
    const run = lonRuns[lonRuns.length - 1];
    if (run && run.range[1] === i) {
      run.range = [run.range[0], i + 1];
      run.outColumns.push(place.get(i)!);
    } else lonRuns.push({ range: [i, i + 1], outColumns: [place.get(i)!] });
  }
  return {
    lon: { start: lonValues[0], step: lonValues.length > 1 ? lonStep : 0, count: lonValues.length },
    lat: { start: latDeg[rows[0]], step: rows.length > 1 ? latAxis.step : 0, count: rows.length },
    latRange: [rows[0], rows[rows.length - 1] + 1],
    lonRuns,
  };
}

/**
 * Stored value → physical value: stored · scale_factor + add_offset (CF packing), then · factor;
 * _FillValue and missing_value (compared with the stored value, as CF says) become NaN. Packing
 * attributes that are not finite numbers are refused: they would turn every value into NaN or
 * infinity, a field that reads as wind but is none.
 */
function unpacker(variable: NcVariable, factor: number, source: string): (stored: number) => number {
  const attribute = (name: string, fallback: number) => {
    if (!variable.attributes.has(name)) return fallback;
    const x = numbersOf(variable.attributes.get(name))[0];
    if (x === undefined || !Number.isFinite(x))
      throw new DecodeError(
        `attribute ${name} is ${x === undefined ? 'not a number' : String(x)}, not a finite number: the values cannot be unpacked`,
        source,
        `variable "${variable.name}"`,
      );
    return x;
  };
  const scale = attribute('scale_factor', 1);
  const offset = attribute('add_offset', 0);
  const fills = [
    ...numbersOf(variable.attributes.get('_FillValue')),
    ...numbersOf(variable.attributes.get('missing_value')),
  ];
  return (stored) =>
    fills.includes(stored) || Number.isNaN(stored) ? Number.NaN : (stored * scale + offset) * factor;
}

/** One wind variable over the selection, laid out ((t·nLevels + k)·nLat + j)·nLon + i. */
function readField(
  file: NcFile,
  variable: NcVariable,
  plan: WindPlan,
  selection: Selection,
  factor: number,
  source: string,
): Float32Array {
  const nx = selection.lon.count;
  // Rows of the output: every (time, level, latitude) in the file's order, the dimensions being ordered.
  const nRows = plan.timesSec.length * plan.pressuresHpa.length * selection.lat.count;
  const out = new Float32Array(nRows * nx);
  const unpack = unpacker(variable, factor, source);
  const nLat = selection.lat.count;
  const nLevels = plan.pressuresHpa.length;
  for (const run of selection.lonRuns) {
    const ranges = variable.shape.map((n, d): NcRange => {
      if (d === plan.axisDim.lat) return selection.latRange;
      if (d === plan.axisDim.lon) return run.range;
      return [0, n];
    });
    const raw = file.read(variable, ranges);
    const width = run.range[1] - run.range[0];
    if (raw.length !== nRows * width)
      throw new DecodeError(
        `gave ${raw.length} values, expected ${nRows * width}`,
        source,
        `variable "${variable.name}"`,
      );
    for (let r = 0; r < nRows; r++) {
      for (let c = 0; c < width; c++) {
        const at = r * nx + run.outColumns[c];
        out[at] = unpack(raw[r * width + c]);
        // NetCDF marks missing values with _FillValue (NaN here); an infinity is no such mark: a stored
        // infinity, or a value beyond float32 after unpacking, is a corrupted file or packing.
        if (out[at] === Number.POSITIVE_INFINITY || out[at] === Number.NEGATIVE_INFINITY) {
          const j = selection.latRange[0] + (r % nLat);
          const k = Math.floor(r / nLat) % nLevels;
          const n = Math.floor(r / (nLat * nLevels));
          throw new DecodeError(
            `value at (time ${n}, level ${k}, latitude ${j}, longitude ${run.range[0] + c}) is ${raw[r * width + c]} stored, ${out[at]} unpacked: not a finite number`,
            source,
            `variable "${variable.name}"`,
          );
        }
      }
    }
  }
  return out;
}

function variableInfo(variable: NcVariable): NetcdfVariableInfo {
  const attr = variable.attributes;
  const info: NetcdfVariableInfo = {
    name: variable.name,
    dims: [...variable.dims],
    shape: [...variable.shape],
    type: variable.type,
  };
  const units = textOf(attr.get('units'));
  if (units !== undefined) info.units = units;
  const standardName = textOf(attr.get('standard_name'));
  if (standardName !== undefined) info.standardName = standardName;
  const longName = textOf(attr.get('long_name'));
  if (longName !== undefined) info.longName = longName;
  if (attr.has('scale_factor') || attr.has('add_offset'))
    info.packing = {
      scaleFactor: numbersOf(attr.get('scale_factor'))[0] ?? 1,
      addOffset: numbersOf(attr.get('add_offset'))[0] ?? 0,
    };
  const fills = [...numbersOf(attr.get('_FillValue')), ...numbersOf(attr.get('missing_value'))];
  if (fills.length > 0) info.fillValues = [...new Set(fills)];
  return info;
}
