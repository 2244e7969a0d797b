import { readFileSync } from 'node:fs';
import { gridWind, type PressureGridWind } from '@balloon-sim/sim-core';
import { hasSharedData, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { rejection } from '../testing/errors.js';
import { decodeGrib2 } from './decode.js';
import { describeGrib2 } from './describe.js';
import { grib2Wind } from './wind.js';

const POLAND = 'gfs-0p25-poland';
const load = (name: string, folder = POLAND) => ({
  name,
  bytes: new Uint8Array(readFileSync(sharedDataPath(folder, name))),
});
const RUN_0804 = ['20200804_f000.grib2', '20200804_f006.grib2', '20200804_f012.grib2'];
const timeOf: Record<string, number> = {
  '20200804_f000.grib2': Date.parse('2020-08-04T12:00:00Z') / 1000,
  '20200804_f006.grib2': Date.parse('2020-08-04T18:00:00Z') / 1000,
  '20200804_f012.grib2': Date.parse('2020-08-05T00:00:00Z') / 1000,
};

/** A copy of a file without the messages `drop` picks (the wind assembly must notice). */
function withoutMessages(
  file: { name: string; bytes: Uint8Array },
  drop: (m: { shortName: string; level: number; levelType: string }) => boolean,
) {
  const d = describeGrib2(file);
  const offsets = d.messages.map((m) => m.offset);
  const kept: Uint8Array[] = [];
  d.messages.forEach((m, n) => {
    const end = n + 1 < offsets.length ? offsets[n + 1] : file.bytes.length;
    if (!drop(m)) kept.push(file.bytes.subarray(m.offset, end));
  });
  const bytes = new Uint8Array(kept.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of kept) {
    bytes.set(b, at);
    at += b.length;
  }
  return { name: file.name, bytes };
}

describe.runIf(hasSharedData)('grib2Wind on GFS 0.25° over Poland', () => {
  it("the field's source says who made it and which run, as ecCodes reads sections 1 and 4", async () => {
    // ecCodes 2.28, grib_ls -p centre,subCentre,productionStatusOfProcessedData,typeOfProcessedData,
    // typeOfGeneratingProcess,backgroundProcess,generatingProcessIdentifier,dataDate,dataTime on the
    // u, v and gh messages: kwbc (7) 0 0 fc (1) 2 0 81 20200804 1200 in f000 (the run's analysis),
    // the same with 96 (GFS) in f006 and f012.
    const files = RUN_0804.map((n) => load(n));
    const field = gridWind(await grib2Wind(files));
    expect(field.source).toMatchObject({
      format: 'grib2',
      illustrative: false,
      referenceTimes: ['2020-08-04T12:00:00.000Z'],
      levelType: 'isobaric',
      producer: {
        centre: { code: 7, name: 'NCEP' },
        subCentre: 0,
        productionStatus: { code: 0, name: 'operational products' },
        dataType: { code: 1, name: 'forecast products' },
        generatingProcess: { code: 2, name: 'forecast' },
        backgroundProcess: 0,
        models: [
          { code: 81, name: 'GFS analysis' },
          { code: 96, name: 'GFS' },
        ],
      },
      steps: [
        {
          validTime: '2020-08-04T12:00:00.000Z',
          forecastHours: 0,
          model: { code: 81 },
          files: [RUN_0804[0]],
        },
        {
          validTime: '2020-08-04T18:00:00.000Z',
          forecastHours: 6,
          model: { code: 96 },
          files: [RUN_0804[1]],
        },
        {
          validTime: '2020-08-05T00:00:00.000Z',
          forecastHours: 12,
          model: { code: 96 },
          files: [RUN_0804[2]],
        },
      ],
      validTimes: ['2020-08-04T12:00:00.000Z', '2020-08-04T18:00:00.000Z', '2020-08-05T00:00:00.000Z'],
      grid: {
        lonMin: 13,
        lonMax: 25,
        lonStepDeg: 0.25,
        nLon: 49,
        latMin: 48,
        latMax: 56,
        latStepDeg: 0.25,
        nLat: 33,
      },
    });
    expect(field.source.producer?.ensembleMember).toBeUndefined();
    // Sizes as the file system gives them (README of ../shared/data lists the files); no hash: the
    // caller computes it (the Node side, when it reads the files).
    expect(field.source.files).toEqual(files.map((f) => ({ name: f.name, bytes: f.bytes.length })));
    expect(field.source.files[0].bytes).toBe(983_070);
    expect(field.source.levels?.kind).toBe('pressure');
    expect(field.source.levels?.values.slice(0, 3)).toEqual([1000, 975, 950]);
  });

  it('merges the three 2020-08-04 files into a 3-time isobaric field equal to ecCodes at the nodes', async () => {
    const init = await grib2Wind(RUN_0804.map((n) => load(n)));
    expect(init.timesSec).toEqual(RUN_0804.map((n) => timeOf[n]));
    expect(init.levels.kind).toBe('pressure');
    if (init.levels.kind !== 'pressure') return;
    expect(init.levels.pressuresHpa.length).toBe(31); // 1000 … 1 hPa: every level with u, v and gh
    expect(init.levels.pressuresHpa[0]).toBe(1000);
    expect(init.lon).toEqual({ start: 13, step: 0.25, count: 49 });
    expect(init.orographyM?.length).toBe(49 * 33);
    expect(init.description).toContain('NCEP run 2020-08-04T12:00:00Z');
    expect(init.description).toContain('31 isobaric levels');
    for (const name of RUN_0804) expect(init.description).toContain(name);

    const field = gridWind(init) as PressureGridWind;
    const rows = readFileSync(sharedDataPath(POLAND, 'reference-ecCodes-region.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','))
      .filter(([file]) => RUN_0804.includes(file));
    const value = new Map(
      rows.map(([f, name, p, lat, lon, v]) => [`${f} ${name} ${p} ${lat} ${lon}`, Number(v)]),
    );
    const out = new Float64Array(2);
    let checked = 0;
    for (const [file, name, p, lat, lon] of rows) {
      if (name !== 'gh') continue;
      const key = (n: string) => value.get(`${file} ${n} ${p} ${lat} ${lon}`)!;
      const t = timeOf[file];
      // On the node, at the height of the pressure level there, the field gives that level's wind.
      field.sample(Number(lon), Number(lat), key('gh'), t, out);
      expect(out[0]).toBeCloseTo(key('u'), 4);
      expect(out[1]).toBeCloseTo(key('v'), 4);
      expect(field.pressureLevelAltitudeM(Number(lon), Number(lat), Number(p), t)).toBeCloseTo(key('gh'), 2);
      checked++;
    }
    expect(checked).toBe(rows.length / 3);
  });

  it('crops to a box and chooses the level type the files support', async () => {
    const bbox = { lonMin: 22, lonMax: 25, latMin: 53, latMax: 56 };
    const init = await grib2Wind(
      RUN_0804.slice(0, 2).map((n) => load(n)),
      { bbox },
    );
    expect(init.lon).toEqual({ start: 21.75, step: 0.25, count: 14 }); // 22–25 E plus one node each side, clipped at 25
    expect(init.lat).toEqual({ start: 52.75, step: 0.25, count: 14 }); // clipped at the grid's 56 N
    const sea = await grib2Wind([load(RUN_0804[0])], { bbox, levelType: 'height-above-sea' });
    expect(sea.levels).toEqual({ kind: 'altitude', altitudesM: [1829, 2743, 3658] });
    expect(sea.description).toContain('heights above sea level');
    gridWind(sea);
  });

  it('resamples heights above ground to altitudes with the orography of the file', async () => {
    const init = await grib2Wind([load(RUN_0804[0])], { levelType: 'height-above-ground' });
    expect(init.levels.kind).toBe('altitude');
    if (init.levels.kind !== 'altitude') return;
    const oro = init.orographyM!;
    let lowest = 0;
    for (let c = 1; c < oro.length; c++) if (oro[c] < oro[lowest]) lowest = c;
    expect(init.levels.altitudesM[0]).toBeCloseTo(oro[lowest] + 10, 3);
    // In the lowest column the first level is the 10 m wind itself.
    const file = load(RUN_0804[0]);
    const ten = await decodeGrib2(file.bytes, {
      source: file.name,
      select: (f) => f.shortName === '10u' && f.levelType === 'height-above-ground',
    });
    expect(ten.fields.length).toBe(1);
    expect(init.u[lowest]).toBeCloseTo(ten.fields[0].values[lowest], 5);
    expect(init.description).toContain('heights above ground');
    gridWind(init);
  });

  it('names what is missing when a time lacks a level or a field', async () => {
    const files = RUN_0804.map((n) => load(n));
    files[1] = withoutMessages(
      files[1],
      (m) => m.shortName === 'v' && m.levelType === 'isobaric' && m.level === 850,
    );
    const error = await rejection(grib2Wind(files));
    expect(error.reason).toContain('2020-08-04T18:00:00Z lacks v at 850 hPa');
    expect(error.source).toBe('20200804_f006.grib2');
  });

  it('refuses fields on different grids, and heights above ground without orography', async () => {
    const other = load('gfs.t12z.pgrbf120.2p5deg.grib2', 'gfs-2p5');
    const error = await rejection(grib2Wind([load(RUN_0804[0]), other]));
    expect(error.part).toMatch(/^section 3 \(message \d+\)$/);
    expect(error.reason).toContain('differs');
    const bare = withoutMessages(load(RUN_0804[0]), (m) => m.shortName === 'orog');
    const noGround = await rejection(grib2Wind([bare], { levelType: 'height-above-ground' }));
    expect(noGround.reason).toContain('ground elevation');
    const noWind = await rejection(grib2Wind([load('20240101000000-0h-oper-fc.grib2', 'ecmwf-ccsds')]));
    expect(noWind.reason).toContain('no wind found');
  });
});

describe.runIf(hasSharedData)('grib2Wind refuses files of different forecast runs unless allowed', () => {
  const mixed = () =>
    ['20200804_f000.grib2', '20200804_f006.grib2', '20200815_f000.grib2'].map((n) => load(n));

  it('refuses a 2020-08-04 and a 2020-08-15 run together, naming each run and its files', async () => {
    const error = await rejection(grib2Wind(mixed()));
    expect(error.part).toBe('wind assembly');
    expect(error.reason).toContain('come from 2 forecast runs');
    expect(error.reason).toContain(
      'run 2020-08-04T12:00:00Z: 20200804_f000.grib2, 20200804_f006.grib2; run 2020-08-15T12:00:00Z: 20200815_f000.grib2',
    );
    expect(error.reason).toContain('mixedRuns "allow"');
  });

  it('merges them when allowed, and the field warns of the mixture and of the gap between steps', async () => {
    const field = gridWind(await grib2Wind(mixed(), { mixedRuns: 'allow' }));
    expect(field.warnings).toHaveLength(2);
    expect(field.warnings[0]).toMatch(
      /^the wind mixes 2 forecast runs \(run 2020-08-04T12:00:00Z: .*\), allowed/,
    );
    // Steps 12, 18 UTC on the 4th, then 12 UTC on the 15th: one gap of 10 d 18 h after 6 h steps.
    expect(field.warnings[1]).toBe(
      "1 gap between the wind's time steps (the other steps are 6 h), interpolated across as if the wind changed linearly: 2020-08-04T18:00:00.000Z to 2020-08-15T12:00:00.000Z (10 d 18 h)",
    );
  });

  it('one run, every step: no warning', async () => {
    const field = gridWind(await grib2Wind(RUN_0804.map((n) => load(n))));
    expect(field.warnings).toEqual([]);
  });
});
