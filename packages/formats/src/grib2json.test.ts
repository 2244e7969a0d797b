import { readFileSync } from 'node:fs';
import { type GridWindInit, gridWind, InputError } from '@balloon-sim/sim-core';
import { hasSharedData, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { type Grib2JsonRecord, readGrib2Json, writeGrib2Json } from './grib2json.js';
import { decodeError } from './testing/errors.js';

const GFS_FILE = 'gfs.t12z.pgrb2.1p00.f000.grib2json.json';
const LEAFLET_FILE = 'leaflet-velocity-wind-global.json';
const loadJson = (name: string): unknown => JSON.parse(readFileSync(sharedDataPath('gfs-1p0', name), 'utf8'));

/** Node (i, j) of level k at time n of a field. */
const node = (f: GridWindInit, i: number, j: number, k = 0, n = 0) => {
  const nLevels = f.levels.kind === 'altitude' ? f.levels.altitudesM.length : f.levels.pressuresHpa.length;
  return ((n * nLevels + k) * f.lat.count + j) * f.lon.count + i;
};

describe.runIf(hasSharedData)('readGrib2Json on real grib2json files (../shared/data/gfs-1p0)', () => {
  it('reads the GFS 1° analysis: the 10 m wind becomes one altitude level, temperature is ignored', () => {
    const f = readGrib2Json(loadJson(GFS_FILE), { source: GFS_FILE });
    expect(f.lon).toEqual({ start: 0, step: 1, count: 360 });
    expect(f.lat).toEqual({ start: 90, step: -1, count: 181 });
    expect(f.levels).toEqual({ kind: 'altitude', altitudesM: [10] });
    expect(f.timesSec).toEqual([Date.parse('2016-04-06T12:00:00Z') / 1000]);
    expect(f.u.length).toBe(360 * 181);
    expect(f.description).toContain('10 m above ground, used as a stand-in');
    expect(f.description).toContain('US National Weather Service');
    expect(f.u[0]).toBeCloseTo(0.14, 5); // first value of the u record, north pole, 0° E
    expect(f.v[0]).toBeCloseTo(0.79, 5);
    gridWind(f); // accepted by the gridded field
  });

  it('reads the leaflet-velocity demo file', () => {
    const f = readGrib2Json(loadJson(LEAFLET_FILE), { source: LEAFLET_FILE });
    expect(f.timesSec).toEqual([Date.parse('2016-04-30T06:00:00Z') / 1000]);
    expect(f.u[0]).toBeCloseTo(4.54, 5);
    expect(f.v[0]).toBeCloseTo(-1.36, 5);
  });

  // Every 10u/10v row of the ecCodes CSV (the same GRIB2 file decoded by ECMWF's library). The CSV prints
  // the values with two decimals (the GRIB packing's decimal scale keeps 0.01 m/s), so half that step,
  // 0.005 m/s, bounds any honest disagreement; in fact only float32 storage differs (< 1e-6 m/s).
  const referenceRows = () =>
    readFileSync(sharedDataPath('gfs-1p0', 'reference-ecCodes-region.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','))
      .filter(([, shortName]) => shortName === '10u' || shortName === '10v')
      .map(([, shortName, typeOfLevel, level, lat, lon, value]) => {
        expect([typeOfLevel, level]).toEqual(['heightAboveGround', '10']);
        return { name: shortName, lat: Number(lat), lon: Number(lon), value: Number(value) };
      });

  it('matches every 10 m wind value of the ecCodes reference within 0.005 m/s', () => {
    const f = readGrib2Json(loadJson(GFS_FILE), { source: GFS_FILE });
    const rows = referenceRows();
    expect(rows.length).toBe(242);
    for (const row of rows) {
      const index = node(f, row.lon - f.lon.start, (row.lat - f.lat.start) / f.lat.step);
      const decoded = row.name === '10u' ? f.u[index] : f.v[index];
      expect(Math.abs(decoded - row.value), `${row.name} at ${row.lat} N ${row.lon} E`).toBeLessThanOrEqual(
        0.005,
      );
    }
  });

  it('crops to a box and still matches the reference', () => {
    const f = readGrib2Json(loadJson(GFS_FILE), {
      source: GFS_FILE,
      bbox: { lonMin: 20, lonMax: 30, latMin: 50, latMax: 60 },
    });
    expect(f.lon).toEqual({ start: 20, step: 1, count: 11 });
    expect(f.lat).toEqual({ start: 60, step: -1, count: 11 });
    for (const row of referenceRows()) {
      const index = node(f, row.lon - 20, 60 - row.lat);
      expect(Math.abs((row.name === '10u' ? f.u : f.v)[index] - row.value)).toBeLessThanOrEqual(0.005);
    }
    // A box between nodes takes the nodes just beyond its edges.
    const g = readGrib2Json(loadJson(GFS_FILE), {
      source: GFS_FILE,
      bbox: { lonMin: 20.5, lonMax: 21.5, latMin: 50.2, latMax: 50.7 },
    });
    expect(g.lon).toEqual({ start: 20, step: 1, count: 3 });
    expect(g.lat).toEqual({ start: 51, step: -1, count: 2 });
  });

  it('crops a box across the grid seam (0° E) of a global grid', () => {
    const full = readGrib2Json(loadJson(GFS_FILE), { source: GFS_FILE });
    const f = readGrib2Json(loadJson(GFS_FILE), {
      source: GFS_FILE,
      bbox: { lonMin: -5, lonMax: 5, latMin: 40, latMax: 41 },
    });
    expect(f.lon).toEqual({ start: -5, step: 1, count: 11 });
    expect(f.lat).toEqual({ start: 41, step: -1, count: 2 });
    for (let i = 0; i < 11; i++) {
      const fullI = (i - 5 + 360) % 360;
      expect(f.u[node(f, i, 1)]).toBe(full.u[node(full, fullI, 50)]); // row 1 is 40° N
    }
    const a = new Float64Array(2);
    const b = new Float64Array(2);
    gridWind(f).sample(-2.3, 40.6, 10, 0, a);
    gridWind(full).sample(357.7, 40.6, 10, 0, b);
    expect(a[0]).toBeCloseTo(b[0], 9);
    expect(a[1]).toBeCloseTo(b[1], 9);
  });

  it('round-trips: read → write → read gives the same field', () => {
    const json = loadJson(GFS_FILE) as Grib2JsonRecord[];
    const first = readGrib2Json(json, { source: GFS_FILE });
    const written = writeGrib2Json(first, { altitudeSurface: 'above-ground' });
    expect(written.length).toBe(2);
    // The same header fields as the real file's wind records, and the same values where they describe
    // the field rather than the GRIB message.
    const real = json[1].header;
    expect(Object.keys(written[0].header)).toEqual(Object.keys(real));
    for (const key of ['parameterCategory', 'parameterNumber', 'surface1Type', 'surface1Value', 'refTime'])
      expect(written[0].header[key], key).toEqual(real[key]);
    for (const key of ['forecastTime', 'scanMode', 'nx', 'ny', 'lo1', 'la1', 'lo2', 'la2', 'dx', 'dy'])
      expect(written[0].header[key], key).toEqual(real[key]);
    expect(written[0].data).toEqual(json[1].data); // shortest float32 text gives back grib2json's numbers
    // Through JSON text, as a user would save it.
    const second = readGrib2Json(JSON.parse(JSON.stringify(written)), { source: GFS_FILE });
    expect(second.lon).toEqual(first.lon);
    expect(second.lat).toEqual(first.lat);
    expect(second.levels).toEqual(first.levels);
    expect(second.timesSec).toEqual(first.timesSec);
    expect(second.u).toEqual(first.u);
    expect(second.v).toEqual(first.v);
  });
});

/** A small synthetic pressure-level field: 3 × 2 points, 2 levels, 2 times, latitude ascending. */
function syntheticPressureField(): GridWindInit {
  const lon = { start: 20, step: 0.5, count: 3 };
  const lat = { start: 54, step: 0.5, count: 2 };
  const pressuresHpa = [850, 500];
  const timesSec = [Date.parse('2020-08-04T12:00:00Z') / 1000, Date.parse('2020-08-04T18:00:00Z') / 1000];
  const n = 3 * 2 * 2 * 2;
  const u = new Float32Array(n);
  const v = new Float32Array(n);
  const gh = new Float32Array(n);
  for (let e = 0; e < n; e++) {
    const k = Math.floor(e / 6) % 2;
    u[e] = 5 + 0.25 * e;
    v[e] = -3 + 0.1 * e;
    gh[e] = (k === 0 ? 1500 : 5600) + e;
  }
  return {
    lon,
    lat,
    levels: { kind: 'pressure', pressuresHpa, geopotentialHeightM: gh },
    timesSec,
    u,
    v,
    description: 'synthetic',
  };
}

describe('writeGrib2Json and readGrib2Json on synthetic fields', () => {
  it('writes scan mode 0 (north-west first) records that leaflet-velocity reads at the right places', () => {
    const field = syntheticPressureField();
    const records = writeGrib2Json(field);
    expect(records.length).toBe(2 * 2 * 3); // times × levels × (u, v, gh)
    const [u0, v0, gh0] = records;
    expect(u0.header).toMatchObject({
      parameterCategory: 2,
      parameterNumber: 2,
      surface1Type: 100,
      surface1Value: 85000,
    });
    expect(v0.header).toMatchObject({ parameterCategory: 2, parameterNumber: 3 });
    expect(gh0.header).toMatchObject({ parameterCategory: 3, parameterNumber: 5 });
    expect(u0.header).toMatchObject({ scanMode: 0, lo1: 20, la1: 54.5, lo2: 21, la2: 54, dx: 0.5, dy: 0.5 });
    expect(records[6].header).toMatchObject({ refTime: '2020-08-04T12:00:00.000Z', forecastTime: 6 });
    // leaflet-velocity's windy.js: value at (λ, φ) is data[j·nx + i] with i = (λ - lo1) mod 360 / dx and
    // j = (la1 - φ) / dy.
    const at = (r: Grib2JsonRecord, lonDeg: number, latDeg: number) => {
      const h = r.header as Record<string, number>;
      const i = ((((lonDeg - h.lo1) % 360) + 360) % 360) / h.dx;
      const j = (h.la1 - latDeg) / h.dy;
      return r.data[j * h.nx + i];
    };
    for (let j = 0; j < 2; j++)
      for (let i = 0; i < 3; i++) {
        const lonDeg = 20 + 0.5 * i;
        const latDeg = 54 + 0.5 * j;
        expect(Math.fround(at(u0, lonDeg, latDeg))).toBe(field.u[node(field, i, j)]);
        expect(Math.fround(at(v0, lonDeg, latDeg))).toBe(field.v[node(field, i, j)]);
      }
  });

  it('reads back the same wind everywhere (reordered to scan order)', () => {
    const field = syntheticPressureField();
    const back = readGrib2Json(writeGrib2Json(field), { source: 'synthetic' });
    expect(back.lat).toEqual({ start: 54.5, step: -0.5, count: 2 });
    expect(back.levels.kind).toBe('pressure');
    expect(back.timesSec).toEqual(field.timesSec);
    expect(back.description).toContain('2 isobaric level(s) 850, 500 hPa');
    const a = gridWind(field);
    const b = gridWind(back);
    const out1 = new Float64Array(2);
    const out2 = new Float64Array(2);
    for (const [lonDeg, latDeg, altM, dtSec] of [
      [20.2, 54.1, 1000, 0],
      [20.9, 54.4, 3000, 7200],
      [20.5, 54.5, 6000, 21600],
    ]) {
      a.sample(lonDeg, latDeg, altM, field.timesSec[0] + dtSec, out1);
      b.sample(lonDeg, latDeg, altM, field.timesSec[0] + dtSec, out2);
      expect(out2[0]).toBeCloseTo(out1[0], 9);
      expect(out2[1]).toBeCloseTo(out1[1], 9);
    }
    // And a field already in scan order comes back identical.
    const again = readGrib2Json(writeGrib2Json(back), { source: 'synthetic' });
    expect(again.u).toEqual(back.u);
    expect(again.v).toEqual(back.v);
    expect(again.levels).toEqual(back.levels);
    expect(again.description).toEqual(back.description);
  });

  it('writes one level and time when asked (what the viewers draw)', () => {
    const records = writeGrib2Json(syntheticPressureField(), { levelIndex: 1, timeIndex: 1 });
    expect(records.map((r) => r.header.parameterNumber)).toEqual([2, 3, 5]);
    expect(records[0].header).toMatchObject({ surface1Value: 50000, forecastTime: 6 });
    expect(() => writeGrib2Json(syntheticPressureField(), { levelIndex: 2 })).toThrow(InputError);
  });

  it('refuses valid times that are not whole hours after refTime', () => {
    const field = syntheticPressureField();
    expect(() => writeGrib2Json(field, { refTimeSec: field.timesSec[0] - 1800 })).toThrow(
      /whole number of hours/,
    );
  });

  it('reads rows that go north (scan mode 64) and points that go west (128)', () => {
    const base = writeGrib2Json(syntheticPressureField(), { levelIndex: 0, timeIndex: 0 });
    const flipped = base.map((r) => {
      const h = r.header as Record<string, number>;
      const data: number[] = [];
      for (let j = h.ny - 1; j >= 0; j--) for (let i = h.nx - 1; i >= 0; i--) data.push(r.data[j * h.nx + i]);
      return { header: { ...h, scanMode: 192, lo1: h.lo2, lo2: h.lo1, la1: h.la2, la2: h.la1 }, data };
    });
    const a = readGrib2Json(base, { source: 'mode 0' });
    const b = readGrib2Json(flipped, { source: 'mode 192' });
    expect(b.lon).toEqual({ start: 21, step: -0.5, count: 3 });
    expect(b.lat).toEqual({ start: 54, step: 0.5, count: 2 });
    const out1 = new Float64Array(2);
    const out2 = new Float64Array(2);
    gridWind(a).sample(20.3, 54.2, 2000, 0, out1);
    gridWind(b).sample(20.3, 54.2, 2000, 0, out2);
    expect(out2[0]).toBeCloseTo(out1[0], 9);
    expect(out2[1]).toBeCloseTo(out1[1], 9);
  });

  it('reads above-sea-level winds (102) as altitude levels', () => {
    const field: GridWindInit = {
      lon: { start: 10, step: 1, count: 2 },
      lat: { start: 50, step: -1, count: 2 },
      levels: { kind: 'altitude', altitudesM: [1829, 2743] },
      timesSec: [0],
      u: Float32Array.from({ length: 8 }, (_, e) => e),
      v: Float32Array.from({ length: 8 }, (_, e) => -e),
      description: 'synthetic',
    };
    const records = writeGrib2Json(field);
    expect(records[0].header).toMatchObject({ surface1Type: 102, refTime: '1970-01-01T00:00:00.000Z' });
    const back = readGrib2Json(records, { source: 'asl' });
    expect(back.levels).toEqual({ kind: 'altitude', altitudesM: [1829, 2743] });
    expect(back.u).toEqual(field.u);
    expect(back.description).toContain('m above mean sea level');
    expect(back.description).not.toContain('stand-in');
  });
});

describe('readGrib2Json refuses malformed input with a DecodeError naming the record and field', () => {
  /** Records as plain JSON, to break at will. */
  type Loose = { header: Record<string, unknown>; data?: unknown[] };
  const good = (): Loose[] => structuredClone(writeGrib2Json(syntheticPressureField()));

  it('not an array, empty, record or header missing', () => {
    expect(decodeError(() => readGrib2Json({ header: {} }, { source: 'x.json' })).message).toMatch(
      /JSON array/,
    );
    decodeError(() => readGrib2Json([], { source: 'x.json' }));
    decodeError(() => readGrib2Json([42], { source: 'x.json' }), 'record[0]');
    decodeError(() => readGrib2Json([{ data: [1] }], { source: 'x.json' }), 'record[0].header');
  });

  it('header fields missing or of the wrong type', () => {
    const records = good();
    delete records[1].header.parameterNumber;
    decodeError(() => readGrib2Json(records, { source: 'x' }), 'record[1].header.parameterNumber');
    const r2 = good();
    r2[3].header.nx = '3';
    decodeError(() => readGrib2Json(r2, { source: 'x' }), 'record[3].header.nx');
    const r3 = good();
    r3[0].header.refTime = '2020-08-04T12:00:00'; // no zone: would be read as local time
    decodeError(() => readGrib2Json(r3, { source: 'x' }), 'record[0].header.refTime');
    const r4 = good();
    r4[0].header.scanMode = 32;
    decodeError(() => readGrib2Json(r4, { source: 'x' }), 'record[0].header.scanMode');
    const r5 = good();
    r5[0].header.gridDefinitionTemplate = 30;
    decodeError(() => readGrib2Json(r5, { source: 'x' }), 'record[0].header.gridDefinitionTemplate');
    const r6 = good();
    r6[0].header.la2 = 10;
    decodeError(() => readGrib2Json(r6, { source: 'x' }), 'record[0].header.la2');
  });

  it('data of the wrong length, missing, or holding NaN strings and nulls', () => {
    const r1 = good();
    r1[1].data!.pop();
    expect(decodeError(() => readGrib2Json(r1, { source: 'x' }), 'record[1].data').message).toMatch(
      /holds 5 values, not nx·ny = 6/,
    );
    const r2 = good();
    r2[2].data![4] = 'NaN'; // grib2json's missing value
    expect(decodeError(() => readGrib2Json(r2, { source: 'x' }), 'record[2].data').message).toMatch(
      /value 4 is "NaN"/,
    );
    const r3 = good();
    r3[0].data![0] = null;
    decodeError(() => readGrib2Json(r3, { source: 'x' }), 'record[0].data');
    const r4 = good();
    r4[0].data![1] = '1.5';
    decodeError(() => readGrib2Json(r4, { source: 'x' }), 'record[0].data');
    const r5 = good();
    delete r5[0].data;
    decodeError(() => readGrib2Json(r5, { source: 'x' }), 'record[0].data');
  });

  it('grids that differ, repeated and missing records', () => {
    const r1 = good();
    r1[4].header.la1 = (r1[4].header.la1 as number) + 1;
    r1[4].header.la2 = (r1[4].header.la2 as number) + 1;
    expect(decodeError(() => readGrib2Json(r1, { source: 'x' }), 'record[4].header.la1').message).toMatch(
      /grid differs from record\[0\]: la1 is 55.5, not 54.5/,
    );
    const r2 = good();
    r2.push(structuredClone(r2[0]));
    expect(decodeError(() => readGrib2Json(r2, { source: 'x' }), 'record[12]').message).toMatch(
      /repeats record\[0\]/,
    );
    const noGh = good().filter((r) => r.header.parameterCategory !== 3);
    expect(decodeError(() => readGrib2Json(noGh, { source: 'x' }), 'records').message).toMatch(
      /geopotential height/,
    );
    const noV = good().filter((r, i) => !(r.header.parameterNumber === 3 && i > 6));
    expect(decodeError(() => readGrib2Json(noV, { source: 'x' })).message).toMatch(
      /no v record for 850 hPa valid at 2020-08-04T18:00Z/,
    );
    const noWind = good().filter((r) => r.header.parameterCategory === 3);
    expect(decodeError(() => readGrib2Json(noWind, { source: 'x' })).message).toMatch(/no u\/v wind/);
  });

  it('several kinds of level need the surface option', () => {
    const asl: GridWindInit = {
      ...syntheticPressureField(),
      levels: { kind: 'altitude', altitudesM: [1829, 2743] },
    };
    const mixed = [...good(), ...writeGrib2Json(asl, { altitudeSurface: 'above-ground' })];
    expect(decodeError(() => readGrib2Json(mixed, { source: 'x' })).message).toMatch(
      /several kinds of level \(isobaric, above-ground\)/,
    );
    expect(readGrib2Json(mixed, { source: 'x', surface: 'above-ground' }).levels.kind).toBe('altitude');
    expect(readGrib2Json(mixed, { source: 'x', surface: 'isobaric' }).levels.kind).toBe('pressure');
    decodeError(() => readGrib2Json(mixed, { source: 'x', surface: 'above-sea' }));
  });

  it('a box that misses the grid is the caller’s mistake (InputError)', () => {
    expect(() =>
      readGrib2Json(good(), { source: 'x', bbox: { lonMin: 100, lonMax: 110, latMin: 0, latMax: 10 } }),
    ).toThrow(InputError);
    expect(() =>
      readGrib2Json(good(), { source: 'x', bbox: { lonMin: 21, lonMax: 20, latMin: 54, latMax: 55 } }),
    ).toThrow(/bbox.lonMax/);
    // A box at -340° is the same place as 20°.
    const f = readGrib2Json(good(), {
      source: 'x',
      bbox: { lonMin: -340, lonMax: -339.5, latMin: 54, latMax: 55 },
    });
    expect(f.lon).toEqual({ start: 20, step: 0.5, count: 2 });
  });
});

describe('readGrib2Json and records of several forecast runs', () => {
  // Two documents the project's own writer makes from one field, stamped with runs 24 h apart, put in
  // one file: the second run's valid times follow the first's, so they would be merged into one field.
  const field = syntheticPressureField();
  const later = { ...field, timesSec: field.timesSec.map((t) => t + 86_400) };
  const records = [
    ...writeGrib2Json(field),
    ...writeGrib2Json(later, { refTimeSec: field.timesSec[0] + 86_400 }),
  ];

  it('refuses them, naming each refTime', () => {
    const error = decodeError(() => readGrib2Json(records, { source: 'two-runs.json' }));
    expect(error.reason).toMatch(/holds records of 2 forecast runs \(refTime 2020-08-04T12:00Z: 12 records/);
    expect(error.reason).toContain('refTime 2020-08-05T12:00Z: 12 records from record[12]');
  });

  it('reads them with mixedRuns "allow", with a warning', () => {
    const init = readGrib2Json(records, { source: 'two-runs.json', mixedRuns: 'allow' });
    expect(init.timesSec).toHaveLength(4);
    expect(init.warnings?.[0]).toMatch(/^the wind mixes 2 forecast runs/);
  });
});
