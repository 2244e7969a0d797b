import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError, type LonLatBox } from '@balloon-sim/sim-core';
import { writeFileAtomic } from './download.js';
import { FORECAST_MODELS, type ForecastModelId, forecastModel, parseModelCycle } from './models.js';

/**
 * The local forecast store: one folder per model and cycle, `<root>/<model>/<YYYYMMDDHH>/`, holding
 * the cycle's GRIB2 files (one per forecast step, every member and level in it) and `index.json`,
 * which says what the folder holds and whether it is complete. The downloaders write it; scenarios
 * name a model and cycle instead of file paths and are resolved through it; an ensemble wind reads
 * its members from the files the index lists.
 */
export const STORE_FORMAT = 'balloon-sim forecast store 1';

/** The environment variable that moves the store (the command line's --store wins over it). */
export const STORE_ENV = 'BALLOON_SIM_FORECAST_STORE';

/** The name of a cycle folder's index. */
export const INDEX_FILE = 'index.json';

/** `$BALLOON_SIM_FORECAST_STORE`, else `$XDG_CACHE_HOME/balloon-sim/forecasts`, else `~/.cache/balloon-sim/forecasts`. */
export function defaultStoreRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env[STORE_ENV]) return resolve(env[STORE_ENV]);
  const cache = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(cache, 'balloon-sim', 'forecasts');
}

/** One file of a cycle. */
export interface StoreFile {
  /** File name inside the cycle folder. */
  path: string;
  /** Forecast step (hours after the cycle's start). */
  step: number;
  bytes: number;
  sha256: string;
  /** GRIB2 messages in the file. */
  messages: number;
}

/** A cycle folder's index.json. */
export interface CycleIndex {
  format: typeof STORE_FORMAT;
  model: ForecastModelId;
  /** YYYYMMDDHH. */
  cycle: string;
  /** The cycle's start (reference time), ISO 8601. */
  referenceTime: string;
  /** Where it was downloaded from. */
  source: string;
  /** Steps (hours) the fetch asked for, and those held (a file each), ascending. */
  stepsWanted: number[];
  steps: number[];
  /** Ensemble members held (perturbation numbers; 0 the control), or null for a deterministic model. */
  members: number[] | null;
  /** Pressure levels (hPa), bottom first. */
  levelsHpa: number[];
  /** The region kept (degrees); null when the files are as the server sent them. */
  box: LonLatBox | null;
  files: StoreFile[];
  /** True once every wanted step is held and checked. */
  complete: boolean;
  /** When the index was last written, ISO 8601. */
  updated: string;
}

/** The folder of a model's cycle in a store. */
export const cycleDir = (root: string, model: ForecastModelId, cycle: string) => join(root, model, cycle);

/** Reads and checks a cycle folder's index; InputError naming the file and the field that is wrong. */
export async function readCycleIndex(dir: string): Promise<CycleIndex> {
  const path = join(dir, INDEX_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new InputError(
      `${path} ${missing ? 'does not exist: the folder is not a forecast cycle of the store' : `cannot be read (${(error as Error).message})`}`,
      'store',
      path,
    );
  }
  let index: CycleIndex;
  try {
    index = JSON.parse(text) as CycleIndex;
  } catch (error) {
    throw new InputError(`${path} is not valid JSON (${(error as Error).message})`, 'store', path);
  }
  const bad = (field: string, value: unknown): never => {
    throw new InputError(
      `${path}: ${field} is missing or invalid, got ${JSON.stringify(value)}`,
      field,
      value,
    );
  };
  if (index?.format !== STORE_FORMAT) bad('format', index?.format);
  if (!(FORECAST_MODELS as readonly string[]).includes(index.model)) bad('model', index.model);
  if (typeof index.cycle !== 'string' || !/^\d{10}$/.test(index.cycle)) bad('cycle', index.cycle);
  if (!Array.isArray(index.steps) || !index.steps.every(Number.isInteger)) bad('steps', index.steps);
  if (!Array.isArray(index.files)) bad('files', index.files);
  for (const [k, f] of index.files.entries()) {
    if (
      typeof f?.path !== 'string' ||
      f.path.includes('/') ||
      f.path.includes('\\') ||
      f.path.startsWith('.')
    )
      bad(`files[${k}].path`, f?.path);
    if (!Number.isInteger(f.bytes) || typeof f.sha256 !== 'string') bad(`files[${k}]`, f);
  }
  if (typeof index.complete !== 'boolean') bad('complete', index.complete);
  return index;
}

/** Writes a cycle's index atomically (a reader never sees half of it). */
export async function writeCycleIndex(dir: string, index: CycleIndex): Promise<void> {
  await writeFileAtomic(
    join(dir, INDEX_FILE),
    `${JSON.stringify({ ...index, updated: new Date().toISOString() }, null, 2)}\n`,
  );
}

