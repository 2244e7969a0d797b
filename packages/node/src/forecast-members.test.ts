/**
 * Winds of several forecast members read from files and the forecast store: every member of a real
 * template-4.1 GRIB2 ensemble (made by ecCodes' tools from the GFS file of ../shared/data, as the
 * downloaders' tests make theirs), a lagged ensemble of two stored cycles, the grid-offset
 * ensemble of a file; and the command line's run, sweep and validate on such scenarios, the same
 * bytes whatever the workers and shards.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gpuUnsupported } from '@balloon-sim/gpu';
import { forecastMembersOf, InputError, runScenario, type Scenario } from '@balloon-sim/sim-core';
import { hasEccodes, hasSharedData, makeGrib, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { STORE_FORMAT, writeCycleIndex } from './fetch/store.js';
import { loadScenarioWind, pinWindSource } from './load-wind.js';
import { cli as runCli } from './testing/cli.js';

const T_18Z = Date.UTC(2020, 7, 4, 18) / 1000;
const LEVELS = 'shortName=u/v/gh,typeOfLevel=isobaricInhPa,level=1000/850/700/500';
const sample = (
  field: { sample: (x: number, y: number, z: number, t: number, o: Float64Array) => void },
  t: number,
) => {
  const out = new Float64Array(2);
  field.sample(23.85, 53.7, 3000, t, out);
  return [out[0], out[1]];
};
const scenario = (
  wind: Scenario['wind'],
  members: number,
  start = '2020-08-04T13:00:00Z',
  durationSec = 3 * 3600,
): Scenario => ({
  wind,
  launch: { sites: [{ id: 'pl', lon: 23.85, lat: 53.7 }], times: { start } },
  flight: { floatAltitudeM: 3000 },
  solver: { durationSec },
  ensemble: { members },
});

/** A complete cycle in a forecast store, as the downloader writes it: one file a step (+0, +6 h, …). */
async function writeCycle(
  root: string,
  model: 'gfs' | 'gefs',
  cycle: string,
  sources: string[],
  members: number[] | null = null,
): Promise<void> {
  const dir = join(root, model, cycle);
  mkdirSync(dir, { recursive: true });
  const steps = sources.map((_, k) => 6 * k);
  const files = sources.map((path, k) => {
    const bytes = readFileSync(path);
    const name = `${model}.${cycle}.f00${steps[k]}.grib2`;
    writeFileSync(join(dir, name), bytes);
    return {
      path: name,
      step: steps[k],
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      messages: 0,
    };
  });
  await writeCycleIndex(dir, {
    format: STORE_FORMAT,
    model,
    cycle,
    referenceTime: '',
    source: 'test',
    stepsWanted: steps,
    steps,
    members,
    levelsHpa: [],
    box: null,
    files,
    complete: true,
    updated: '',
  });
}

