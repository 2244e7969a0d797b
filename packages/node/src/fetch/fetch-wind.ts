import { join } from 'node:path';
import { appendAll, InputError } from '@balloon-sim/sim-core';
import { download, HttpStatusError, writeFileAtomic } from './download.js';
import {
  type BoundingBox,
  cycleAt,
  cycleTime,
  formatCycle,
  GFS_LEVELS_HPA,
  type GfsCycle,
  gfsFileName,
  gfsFilterUrl,
  NOMADS_BASE_URL,
  parseCycle,
} from './gfs.js';
import { lattice, OPEN_METEO_BASE_URL, OPEN_METEO_LEVELS_HPA, openMeteoUrl } from './open-meteo.js';

/** Shared options of the fetchers. */
export interface FetchCommon {
  baseUrl?: string;
  timeoutMs?: number;
  attempts?: number;
  backoffMs?: number;
  signal?: AbortSignal;
  /** Progress lines (the command line sends them to stderr). */
  log?: (line: string) => void;
}

/** GFS cycles are usually complete on NOMADS about 3.5 h after their nominal time. */
const GFS_DELAY_SEC = 3.5 * 3600;
/** How many cycles "latest" steps back when a cycle is not (yet) on the server. */
const LATEST_LOOKBACK = 4;

const megabytes = (n: number) => `${(n / 1e6).toFixed(2)} MB`;

/**
 * Downloads a regional GFS 0.25° subset (levels, u/v/gh, box) for each forecast hour of a cycle into
 * outDir as gfs.YYYYMMDDHH.fFFF.grib2, each written atomically. "latest" takes the newest cycle that
 * should be complete and steps back six hours at a time while the server does not have it.
 * Returns the paths written, in forecast-hour order.
 */
export async function fetchGfs(
  options: FetchCommon & {
    cycle: string;
    hours: number[];
    box: BoundingBox;
    outDir: string;
    levelsHpa?: number[];
    nowSec?: number;
  },
): Promise<{ cycle: string; paths: string[] }> {
  const log = options.log ?? (() => {});
  const base = options.baseUrl ?? NOMADS_BASE_URL;
  const levels = options.levelsHpa ?? GFS_LEVELS_HPA;
  const get = (c: GfsCycle, hour: number) =>
    download(gfsFilterUrl(c, hour, options.box, levels, base), {
      timeoutMs: options.timeoutMs,
      attempts: options.attempts,
      backoffMs: options.backoffMs,
      signal: options.signal,
    });
  let cycle: GfsCycle;
  let first: Uint8Array;
  if (options.cycle === 'latest') {
    let candidate = cycleAt((options.nowSec ?? Date.now() / 1000) - GFS_DELAY_SEC);
    for (let k = 0; ; k++) {
      try {
        log(`trying cycle ${formatCycle(candidate)}`);
        first = await get(candidate, options.hours[0]);
        cycle = candidate;
        break;
      } catch (error) {
        if (!(error instanceof HttpStatusError && error.status === 404) || k + 1 >= LATEST_LOOKBACK)
          throw error;
        candidate = cycleAt(cycleTime(candidate) - 21_600);
      }
    }
  } else {
    cycle = parseCycle(options.cycle);
    first = await get(cycle, options.hours[0]);
  }
  const paths: string[] = [];
  for (let k = 0; k < options.hours.length; k++) {
    const hour = options.hours[k];
    const bytes = k === 0 ? first : await get(cycle, hour);
    if (
      !(bytes.length >= 4 && bytes[0] === 0x47 && bytes[1] === 0x52 && bytes[2] === 0x49 && bytes[3] === 0x42)
    )
      throw new InputError(
        `the server's answer for ${gfsFileName(cycle, hour)} is not GRIB data (it starts "${new TextDecoder().decode(bytes.slice(0, 40))}")`,
        'url',
      );
    const path = join(options.outDir, `gfs.${formatCycle(cycle)}.f${String(hour).padStart(3, '0')}.grib2`);
    await writeFileAtomic(path, bytes);
    paths.push(path);
    log(`[${k + 1}/${options.hours.length}] ${path} ${megabytes(bytes.length)}`);
  }
  return { cycle: formatCycle(cycle), paths };
}

/** Open-Meteo answers at most this many locations per request; larger lattices are split. */
const OPEN_METEO_POINTS_PER_REQUEST = 100;

/**
 * Downloads Open-Meteo pressure-level winds for a lattice of points over a box into one JSON file
 * (an array with one object per point, as the API returns for several locations), atomically.
 */
export async function fetchOpenMeteo(
  options: FetchCommon & {
    box: BoundingBox;
    stepDeg: number;
    startDate: string;
    endDate: string;
    out: string;
    levelsHpa?: number[];
  },
): Promise<{ path: string; points: number }> {
  const log = options.log ?? (() => {});
  if (!(options.stepDeg > 0))
    throw new InputError(`step must be > 0 degrees, got ${options.stepDeg}`, 'step', options.stepDeg);
  for (const [name, d] of [
    ['start', options.startDate],
    ['end', options.endDate],
  ] as const)
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d))
      throw new InputError(`${name} must be a date YYYY-MM-DD, got "${d}"`, name, d);
  const points = lattice(options.box, options.stepDeg);
  if (points.length > 10_000)
    throw new InputError(
      `the lattice has ${points.length} points; use a coarser --step (at most 10000 points)`,
      'step',
      options.stepDeg,
    );
  const answers: unknown[] = [];
  for (let k = 0; k < points.length; k += OPEN_METEO_POINTS_PER_REQUEST) {
    const chunk = points.slice(k, k + OPEN_METEO_POINTS_PER_REQUEST);
    const url = openMeteoUrl(
      chunk,
      options.startDate,
      options.endDate,
      options.levelsHpa ?? OPEN_METEO_LEVELS_HPA,
      options.baseUrl ?? OPEN_METEO_BASE_URL,
    );
    const bytes = await download(url, options);
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new InputError(`Open-Meteo's answer is not JSON (${bytes.length} bytes)`, 'url', url);
    }
    const list = Array.isArray(json) ? json : [json];
    if (list.length !== chunk.length)
      throw new InputError(
        `Open-Meteo answered ${list.length} locations for ${chunk.length} asked`,
        'url',
        url,
      );
    appendAll(answers, list);
    log(`[${Math.min(k + chunk.length, points.length)}/${points.length} points]`);
  }
  await writeFileAtomic(options.out, `${JSON.stringify(answers)}\n`);
  return { path: options.out, points: points.length };
}
