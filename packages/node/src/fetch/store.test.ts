/**
 * The forecast store's listing, pruning and resolution, on stores written here: the resolution reads
 * only index.json and checks the files against it (size, SHA-256), so the files need not be GRIB2.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@balloon-sim/sim-core';
import { describe, expect, it } from 'vitest';
import { type ForecastModelId, MODELS } from './models.js';
import {
  type CycleIndex,
  defaultStoreRoot,
  listStore,
  pruneStore,
  readCycleIndex,
  resolveStoredCycle,
  STORE_ENV,
  STORE_FORMAT,
  writeCycleIndex,
} from './store.js';

/** Writes a cycle folder: a file per step holding `content`, and its index. */
async function cycle(
  root: string,
  model: ForecastModelId,
  name: string,
  steps: number[],
  wanted = steps,
): Promise<string> {
  const dir = join(root, model, name);
  mkdirSync(dir, { recursive: true });
  const files = steps.map((step) => {
    const bytes = Buffer.from(`${model} ${name} +${step} h`);
    const path = `${model}.${name}.f${String(step).padStart(3, '0')}.grib2`;
    writeFileSync(join(dir, path), bytes);
    return {
      path,
      step,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      messages: 1,
    };
  });
  const index: CycleIndex = {
    format: STORE_FORMAT,
    model,
    cycle: name,
    referenceTime: '',
    source: 'test',
    stepsWanted: wanted,
    steps,
    members: MODELS[model].ensemble ? [0, 1] : null,
    levelsHpa: [1000, 500],
    box: { lonMin: 20, latMin: 52, lonMax: 24, latMax: 55 },
    files,
    complete: steps.length === wanted.length,
    updated: '',
  };
  await writeCycleIndex(dir, index);
  return dir;
}

