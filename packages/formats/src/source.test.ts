/**
 * Every decoded field says where it came from (WindField.source): the format, the files with their
 * sizes and the hash the caller gave, and what each format carries of its producer and run. Expected
 * values are read from the files with other tools (ncdump-like header dumps, the JSON itself), not
 * from the decoders.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { hasSharedData, REPO_ROOT, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { decodeWind, type WindFile } from './wind-file.js';

const file = (path: string, sha256?: string): WindFile => ({
  name: path,
  bytes: new Uint8Array(readFileSync(path)),
  ...(sha256 ? { sha256 } : {}),
});
/** A made-up hash: decoders pass the caller's on, they do not compute one. */
const HASH = 'ab'.repeat(32);

describe('the bundled wind files', () => {
  it('the illustrative wind says so in its file, and its field says so in its source', async () => {
    const path = resolve(REPO_ROOT, 'fixtures/wind/illustrative-border-night.json');
    expect(JSON.parse(readFileSync(path, 'utf8')).illustrative).toBe(true);
    const field = await decodeWind([file(path, HASH)]);
    expect(field.source).toMatchObject({
      format: 'grid-json',
      illustrative: true,
      files: [{ name: path, bytes: readFileSync(path).length, sha256: HASH }],
      referenceTimes: [],
      attributes: { source: 'balloon-sim illustrativeBorderNight() — made up, not weather' },
      grid: {
        lonMin: 19,
        lonMax: 29,
        lonStepDeg: 0.5,
        nLon: 21,
        latMin: 52,
        latMax: 58,
        latStepDeg: 0.5,
        nLat: 13,
      },
      levels: { kind: 'altitude' },
    });
    expect(field.source?.validTimes[0]).toBe('2025-10-24T12:00:00.000Z');
    expect(field.source?.validTimes).toHaveLength(9);
  });

  it('a Wyoming sounding names its station and time', async () => {
    const path = resolve(REPO_ROOT, 'fixtures/decode/wyoming-26629-sample.txt');
    const field = await decodeWind([file(path)]);
    // The header line: "26629 Kaunas Observations at 00Z 05 Aug 2020".
    expect(field.source).toMatchObject({
      format: 'wyoming',
      illustrative: false,
      files: [{ name: path, bytes: readFileSync(path).length }],
      attributes: { station: '26629 Kaunas' },
      validTimes: ['2020-08-05T00:00:00.000Z'],
    });
    expect(field.source?.files[0].sha256).toBeUndefined();
  });

  it('an Open-Meteo answer: format and file', async () => {
    const path = resolve(REPO_ROOT, 'fixtures/decode/open-meteo-2x2-pressure.json');
    const field = await decodeWind([file(path, HASH)]);
    expect(field.source).toMatchObject({ format: 'open-meteo', files: [{ name: path, sha256: HASH }] });
  });
});

describe.runIf(hasSharedData)('real wind files', () => {
  it('grib2json: the run (refTime) and the centre its headers copy from GRIB2', async () => {
    // The file's first header: "center":7,"centerName":"US National Weather Service - NCEP(WMC)",
    // "subcenter":0,"refTime":"2016-04-06T12:00:00.000Z","productStatus":0,"productType":1,"genProcessType":2.
    const path = sharedDataPath('gfs-1p0', 'gfs.t12z.pgrb2.1p00.f000.grib2json.json');
    const field = await decodeWind([file(path, HASH)], { levelType: 'height-above-ground' });
    expect(field.source).toMatchObject({
      format: 'grib2json',
      files: [{ name: path, sha256: HASH }],
      referenceTimes: ['2016-04-06T12:00:00.000Z'],
      producer: {
        centre: { code: 7, name: 'US National Weather Service - NCEP(WMC)' },
        subCentre: 0,
        productionStatus: { code: 0, name: 'Operational products' },
        dataType: { code: 1, name: 'Forecast products' },
        generatingProcess: { code: 2, name: 'Forecast' },
      },
    });
  });

  it.each(['nc3', 'nc4'])('NetCDF (%s): its global attributes', async (kind) => {
    // ../shared/data/README.md: made with ecCodes' grib_to_netcdf, which writes Conventions and history.
    const path = sharedDataPath('netcdf', `gfs-2p5-uvz-1000-500hPa.${kind}.nc`);
    const field = await decodeWind([file(path, HASH)]);
    expect(field.source).toMatchObject({
      format: 'netcdf',
      files: [{ name: path, sha256: HASH, bytes: readFileSync(path).length }],
      attributes: { Conventions: 'CF-1.6' },
      levels: {
        kind: 'pressure',
        values: [1000, 975, 950, 925, 900, 850, 800, 750, 700, 650, 600, 550, 500],
      },
    });
    expect(field.source?.attributes?.history).toMatch(/grib_to_netcdf/);
    // netCDF-C's own bookkeeping attribute of the NetCDF4 file is no part of what the file says of its data.
    expect(field.source?.attributes?._NCProperties).toBeUndefined();
  });
});
