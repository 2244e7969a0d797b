import { InputError } from '@balloon-sim/sim-core';

/**
 * The forecast models the downloaders fetch, with what their publishers say about them: when cycles
 * start, how long after that they are on the server, which forecast steps each cycle has, which
 * pressure levels from 1000 to 500 hPa (where the balloons fly) they publish, and their members. The
 * URLs and file names are in ecmwf.ts, icon-eu.ts and nomads.ts; packages/node/README.md cites the
 * publishers' documentation.
 */
export const FORECAST_MODELS = ['ecmwf-hres', 'ecmwf-ens', 'icon-eu', 'gefs', 'gfs'] as const;
export type ForecastModelId = (typeof FORECAST_MODELS)[number];

export interface ForecastModel {
  id: ForecastModelId;
  /** In words, for listings: who runs it, its grid. */
  title: string;
  /** Hours (UTC) at which cycles start. */
  cycleHours: readonly number[];
  /**
   * About how long after its start a cycle is complete on the server (s): "latest" first tries the
   * newest cycle this old, then steps back a cycle at a time while the server lacks it.
   */
  delaySec: number;
  /** The forecast steps (hours) a cycle starting at this hour publishes, ascending. */
  steps(cycleHour: number): number[];
  /** Pressure levels (hPa) fetched by default, bottom first; for ECMWF, those its index lists within 1000–500. */
  levelsHpa: readonly number[];
  /** True when a cycle holds several members (control and perturbed forecasts). */
  ensemble: boolean;
  /** Members fetched by default (null: a deterministic model, or those the server lists). */
  members: readonly number[] | null;
}

const range = (first: number, last: number, every: number) =>
  Array.from({ length: Math.floor((last - first) / every) + 1 }, (_, k) => first + k * every);

const HOURS_6 = [0, 6, 12, 18];

/**
 * ECMWF open data (IFS at 0.25°): 00 and 12 UTC cycles every 3 h to +144 h, then every 6 h (HRES to
 * +240 h, ENS to +360 h); 06 and 18 UTC cycles shorter (HRES to +90 h, ENS to +144 h).
 */
const ECMWF_LEVELS = [1000, 925, 850, 700, 600, 500];

export const MODELS: Record<ForecastModelId, ForecastModel> = {
  'ecmwf-hres': {
    id: 'ecmwf-hres',
    title: 'ECMWF IFS HRES (open data, 0.25°)',
    cycleHours: HOURS_6,
    delaySec: 7 * 3600,
    steps: (h) => (h % 12 === 0 ? [...range(0, 144, 3), ...range(150, 240, 6)] : range(0, 90, 3)),
    levelsHpa: ECMWF_LEVELS,
    ensemble: false,
    members: null,
  },
  'ecmwf-ens': {
    id: 'ecmwf-ens',
    title: 'ECMWF IFS ENS (open data, 0.25°, every member)',
    cycleHours: HOURS_6,
    delaySec: 8 * 3600,
    steps: (h) => (h % 12 === 0 ? [...range(0, 144, 3), ...range(150, 360, 6)] : range(0, 144, 3)),
    levelsHpa: ECMWF_LEVELS,
    ensemble: true,
    members: null,
  },
  'icon-eu': {
    id: 'icon-eu',
    title: 'DWD ICON-EU (open data, regular 0.0625° lat-lon)',
    cycleHours: range(0, 21, 3),
    delaySec: 4 * 3600,
    // The main cycles hourly to +78 h, then every 3 h to +120 h; the cycles between them to +30 h.
    steps: (h) => (h % 6 === 0 ? [...range(0, 78, 1), ...range(81, 120, 3)] : range(0, 30, 1)),
    levelsHpa: [1000, 950, 925, 900, 875, 850, 825, 800, 775, 700, 600, 500],
    ensemble: false,
    members: null,
  },
  gefs: {
    id: 'gefs',
    title: 'NOAA GEFS (0.5°, control and 30 perturbed members, NOMADS grib filter)',
    cycleHours: HOURS_6,
    delaySec: 6 * 3600,
    steps: () => [...range(0, 240, 3), ...range(246, 384, 6)],
    levelsHpa: [1000, 925, 850, 700, 500],
    ensemble: true,
    members: range(0, 30, 1),
  },
  gfs: {
    id: 'gfs',
    title: 'NOAA GFS (0.25°, NOMADS grib filter)',
    cycleHours: HOURS_6,
    delaySec: 3.5 * 3600,
    steps: () => [...range(0, 120, 1), ...range(123, 384, 3)],
    levelsHpa: [1000, 975, 950, 925, 900, 850, 800, 750, 700, 650, 600, 550, 500],
    ensemble: false,
    members: null,
  },
};

