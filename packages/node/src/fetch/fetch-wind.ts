import { appendAll, InputError } from '@balloon-sim/sim-core';
import { download, type FetchCommon, writeFileAtomic } from './download.js';
import { fetchForecast } from './forecast.js';
import type { BoundingBox } from './gfs.js';
import { lattice, OPEN_METEO_BASE_URL, OPEN_METEO_LEVELS_HPA, openMeteoUrl } from './open-meteo.js';

/**
 * Downloads a regional GFS 0.25° subset (levels, u/v/gh, box) for each forecast hour of a cycle into
 * outDir as gfs.YYYYMMDDHH.fFFF.grib2, each written atomically, with the cycle's index.json (see
 * fetchForecast, which does the work). "latest" takes the newest cycle that should be complete and
 * steps back six hours at a time while the server does not have it. Returns the paths written, in
 * forecast-hour order.
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
  const result = await fetchForecast({ ...options, model: 'gfs' });
  return { cycle: result.cycle, paths: result.paths };
}

export type { FetchCommon };

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
