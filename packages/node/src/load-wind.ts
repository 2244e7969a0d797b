import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  type DecodeWindOptions,
  decodeWind,
  decodeWindMembers,
  readNetcdfWind,
  type WindFile,
  type WindMembers,
  withSource,
} from '@balloon-sim/formats';
import type {
  ForecastMember,
  ForecastWindSource,
  LonLatBox,
  MemberWindSource,
  WindField,
  WindSource,
} from '@balloon-sim/sim-core';
import {
  analyticWind,
  DecodeError,
  fileName,
  forecastWind,
  type GridWindInit,
  gridOffsetMembers,
  gridWind,
  InputError,
} from '@balloon-sim/sim-core';
import { defaultStoreRoot, listStore, resolveStoredCycle } from './fetch/store.js';
import { readInput } from './files.js';
import { onSharedMemory } from './workers/shared-wind.js';

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
 * cycle is used. An ensemble's sources are pinned each. Other sources are returned as they are.
 */
export async function pinWindSource(
  source: WindSource,
  baseDir: string,
  note?: (line: string) => void,
): Promise<WindSource> {
  if (source.type === 'ensemble') {
    const members: MemberWindSource[] = [];
    for (const m of source.members) members.push((await pinWindSource(m, baseDir, note)) as MemberWindSource);
    return { ...source, members };
  }
  if (source.type !== 'forecast') return source;
  const resolved = await resolveForecastSource(source, baseDir);
  note?.(`wind: ${resolved.description}`);
  return resolved.source;
}

/**
 * The wind field of a scenario's source; file paths are relative to `baseDir` (the scenario's
 * folder). A source of several forecast members (an ensemble, members, a lagged forecast, a grid
 * offset) gives a ForecastEnsemble (sim-core), whose members the run flies; one gives the field.
 * Its grids are in shared memory (unless `shared` is false), so that a worker pool's threads run
 * on them without copying or decoding them again (see workers/shared-wind.ts).
 */
export async function loadScenarioWind(
  source: WindSource,
  baseDir: string,
  options: { shared?: boolean } = {},
): Promise<WindField> {
  const wind = forecastWind(await loadWindMembers(source, baseDir, 'wind'));
  return options.shared === false ? wind : onSharedMemory(wind);
}

/** The forecast members of a wind source, each with weight 1 unless an ensemble's weights say otherwise. */
export async function loadWindMembers(
  source: WindSource,
  baseDir: string,
  path: string,
): Promise<ForecastMember[]> {
  if (source.type === 'ensemble') {
    const all: ForecastMember[] = [];
    for (const [k, member] of source.members.entries()) {
      const list = await loadWindMembers(member, baseDir, `${path}.members[${k}]`);
      // A source of several members shares its weight among them evenly.
      const weight = (source.weights?.[k] ?? 1) / list.length;
      for (const m of list) all.push({ label: `${k}: ${m.label}`, weight, field: m.field });
    }
    return all;
  }
  if (source.type === 'forecast') return loadForecastMembers(source, baseDir, path);
  if (source.type !== 'file') {
    const field = analyticWind(source);
    return [{ label: field.description, weight: 1, field }];
  }
  const paths = source.paths.map((p) => resolve(baseDir, p));
  const options = {
    format: source.format,
    bbox: source.bbox,
    levelType: source.levelType,
    mixedRuns: source.mixedRuns,
  };
  const name = `${fileName(paths[0])}${paths.length > 1 ? ` and ${paths.length - 1} more` : ''}`;
  const members = source.members
    ? await chosenMembers(
        await decodeWindMembers(await readWindFiles(paths), options),
        source.members,
        name,
        path,
      )
    : [{ label: name, weight: 1, field: await loadWindFiles(paths, options) }];
  return source.gridOffset ? members.flatMap((m) => gridOffsetMembers(m.field, m.label)) : members;
}

/** The members a source names ("all" or numbers) of those decoded, labelled by number; InputError naming the missing. */
function chosenMembers(
  decoded: WindMembers,
  wanted: 'all' | number[],
  name: string,
  path: string,
): ForecastMember[] {
  const have = decoded.members;
  if (wanted !== 'all') {
    const missing = wanted.filter((n) => !have.some((m) => m.number === n));
    if (missing.length > 0)
      throw new InputError(
        `${path}.members names member${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which ${name} does not hold (it holds ${decoded.description})`,
        `${path}.members`,
        wanted,
      );
  }
  return have
    .filter((m) => wanted === 'all' || (m.number !== null && wanted.includes(m.number)))
    .map((m) => ({
      label: m.number === null ? name : `${name} member ${m.number}`,
      weight: 1,
      field: m.field,
    }));
}

/**
 * A forecast source's members: its cycle (and with `lagged`, the complete cycles of the model before
 * it in the store, newest first), each one member or, with `members`, several; with `gridOffset`,
 * each displaced 27 ways.
 */
async function loadForecastMembers(
  source: ForecastWindSource,
  baseDir: string,
  path: string,
): Promise<ForecastMember[]> {
  const first = await resolveForecastSource(source, baseDir);
  const cycles = [first];
  if (source.lagged !== undefined) {
    const root = first.source.store!;
    const older = (await listStore(root, source.model))
      .filter((c) => c.index?.complete && c.cycle < first.source.cycle)
      .slice(0, source.lagged - 1);
    if (older.length < source.lagged - 1)
      throw new InputError(
        `${path}.lagged asks for ${source.lagged} cycles of ${source.model} up to ${first.source.cycle}, but the forecast store ${root} holds ${older.length + 1} complete (${[first.source.cycle, ...older.map((c) => c.cycle)].join(', ')}): fetch older cycles with "balloon-sim wind fetch ${source.model} --cycle YYYYMMDDHH"`,
        `${path}.lagged`,
        source.lagged,
      );
    for (const c of older)
      cycles.push(await resolveForecastSource({ ...first.source, cycle: c.cycle }, baseDir));
  }
  const members: ForecastMember[] = [];
  for (const c of cycles) {
    const name = `${source.model} ${c.source.cycle}`;
    if (source.members) {
      const decoded = await decodeWindMembers(await readWindFiles(c.paths), { format: 'grib2' });
      for (const m of chosenMembers(decoded, source.members, name, path)) members.push(m);
    } else {
      // A cycle of several members is one wind only for a named member (decodeWind refuses otherwise).
      const field = await loadWindFiles(c.paths, { format: 'grib2', member: source.member });
      members.push({
        label: source.member === undefined ? name : `${name} member ${source.member}`,
        weight: 1,
        field,
      });
    }
  }
  return source.gridOffset ? members.flatMap((m) => gridOffsetMembers(m.field, m.label)) : members;
}
