import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readNetcdfWind } from '../decode/netcdf.js';
import { DecodeError } from '../errors.js';
import { hasSharedData, sharedDataPath } from '../testing/shared-data.js';
import { readHdf5WindGuarded } from './load-wind.js';

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
