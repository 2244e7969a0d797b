import { describe, expect, it } from 'vitest';
import { UniformWind } from '../wind/analytic.js';
import type { WindFieldSource } from '../wind/source.js';
import type { WindField } from '../wind/wind-field.js';
import { prepareRun, runScenario } from './entry.js';
import { ENGINE, provenanceLines, scenarioAsRun, windProvenance } from './provenance.js';
import type { Scenario } from './schema.js';
import { validateScenario } from './validate.js';

/** A short scenario that leaves every optional field out. */
const bare: Scenario = {
  name: 'bare',
  wind: { type: 'uniform', uMps: 10, vMps: 0 },
  launch: { sites: [{ id: 'a', lon: 25, lat: 54 }], times: { start: '2025-10-24T18:00:00Z' } },
  flight: { floatAltitudeM: 2000 },
  solver: { durationSec: 3600 },
};

const context = {
  runTime: '2025-10-24T18:31:00.000Z',
  tool: { name: 'balloon-sim', version: '9.9.9' },
  inputs: [
    { role: 'zones' as const, name: '/home/officer/zones/extra.json', bytes: 12, sha256: 'ab'.repeat(32) },
  ],
};

describe('the provenance of a run', () => {
  it('names the tool, the engine, the time given, the seed, the members and the other files by name', () => {
    const prepared = prepareRun(bare, new UniformWind(10, 0), context);
    const p = prepared.provenance;
    expect(p.tool).toEqual({ name: 'balloon-sim', version: '9.9.9' });
    expect(p.engine).toEqual(ENGINE);
    expect(p.runTime).toBe('2025-10-24T18:31:00.000Z');
    expect(p.seed).toBe(1);
    expect(p.members).toBe(1);
    expect(p.inputs).toEqual([{ role: 'zones', name: 'extra.json', bytes: 12, sha256: 'ab'.repeat(32) }]);
    expect(p.wind.format).toBe('analytic');
  });

  it('without a time from the caller, the time is null: the engine has no clock', () => {
    expect(prepareRun(bare, new UniformWind(10, 0)).provenance.runTime).toBeNull();
  });

  it('the scenario as run has every default filled in, is a valid scenario, and runs to the same result', () => {
    const wind = new UniformWind(10, 0);
    const asRun = prepareRun(bare, wind).provenance.scenario!;
    expect(asRun.solver).toEqual({ method: 'rk4', dtSec: 60, durationSec: 3600, direction: 'forward' });
    expect(asRun.output).toEqual({ intervalSec: 600, timeZone: 'Europe/Vilnius' });
    expect(asRun.ensemble?.members).toBe(1);
    expect(asRun.ensemble?.seed).toBe(1);
    expect(asRun.zones).toEqual({ bundled: true, files: [] });
    expect(validateScenario(asRun)).toEqual(asRun);
    const { provenance: first, ...once } = runScenario(bare, { wind }).summary;
    const { provenance: again, ...twice } = runScenario(asRun, { wind }).summary;
    expect(twice).toEqual(once);
    expect(again?.scenario).toEqual(first?.scenario);
  });

  it('reduces the paths of the scenario to file names', () => {
    const doc = {
      ...bare,
      wind: { type: 'file' as const, paths: ['/srv/data/gfs/20200804_f000.grib2', 'C:\\data\\f006.grib2'] },
      zones: { files: ['../zones/extra.json'] },
    };
    const asRun = scenarioAsRun(doc, { source: undefined });
    expect(asRun.wind).toMatchObject({ paths: ['20200804_f000.grib2', 'f006.grib2'], mixedRuns: 'refuse' });
    expect(asRun.zones?.files).toEqual(['extra.json']);
  });
});

/** A field that is only its description and source: all that windProvenance reads. */
function fieldOf(source: WindFieldSource, description = 'a forecast'): WindField {
  return { description, source } as unknown as WindField;
}

