import { readFileSync } from 'node:fs';
import {
  DecodeError,
  type GridWindInit,
  gridWind,
  InputError,
  STANDARD_GRAVITY_M_S2,
} from '@balloon-sim/sim-core';
import { hasSharedData, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { parseCfTimeUnits } from './netcdf/cf-time.js';
import { describeNetcdf, readNetcdfWind } from './netcdf.js';
import { decodeWind } from './wind-file.js';

const NC3 = 'gfs-2p5-uvz-1000-500hPa.nc3.nc';
const NC4 = 'gfs-2p5-uvz-1000-500hPa.nc4.nc';
const load = (name: string) => new Uint8Array(readFileSync(sharedDataPath('netcdf', name)));
/** Valid time of the GFS file: run 2011-01-10 12 UTC + 120 h. */
const VALID_TIME_SEC = Date.parse('2011-01-15T12:00:00Z') / 1000;

/** The error a promise rejects with, checked to be a DecodeError naming the file and `part`. */
async function decodeError(promise: Promise<unknown>, source: string, part?: string): Promise<DecodeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DecodeError);
  const decode = error as DecodeError;
  expect(decode.source).toBe(source);
  expect(decode.message).toContain(source);
  if (part !== undefined) expect(decode.part).toBe(part);
  return decode;
}

const nLevels = (f: GridWindInit) => (f.levels.kind === 'pressure' ? f.levels.pressuresHpa.length : 0);
/** Index of node (i along lon, j along lat, level k, time n). */
const node = (f: GridWindInit, i: number, j: number, k: number, n = 0) =>
  ((n * nLevels(f) + k) * f.lat.count + j) * f.lon.count + i;
const heightOf = (f: GridWindInit) => {
  if (f.levels.kind !== 'pressure') throw new Error('expected pressure levels');
  return f.levels.geopotentialHeightM;
};

// -------------------------------------------------------------------------------------------------
// A minimal NetCDF3 classic writer, written from the format specification, for files the shared
// data do not have (netcdfjs only reads). Numbers are stored big-endian as float (or the type given);
// numeric attributes as double, text attributes as char.

type NcType = 'short' | 'int' | 'float' | 'double';
interface TestVariable {
  name: string;
  dims: string[];
  type?: NcType;
  attrs?: Record<string, string | number | number[]>;
  data?: number[];
}
const NC_TYPE: Record<NcType, [code: number, bytes: number]> = {
  short: [3, 2],
  int: [4, 4],
  float: [5, 4],
  double: [6, 8],
};