/** The model of an id, or an InputError listing the ids. */
export function forecastModel(id: string): ForecastModel {
  if (!(FORECAST_MODELS as readonly string[]).includes(id))
    throw new InputError(`model must be one of ${FORECAST_MODELS.join(', ')}, got "${id}"`, 'model', id);
  return MODELS[id as ForecastModelId];
}

/** A cycle: its start, s since the epoch, and its name YYYYMMDDHH. */
export interface Cycle {
  timeSec: number;
  name: string;
}

export function cycleOf(timeSec: number): Cycle {
  const d = new Date(timeSec * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    timeSec,
    name: `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}`,
  };
}

/** The cycle's date (YYYYMMDD) and hour (HH), as URLs spell them. */
export const cycleDate = (c: Cycle) => c.name.slice(0, 8);
export const cycleHour = (c: Cycle) => c.name.slice(8, 10);

/** Parses "YYYYMMDDHH", a real calendar date and one of the model's cycle hours; InputError naming the value. */
export function parseModelCycle(model: ForecastModel, text: string): Cycle {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(text);
  const timeSec = m
    ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4])) / 1000
    : Number.NaN;
  const hours = model.cycleHours.map((h) => String(h).padStart(2, '0')).join(', ');
  if (
    !m ||
    !Number.isFinite(timeSec) ||
    cycleOf(timeSec).name !== text ||
    !model.cycleHours.includes(Number(m[4]))
  )
    throw new InputError(
      `cycle must be latest or YYYYMMDDHH, a date and HH one of ${hours} for ${model.id} (e.g. 2025102400), got "${text}"`,
      'cycle',
      text,
    );
  return { timeSec, name: text };
}

/** The newest cycle of the model starting at or before tSec. */
export function cycleAtOrBefore(model: ForecastModel, tSec: number): Cycle {
  let t = Math.floor(tSec / 3600) * 3600;
  while (!model.cycleHours.includes(new Date(t * 1000).getUTCHours())) t -= 3600;
  return cycleOf(t);
}

/** The cycle before this one. */
export function previousCycle(model: ForecastModel, cycle: Cycle): Cycle {
  return cycleAtOrBefore(model, cycle.timeSec - 3600);
}

/**
 * The steps of a cycle that cover valid times startSec…endSec: every published step inside, and the
 * ones just before the start and just after the end, so that interpolation in time reaches both
 * ends. InputError when the cycle does not reach that far, or the period began before the cycle.
 */
export function stepsCovering(
  model: ForecastModel,
  cycle: Cycle,
  startSec: number,
  endSec: number,
): number[] {
  const published = model.steps(new Date(cycle.timeSec * 1000).getUTCHours());
  const at = (step: number) => cycle.timeSec + step * 3600;
  if (startSec < cycle.timeSec)
    throw new InputError(
      `the period starts ${new Date(startSec * 1000).toISOString()}, before cycle ${cycle.name} of ${model.id} begins: give a later start or an earlier cycle`,
      'start',
      startSec,
    );
  const last = published[published.length - 1];
  if (endSec > at(last))
    throw new InputError(
      `cycle ${cycle.name} of ${model.id} reaches +${last} h (${new Date(at(last) * 1000).toISOString()}); the period ends ${new Date(endSec * 1000).toISOString()}`,
      'end',
      endSec,
    );
  let first = 0;
  while (first + 1 < published.length && at(published[first + 1]) <= startSec) first++;
  let end = published.length - 1;
  while (end - 1 >= 0 && at(published[end - 1]) >= endSec) end--;
  return published.slice(first, end + 1);
}