const hours = (h: number) => new Date(Date.UTC(2020, 7, 4, h)).toISOString();
const gfs: WindFieldSource = {
  format: 'grib2',
  illustrative: false,
  files: [0, 6, 12, 18].map((h) => ({
    name: `/data/f${h}.grib2`,
    bytes: 100 + h,
    sha256: `${h}`.padStart(64, '0'),
  })),
  referenceTimes: [hours(12)],
  producer: { centre: { code: 7, name: 'US NCEP' }, models: [{ code: 96, name: 'GFS' }] },
  validTimes: [12, 18, 24, 30].map(hours),
  steps: [12, 18, 24, 30].map((h) => ({
    validTime: hours(h),
    referenceTime: hours(12),
    forecastHours: h - 12,
    model: { code: 96, name: 'GFS' },
    files: [`/data/f${h - 12}.grib2`],
  })),
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
  levels: { kind: 'pressure', values: [1000, 925, 850, 700] },
};

describe('windProvenance', () => {
  it('the valid times a run reaches: from the step at or before its start to the one at or after its end', () => {
    const span = [Date.UTC(2020, 7, 4, 19) / 1000, Date.UTC(2020, 7, 5, 2) / 1000] as const;
    const w = windProvenance(fieldOf(gfs), span);
    expect(w.validTimesUsed).toEqual([hours(18), hours(24), hours(30)]);
    expect(w.steps?.map((s) => s.forecastHours)).toEqual([6, 12, 18]);
    expect(w.steps?.[0].files).toEqual(['f6.grib2']);
    expect(w.files.map((f) => f.name)).toEqual(['f0.grib2', 'f6.grib2', 'f12.grib2', 'f18.grib2']);
    // A run that starts on a step uses it, and ends on the next.
    const exact = windProvenance(fieldOf(gfs), [
      Date.UTC(2020, 7, 4, 12) / 1000,
      Date.UTC(2020, 7, 4, 18) / 1000,
    ]);
    expect(exact.validTimesUsed).toEqual([hours(12), hours(18)]);
    // Backward runs span the other way.
    const back = windProvenance(fieldOf(gfs), [
      Date.UTC(2020, 7, 4, 20) / 1000,
      Date.UTC(2020, 7, 4, 13) / 1000,
    ]);
    expect(back.validTimesUsed).toEqual([hours(12), hours(18), hours(24)]);
  });

  it('the made-up wind says so: the source flag, or the word in the description of an older field', () => {
    expect(windProvenance(fieldOf({ ...gfs, illustrative: true })).illustrative).toBe(true);
    expect(windProvenance(fieldOf(gfs, 'ILLUSTRATIVE wind, not weather')).illustrative).toBe(true);
    expect(windProvenance(fieldOf(gfs)).illustrative).toBe(false);
  });

  it('as lines for people: producer and run, times used, grid, levels, each file with its hash', () => {
    const prepared = prepareRun(bare, new UniformWind(10, 0), context);
    const p = {
      ...prepared.provenance,
      wind: windProvenance(fieldOf(gfs), [Date.UTC(2020, 7, 4, 19) / 1000, Date.UTC(2020, 7, 4, 23) / 1000]),
    };
    const lines = provenanceLines(p);
    expect(lines[0]).toBe(
      `produced by balloon-sim 9.9.9 (${ENGINE.name} ${ENGINE.version}), run 2025-10-24T18:31:00.000Z`,
    );
    expect(lines).toContain('wind: grib2, US NCEP, model GFS (96), run 2020-08-04T12:00:00.000Z');
    expect(lines).toContain(
      'wind times used: 2 of 4, 2020-08-04T18:00:00.000Z to 2020-08-05T00:00:00.000Z (steps +6 h, +12 h)',
    );
    expect(lines).toContain(
      'wind grid: 49×33 every 0.25°×0.25°, 13–25° E, 48–56° N; 4 pressure levels 1000–700 hPa',
    );
    expect(lines).toContain(`wind file: f6.grib2, 106 bytes, sha256 ${'6'.padStart(64, '0')}`);
    expect(lines).toContain(`zones file: extra.json, 12 bytes, sha256 ${'ab'.repeat(32)}`);
    expect(lines.at(-1)).toBe('seed 1, 1 member');
  });
});