/** Dimensions with size 0 are the record (unlimited) dimension, holding `numRecords` records. */
function netcdf3(dims: [string, number][], variables: TestVariable[], numRecords = 0): Uint8Array {
  const head: number[] = [];
  const u32 = (n: number) => head.push((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
  const pad = () => {
    while (head.length % 4) head.push(0);
  };
  const name = (s: string) => {
    u32(s.length);
    for (const c of s) head.push(c.charCodeAt(0));
    pad();
  };
  const sizeOf = (d: string) => {
    const size = dims.find(([n]) => n === d)![1];
    return size === 0 ? numRecords : size;
  };
  const isRecord = (v: TestVariable) => v.dims.length > 0 && dims.find(([n]) => n === v.dims[0])![1] === 0;
  // Bytes of a variable (of one record, for a record variable), padded to 4 as "vsize" is.
  const sliceBytes = (v: TestVariable) =>
    v.dims.slice(isRecord(v) ? 1 : 0).reduce((a, d) => a * sizeOf(d), NC_TYPE[v.type ?? 'float'][1]);
  const vsize = (v: TestVariable) => Math.ceil(sliceBytes(v) / 4) * 4;

  head.push(0x43, 0x44, 0x46, 1); // "CDF", version 1 (classic)
  u32(numRecords);
  u32(10); // NC_DIMENSION
  u32(dims.length);
  for (const [n, size] of dims) {
    name(n);
    u32(size);
  }
  u32(0); // no global attributes: ABSENT = ZERO ZERO
  u32(0);
  u32(11); // NC_VARIABLE
  u32(variables.length);
  const beginAt: number[] = [];
  for (const v of variables) {
    name(v.name);
    u32(v.dims.length);
    for (const d of v.dims) u32(dims.findIndex(([n]) => n === d));
    const attrs = Object.entries(v.attrs ?? {});
    if (attrs.length === 0) {
      u32(0);
      u32(0);
    } else {
      u32(12); // NC_ATTRIBUTE
      u32(attrs.length);
      for (const [key, value] of attrs) {
        name(key);
        if (typeof value === 'string') {
          u32(2); // NC_CHAR
          name(value); // same layout as a name: count, chars, padding
        } else {
          const values = typeof value === 'number' ? [value] : value;
          u32(6); // NC_DOUBLE
          u32(values.length);
          for (const x of values) {
            const b = new Uint8Array(8);
            new DataView(b.buffer).setFloat64(0, x);
            head.push(...b);
          }
        }
      }
    }
    u32(NC_TYPE[v.type ?? 'float'][0]);
    u32(vsize(v));
    beginAt.push(head.length);
    u32(0); // begin, filled in below
  }
  // Data: non-record variables one after the other, then the records (a slice of each record variable).
  const fixed = variables.filter((v) => !isRecord(v));
  const records = variables.filter(isRecord);
  const recordBytes =
    records.length === 1 ? sliceBytes(records[0]) : records.reduce((a, v) => a + vsize(v), 0);
  let offset = head.length;
  const begin = new Map<TestVariable, number>();
  for (const v of fixed) {
    begin.set(v, offset);
    offset += vsize(v);
  }
  const recordStart = offset;
  for (const v of records) {
    begin.set(v, offset);
    offset += vsize(v);
  }
  const bytes = new Uint8Array(recordStart + recordBytes * numRecords);
  bytes.set(head);
  const view = new DataView(bytes.buffer);
  variables.forEach((v, n) => {
    view.setUint32(beginAt[n], begin.get(v)!);
  });
  for (const v of variables) {
    const [, size] = NC_TYPE[v.type ?? 'float'];
    const perSlice = sliceBytes(v) / size;
    (v.data ?? []).forEach((x, e) => {
      const at = isRecord(v)
        ? begin.get(v)! + Math.floor(e / perSlice) * recordBytes + (e % perSlice) * size
        : begin.get(v)! + e * size;
      if (v.type === 'short') view.setInt16(at, x);
      else if (v.type === 'int') view.setInt32(at, x);
      else if (v.type === 'double') view.setFloat64(at, x);
      else view.setFloat32(at, x);
    });
  }
  return bytes;
}

/**
 * A small ERA5-like file: 3 lon × 2 lat × 2 levels × 2 times, time as the record dimension, levels in
 * Pa, geopotential z (m²/s²), variables found by standard_name, one u value missing.
 */
function syntheticEra5(
  options: { dropLatitude?: boolean; vDims?: string[]; uAttrs?: Record<string, number> } = {},
) {
  const nodes = 3 * 2 * 2 * 2;
  const u = Array.from({ length: nodes }, (_, e) => e - 10);
  u[5] = -32767; // _FillValue
  const windDims = options.dropLatitude
    ? ['time', 'level', 'longitude']
    : ['time', 'level', 'latitude', 'longitude'];
  const count = options.dropLatitude ? nodes / 2 : nodes;
  return netcdf3(
    [
      ['longitude', 3],
      ['latitude', 2],
      ['level', 2],
      ['time', 0],
    ],
    [
      { name: 'longitude', dims: ['longitude'], attrs: { units: 'degrees_east' }, data: [-10, 0, 10] },
      { name: 'latitude', dims: ['latitude'], attrs: { units: 'degrees_north' }, data: [50, 55] },
      { name: 'level', dims: ['level'], type: 'int', attrs: { units: 'Pa' }, data: [85_000, 50_000] },
      {
        name: 'time',
        dims: ['time'],
        type: 'double',
        attrs: { units: 'days since 2020-08-04T12:00:00Z', calendar: 'proleptic_gregorian' },
        data: [0, 0.25],
      },
      {
        name: 'eastward',
        dims: windDims,
        type: 'short',
        attrs: {
          standard_name: 'eastward_wind',
          scale_factor: 0.5,
          add_offset: 1,
          _FillValue: -32767,
          ...options.uAttrs,
        },
        data: u.slice(0, count),
      },
      {
        name: 'northward',
        dims: options.vDims ?? windDims,
        attrs: { standard_name: 'northward_wind', units: 'm s**-1' },
        data: Array.from({ length: count }, (_, e) => e / 4),
      },
      {
        name: 'z',
        dims: windDims,
        attrs: { units: 'm**2 s**-2' },
        data: Array.from({ length: count }, (_, e) => (e % 12 < 6 ? 1500 : 5500) * STANDARD_GRAVITY_M_S2),
      },
    ],
    2,
  );
}

/**
 * A NetCDF4 file laid out as the new ERA5 (CDS, 2024–) downloads are, written with h5wasm the way
 * h5netcdf writes: HDF5 dimension scales but no netCDF-C _Netcdf4Coordinates, unpacked float32 values
 * with _FillValue NaN, int64 valid_time in seconds since 1970, pressure_level in hPa, geopotential z.
 */
async function hdf5Era5(): Promise<Uint8Array> {
  const h5 = await import('h5wasm');
  const { FS } = await h5.ready;
  const path = '/test-era5.nc';
  const file = new h5.File(path, 'w');
  const coordinates: [string, Float64Array | BigInt64Array, string][] = [
    ['valid_time', new BigInt64Array([1_596_542_400n, 1_596_564_000n]), 'seconds since 1970-01-01'],
    ['pressure_level', new Float64Array([500, 850]), 'hPa'],
    ['latitude', new Float64Array([55, 54.75]), 'degrees_north'],
    ['longitude', new Float64Array([23, 23.25, 23.5]), 'degrees_east'],
  ];
  for (const [name, data, units] of coordinates) {
    const dataset = file.create_dataset({ name, data });
    dataset.create_attribute('units', units);
    dataset.make_scale(name);
  }
  const values = (f: (e: number) => number) => Float32Array.from({ length: 24 }, (_, e) => f(e));
  const fields: [string, Float32Array][] = [
    ['u', values((e) => (e === 7 ? Number.NaN : e))],
    ['v', values((e) => -e)],
    ['z', values((e) => (e % 12 < 6 ? 5500 : 1500) * STANDARD_GRAVITY_M_S2)],
  ];
  for (const [name, data] of fields) {
    const dataset = file.create_dataset({ name, data, shape: [2, 2, 2, 3] });
    dataset.create_attribute('_FillValue', new Float32Array([Number.NaN]));
    coordinates.forEach(([scale], d) => {
      dataset.attach_scale(d, scale);
    });
  }
  file.create_dataset({ name: 'number', data: new BigInt64Array([0n]), shape: [] });
  file.close();
  const bytes = FS!.readFile(path);
  FS!.unlink(path);
  return bytes;
}

// -------------------------------------------------------------------------------------------------

describe('CF time units', () => {
  it('reads seconds/minutes/hours/days since a date, with or without time of day, T or space', () => {
    const epoch = (units: string) => {
      const parsed = parseCfTimeUnits(units);
      if (typeof parsed === 'string') throw new Error(parsed);
      return [parsed.secondsPerUnit, parsed.epochSec];
    };
    expect(epoch('hours since 1900-01-01 00:00:00.0')).toEqual([
      3600,
      Date.parse('1900-01-01T00:00:00Z') / 1000,
    ]);
    expect(epoch('seconds since 1970-01-01')).toEqual([1, 0]);
    expect(epoch('minutes since 2020-08-04T12:30:00Z')).toEqual([
      60,
      Date.parse('2020-08-04T12:30:00Z') / 1000,
    ]);
    expect(epoch('days since 2000-1-1 0:0:0')).toEqual([86_400, Date.parse('2000-01-01T00:00:00Z') / 1000]);
    expect(epoch('hours since 1970-01-01 02:00:00 +02:00')).toEqual([3600, 0]);
    expect(epoch('hours since 0001-01-01')[1]).toBe(Date.parse('0001-01-01T00:00:00Z') / 1000);
  });

  it('refuses what it cannot read as a reason, not an exception', () => {
    expect(parseCfTimeUnits('hours after 1900-01-01')).toMatch(/not CF time units/);
    expect(parseCfTimeUnits('fortnights since 1900-01-01')).toMatch(/not seconds, minutes/);
    expect(parseCfTimeUnits('days since 2000-01-01', 'noleap')).toMatch(/calendar "noleap"/);
  });
});

describe('readNetcdfWind on NetCDF3 files written by the test', () => {
  it('reads an ERA5-like file: record time, Pa levels, geopotential, standard names, a missing value', async () => {
    const f = await readNetcdfWind(syntheticEra5(), { source: 'era5.nc' });
    expect(f.lon).toEqual({ start: -10, step: 10, count: 3 });
    expect(f.lat).toEqual({ start: 50, step: 5, count: 2 });
    expect(f.levels.kind).toBe('pressure');
    if (f.levels.kind !== 'pressure') return;
    expect(f.levels.pressuresHpa).toEqual([850, 500]);
    expect(f.timesSec).toEqual([
      Date.parse('2020-08-04T12:00:00Z') / 1000,
      Date.parse('2020-08-04T18:00:00Z') / 1000,
    ]);
    // Record layout: node e of every variable is the e-th value written, time-major like the output.
    expect(f.u[0]).toBe(-10 * 0.5 + 1);
    expect(f.u[23]).toBe(13 * 0.5 + 1);
    expect(f.u[5]).toBeNaN();
    expect(f.v[17]).toBe(17 / 4);
    // Geopotential (m²/s²) / g = geopotential height (m); float32 storage of z·g rounds to ~1e-4 m.
    expect(f.levels.geopotentialHeightM[0]).toBeCloseTo(1500, 3);
    expect(f.levels.geopotentialHeightM[23]).toBeCloseTo(5500, 3);
    expect(f.description).toContain('eastward, northward, z on 2 pressure levels 850–500 hPa');

    const d = await describeNetcdf(syntheticEra5(), 'era5.nc');
    expect(d.format).toBe('NetCDF3 classic');
    expect(d.wind).toEqual({ u: 'eastward', v: 'northward', height: 'z', heightKind: 'geopotential' });
    expect(d.dimensions).toEqual([
      { name: 'longitude', size: 3 },
      { name: 'latitude', size: 2 },
      { name: 'level', size: 2 },
      { name: 'time', size: 2 },
    ]);
    expect(d.variables.find((v) => v.name === 'eastward')).toMatchObject({
      type: 'short',
      dims: ['time', 'level', 'latitude', 'longitude'],
      packing: { scaleFactor: 0.5, addOffset: 1 },
      fillValues: [-32767],
    });
    expect(d.coverage).toMatchObject({ lonMinDeg: -10, lonMaxDeg: 10, latMinDeg: 50, latMaxDeg: 55 });
    expect(d.coverage?.times).toEqual(['2020-08-04T12:00:00.000Z', '2020-08-04T18:00:00.000Z']);
  });

  it('refuses a file with no wind variables (one dimension, one temperature variable)', async () => {
    const bytes = netcdf3(
      [['x', 3]],
      [{ name: 't', dims: ['x'], attrs: { units: 'K' }, data: [280, 281, 282] }],
    );
    const error = await decodeError(
      readNetcdfWind(bytes, { source: 'temperature.nc' }),
      'temperature.nc',
      'variables',
    );
    expect(error.reason).toMatch(/holds no wind.*variables: t\)/);
    // The description still lists the file, and says why it gives no wind.
    const d = await describeNetcdf(bytes, 'temperature.nc');
    expect(d.variables).toEqual([{ name: 't', dims: ['x'], shape: [3], type: 'float', units: 'K' }]);
    expect(d.wind).toBeNull();
    expect(d.windProblem).toContain('holds no wind');
  });

  it('refuses wind without a latitude dimension, and wind variables of different shapes', async () => {
    const noLat = await decodeError(
      readNetcdfWind(syntheticEra5({ dropLatitude: true }), { source: 'a.nc' }),
      'a.nc',
      'variable "eastward"',
    );
    expect(noLat.reason).toMatch(/has no latitude dimension/);
    const shapes = await decodeError(
      readNetcdfWind(syntheticEra5({ vDims: ['time', 'level', 'longitude', 'latitude'] }), {
        source: 'b.nc',
      }),
      'b.nc',
      'variable "northward"',
    );
    expect(shapes.reason).toMatch(/unlike eastward/);
  });

  it('refuses wrong magic bytes and CDF-5, naming the header and offset', async () => {
    const grib = new TextEncoder().encode('GRIB\0\0\0\x02 not netcdf');
    const wrong = await decodeError(readNetcdfWind(grib, { source: 'x.grib2' }), 'x.grib2', 'header');
    expect(wrong.offset).toBe(0);
    expect(wrong.reason).toMatch(/is not a NetCDF file: it starts with bytes 47 52 49 42/);
    await decodeError(readNetcdfWind(new Uint8Array(0), { source: 'empty.nc' }), 'empty.nc', 'header');
    const cdf5 = await decodeError(
      readNetcdfWind(new Uint8Array([0x43, 0x44, 0x46, 5, 0, 0, 0, 0]), { source: 'c5.nc' }),
      'c5.nc',
      'header',
    );
    expect(cdf5.reason).toMatch(/CDF-5/);
  });
});

describe('readNetcdfWind on a NetCDF4 file written by the test with h5wasm', () => {
  it('reads the new ERA5 layout: dimension scales only, float32, int64 seconds, hPa, z', async () => {
    const f = await readNetcdfWind(await hdf5Era5(), { source: 'era5-new.nc' });
    expect(f.lon).toEqual({ start: 23, step: 0.25, count: 3 });
    expect(f.lat).toEqual({ start: 55, step: -0.25, count: 2 });
    expect(f.timesSec).toEqual([1_596_542_400, 1_596_564_000]);
    expect(f.levels.kind === 'pressure' && f.levels.pressuresHpa).toEqual([500, 850]);
    expect(f.u[6]).toBe(6);
    expect(f.u[7]).toBeNaN(); // _FillValue NaN
    expect(f.v[23]).toBe(-23);
    expect(heightOf(f)[0]).toBeCloseTo(5500, 3);
    expect(heightOf(f)[6]).toBeCloseTo(1500, 3);
    const d = await describeNetcdf(await hdf5Era5(), 'era5-new.nc');
    expect(d.format).toBe('NetCDF4/HDF5');
    expect(d.variables.find((v) => v.name === 'u')?.dims).toEqual([
      'valid_time',
      'pressure_level',
      'latitude',
      'longitude',
    ]);
    expect(d.variables.find((v) => v.name === 'valid_time')?.type).toBe('int64');
    expect(d.coverage?.times).toEqual(['2020-08-04T12:00:00.000Z', '2020-08-04T18:00:00.000Z']);
  });
});

describe.runIf(hasSharedData)('readNetcdfWind on the GFS 2.5° NetCDF files (../shared/data/netcdf)', () => {
  it('reads NetCDF3 and NetCDF4 to the same field', async () => {
    const f3 = await readNetcdfWind(load(NC3), { source: NC3 });
    const f4 = await readNetcdfWind(load(NC4), { source: NC4 });
    for (const f of [f3, f4]) {
      expect(f.lon).toEqual({ start: 0, step: 2.5, count: 144 });
      expect(f.lat).toEqual({ start: 90, step: -2.5, count: 73 }); // descending, as stored
      expect(f.levels.kind === 'pressure' && f.levels.pressuresHpa).toEqual([
        500, 550, 600, 650, 700, 750, 800, 850, 900, 925, 950, 975, 1000,
      ]);
      expect(f.timesSec).toEqual([VALID_TIME_SEC]);
      expect(f.u.length).toBe(144 * 73 * 13);
    }
    expect(f3.description).toContain('NetCDF3 64-bit offset');
    expect(f4.description).toContain('NetCDF4/HDF5');
    // Same int16 values and packing attributes, unpacked the same way: identical to the bit (the
    // bound allows float32 rounding should the two ever unpack in different orders).
    for (const [a, b] of [
      [f3.u, f4.u],
      [f3.v, f4.v],
      [heightOf(f3), heightOf(f4)],
    ]) {
      let maxRelative = 0;
      for (let e = 0; e < a.length; e++)
        maxRelative = Math.max(maxRelative, Math.abs(a[e] - b[e]) / Math.max(1, Math.abs(a[e])));
      expect(maxRelative).toBeLessThanOrEqual(2 ** -24);
      expect(Array.from(a).every(Number.isFinite)).toBe(true);
    }
  });

  it('describes both files: dimensions, variables with packing, coverage', async () => {
    for (const name of [NC3, NC4]) {
      const d = await describeNetcdf(load(name), name);
      expect(d.format).toBe(name === NC3 ? 'NetCDF3 64-bit offset' : 'NetCDF4/HDF5');
      expect(d.dimensions).toEqual([
        { name: 'longitude', size: 144 },
        { name: 'latitude', size: 73 },
        { name: 'level', size: 13 },
        { name: 'time', size: 1 },
      ]);
      expect(d.variables.map((v) => v.name)).toEqual(
        name === NC3
          ? ['longitude', 'latitude', 'level', 'time', 'gh', 'u', 'v']
          : expect.arrayContaining(['longitude', 'latitude', 'level', 'time', 'gh', 'u', 'v']),
      );
      const u = d.variables.find((v) => v.name === 'u');
      expect(u).toMatchObject({
        dims: ['time', 'level', 'latitude', 'longitude'],
        shape: [1, 13, 73, 144],
        type: 'short',
        units: 'm s**-1',
        standardName: 'eastward_wind',
        fillValues: [-32767],
      });
      expect(u?.packing?.scaleFactor).toBeCloseTo(0.001708452230174111, 15);
      expect(d.variables.find((v) => v.name === 'level')?.units).toBe('millibars');
      expect(d.wind).toEqual({ u: 'u', v: 'v', height: 'gh', heightKind: 'geopotential height' });
      expect(d.coverage).toEqual({
        lonMinDeg: 0,
        lonMaxDeg: 357.5,
        lonStepDeg: 2.5,
        nLon: 144,
        latMinDeg: -90,
        latMaxDeg: 90,
        latStepDeg: 2.5,
        nLat: 73,
        pressuresHpa: [500, 550, 600, 650, 700, 750, 800, 850, 900, 925, 950, 975, 1000],
        times: ['2011-01-15T12:00:00.000Z'],
      });
    }
  });

  // Every u, v, gh row of the ecCodes CSV: the NetCDF files were made from the same GRIB2 file by
  // grib_to_netcdf, which packs each variable into int16 as round((x − add_offset) / scale_factor).
  // Unpacking therefore returns x to within half a packing step, scale_factor / 2 (0.00085 m/s for u,
  // 0.047 m for gh), plus the rounding of our float32 output (half an ulp, ≤ |x|·2⁻²⁴). For a file
  // holding geopotential z instead of gh, the step is in m²/s² and becomes scale_factor / 2 / g in m.
  it.each([NC3, NC4])('matches the ecCodes reference values of the GRIB2 source (%s)', async (name) => {
    const bytes = load(name);
    const d = await describeNetcdf(bytes, name);
    const f = await readNetcdfWind(bytes, { source: name });
    const heightVariable = d.variables.find((v) => v.name === d.wind?.height)!;
    const heightStepM =
      heightVariable.packing!.scaleFactor /
      (d.wind?.heightKind === 'geopotential' ? STANDARD_GRAVITY_M_S2 : 1);
    const stepOf: Record<string, number> = {
      u: d.variables.find((v) => v.name === d.wind?.u)!.packing!.scaleFactor,
      v: d.variables.find((v) => v.name === d.wind?.v)!.packing!.scaleFactor,
      gh: heightStepM,
    };
    const fieldOf: Record<string, Float32Array> = { u: f.u, v: f.v, gh: heightOf(f) };
    const pressures = f.levels.kind === 'pressure' ? f.levels.pressuresHpa : [];
    const rows = readFileSync(sharedDataPath('gfs-2p5', 'reference-ecCodes-region.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','))
      .filter(([shortName]) => shortName in fieldOf);
    const maxError: Record<string, number> = { u: 0, v: 0, gh: 0 };
    for (const [shortName, level, lat, lon, value] of rows) {
      const i = Math.round((Number(lon) - f.lon.start) / f.lon.step);
      const j = Math.round((Number(lat) - f.lat.start) / f.lat.step);
      const k = pressures.indexOf(Number(level));
      expect(f.lon.start + i * f.lon.step).toBe(Number(lon));
      expect(f.lat.start + j * f.lat.step).toBe(Number(lat));
      expect(k).toBeGreaterThanOrEqual(0);
      const reference = Number(value);
      const error = Math.abs(fieldOf[shortName][node(f, i, j, k)] - reference);
      expect(error).toBeLessThanOrEqual(stepOf[shortName] / 2 + Math.abs(reference) * 2 ** -24);
      maxError[shortName] = Math.max(maxError[shortName], error);
    }
    expect(rows.length).toBe(3 * 13 * 5 * 5); // u, v, gh × 13 levels × 5 latitudes × 5 longitudes
    console.info(
      `${name}: ${rows.length} rows compared, max |error| u ${maxError.u.toExponential(2)} m/s,`,
      `v ${maxError.v.toExponential(2)} m/s, gh ${maxError.gh.toExponential(2)} m`,
    );
  });

  it('builds a field that returns each node value at the node (lon, lat, its geopotential height, time)', async () => {
    const f = await readNetcdfWind(load(NC3), { source: NC3 });
    const field = gridWind(f);
    const gh = heightOf(f);
    const out = new Float64Array(2);
    let maxError = 0;
    for (let k = 0; k < nLevels(f); k++) {
      for (let j = 0; j < f.lat.count; j++) {
        for (let i = 0; i < f.lon.count; i++) {
          const e = node(f, i, j, k);
          field.sample(f.lon.start + i * f.lon.step, f.lat.start + j * f.lat.step, gh[e], f.timesSec[0], out);
          maxError = Math.max(maxError, Math.abs(out[0] - f.u[e]), Math.abs(out[1] - f.v[e]));
        }
      }
    }
    // Exact but for the weights of neighbours at a node, which are zero to within 1e-15 or so.
    expect(maxError).toBeLessThan(1e-9);
  });

  it('reads a bbox: the enclosing nodes only, across 0° too, the same values as the whole grid', async () => {
    const bytes = load(NC4);
    const whole = await readNetcdfWind(bytes, { source: NC4 });
    const box = await readNetcdfWind(bytes, {
      source: NC4,
      bbox: { lonMin: 20.1, lonMax: 29.9, latMin: 50.1, latMax: 59.9 },
    });
    expect(box.lon).toEqual({ start: 20, step: 2.5, count: 5 });
    expect(box.lat).toEqual({ start: 60, step: -2.5, count: 5 });
    const across = await readNetcdfWind(load(NC3), {
      source: NC3,
      bbox: { lonMin: -5, lonMax: 5, latMin: -90, latMax: -85 },
    });
    expect(across.lon).toEqual({ start: -5, step: 2.5, count: 5 });
    expect(across.lat).toEqual({ start: -85, step: -2.5, count: 3 });
    for (let k = 0; k < 13; k++) {
      for (let j = 0; j < 5; j++) {
        for (let i = 0; i < 5; i++) {
          const e = node(whole, 8 + i, 12 + j, k); // 20° E is column 8, 60° N row 12
          expect(box.u[node(box, i, j, k)]).toBe(whole.u[e]);
          expect(box.v[node(box, i, j, k)]).toBe(whole.v[e]);
          expect(heightOf(box)[node(box, i, j, k)]).toBe(heightOf(whole)[e]);
        }
      }
      for (let j = 0; j < 3; j++) {
        for (let i = 0; i < 5; i++) {
          const e = node(whole, (142 + i) % 144, 70 + j, k); // -5° E is column 142 (355°)
          expect(across.u[node(across, i, j, k)]).toBe(whole.u[e]);
        }
      }
    }
    await expect(
      readNetcdfWind(bytes, { source: NC4, bbox: { lonMin: 0, lonMax: 10, latMin: -100, latMax: -95 } }),
    ).rejects.toThrow(InputError);
    await expect(
      readNetcdfWind(bytes, { source: NC4, bbox: { lonMin: 0, lonMax: 10, latMin: 60, latMax: 50 } }),
    ).rejects.toThrow(/bbox.latMax/);
  });

  it('refuses truncated NetCDF3 files, naming the header or the variable cut and its offset', async () => {
    const bytes = load(NC3);
    for (const cut of [0, 3, 20, 200, 1000, 1700, 2600, 300_000, 600_000, bytes.length - 1]) {
      const error = await decodeError(readNetcdfWind(bytes.subarray(0, cut), { source: NC3 }), NC3);
      // The header ends at byte 1652 (where the first variable's data begin).
      if (cut < 1652) expect(error.part).toBe('header');
      else {
        expect(error.part).toMatch(/^variable "/);
        expect(error.reason).toMatch(/is truncated/);
        expect(error.offset).toBeGreaterThanOrEqual(1652);
      }
    }
  });

  it('refuses truncated NetCDF4 files, with the HDF5 library message, and keeps working after', async () => {
    const bytes = load(NC4);
    for (const cut of [4, 8, 100, 5000, 300_000, bytes.length - 100, bytes.length - 1]) {
      const error = await decodeError(readNetcdfWind(bytes.subarray(0, cut), { source: NC4 }), NC4);
      expect(error.part).toMatch(/^(header|variable ")/);
    }
    // A corrupted compressed chunk fails when read, naming the variable.
    const corrupt = Uint8Array.from(bytes);
    for (let b = 200_000; b < 200_100; b++) corrupt[b] ^= 0x55;
    const error = await decodeError(readNetcdfWind(corrupt, { source: NC4 }), NC4);
    expect(error.part).toMatch(/^variable "/);
    expect(error.reason).toMatch(/H5Dread/);
    const f = await readNetcdfWind(bytes, { source: NC4 });
    expect(f.u.length).toBe(144 * 73 * 13);
  });
});

describe('readNetcdfWind refuses packing that gives no finite wind', () => {
  for (const [name, value] of [
    ['scale_factor', Number.NaN],
    ['scale_factor', Number.POSITIVE_INFINITY],
    ['add_offset', Number.NEGATIVE_INFINITY],
  ] as const) {
    it(`${name} ${value}: DecodeError naming the file, the variable and the attribute`, async () => {
      const bytes = syntheticEra5({ uAttrs: { [name]: value } });
      const error = await decodeError(
        readNetcdfWind(bytes, { source: 'packed.nc' }),
        'packed.nc',
        'variable "eastward"',
      );
      expect(error.reason).toBe(
        `attribute ${name} is ${value}, not a finite number: the values cannot be unpacked`,
      );
      // Through the whole decoding path too (what wind sample and run use).
      await expect(decodeWind([{ name: 'packed.nc', bytes }])).rejects.toThrow(
        /packed\.nc: variable "eastward": attribute/,
      );
    });
  }

  it('a finite scale_factor whose values overflow float32: DecodeError naming the element', async () => {
    // 3e38 · stored values up to 13 (+ 1) leaves float32 range (3.4e38) at the second node.
    const error = await decodeError(
      readNetcdfWind(syntheticEra5({ uAttrs: { scale_factor: 3e38 } }), { source: 'huge.nc' }),
      'huge.nc',
      'variable "eastward"',
    );
    expect(error.reason).toMatch(
      /^value at \(time 0, level 0, latitude 0, longitude \d\) is -?\d+ stored, -?Infinity unpacked/,
    );
  });
});
