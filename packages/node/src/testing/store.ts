/**
 * A forecast store made for a test: a real GFS 0.25° cycle from ../shared/data (run 2020-08-04
 * 12 UTC, steps +0/+6/+12 h, 48–56 N 13–25 E) copied into `<root>/gfs/2020080412/` with the index
 * the store code writes, as `balloon-sim wind fetch gfs` would leave it (the downloader crops to the
 * fields it needs; the copies keep every field, which the store's reader accepts).
 */
import { copyFileSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataPath } from '@balloon-sim/sim-core/testing';
import { type CycleIndex, STORE_FORMAT, sha256Of, writeCycleIndex } from '../fetch/store.js';

export const TEST_STORE_MODEL = 'gfs';
export const TEST_STORE_CYCLE = '2020080412';
/** The forecast's box (degrees), as ../shared/data/README.md gives it. */
export const TEST_STORE_BOX = { lonMin: 13, lonMax: 25, latMin: 48, latMax: 56 };

/** Writes the test store into a new temporary folder (or `root`); returns its root. */
export async function writeTestStore(
  root = mkdtempSync(join(tmpdir(), 'tonight-store-')),
  { complete = true }: { complete?: boolean } = {},
): Promise<string> {
  const dir = join(root, TEST_STORE_MODEL, TEST_STORE_CYCLE);
  mkdirSync(dir, { recursive: true });
  const steps = complete ? [0, 6, 12] : [0, 6];
  const files: CycleIndex['files'] = [];
  for (const step of steps) {
    const three = String(step).padStart(3, '0');
    const name = `gfs.${TEST_STORE_CYCLE}.f${three}.grib2`;
    const path = join(dir, name);
    copyFileSync(sharedDataPath('gfs-0p25-poland', `20200804_f${three}.grib2`), path);
    files.push({ path: name, step, bytes: statSync(path).size, sha256: await sha256Of(path), messages: 0 });
  }
  await writeCycleIndex(dir, {
    format: STORE_FORMAT,
    model: TEST_STORE_MODEL,
    cycle: TEST_STORE_CYCLE,
    referenceTime: '2020-08-04T12:00:00.000Z',
    source: 'test copy of ../shared/data/gfs-0p25-poland',
    stepsWanted: [0, 6, 12],
    steps,
    members: null,
    levelsHpa: [1000, 925, 850, 700, 500],
    box: null,
    files,
    complete,
    updated: '',
  });
  return root;
}