describe('the forecast store', () => {
  it('lives in $BALLOON_SIM_FORECAST_STORE, else $XDG_CACHE_HOME/balloon-sim/forecasts, else ~/.cache/balloon-sim/forecasts', () => {
    expect(defaultStoreRoot({ [STORE_ENV]: '/data/store', XDG_CACHE_HOME: '/cache' })).toBe('/data/store');
    expect(defaultStoreRoot({ XDG_CACHE_HOME: '/cache' })).toBe('/cache/balloon-sim/forecasts');
    expect(defaultStoreRoot({})).toMatch(/\/\.cache\/balloon-sim\/forecasts$/);
  });

  it('"latest" is the newest complete cycle; an incomplete newer one is passed over', async () => {
    const root = mkdtempSync(join(tmpdir(), 'store-'));
    await cycle(root, 'ecmwf-ens', '2025102400', [0, 6]);
    await cycle(root, 'ecmwf-ens', '2025102406', [0, 6]);
    await cycle(root, 'ecmwf-ens', '2025102412', [0], [0, 6]);
    const resolved = await resolveStoredCycle(root, 'ecmwf-ens', 'latest');
    expect(resolved.index.cycle).toBe('2025102406');
    expect(resolved.paths.map((p) => p.split('/').at(-1))).toEqual([
      'ecmwf-ens.2025102406.f000.grib2',
      'ecmwf-ens.2025102406.f006.grib2',
    ]);
  });

  it('a named incomplete cycle is refused, saying what it holds and how to complete it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'store-'));
    await cycle(root, 'icon-eu', '2025102412', [0, 3], [0, 3, 6]);
    const error = await resolveStoredCycle(root, 'icon-eu', '2025102412').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /^cycle 2025102412 of icon-eu in .* is incomplete \(steps held: 0, 3 of 0, 3, 6\).*"balloon-sim wind fetch icon-eu --cycle 2025102412"/,
    );
  });

  it('no cycle, or no complete one, is refused naming the store and the command that fetches one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'store-'));
    await expect(resolveStoredCycle(root, 'gefs', 'latest')).rejects.toThrow(
      /holds no complete cycle of gefs: fetch one with "balloon-sim wind fetch gefs"/,
    );
    await cycle(root, 'gefs', '2025102400', [0], [0, 6]);
    await expect(resolveStoredCycle(root, 'gefs', 'latest')).rejects.toThrow(
      /holds no complete cycle of gefs \(incomplete: 2025102400\)/,
    );
    await expect(resolveStoredCycle(root, 'gefs', '2025102406')).rejects.toThrow(
      /holds no cycle 2025102406 of gefs/,
    );
    await expect(resolveStoredCycle(root, 'gefs', '2025-10-24')).rejects.toThrow(
      /cycle must be latest or YYYYMMDDHH.*got "2025-10-24"/,
    );
    await expect(resolveStoredCycle(root, 'ecmwf', 'latest')).rejects.toThrow(
      /model must be one of ecmwf-hres, ecmwf-ens, icon-eu, gefs, gfs, got "ecmwf"/,
    );
  });

  it('a file changed or missing since the download is refused, not read', async () => {
    const root = mkdtempSync(join(tmpdir(), 'store-'));
    const dir = await cycle(root, 'gfs', '2025102400', [0, 3]);
    writeFileSync(join(dir, 'gfs.2025102400.f003.grib2'), 'gfs 2025102400 +9 h'); // same size
    await expect(resolveStoredCycle(root, 'gfs', 'latest')).rejects.toThrow(
      /gfs\.2025102400\.f003\.grib2 differs from what the index recorded at download/,
    );
  });

  it("an index that is not the store's is refused naming the file and field", async () => {
    const root = mkdtempSync(join(tmpdir(), 'store-'));
    const dir = join(root, 'gfs', '2025102400');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'index.json'),
      JSON.stringify({
        format: STORE_FORMAT,
        model: 'gfs',
        cycle: '2025102400',
        steps: [0],
        files: [{ path: '../../x', bytes: 1, sha256: '' }],
        complete: true,
      }),
    );
    await expect(readCycleIndex(dir)).rejects.toThrow(
      /index\.json: files\[0\]\.path is missing or invalid, got "\.\.\/\.\.\/x"/,
    );
  });

  it('lists cycles newest first per model; prune keeps the newest N complete ones of each model and anything newer', async () => {
    const root = mkdtempSync(join(tmpdir(), 'store-'));
    for (const name of ['2025102300', '2025102312', '2025102400']) await cycle(root, 'ecmwf-hres', name, [0]);
    await cycle(root, 'icon-eu', '2025102400', [0]);
    await cycle(root, 'icon-eu', '2025102403', [0]);
    await cycle(root, 'icon-eu', '2025102406', [0], [0, 3]); // incomplete: to be resumed
    mkdirSync(join(root, 'icon-eu', '2025102409')); // a fetch under way, no index yet
    mkdirSync(join(root, 'icon-eu', '2025102321')); // old and unreadable
    const listed = await listStore(root);
    expect(listed.map((c) => `${c.model} ${c.cycle} ${c.index ? c.index.complete : 'unreadable'}`)).toEqual([
      'ecmwf-hres 2025102400 true',
      'ecmwf-hres 2025102312 true',
      'ecmwf-hres 2025102300 true',
      'icon-eu 2025102409 unreadable',
      'icon-eu 2025102406 false',
      'icon-eu 2025102403 true',
      'icon-eu 2025102400 true',
      'icon-eu 2025102321 unreadable',
    ]);
    expect(listed[0].bytes).toBeGreaterThan(0);
    const removed = await pruneStore(root, 1);
    expect(removed.map((c) => `${c.model} ${c.cycle}`)).toEqual([
      'ecmwf-hres 2025102312',
      'ecmwf-hres 2025102300',
      'icon-eu 2025102400',
      'icon-eu 2025102321',
    ]);
    expect(readdirSync(join(root, 'ecmwf-hres'))).toEqual(['2025102400']);
    expect(readdirSync(join(root, 'icon-eu')).sort()).toEqual(['2025102403', '2025102406', '2025102409']);
    expect(await pruneStore(root, 1)).toEqual([]);
    await expect(pruneStore(root, -1)).rejects.toThrow(/keep must be a whole number ≥ 0, got -1/);
  });
});