describe.runIf(hasSharedData && hasEccodes)('every member of a multi-member GRIB2 file', () => {
  let dir: string;
  let paths: string[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'members-'));
    // Steps +0 and +6 h, each one file of three members (0 the control): member k's u is the real
    // GFS u plus 2k m/s, its v the real v minus k.
    paths = ['f000', 'f006'].map((step) =>
      makeGrib(dir, `ens.${step}.grib2`, {
        source: sharedDataPath('gfs-0p25-poland', `20200804_${step}.grib2`),
        where: LEVELS,
        members: [0, 1, 2].map((k) => ({
          set: `productDefinitionTemplateNumber=1,typeOfEnsembleForecast=${k === 0 ? 1 : 3},perturbationNumber=${k},numberOfForecastsInEnsemble=3`,
          offsets: { u: 2 * k, v: -k },
        })),
      }),
    );
  }, 120_000);

  it('members "all" reads each member as its own wind, told apart by number', async () => {
    const wind = await loadScenarioWind({ type: 'file', paths, members: 'all' }, '/');
    const ensemble = forecastMembersOf(wind)!;
    expect(ensemble.members.map((m) => m.label)).toEqual(
      [0, 1, 2].map((k) => `ens.f000.grib2 and 1 more member ${k}`),
    );
    const [u0, v0] = sample(ensemble.members[0].field, T_18Z - 3 * 3600);
    ensemble.members.forEach((m, k) => {
      const [u, v] = sample(m.field, T_18Z - 3 * 3600);
      // The offsets written by grib_set, to the packing's precision.
      expect(u - u0).toBeCloseTo(2 * k, 1);
      expect(v - v0).toBeCloseTo(-k, 1);
    });
    // A run of 6 trajectory members: two fly each forecast member.
    // An hour: inside the file's box (it ends at 25° E, which a 3 h flight reaches).
    const result = runScenario(scenario({ type: 'file', paths: ['x'], members: 'all' }, 6, undefined, 3600), {
      wind,
    });
    expect(Array.from(result.status)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(result.prepared.memberForecast!)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(result.summary.forecast?.members.map((m) => m.members)).toEqual([2, 2, 2]);
    // The GPU takes one wind: `run --backend gpu` says why and runs this on the CPU.
    expect(gpuUnsupported(result.prepared)).toMatch(
      /forecast members.*not one of the engine's gridded or analytic fields/,
    );
    // Different winds, different ends: member k drifts further east as its u is 2k m/s more.
    expect(result.endLon[2]).toBeGreaterThan(result.endLon[0]);
    expect(result.endLon[4]).toBeGreaterThan(result.endLon[2]);
    expect(result.summary.provenance?.forecastMembers?.map((m) => m.files.map((f) => f.name))).toEqual(
      [0, 1, 2].map(() => ['ens.f000.grib2', 'ens.f006.grib2']),
    );
  });

  it('members by number: those named only; a number the file lacks is refused by its path', async () => {
    const wind = await loadScenarioWind({ type: 'file', paths, members: [2, 0] }, '/');
    expect(forecastMembersOf(wind)!.members.map((m) => m.label.at(-1))).toEqual(['0', '2']);
    const error = await loadScenarioWind({ type: 'file', paths, members: [1, 7] }, '/').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).field).toBe('wind.members');
    expect((error as Error).message).toMatch(
      /names members? 7, which .* does not hold \(it holds 3 ensemble members \(0–2\)\)/,
    );
  });

  it('a multi-model ensemble from the store: gfs and every gefs member, weights shared by source', async () => {
    const base = mkdtempSync(join(tmpdir(), 'models-'));
    const root = join(base, 'forecasts');
    const real = ['f000', 'f006'].map((step) => sharedDataPath('gfs-0p25-poland', `20200804_${step}.grib2`));
    await writeCycle(root, 'gfs', '2020080412', real);
    await writeCycle(root, 'gefs', '2020080412', paths, [0, 1, 2]);
    const source: Scenario['wind'] = {
      type: 'ensemble',
      members: [
        { type: 'forecast', model: 'gfs', cycle: '2020080412', store: 'forecasts' },
        { type: 'forecast', model: 'gefs', cycle: 'latest', store: 'forecasts', members: 'all' },
      ],
      weights: [1, 1],
    };
    const wind = await loadScenarioWind(source, base);
    const ensemble = forecastMembersOf(wind)!;
    expect(ensemble.members.map((m) => [m.label, m.weight])).toEqual([
      ['0: gfs 2020080412', 1],
      ['1: gefs 2020080412 member 0', 1 / 3],
      ['1: gefs 2020080412 member 1', 1 / 3],
      ['1: gefs 2020080412 member 2', 1 / 3],
    ]);
    // 6 trajectory members per launch: half fly gfs, half the three gefs members (one each).
    const result = runScenario(scenario(source, 6, undefined, 3600), { wind });
    expect(Array.from(result.prepared.memberForecast!)).toEqual([0, 0, 0, 1, 2, 3]);
    // gefs member 2 blows 4 m/s more from the west than member 0: its member ends further east.
    expect(result.endLon[5]).toBeGreaterThan(result.endLon[3]);
  });

  it('a grid offset of one member is 27 winds, one grid cell (0.25°) and 250 m apart', async () => {
    const wind = await loadScenarioWind({ type: 'file', paths, members: [0], gridOffset: true }, '/');
    const ensemble = forecastMembersOf(wind)!;
    expect(ensemble.members).toHaveLength(27);
    const base = ensemble.members[13].field;
    const out = new Float64Array(2);
    const t = T_18Z - 3 * 3600;
    // Member 14 is x+1: the base's wind one cell east.
    ensemble.members[14].field.sample(23.85, 53.7, 3000, t, out);
    expect(sample(base, t).length).toBe(2);
    const east = new Float64Array(2);
    base.sample(24.1, 53.7, 3000, t, east);
    expect([out[0], out[1]]).toEqual([east[0], east[1]]);
    const result = runScenario(scenario({ type: 'file', paths: ['x'], gridOffset: true }, 27), { wind });
    expect(result.summary.forecast?.members).toHaveLength(27);
  });
});

