/**
 * Every GRIB2 file of ../shared/data decodes, and every row of each folder's ecCodes reference CSV
 * matches the decoded value at that grid node.
 *
 * Tolerance: a packed value is an integer X and Y = (R + X·2^E)/10^D, so values are quantised in steps
 * of q = 2^E / 10^D; two honest decoders may differ by at most half a step, q/2. We store float32,
 * whose rounding adds at most half a unit in the last place, |Y|·2^-24 (24-bit significand); the CSV
 * prints 11 significant digits, |Y|·5e-11 more. Tolerance = q/2 + |Y|·2^-24 + |Y|·1e-10. In practice the
 * agreement is far closer (the same float64 formula as ecCodes): the tests also print the worst error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { maxOf, minOf } from '@balloon-sim/sim-core';
import { hasSharedData, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { decodeGrib2, type Grib2Field, type Grib2File } from './decode.js';
import { describeGrib2 } from './describe.js';

interface Row {
  [column: string]: string;
}

function readCsv(folder: string): Row[] {
  const [header, ...lines] = readFileSync(sharedDataPath(folder, 'reference-ecCodes-region.csv'), 'utf8')
    .trim()
    .split('\n');
  const names = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(names.map((name, c) => [name, cells[c]]));
  });
}

const read = (folder: string, file: string) => new Uint8Array(readFileSync(sharedDataPath(folder, file)));

/** Value of a field at the node (lat, lon), which must be a grid node (checked). */
function valueAt(field: Grib2Field, lat: number, lon: number): number {
  const { lon: x, lat: y } = field;
  const fi = (((((lon - x.start) * Math.sign(x.step)) % 360) + 360) % 360) / Math.abs(x.step);
  const i = Math.round(fi);
  const j = Math.round((lat - y.start) / y.step);
  expect(Math.abs(fi - i), `lon ${lon} is a node`).toBeLessThan(1e-6);
  expect(Math.abs((lat - y.start) / y.step - j), `lat ${lat} is a node`).toBeLessThan(1e-6);
  expect(i).toBeLessThan(x.count);
  expect(j).toBeGreaterThanOrEqual(0);
  expect(j).toBeLessThan(y.count);
  return field.values[j * x.count + i];
}

function tolerance(field: Grib2Field, value: number): number {
  const q = 2 ** field.packing.binaryScale / 10 ** field.packing.decimalScale;
  return q / 2 + Math.abs(value) * (2 ** -24 + 1e-10);
}

/** Compares every row; returns the worst |error| / quantisation step, for the log. */
function compareRows(rows: Row[], find: (row: Row) => Grib2Field): number {
  let worst = 0;
  for (const row of rows) {
    const field = find(row);
    const expected = Number(row.value);
    const actual = valueAt(field, Number(row.lat), Number(row.lon));
    const error = Math.abs(actual - expected);
    if (!(error <= tolerance(field, expected))) {
      expect.fail(`${JSON.stringify(row)}: decoded ${actual}, tolerance ${tolerance(field, expected)}`);
    }
    const q = 2 ** field.packing.binaryScale / 10 ** field.packing.decimalScale;
    worst = Math.max(worst, error / q);
  }
  return worst;
}

function bboxOf(rows: Row[]) {
  const lats = rows.map((r) => Number(r.lat));
  const lons = rows.map((r) => Number(r.lon));
  return {
    latMin: minOf(lats),
    latMax: maxOf(lats),
    lonMin: minOf(lons),
    lonMax: maxOf(lons),
  };
}

/** Every value is a number except where a bit map says missing (for uncropped decodes). */
function expectNoStrayNaN(file: Grib2File) {
  for (const field of file.fields) {
    if (field.info.template5 === 0 || field.info.template5 >= 40) {
      // No missing-value management: NaN only from a bit map, checked by counting.
      const nan = field.values.reduce((n, v) => n + (Number.isNaN(v) ? 1 : 0), 0);
      expect(nan).toBe(field.values.length - field.packing.valueCount);
    }
  }
}

