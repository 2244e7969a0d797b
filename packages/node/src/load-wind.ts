import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  type DecodeWindOptions,
  decodeWind,
  readNetcdfWind,
  type WindFile,
  withSource,
} from '@balloon-sim/formats';
import type { ForecastWindSource, LonLatBox, WindField, WindSource } from '@balloon-sim/sim-core';
import { analyticWind, DecodeError, type GridWindInit, gridWind } from '@balloon-sim/sim-core';
import { defaultStoreRoot, resolveStoredCycle } from './fetch/store.js';
import { readInput } from './files.js';

/**
 * Reads wind files from disk, each with its SHA-256: the run's provenance names every file by its
 * content, so an output says exactly which forecast files produced it.
 */
export async function readWindFiles(paths: string[]): Promise<WindFile[]> {
  return Promise.all(
    paths.map(async (path) => {
      const bytes = new Uint8Array(await readInput(path, 'wind file'));
      return { name: path, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
    }),
  );
}

/** Longest an HDF5 read may take before the file is declared unreadable (s per MB, at least 30 s). */
const HDF5_SEC_PER_MB = 10;

const isHdf5 = (bytes: Uint8Array) => [0x89, 0x48, 0x44, 0x46].every((b, k) => bytes[k] === b);

/**
 * Reads a NetCDF4/HDF5 file on a worker thread with a time limit: the HDF5 library can loop forever
 * on some corrupt files, and a command line or a server must not hang with it.
 */
export function readHdf5WindGuarded(
  file: WindFile,
  bbox?: LonLatBox,
  limitSec = Math.max(30, (HDF5_SEC_PER_MB * file.bytes.length) / 1e6),
): Promise<GridWindInit> {
  const script = [
    resolve(import.meta.dirname, 'workers/decode-worker.js'),
    resolve(import.meta.dirname, '../dist/workers/decode-worker.js'),
  ].find(existsSync);
  if (!script) return readNetcdfWind(file.bytes, { source: file.name, bbox });
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(script, { workerData: { bytes: file.bytes, source: file.name, bbox } });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(
        new DecodeError(
          `reading it did not finish within ${limitSec} s: the HDF5 file is probably corrupt`,
          file.name,
          'HDF5',
        ),
      );
    }, limitSec * 1000);
    worker.once('message', (reply: { init?: GridWindInit; error?: { name: string; message: string } }) => {
      clearTimeout(timer);
      void worker.terminate();
      if (reply.init) resolvePromise(reply.init);
      else reject(new DecodeError(reply.error?.message ?? 'unreadable', file.name, 'HDF5'));
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(new DecodeError(error.message, file.name, 'HDF5'));
    });
  });
}

/** Reads wind files into one field (format detected from the content unless given). */
export async function loadWindFiles(paths: string[], options: DecodeWindOptions = {}): Promise<WindField> {
  const files = await readWindFiles(paths);
  if (files.length === 1 && isHdf5(files[0].bytes) && (options.format ?? 'netcdf') === 'netcdf')
    return gridWind(withSource(await readHdf5WindGuarded(files[0], options.bbox), 'netcdf', files));
  return decodeWind(files, options);
}

/** A forecast source resolved through the store: the cycle used and its files. */
export interface ResolvedForecast {
  /** The source with the cycle and store pinned (cycle YYYYMMDDHH, store absolute). */
  source: ForecastWindSource;
  /** The store folder of the cycle, and its files in step order. */
  dir: string;
  paths: string[];
  /** E.g. "ecmwf-ens cycle 2025102400 (the newest complete in /…/forecasts), steps +0…+24 h, members 0–50". */
  description: string;
}

/**
 * Resolves a scenario's forecast source through the forecast store (`store` relative to the
 * scenario's folder; default the user's store): "latest" is the newest complete cycle of the model.
 * Incomplete or damaged cycles are refused (InputError naming the cycle and what to run).
 */
export async function resolveForecastSource(
  source: ForecastWindSource,
  baseDir: string,
): Promise<ResolvedForecast> {
  const root = source.store === undefined ? defaultStoreRoot() : resolve(baseDir, source.store);
  const { dir, index, paths } = await resolveStoredCycle(root, source.model, source.cycle);
  const steps = index.steps;
  const members = index.members;
  const description = `${index.model} cycle ${index.cycle}${source.cycle === 'latest' ? ` (the newest complete in ${root})` : ` (${root})`}, steps +${steps[0]}…+${steps.at(-1)} h${members ? `, members ${members.length > 1 ? `${members[0]}–${members.at(-1)}` : members[0]}` : ''}`;
  return { source: { ...source, cycle: index.cycle, store: root }, dir, paths, description };
}

/**
 * A scenario's wind source with a forecast's "latest" pinned to the cycle it is now, and its store
 * made absolute, so that worker threads reading it later read the same cycle; `note` is told which
 * cycle is used. Other sources are returned as they are.
 */
export async function pinWindSource(
  source: WindSource,
  baseDir: string,
  note?: (line: string) => void,
): Promise<WindSource> {
  if (source.type !== 'forecast') return source;
  const resolved = await resolveForecastSource(source, baseDir);
  note?.(`wind: ${resolved.description}`);
  return resolved.source;
}

/** The wind field of a scenario's source; file paths are relative to `baseDir` (the scenario's folder). */
export async function loadScenarioWind(source: WindSource, baseDir: string): Promise<WindField> {
  if (source.type === 'forecast') {
    const { paths } = await resolveForecastSource(source, baseDir);
    // A cycle of several members is one wind only for a named member (decodeWind refuses otherwise).
    return loadWindFiles(paths, { format: 'grib2', member: source.member });
  }
  if (source.type !== 'file') return analyticWind(source);
  return loadWindFiles(
    source.paths.map((p) => resolve(baseDir, p)),
    { format: source.format, bbox: source.bbox, levelType: source.levelType, mixedRuns: source.mixedRuns },
  );
}