describe.runIf(hasSharedData && hasEccodes)('a lagged ensemble from the forecast store', () => {
  /**
   * gfs cycles 2020080412 (+0, +6, +12 h: the real files) and 2020080418 (+0, +6 h: the real +6 and
   * +12 h files with 3 m/s added to u, so that the two members differ by a known wind).
   */
  async function store(): Promise<{ base: string; root: string }> {
    const base = mkdtempSync(join(tmpdir(), 'lagged-'));
    const root = join(base, 'forecasts');
    const write = (cycle: string, sources: string[]) => writeCycle(root, 'gfs', cycle, sources);
    const real = (step: string) => sharedDataPath('gfs-0p25-poland', `20200804_${step}.grib2`);
    await write('2020080412', [real('f000'), real('f006'), real('f012')]);
    const made = mkdtempSync(join(tmpdir(), 'lagged-made-'));
    const shifted = ['f006', 'f012'].map((step) =>
      makeGrib(made, `${step}.grib2`, {
        source: real(step),
        where: LEVELS,
        members: [{ set: 'centre=7', offsets: { u: 3 } }],
      }),
    );
    await write('2020080418', shifted);
    return { base, root };
  }

  it('takes the cycle and the one before it as two members, over the times both hold', async () => {
    const { base, root } = await store();
    const source = {
      type: 'forecast',
      model: 'gfs',
      cycle: 'latest',
      store: 'forecasts',
      lagged: 2,
    } as const;
    const wind = await loadScenarioWind(source, base);
    const ensemble = forecastMembersOf(wind)!;
    expect(ensemble.members.map((m) => m.label)).toEqual(['gfs 2020080418', 'gfs 2020080412']);
    // The older cycle starts at 12Z, the newer at 18Z: the members share 18Z to 00Z.
    expect(wind.coverage.tMinSec).toBe(T_18Z);
    expect(wind.coverage.tMaxSec).toBe(T_18Z + 6 * 3600);
    const t = T_18Z + 3 * 3600;
    const [uNew] = sample(ensemble.members[0].field, t);
    const [uOld] = sample(ensemble.members[1].field, t);
    expect(uNew - uOld).toBeCloseTo(3, 1);
    const result = runScenario(scenario({ ...source }, 4, '2020-08-04T19:00:00Z'), { wind });
    expect(result.summary.forecast?.members.map((m) => [m.label, m.members])).toEqual([
      ['gfs 2020080418', 2],
      ['gfs 2020080412', 2],
    ]);
    // Pinned, a lagged forecast keeps its length and names the newest cycle.
    expect(await pinWindSource(source, base)).toEqual({ ...source, cycle: '2020080418', store: root });
  });

  it('refuses more cycles than the store holds, naming those it does', async () => {
    const { base } = await store();
    const error = await loadScenarioWind(
      { type: 'forecast', model: 'gfs', cycle: 'latest', store: 'forecasts', lagged: 3 },
      base,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).field).toBe('wind.lagged');
    expect((error as Error).message).toMatch(/holds 2 complete \(2020080418, 2020080412\)/);
  });
});

