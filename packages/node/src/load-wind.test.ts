import { readFileSync } from 'node:fs';
import { readNetcdfWind } from '@balloon-sim/formats';
import { DecodeError, runScenario } from '@balloon-sim/sim-core';
import { hasSharedData, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { loadScenarioWind, readHdf5WindGuarded } from './load-wind.js';

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
