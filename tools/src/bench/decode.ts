/**
 * Decode benchmark on the real files of ../shared/data: each file read into a wind field (or, for
 * files without wind, fully decoded) several times; prints one JSON line with MB/s and values/s
 * overall and per format. Usage: node tools/dist/bench/decode.js [--rounds N]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { decodeGrib2, decodeWind, type WindFile } from '@balloon-sim/formats';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const rounds = Number(values.rounds);
const data = resolve(import.meta.dirname, '../../../../shared/data');
const file = (...p: string[]): WindFile => ({
  name: p.join('/'),
  bytes: new Uint8Array(readFileSync(resolve(data, ...p))),
});

/** Cases: a label, its files, and how to decode them (returning the number of values produced). */
const cases: { format: string; files: WindFile[]; decode: (files: WindFile[]) => Promise<number> }[] = [
  {
    format: 'grib2 simple (GFS 0.25°)',
    files: ['000', '006', '012'].map((h) => file('gfs-0p25-poland', `20200804_f${h}.grib2`)),
    decode: grib2All,
  },
  {
    format: 'grib2 complex 5.3 (GFS 2.5°)',
    files: [file('gfs-2p5', 'gfs.t12z.pgrbf120.2p5deg.grib2')],
    decode: grib2All,
  },
  {
    format: 'grib2 CCSDS 5.42 (ECMWF)',
    files: [file('ecmwf-ccsds', '20240101000000-0h-oper-fc.grib2')],
    decode: grib2All,
  },
  {
    format: 'grib2 JPEG 2000 5.40 (CMC)',
    files: [file('cmc-jpeg2000', 'CMC_glb_TMP_ISBL_1_latlon.24x.24_2021051800_P000.grib2')],
    decode: grib2All,
  },
  { format: 'netcdf3', files: [file('netcdf', 'gfs-2p5-uvz-1000-500hPa.nc3.nc')], decode: windValues },
  { format: 'netcdf4', files: [file('netcdf', 'gfs-2p5-uvz-1000-500hPa.nc4.nc')], decode: windValues },
  {
    format: 'grib2json',
    files: [file('gfs-1p0', 'gfs.t12z.pgrb2.1p00.f000.grib2json.json')],
    decode: windValues,
  },
];

async function grib2All(files: WindFile[]): Promise<number> {
  let n = 0;
  for (const f of files)
    for (const field of (await decodeGrib2(f.bytes, { source: f.name })).fields) n += field.values.length;
  return n;
}

async function windValues(files: WindFile[]): Promise<number> {
  const field = await decodeWind(files);
  const grid = field as unknown as { nLon?: number; nLat?: number; nLevels?: number; nTimes?: number };
  return 2 * (grid.nLon ?? 1) * (grid.nLat ?? 1) * (grid.nLevels ?? 1) * (grid.nTimes ?? 1);
}

const perFormat: Record<string, { MBps: number; valuesPerSec: number }> = {};
let totalBytes = 0;
let totalValues = 0;
let totalSec = 0;
for (const c of cases) {
  const bytes = c.files.reduce((s, f) => s + f.bytes.length, 0);
  await c.decode(c.files); // warm-up (and lazy codec loading) outside the timing
  let best = Number.POSITIVE_INFINITY;
  let count = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    count = await c.decode(c.files);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  perFormat[c.format] = {
    MBps: Number((bytes / 1e6 / best).toFixed(1)),
    valuesPerSec: Math.round(count / best),
  };
  totalBytes += bytes;
  totalValues += count;
  totalSec += best;
}
console.log(
  JSON.stringify({
    bench: 'decode',
    rounds,
    MBps: Number((totalBytes / 1e6 / totalSec).toFixed(1)),
    valuesPerSec: Math.round(totalValues / totalSec),
    perFormat,
  }),
);