describe('the command line on a wind of two forecast members', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'balloon-sim-members-'));
  /** East of the EYVI zone, members flying A (10 m/s west, towards Vilnius) or B (10 m/s north). */
  const file = join(tmp, 'two.json');
  writeFileSync(
    file,
    JSON.stringify({
      wind: {
        type: 'ensemble',
        members: [
          { type: 'uniform', uMps: -10, vMps: 0 },
          { type: 'uniform', uMps: 0, vMps: 10 },
        ],
        weights: [1, 1],
      },
      launch: {
        sites: [
          { id: 'east', lon: 26.0, lat: 54.64 },
          { id: 'south', lon: 25.9, lat: 54.3 },
        ],
        times: { start: '2025-10-24T17:00:00Z', end: '2025-10-24T19:00:00Z', everySec: 3600 },
      },
      flight: { floatAltitudeM: 500 },
      solver: { durationSec: 4 * 3600 },
      ensemble: { members: 10, seed: 3, perturb: { positionM: 1000, windSigmaMps: 1 } },
    }),
  );
  const cli = (...args: string[]) =>
    runCli(args, { env: { ...process.env, SOURCE_DATE_EPOCH: '1761330660' } });

  it('run: the same summary and tracks with 1 and 2 workers, per member answers in the text', () => {
    const one = cli('run', file, '--json', '--workers', '1', '--out', join(tmp, 'one.csv'));
    const two = cli('run', file, '--json', '--workers', '2', '--out', join(tmp, 'two.csv'));
    expect(one.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(readFileSync(join(tmp, 'two.csv'), 'utf8')).toBe(readFileSync(join(tmp, 'one.csv'), 'utf8'));
    const summary = JSON.parse(one.stdout);
    expect(summary.forecast.members.map((m: { members: number }) => m.members)).toEqual([30, 30]);
    const eyvi = summary.forecast.zones.find((z: { id: string }) => z.id === 'EYVI-CTR');
    // B (north) never reaches Vilnius from east of it; A (west) does.
    expect(eyvi.probabilityMin).toBe(0);
    expect(eyvi.probabilityMax).toBeGreaterThanOrEqual(0.45);
    const text = cli('run', file, '--workers', '1');
    expect(text.stdout).toContain('forecast members: 2');
    expect(text.stdout).toMatch(/EYVI-CTR\s+0–\d+ %/);
  });

  it('sweep: shards 1/2 and 2/2 merge into the table of one sweep', () => {
    const window = ['--start', '2025-10-24T17:00:00Z', '--end', '2025-10-24T19:00:00Z', '--every', '3600'];
    const whole = cli('sweep', file, ...window, '--out', join(tmp, 'whole.json'), '--workers', '1');
    expect(whole.code).toBe(0);
    for (const i of [1, 2])
      expect(
        cli('sweep', file, ...window, '--shard', `${i}/2`, '--out', join(tmp, `s${i}.json`), '--workers', '2')
          .code,
      ).toBe(0);
    expect(
      cli('merge', join(tmp, 's1.json'), join(tmp, 's2.json'), '--out', join(tmp, 'merged.json')).code,
    ).toBe(0);
    expect(readFileSync(join(tmp, 'merged.json'), 'utf8')).toBe(
      readFileSync(join(tmp, 'whole.json'), 'utf8'),
    );
    // The CSV table (sweep's default) has the spread's columns.
    const csv = cli('sweep', file, ...window, '--workers', '1')
      .stdout.split('\n')
      .filter((l) => !l.startsWith('# '));
    expect(csv[0]).toMatch(
      /,forecast_members,p_forecast_min_EYVI-CTR,p_forecast_max_EYVI-CTR,forecast_closing_EYVI-CTR,/,
    );
    expect(csv[1].split(',')[csv[0].split(',').indexOf('forecast_members')]).toBe('2');
    // Each row (site and launch time) gives the spread across the two forecast members per zone.
    const table = JSON.parse(readFileSync(join(tmp, 'whole.json'), 'utf8'));
    expect(table.rows).toHaveLength(6);
    for (const row of table.rows)
      expect(
        row.forecastZones.map((z: { id: string; forecastMembers: number }) => [z.id, z.forecastMembers]),
      ).toEqual(table.zones.map((id: string) => [id, 2]));
  });

  it('validate: ok with the forecast members; a weight too many is refused by its path', () => {
    const ok = cli('validate', file);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('ok: 60 members flying 2 forecast members');
    const bad = join(tmp, 'bad.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.wind.weights = [1, 2, 3];
    writeFileSync(bad, JSON.stringify(doc));
    const r = cli('validate', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('wind.weights must give one weight per source of wind.members (2)');
  });
});