/** SHA-256 of a file, hex. */
export async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** A cycle folder found in a store: its index, or why it could not be read. */
export interface StoredCycle {
  model: ForecastModelId;
  cycle: string;
  dir: string;
  index: CycleIndex | null;
  problem?: string;
  /** Bytes of the files in the folder (partial downloads included). */
  bytes: number;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    total += entry.isDirectory()
      ? await folderBytes(path)
      : (await stat(path).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/** Every cycle folder of a store (of one model, or all), newest first within each model. */
export async function listStore(root: string, model?: ForecastModelId): Promise<StoredCycle[]> {
  const cycles: StoredCycle[] = [];
  for (const id of model ? [model] : FORECAST_MODELS) {
    const names = await readdir(join(root, id)).catch(() => [] as string[]);
    for (const cycle of names
      .filter((n) => /^\d{10}$/.test(n))
      .sort()
      .reverse()) {
      const dir = cycleDir(root, id, cycle);
      const bytes = await folderBytes(dir);
      try {
        cycles.push({ model: id, cycle, dir, index: await readCycleIndex(dir), bytes });
      } catch (error) {
        cycles.push({ model: id, cycle, dir, index: null, problem: (error as Error).message, bytes });
      }
    }
  }
  return cycles;
}

/**
 * Keeps the newest `keep` complete cycles of each model and any folder newer than them (an
 * incomplete cycle may be a fetch under way, or one to resume); removes every older folder,
 * complete, incomplete or unreadable. Returns the folders removed.
 */
export async function pruneStore(
  root: string,
  keep: number,
  model?: ForecastModelId,
): Promise<StoredCycle[]> {
  if (!Number.isInteger(keep) || keep < 0)
    throw new InputError(`keep must be a whole number ≥ 0, got ${keep}`, 'keep', keep);
  const removed: StoredCycle[] = [];
  const all = await listStore(root, model);
  for (const id of FORECAST_MODELS) {
    const ofModel = all.filter((c) => c.model === id); // newest first
    let complete = 0;
    let from = ofModel.length;
    for (const [k, c] of ofModel.entries()) {
      if (complete === keep) {
        from = k;
        break;
      }
      if (c.index?.complete) complete++;
    }
    for (const c of ofModel.slice(from)) {
      await rm(c.dir, { recursive: true, force: true });
      removed.push(c);
    }
  }
  return removed;
}

/** A cycle resolved through the store: its folder, index and the paths of its files, in step order. */
export interface ResolvedCycle {
  dir: string;
  index: CycleIndex;
  paths: string[];
}

/**
 * The cycle a scenario or command names: "latest" (the newest complete cycle of the model in the
 * store) or YYYYMMDDHH (which must be complete). Every file is checked against the index (size and
 * SHA-256), so a file changed or cut short since the download is refused, not read.
 */
export async function resolveStoredCycle(
  root: string,
  modelId: string,
  cycle: string,
): Promise<ResolvedCycle> {
  const model = forecastModel(modelId);
  const fetchHint = `balloon-sim wind fetch ${model.id}${cycle === 'latest' ? '' : ` --cycle ${cycle}`}`;
  let chosen: StoredCycle | undefined;
  if (cycle === 'latest') {
    const cycles = await listStore(root, model.id);
    chosen = cycles.find((c) => c.index?.complete);
    if (!chosen) {
      const incomplete = cycles.filter((c) => c.index && !c.index.complete).map((c) => c.cycle);
      throw new InputError(
        `the forecast store ${root} holds no complete cycle of ${model.id}${incomplete.length > 0 ? ` (incomplete: ${incomplete.join(', ')})` : ''}: fetch one with "${fetchHint}"`,
        'wind.cycle',
        cycle,
      );
    }
  } else {
    parseModelCycle(model, cycle);
    const dir = cycleDir(root, model.id, cycle);
    let index: CycleIndex;
    try {
      index = await readCycleIndex(dir);
    } catch {
      throw new InputError(
        `the forecast store ${root} holds no cycle ${cycle} of ${model.id}: fetch it with "${fetchHint}"`,
        'wind.cycle',
        cycle,
      );
    }
    if (!index.complete)
      throw new InputError(
        `cycle ${cycle} of ${model.id} in ${dir} is incomplete (steps held: ${index.steps.join(', ') || 'none'} of ${index.stepsWanted.join(', ')}): its download was interrupted or the server had not published it all; run "${fetchHint}" again to complete it`,
        'wind.cycle',
        cycle,
      );
    chosen = { model: model.id, cycle, dir, index, bytes: 0 };
  }
  const index = chosen.index!;
  if (index.model !== model.id || index.cycle !== chosen.cycle)
    throw new InputError(
      `${join(chosen.dir, INDEX_FILE)} says model ${index.model} cycle ${index.cycle}, but lies in ${model.id}/${chosen.cycle}`,
      'store',
      chosen.dir,
    );
  const files = [...index.files].sort((a, b) => a.step - b.step);
  const paths: string[] = [];
  for (const f of files) {
    const path = join(chosen.dir, f.path);
    const size = await stat(path).then(
      (s) => s.size,
      () => -1,
    );
    if (size !== f.bytes || (await sha256Of(path)) !== f.sha256)
      throw new InputError(
        `${path} ${size < 0 ? 'is missing' : 'differs from what the index recorded at download (size or SHA-256)'}: the cycle ${index.cycle} of ${index.model} is damaged; fetch it again`,
        'store',
        path,
      );
    paths.push(path);
  }
  return { dir: chosen.dir, index, paths };
}
