// The same data in different formats must give the same field: the grib2json file against the GRIB2
// it was converted from, and the NetCDF3/NetCDF4 files against the GRIB2 they were made from.
import { readFileSync } from 'node:fs';
import { gridWind, PressureGridWind, STANDARD_GRAVITY_M_S2 } from '@balloon-sim/sim-core';
import { hasSharedData, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { decodeGrib2, grib2Wind } from './grib2/index.js';
import { readGrib2Json } from './grib2json.js';
import { describeNetcdf, readNetcdfWind } from './netcdf.js';

const bytes = (...p: string[]) => new Uint8Array(readFileSync(sharedDataPath(...p)));

describe.runIf(hasSharedData)('cross-format agreement', () => {
  it('grib2json 10 m wind equals the GRIB2 fields it was converted from, node by node', async () => {
    const grib = await decodeGrib2(bytes('gfs-1p0', 'gfs.t12z.pgrb2.1p00.f000.grib2'), {
      source: 'gfs-1p0.grib2',
      select: (f) => f.discipline === 0 && f.category === 2 && (f.number === 2 || f.number === 3),
    });
    const json = JSON.parse(
      readFileSync(sharedDataPath('gfs-1p0', 'gfs.t12z.pgrb2.1p00.f000.grib2json.json'), 'utf8'),
    );
    const init = readGrib2Json(json, { source: 'grib2json', surface: 'above-ground' });
    const field = gridWind(init);
    const out = new Float64Array(2);
    let compared = 0;
    for (const f of grib.fields) {
      const component = f.info.number === 2 ? 0 : 1;
      for (let j = 0; j < f.lat.count; j += 7)
        for (let i = 0; i < f.lon.count; i += 11) {
          const lon = f.lon.start + i * f.lon.step;
          const lat = f.lat.start + j * f.lat.step;
          field.sample(lon, lat, 10, init.timesSec[0], out);
          // grib2json carries the GRIB values rounded to float32 as well: equal to float32 precision.
          expect(out[component]).toBeCloseTo(f.values[j * f.lon.count + i], 4);
          compared++;
        }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it.each(['nc3', 'nc4'])(
    'NetCDF (%s) gives the field of the GRIB2 it was made from, within the int16 packing step',
    async (kind) => {
      const name = `gfs-2p5-uvz-1000-500hPa.${kind}.nc`;
      const nc = gridWind(await readNetcdfWind(bytes('netcdf', name), { source: name }));
      const grib = gridWind(
        await grib2Wind(
          [{ name: 'gfs-2p5.grib2', bytes: bytes('gfs-2p5', 'gfs.t12z.pgrbf120.2p5deg.grib2') }],
          { levelType: 'isobaric' },
        ),
      );
      expect(nc).toBeInstanceOf(PressureGridWind);
      expect(grib).toBeInstanceOf(PressureGridWind);
      // Tolerance: half the packing step of each NetCDF variable, plus the GRIB2 quantisation (< 0.01 m/s, 0.1 m).
      const info = await describeNetcdf(bytes('netcdf', name), name);
      const step = (v: string) => info.variables.find((x) => x.name === v)?.packing?.scaleFactor ?? 0;
      const heightVar = info.wind!.height;
      const t = nc.coverage.tMinSec;
      const a = new Float64Array(2);
      const b = new Float64Array(2);
      for (const level of [1000, 925, 850, 700, 500])
        for (let lat = 50; lat <= 60; lat += 2.5)
          for (let lon = 20; lon <= 30; lon += 2.5) {
            (nc as PressureGridWind).sampleOnLevel(lon, lat, level, t, a);
            (grib as PressureGridWind).sampleOnLevel(lon, lat, level, t, b);
            expect(Math.abs(a[0] - b[0])).toBeLessThanOrEqual(step(info.wind!.u) / 2 + 0.01);
            expect(Math.abs(a[1] - b[1])).toBeLessThanOrEqual(step(info.wind!.v) / 2 + 0.01);
            const ha = (nc as PressureGridWind).pressureLevelAltitudeM(lon, lat, level, t);
            const hb = (grib as PressureGridWind).pressureLevelAltitudeM(lon, lat, level, t);
            const heightStep =
              info.wind!.heightKind === 'geopotential'
                ? step(heightVar) / STANDARD_GRAVITY_M_S2
                : step(heightVar);
            expect(Math.abs(ha - hb)).toBeLessThanOrEqual(heightStep / 2 + 0.1);
          }
    },
  );
});
