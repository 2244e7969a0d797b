import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNetcdfWind } from '@balloon-sim/formats';
import { DecodeError, InputError, runScenario, scenarioIssues } from '@balloon-sim/sim-core';
import { hasSharedData, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { STORE_FORMAT, writeCycleIndex } from './fetch/store.js';
import { loadScenarioWind, loadWindFiles, pinWindSource, readHdf5WindGuarded } from './load-wind.js';

describe.runIf(hasSharedData)('wind files are named by their content', () => {
  /** The hashes ../shared/data/SHA256SUMS lists (written by sha256sum when the data were collected). */
  const sums = new Map(
    readFileSync(sharedDataPath('SHA256SUMS'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const [hash, path] = line.split(/\s+/);
        return [path.replace(/^\.\//, ''), hash] as const;
      }),
  );

  it("every file of a GRIB2 forecast has its SHA-256 and size in the field's source", async () => {
    const names = ['20200804_f000.grib2', '20200804_f006.grib2', '20200804_f012.grib2'];
    const paths = names.map((n) => sharedDataPath('gfs-0p25-poland', n));
    const wind = await loadWindFiles(paths);
    expect(wind.source?.files).toEqual(
      names.map((n, k) => ({
        name: paths[k],
        bytes: readFileSync(paths[k]).length,
        sha256: sums.get(`gfs-0p25-poland/${n}`),
      })),
    );
  });

  it('so does a NetCDF4 file, read on its own thread', async () => {
    const path = sharedDataPath('netcdf', 'gfs-2p5-uvz-1000-500hPa.nc4.nc');
    const wind = await loadWindFiles([path]);
    expect(wind.source).toMatchObject({
      format: 'netcdf',
      files: [{ name: path, sha256: sums.get('netcdf/gfs-2p5-uvz-1000-500hPa.nc4.nc') }],
    });
  });
});

describe.runIf(hasSharedData)('HDF5 reads on a worker thread with a time limit', () => {
  const name = sharedDataPath('netcdf', 'gfs-2p5-uvz-1000-500hPa.nc4.nc');
  const file = { name, bytes: new Uint8Array(readFileSync(name)) };

  it('gives the same field as reading in this thread', async () => {
    const guarded = await readHdf5WindGuarded(file);
    const direct = await readNetcdfWind(file.bytes, { source: name });
    expect(guarded.u).toEqual(direct.u);
    expect(guarded.timesSec).toEqual(direct.timesSec);
  });

  it('stops a read that takes too long and says the file is probably corrupt', async () => {
    // A limit no read can meet stands in for a corrupt file that makes the HDF5 library loop.
    const error = await readHdf5WindGuarded(file, undefined, 0.001).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as Error).message).toMatch(
      /did not finish within 0\.001 s: the HDF5 file is probably corrupt/,
    );
  });
});

describe.runIf(hasSharedData)('a scenario wind of files from different forecast runs', () => {
  const paths = ['20200804_f000', '20200804_f006', '20200815_f000'].map((n) =>
    sharedDataPath('gfs-0p25-poland', `${n}.grib2`),
  );

  it('is refused, naming the runs, unless wind.mixedRuns is "allow"', async () => {
    const error = await loadScenarioWind({ type: 'file', paths }, '/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as Error).message).toContain('come from 2 forecast runs');
  });

  it('with "allow", runs, and the summary warns of the mixture and of the gap, naming its times', async () => {
    const wind = await loadScenarioWind({ type: 'file', paths, mixedRuns: 'allow' }, '/');
    const result = runScenario(
      {
        wind: { type: 'file', paths, mixedRuns: 'allow' },
        launch: {
          sites: [{ id: 'hrodna', lon: 23.85, lat: 53.7 }],
          times: { start: '2020-08-04T17:00:00Z' },
        },
        flight: { floatAltitudeM: 3000 },
        solver: { durationSec: 3600 },
      },
      { wind },
    );
    expect(result.summary.warnings).toEqual([
      expect.stringMatching(/^the wind mixes 2 forecast runs/),
      expect.stringMatching(
        /^1 gap between the wind's time steps .*: 2020-08-04T18:00:00\.000Z to 2020-08-15T12:00:00\.000Z \(10 d 18 h\)$/,
      ),
      // One member cannot resolve the default closure threshold (1 %): the summary says so.
      expect.stringMatching(/^1 member cannot resolve a closure threshold of 1 %/),
    ]);
  });
});

describe.runIf(hasSharedData)('a scenario wind from the forecast store', () => {
  /** A store holding gfs cycle 2020080412 (+0, +6 h) as the downloader writes it, and an incomplete newer one. */
  async function store(): Promise<{ base: string; root: string }> {
    const base = mkdtempSync(join(tmpdir(), 'scenario-'));
    const root = join(base, 'forecasts');
    const write = async (cycle: string, steps: number[], wanted: number[]) => {
      const dir = join(root, 'gfs', cycle);
      mkdirSync(dir, { recursive: true });
      const files = steps.map((step) => {
        const bytes = readFileSync(sharedDataPath('gfs-0p25-poland', `20200804_f00${step}.grib2`));
        const path = `gfs.${cycle}.f00${step}.grib2`;
        writeFileSync(join(dir, path), bytes);
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        return { path, step, bytes: bytes.length, sha256, messages: 0 };
      });
      await writeCycleIndex(dir, {
        format: STORE_FORMAT,
        model: 'gfs',
        cycle,
        referenceTime: '',
        source: 'test',
        stepsWanted: wanted,
        steps,
        members: null,
        levelsHpa: [],
        box: null,
        files,
        complete: steps.length === wanted.length,
        updated: '',
      });
    };
    await write('2020080412', [0, 6], [0, 6]);
    await write('2020080418', [0], [0, 6]);
    return { base, root };
  }

  it('"latest" reads the newest complete cycle, the store relative to the scenario, and pins it', async () => {
    const { base, root } = await store();
    const source = { type: 'forecast', model: 'gfs', cycle: 'latest', store: 'forecasts' } as const;
    const wind = await loadScenarioWind(source, base);
    const direct = await loadScenarioWind(
      {
        type: 'file',
        paths: ['20200804_f000', '20200804_f006'].map((n) => sharedDataPath('gfs-0p25-poland', `${n}.grib2`)),
      },
      '/',
    );
    expect(wind.coverage).toEqual(direct.coverage);
    const out = [new Float64Array(2), new Float64Array(2)];
    wind.sample(23.85, 53.7, 3000, Date.UTC(2020, 7, 4, 15) / 1000, out[0]);
    direct.sample(23.85, 53.7, 3000, Date.UTC(2020, 7, 4, 15) / 1000, out[1]);
    expect(out[0]).toEqual(out[1]);
    const notes: string[] = [];
    const pinned = await pinWindSource(source, base, (l) => notes.push(l));
    expect(pinned).toEqual({ ...source, cycle: '2020080412', store: root });
    expect(notes).toEqual([`wind: gfs cycle 2020080412 (the newest complete in ${root}), steps +0…+6 h`]);
  });

  it('an incomplete cycle named is refused, saying what it lacks and what to run', async () => {
    const { base } = await store();
    const error = await loadScenarioWind(
      { type: 'forecast', model: 'gfs', cycle: '2020080418', store: 'forecasts' },
      base,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /^cycle 2020080418 of gfs in .* is incomplete \(steps held: 0 of 0, 6\).*run "balloon-sim wind fetch gfs --cycle 2020080418" again/,
    );
  });

  it('the scenario schema takes {"type": "forecast", …} and refuses an unknown model or a malformed cycle', () => {
    const scenario = (wind: unknown) => ({
      wind,
      launch: { sites: [{ id: 'a', lon: 23.85, lat: 53.7 }], times: { start: '2020-08-04T17:00:00Z' } },
      flight: { floatAltitudeM: 3000 },
      solver: { durationSec: 3600 },
    });
    expect(
      scenarioIssues(scenario({ type: 'forecast', model: 'ecmwf-ens', cycle: 'latest', member: 3 })),
    ).toEqual([]);
    const issues = (wind: unknown) => scenarioIssues(scenario(wind)).map((i) => i.path);
    expect(issues({ type: 'forecast', model: 'ecmwf', cycle: 'latest' })).toContain('wind.model');
    expect(issues({ type: 'forecast', model: 'gfs', cycle: '2020-08-04' })).toContain('wind.cycle');
  });
});
