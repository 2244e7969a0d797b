// Seeded fuzzing of the NetCDF3 reader on the real file: random truncations and byte flips must give
// a field without NaN, or an InputError/DecodeError — never another error or a hang. (NetCDF4 goes
// through the HDF5 library, which can loop on some corruptions; see netcdf/hdf5.ts.)
import { readFileSync } from 'node:fs';
import { InputError } from '@balloon-sim/sim-core';
import { hasSharedData, seededRandom, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { readNetcdfWind } from './netcdf.js';

describe.runIf(hasSharedData)('NetCDF3 fuzz', () => {
  it('1000 truncated or corrupted copies: a field without infinities, or an InputError; truncations always refused', async () => {
    const original = new Uint8Array(readFileSync(sharedDataPath('netcdf', 'gfs-2p5-uvz-1000-500hPa.nc3.nc')));
    const rand = seededRandom('netcdf fuzz');
    const outcomes = { ok: 0, refused: 0 };
    for (let k = 0; k < 1000; k++) {
      let bytes: Uint8Array;
      if (k % 2 === 0) {
        bytes = original.slice(0, Math.floor(rand() * original.length));
      } else {
        bytes = original.slice();
        // Flips mostly in the header, where a wrong value changes the structure.
        const flips = 1 + Math.floor(rand() * 4);
        for (let f = 0; f < flips; f++) {
          const at = rand() < 0.8 ? Math.floor(rand() * 2048) : Math.floor(rand() * bytes.length);
          bytes[at] ^= 1 << Math.floor(rand() * 8);
        }
      }
      const truncated = bytes.length < original.length;
      try {
        const init = await readNetcdfWind(bytes, { source: `case ${k}` });
        // A truncated file has lost data: it must never decode to a partial field.
        expect(truncated, `case ${k}: a file cut at byte ${bytes.length} decoded`).toBe(false);
        // Packed int16 × scale + offset cannot overflow to ±Infinity; NaN only marks fill values.
        const noInfinity = (a: Float32Array) =>
          a.every((x) => x !== Number.POSITIVE_INFINITY && x !== Number.NEGATIVE_INFINITY);
        expect(noInfinity(init.u) && noInfinity(init.v), `case ${k}`).toBe(true);
        outcomes.ok++;
      } catch (error) {
        expect(error, `case ${k}: ${(error as Error).message}`).toBeInstanceOf(InputError);
        outcomes.refused++;
      }
    }
    console.info(`netcdf fuzz: ${outcomes.ok} decoded, ${outcomes.refused} refused`);
    expect(outcomes.refused).toBeGreaterThan(500); // every truncation (half the cases) at least
    // ≈ 25 s alone; a loaded 2-core machine has taken over 60 s (the default limit).
  }, 240_000);
});