const byIsobaricName = (file: Grib2File) => (row: Row) => {
  const field = file.fields.find(
    (f) =>
      f.info.shortName === row.shortName &&
      f.info.levelType === 'isobaric' &&
      f.info.level === Number(row.level_hPa),
  );
  if (!field) throw new Error(`no ${row.shortName} at ${row.level_hPa} hPa`);
  return field;
};
const byIndex = (file: Grib2File) => (row: Row) => {
  const field = file.fields.find((f) => f.info.index === Number(row.msg));
  if (!field) throw new Error(`no field ${row.msg}`);
  expect(field.info.shortName).toBe(row.shortName);
  return field;
};

describe.runIf(hasSharedData)('GRIB2 files of ../shared/data against ecCodes', () => {
  it('gfs-2p5: 343 fields in complex packing with spatial differencing (5.3), bit maps, multi-field messages', async () => {
    const name = 'gfs.t12z.pgrbf120.2p5deg.grib2';
    const file = await decodeGrib2(read('gfs-2p5', name), { source: name });
    expect(file.messageCount).toBe(307);
    expect(file.fields.length + file.skipped.length).toBe(343);
    expect(file.skipped).toEqual([]);
    expect(new Set(file.fields.map((f) => f.info.template5))).toEqual(new Set([3]));
    expectNoStrayNaN(file);
    const u = file.fields.find((f) => f.info.shortName === 'u' && f.info.level === 500)!;
    expect(u.lon).toEqual({ start: 0, step: 2.5, count: 144 });
    expect(u.lat).toEqual({ start: 90, step: -2.5, count: 73 });
    expect(u.info.validTimeSec - u.info.referenceTimeSec).toBe(120 * 3600);
    const rows = readCsv('gfs-2p5');
    const worst = compareRows(rows, byIsobaricName(file));
    // The same rows from a decode cropped to the CSV's box.
    const cropped = await decodeGrib2(read('gfs-2p5', name), {
      source: name,
      bbox: bboxOf(rows),
      select: (f) => ['u', 'v', 'gh', 't'].includes(f.shortName) && f.levelType === 'isobaric',
    });
    compareRows(rows, byIsobaricName(cropped));
    expect(cropped.fields[0].lon.count).toBe(4 + 2 + 1); // 20–30 E every 2.5°, one node beyond each side
    console.info(`gfs-2p5: ${rows.length} rows, worst error ${worst.toFixed(3)} quantisation steps`);
  });

  it('gfs-0p25-poland: five files in simple packing (5.0) with bit maps', async () => {
    const rows = readCsv('gfs-0p25-poland');
    const names = [...new Set(rows.map((r) => r.file))];
    expect(names.length).toBe(5);
    let worst = 0;
    for (const name of names) {
      const file = await decodeGrib2(read('gfs-0p25-poland', name), { source: name });
      expect(file.fields.length).toBe(file.messageCount);
      expectNoStrayNaN(file);
      const mine = rows.filter((r) => r.file === name);
      worst = Math.max(worst, compareRows(mine, byIsobaricName(file)));
      const u = file.fields.find((f) => f.info.shortName === 'u')!;
      expect(u.lon).toEqual({ start: 13, step: 0.25, count: 49 });
      expect(u.lat).toEqual({ start: 48, step: 0.25, count: 33 });
      const cropped = await decodeGrib2(read('gfs-0p25-poland', name), { source: name, bbox: bboxOf(mine) });
      compareRows(mine, byIsobaricName(cropped));
    }
    console.info(`gfs-0p25-poland: ${rows.length} rows, worst error ${worst.toFixed(3)} quantisation steps`);
  });

  it('gfs-1p0: 5.3 with second-order spatial differencing', async () => {
    const name = 'gfs.t12z.pgrb2.1p00.f000.grib2';
    const file = await decodeGrib2(read('gfs-1p0', name), { source: name });
    expect(file.fields.map((f) => f.info.shortName)).toEqual(['t', '10u', '10v']);
    expectNoStrayNaN(file);
    const rows = readCsv('gfs-1p0');
    const worst = compareRows(rows, byIndex(file));
    console.info(`gfs-1p0: ${rows.length} rows, worst error ${worst.toFixed(3)} quantisation steps`);
  });

  const aec = existsSync(new URL('../ccsds/aec.ts', import.meta.url));
  it.runIf(aec)('ecmwf-ccsds: CCSDS / AEC (5.42)', async () => {
    const name = '20240101000000-0h-oper-fc.grib2';
    const file = await decodeGrib2(read('ecmwf-ccsds', name), { source: name });
    expect(file.fields.length).toBe(10);
    expectNoStrayNaN(file);
    const gh = file.fields[0];
    expect(gh.lon).toEqual({ start: 180, step: 0.4, count: 900 });
    expect(gh.lat).toEqual({ start: 90, step: -0.4, count: 451 });
    const rows = readCsv('ecmwf-ccsds');
    const worst = compareRows(rows, byIndex(file));
    // Cropped across the 180° line the grid starts at: the box is wholly east of it, so no wrap here,
    // but the first column of the file is 180° E.
    const cropped = await decodeGrib2(read('ecmwf-ccsds', name), { source: name, bbox: bboxOf(rows) });
    compareRows(rows, byIndex(cropped));
    console.info(`ecmwf-ccsds: ${rows.length} rows, worst error ${worst.toFixed(3)} quantisation steps`);
  });

  const jpeg = existsSync(new URL('../jpeg2000.ts', import.meta.url));
  it.runIf(jpeg)('cmc-jpeg2000: JPEG 2000 (5.40)', async () => {
    const name = 'CMC_glb_TMP_ISBL_1_latlon.24x.24_2021051800_P000.grib2';
    const rows = readCsv('cmc-jpeg2000');
    const file = await decodeGrib2(read('cmc-jpeg2000', name), { source: name });
    expect(file.fields.length).toBe(1);
    expectNoStrayNaN(file);
    expect(file.fields[0].lat).toEqual({ start: -90, step: 0.24, count: 751 });
    const worst = compareRows(rows, byIndex(file));
    const cropped = await decodeGrib2(read('cmc-jpeg2000', name), { source: name, bbox: bboxOf(rows) });
    compareRows(rows, byIndex(cropped));
    console.info(`cmc-jpeg2000: ${rows.length} rows, worst error ${worst.toFixed(3)} quantisation steps`);
  });

  it('describeGrib2 summarises every field from the headers', () => {
    const name = 'gfs.t12z.pgrbf120.2p5deg.grib2';
    const d = describeGrib2({ name, bytes: read('gfs-2p5', name) });
    expect(d.messages.length).toBe(343);
    const u = d.messages.find((m) => m.shortName === 'u' && m.level === 850)!;
    expect(u).toMatchObject({
      discipline: 0,
      category: 2,
      number: 2,
      levelType: 'isobaric',
      referenceTime: '2011-01-10T12:00:00Z',
      validTime: '2011-01-15T12:00:00Z',
      template3: 0,
      template4: 0,
      template5: 3,
      nx: 144,
      ny: 73,
      lonFirst: 0,
      latFirst: 90,
      lonLast: 357.5,
      latLast: -90,
    });
    expect(u.bitsPerValue).toBeGreaterThan(0);
    // Template 4.8 (accumulations) is valid at the end of its interval.
    const accumulated = d.messages.filter((m) => m.template4 === 8);
    expect(accumulated.length).toBeGreaterThan(0);
    for (const m of accumulated) expect(Date.parse(m.validTime)).toBeLessThanOrEqual(Date.parse(u.validTime));
    const ten = describeGrib2({ name: 'f', bytes: read('gfs-1p0', 'gfs.t12z.pgrb2.1p00.f000.grib2') });
    expect(ten.messages.map((m) => [m.shortName, m.levelType, m.level])).toEqual([
      ['t', 'surface', 0],
      ['10u', 'height-above-ground', 10],
      ['10v', 'height-above-ground', 10],
    ]);
  });
});
