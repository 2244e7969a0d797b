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
import type { LonLatBox, WindField, WindSource } from '@balloon-sim/sim-core';
import { analyticWind, DecodeError, type GridWindInit, gridWind } from '@balloon-sim/sim-core';
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

/** The wind field of a scenario's source; file paths are relative to `baseDir` (the scenario's folder). */
export async function loadScenarioWind(source: WindSource, baseDir: string): Promise<WindField> {
  if (source.type !== 'file') return analyticWind(source);
  return loadWindFiles(
    source.paths.map((p) => resolve(baseDir, p)),
    { format: source.format, bbox: source.bbox, levelType: source.levelType, mixedRuns: source.mixedRuns },
  );
}
