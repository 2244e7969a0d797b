/**
 * A forecast store made for a test: a real GFS 0.25° cycle from ../shared/data (run 2020-08-04
 * 12 UTC, steps +0/+6/+12 h, 48–56 N 13–25 E) copied into `<root>/gfs/2020080412/` with the index
 * the store code writes, as `balloon-sim wind fetch gfs` would leave it (the downloader crops to the
 * fields it needs; the copies keep every field, which the store's reader accepts).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeGrib, sharedDataPath } from '@balloon-sim/sim-core/testing';
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

/** The ensemble model of the test ensemble store (template 4.1 files, member 0 the control). */
export const TEST_ENSEMBLE_MODEL = 'gefs';

/**
 * A forecast store holding one cycle of an ensemble model: `<root>/gefs/2020080412/`, the same GFS
 * cycle as writeTestStore's made by ecCodes' tools into template-4.1 files of one member per entry
 * of `offsets` (member k's u and v are the real ones plus offsets[k], m/s; member 0 the control).
 * Needs ecCodes (hasEccodes) and ../shared/data.
 */
export async function writeTestEnsembleStore(
  offsets: readonly { u?: number; v?: number }[],
  root = mkdtempSync(join(tmpdir(), 'tonight-ens-store-')),
): Promise<string> {
  const dir = join(root, TEST_ENSEMBLE_MODEL, TEST_STORE_CYCLE);
  mkdirSync(dir, { recursive: true });
  const made = mkdtempSync(join(tmpdir(), 'tonight-ens-made-'));
  const steps = [0, 6, 12];
  const files: CycleIndex['files'] = [];
  for (const step of steps) {
    const three = String(step).padStart(3, '0');
    const name = `gefs.${TEST_STORE_CYCLE}.f${three}.grib2`;
    const path = makeGrib(made, name, {
      source: sharedDataPath('gfs-0p25-poland', `20200804_f${three}.grib2`),
      where: 'shortName=u/v/gh,typeOfLevel=isobaricInhPa,level=1000/925/850/700/500',
      members: offsets.map((o, k) => ({
        set: `productDefinitionTemplateNumber=1,typeOfEnsembleForecast=${k === 0 ? 1 : 3},perturbationNumber=${k},numberOfForecastsInEnsemble=${offsets.length}`,
        offsets: { u: o.u ?? 0, v: o.v ?? 0 },
      })),
    });
    copyFileSync(path, join(dir, name));
    files.push({
      path: name,
      step,
      bytes: statSync(path).size,
      sha256: await sha256Of(path),
      messages: 0,
    });
  }
  rmSync(made, { recursive: true, force: true });
  await writeCycleIndex(dir, {
    format: STORE_FORMAT,
    model: TEST_ENSEMBLE_MODEL,
    cycle: TEST_STORE_CYCLE,
    referenceTime: '2020-08-04T12:00:00.000Z',
    source: 'test: ../shared/data/gfs-0p25-poland made into ensemble members by ecCodes',
    stepsWanted: steps,
    steps,
    members: offsets.map((_, k) => k),
    levelsHpa: [1000, 925, 850, 700, 500],
    box: null,
    files,
    complete: true,
    updated: '',
  });
  return root;
}
