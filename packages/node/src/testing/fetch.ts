/**
 * Checks shared by the downloader tests (ecmwf, gefs, icon-eu): a decoded pressure-level wind read
 * at the nodes ecCodes prints, and a fetch's stored files against a reference fetch's.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PressureGridWind } from '@balloon-sim/sim-core';
import { expect } from 'vitest';

const scratch = new Float64Array(2);

/**
 * What `field` holds for the message ecCodes names `shortName`, at (lon, lat) on the `levelHpa`
 * level at `tSec`: u or v (m/s), or else the level's height (m: ecCodes' gh, or its z once divided
 * by standard gravity). At a grid node, on a level, at a step's time, that is the stored value itself.
 */
export function valueOnLevel(
  field: PressureGridWind,
  shortName: string,
  lon: number,
  lat: number,
  levelHpa: number,
  tSec: number,
): number {
  if (shortName !== 'u' && shortName !== 'v') return field.pressureLevelAltitudeM(lon, lat, levelHpa, tSec);
  field.sampleOnLevel(lon, lat, levelHpa, tSec, scratch);
  return shortName === 'u' ? scratch[0] : scratch[1];
}

/** Whether (lon, lat) lies inside `field`'s grid: a served file covers more than the stored box. */
export function coversNode(field: PressureGridWind, lon: number, lat: number): boolean {
  const c = field.coverage;
  return lon >= c.lonMin && lon <= c.lonMax && lat >= c.latMin && lat <= c.latMax;
}

/** Each file of `paths` (a fetch's stored files) has the bytes of the file of its name in `referenceDir`. */
export function expectSameFiles(paths: readonly string[], referenceDir: string): void {
  for (const path of paths)
    expect(readFileSync(path).equals(readFileSync(join(referenceDir, basename(path)))), path).toBe(true);
}
