import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type Briefing,
  type BriefingForecast,
  buildBriefing,
  checkTimeZone,
  coversLonLat,
  DEFAULT_TIME_ZONE,
  type ForecastWindSource,
  forecastMembersOf,
  InputError,
  type LonLatBox,
  type RunSummary,
  type Scenario,
  validateScenario,
  type WindField,
} from '@balloon-sim/sim-core';
import { FORECAST_MODELS, type ForecastModelId, forecastModel, MODELS } from './fetch/models.js';
import { listStore, type ResolvedCycle, resolveStoredCycle } from './fetch/store.js';
import { readInput } from './files.js';
import { loadScenarioWind } from './load-wind.js';
import { resolveLaunchArea } from './scenario-file.js';

/**
 * Tonight's run: the bundled border-strip scenario with tonight's launch hours and the newest
 * forecast of the store, for `balloon-sim tonight` and the server's POST /api/tonight alike.
 */

/**
 * The order in which "the best available" model is chosen for Lithuania, first held wins: the
 * ensembles first (ECMWF ENS 0.25°, 51 members; GEFS 0.5°, 31), because only they say whether
 * tonight's uncertainty lies in the weather or in the launch, and an officer closing an airport on
 * one deterministic forecast cannot see the weather's share; then ICON-EU (0.0625°, hourly steps:
 * the finest grid over the Baltic), ECMWF HRES (0.25°), GFS (0.25°). A fresher forecast outweighs
 * the spread: a model is only a candidate while its newest complete cycle is at most
 * TONIGHT_STALE_SEC older than the newest complete cycle of any model in the store.
 */
export const TONIGHT_MODEL_ORDER: readonly ForecastModelId[] = [
  'ecmwf-ens',
  'gefs',
  'icon-eu',
  'ecmwf-hres',
  'gfs',
];

/**
 * How much older than the store's newest complete cycle a model's newest may be and still be chosen
 * (12 h: two 6-hourly cycles; an ensemble is published about as late as its deterministic twin).
 */
export const TONIGHT_STALE_SEC = 12 * 3600;

/** The model fetched when none is named: ICON-EU (one field, megabytes; an ensemble is 30–50× that). */
export const TONIGHT_FETCH_MODEL: ForecastModelId = 'icon-eu';

const cycleSec = (cycle: string) =>
  Date.UTC(+cycle.slice(0, 4), +cycle.slice(4, 6) - 1, +cycle.slice(6, 8), +cycle.slice(8, 10)) / 1000;

/**
 * The model tonight would use of a store's cycles (listStore's): the first of TONIGHT_MODEL_ORDER
 * whose newest complete cycle is within TONIGHT_STALE_SEC of the newest complete one; null for none.
 */
export function bestTonightModel(
  cycles: readonly { model: ForecastModelId; cycle: string; index: { complete: boolean } | null }[],
): ForecastModelId | null {
  const complete = cycles.filter((c) => c.index?.complete);
  if (complete.length === 0) return null;
  const newest = Math.max(...complete.map((c) => cycleSec(c.cycle)));
  for (const id of TONIGHT_MODEL_ORDER)
    if (complete.some((c) => c.model === id && cycleSec(c.cycle) >= newest - TONIGHT_STALE_SEC)) return id;
  return null;
}

/** Default launch hours, local: from 18:00 in the evening to 06:00 in the morning, both included. */
export const DEFAULT_LAUNCH_HOURS = '18-06';

/** The box fetched for tonight (degrees): the border strip, Vilnius and Kaunas, with room to drift. */
export const TONIGHT_BOX: LonLatBox = { lonMin: 19, latMin: 52, lonMax: 29, latMax: 58 };

/** The repository's fixtures folder (this file runs from packages/node/src or packages/node/dist). */
export const REPOSITORY_FIXTURES_DIR = resolve(import.meta.dirname, '../../../fixtures');

/**
 * The folder whose scenarios/border-strip.json tonight runs: an installed package carries a copy in
 * its own scenarios/ folder (made when packed, as geo/ is), since the repository's fixtures are not
 * within its reach; the repository reads fixtures/scenarios.
 */
export const BUNDLED_TONIGHT_DIR =
  [resolve(import.meta.dirname, '..'), REPOSITORY_FIXTURES_DIR].find((dir) =>
    existsSync(borderStripScenarioPath(dir)),
  ) ?? REPOSITORY_FIXTURES_DIR;

/** The bundled scenario tonight runs (its launch area is sampled into the same points every time). */
export function borderStripScenarioPath(fixturesDir: string): string {
  return resolve(fixturesDir, 'scenarios', 'border-strip.json');
}

export interface LaunchHours {
  fromHour: number;
  toHour: number;
}

/** Parses local launch hours "HH-HH" (18-06: evening to morning); InputError naming the value. */
export function parseLaunchHours(text: string, field = 'launch-hours'): LaunchHours {
  const m = /^(\d{1,2})-(\d{1,2})$/.exec(text.trim());
  const fromHour = m ? Number(m[1]) : Number.NaN;
  const toHour = m ? Number(m[2]) : Number.NaN;
  if (!m || fromHour > 23 || toHour > 23 || fromHour === toHour)
    throw new InputError(
      `${field} must be local hours "HH-HH" (0–23, different; e.g. 18-06 for evening to morning), got ${JSON.stringify(text)}`,
      field,
      text,
    );
  return { fromHour, toHour };
}

/** Local date (YYYY-MM-DD) and hour of an instant in a zone. */
function wallOf(tSec: number, timeZone: string): { date: string; hour: number } {
  const parts: Record<string, string> = {};
  for (const p of new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(tSec * 1000))
    parts[p.type] = p.value;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The instant (s since the epoch) a local clock in `timeZone` shows `hour`:00 on `date`. Intl does
 * the zone's rules: the offset is found at a first guess, then again where that lands (which
 * settles it on either side of a summer-time change).
 */
export function localHourToUtcSec(date: string, hour: number, timeZone: string): number {
  const asUtc = Date.parse(`${date}T${String(hour).padStart(2, '0')}:00:00Z`) / 1000;
  const offsetAt = (t: number) => {
    const w = wallOf(t, timeZone);
    return (
      Date.parse(`${w.date}T${String(w.hour).padStart(2, '0')}:00:00Z`) / 1000 - Math.floor(t / 3600) * 3600
    );
  };
  let t = asUtc - offsetAt(asUtc);
  t = asUtc - offsetAt(t);
  return t;
}

/**
 * Tonight's local date (the evening's): today's, unless now is still within the morning end of
 * launch hours that run past midnight (03:00 with 18-06: the night that began yesterday evening).
 */
export function tonightOf(nowSec: number, hours: LaunchHours, timeZone: string): string {
  const w = wallOf(nowSec, timeZone);
  return hours.toHour < hours.fromHour && w.hour < hours.toHour ? addDays(w.date, -1) : w.date;
}

/** The launch instants (s) of a night: every hour from `fromHour` to `toHour` local, both included. */
export function tonightLaunchTimes(night: string, hours: LaunchHours, timeZone: string): number[] {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(night) || Number.isNaN(Date.parse(`${night}T00:00:00Z`)))
    throw new InputError(
      `night must be a local date YYYY-MM-DD, got ${JSON.stringify(night)}`,
      'night',
      night,
    );
  const start = localHourToUtcSec(night, hours.fromHour, timeZone);
  const end = localHourToUtcSec(
    hours.toHour < hours.fromHour ? addDays(night, 1) : night,
    hours.toHour,
    timeZone,
  );
  const out: number[] = [];
  // Every real hour between the two local times: a night the clocks go back has one more.
  for (let t = start; t <= end; t += 3600) out.push(t);
  return out;
}

/**
 * The model tonight uses from a store: the one asked for, or the first of TONIGHT_MODEL_ORDER with a
 * complete cycle. InputError naming the store when it holds none.
 */
export async function chooseTonightModel(root: string, model?: string): Promise<ForecastModelId> {
  if (model !== undefined) return forecastModel(model).id;
  const cycles = await listStore(root);
  const best = bestTonightModel(cycles);
  if (best) return best;
  const incomplete = cycles.filter((c) => c.index && !c.index.complete).map((c) => `${c.model}/${c.cycle}`);
  throw new InputError(
    `the forecast store ${root} holds no complete cycle of any model (${FORECAST_MODELS.join(', ')})${incomplete.length > 0 ? `; incomplete: ${incomplete.join(', ')}` : ''}: fetch one with "balloon-sim wind fetch ${TONIGHT_FETCH_MODEL} --bbox ${TONIGHT_BOX.lonMin},${TONIGHT_BOX.latMin},${TONIGHT_BOX.lonMax},${TONIGHT_BOX.latMax}", or run "balloon-sim tonight" without --from`,
    'store',
    root,
  );
}

export interface TonightOptions {
  /** The store's root folder. */
  storeRoot: string;
  /** A model id; default the best in the store (TONIGHT_MODEL_ORDER). */
  model?: string;
  /** "latest" (default) or YYYYMMDDHH. */
  cycle?: string;
  /** Local date of the evening; default tonight (see tonightOf) from nowSec. */
  night?: string;
  nowSec?: number;
  /** Local "HH-HH" (default DEFAULT_LAUNCH_HOURS) in timeZone (default Europe/Vilnius). */
  launchHours?: string;
  timeZone?: string;
  /** Members per launch point and hour, ensemble seed, closure threshold: the scenario's when absent. */
  members?: number;
  seed?: number;
  threshold?: number;
  /**
   * An ensemble model's forecast members: "all" (default: every member of the cycle, each its own
   * wind, so the briefing gives their spread) or "control" (member 0 alone). Refused for a
   * deterministic model.
   */
  forecastMembers?: 'control' | 'all';
  /** A lagged forecast: this cycle and the N − 1 complete ones before it (scenario wind.lagged). */
  lagged?: number;
  /** HYSPLIT's grid-offset ensemble of the field (27 displaced copies; scenario wind.gridOffset). */
  gridOffset?: boolean;
  /** The folder holding scenarios/border-strip.json (BUNDLED_TONIGHT_DIR, or the server's fixtures). */
  fixturesDir: string;
}

/**
 * Trajectory members per launch point and hour: those asked for, else the smallest multiple of the
 * forecast members at least the scenario's (10 and 51 members: 51, one each; 10 and 3: 12, four
 * each), so that every forecast member flies the same number at every point and hour (over the
 * border strip's 40 points and 13 hours, ≥ 520 each: enough to resolve a 1 % threshold, which needs
 * 300). Fewer than the forecast members would leave some unflown: InputError naming both.
 */
export function tonightMembersPerLaunch(
  scenarioMembers: number,
  forecastMembers: number,
  asked?: number,
): number {
  if (asked !== undefined) {
    if (asked < forecastMembers)
      throw new InputError(
        `members must be at least the forecast members (${forecastMembers}), so that each flies from every launch point and hour, got ${asked}: give --members ${forecastMembers} or more, or --forecast-members control`,
        'members',
        asked,
      );
    return asked;
  }
  return forecastMembers * Math.max(1, Math.ceil(scenarioMembers / forecastMembers));
}

/** Tonight's scenario, ready to prepare: sites listed, the cycle pinned, paths absolute. */
export interface TonightPlan {
  scenario: Scenario;
  baseDir: string;
  wind: WindField;
  cycle: ResolvedCycle;
  /** What the briefing needs besides the summary (forecast: the steps used come after the run). */
  night: string;
  timeZone: string;
  launchHours: string;
  launchPoints: number;
  launchPointsOutside: number;
  hoursOutside: string[];
  /** Forecast members the wind holds (1: one forecast). */
  forecastMembers: number;
}

const iso = (tSec: number) => new Date(tSec * 1000).toISOString();

/**
 * Plans tonight's run from a store, offline: the model and cycle, tonight's launch instants (those
 * the forecast's times cover), the border strip's launch points (those inside the forecast's box),
 * and a duration that gives the last launch the scenario's full flight time.
 */
export async function planTonight(options: TonightOptions): Promise<TonightPlan> {
  const timeZone = checkTimeZone(options.timeZone ?? DEFAULT_TIME_ZONE, 'time-zone');
  const launchHours = options.launchHours ?? DEFAULT_LAUNCH_HOURS;
  const hours = parseLaunchHours(launchHours);
  const night = options.night ?? tonightOf(options.nowSec ?? Date.now() / 1000, hours, timeZone);
  const launches = tonightLaunchTimes(night, hours, timeZone);
  const modelId = await chooseTonightModel(options.storeRoot, options.model);
  const model = MODELS[modelId];
  const cycle = await resolveStoredCycle(options.storeRoot, modelId, options.cycle ?? 'latest');
  if (options.forecastMembers !== undefined && !model.ensemble)
    throw new InputError(
      `forecast-members applies to an ensemble model (${FORECAST_MODELS.filter((id) => MODELS[id].ensemble).join(', ')}); ${modelId} has one forecast, got ${JSON.stringify(options.forecastMembers)}`,
      'forecast-members',
      options.forecastMembers,
    );
  const allMembers = model.ensemble && (options.forecastMembers ?? 'all') === 'all';
  const member = model.ensemble && !allMembers ? 0 : undefined;
  const source: ForecastWindSource = {
    type: 'forecast',
    model: modelId,
    cycle: cycle.index.cycle,
    // Absolute: the loader would read a relative store against the fixtures folder.
    store: resolve(options.storeRoot),
    ...(member === undefined ? {} : { member }),
    ...(allMembers ? { members: 'all' as const } : {}),
    ...(options.lagged === undefined ? {} : { lagged: options.lagged }),
    ...(options.gridOffset ? { gridOffset: true } : {}),
  };
  const wind = await loadScenarioWind(source, options.fixturesDir);
  const forecastCount = forecastMembersOf(wind)?.members.length ?? 1;
  const c = wind.coverage;
  const covered = launches.filter((t) => t >= c.tMinSec && t <= c.tMaxSec);
  const hoursOutside = launches.filter((t) => !covered.includes(t)).map(iso);
  if (covered.length === 0)
    throw new InputError(
      `cycle ${cycle.index.cycle} of ${modelId} (${cycle.dir}) covers ${iso(c.tMinSec)} to ${iso(c.tMaxSec)}, none of the launch hours of the night of ${night} (${iso(launches[0])} to ${iso(launches.at(-1)!)}): give --night or fetch a newer cycle`,
      'night',
      night,
    );
  const baseDir = resolve(options.fixturesDir, 'scenarios');
  const base = JSON.parse(
    (await readInput(borderStripScenarioPath(options.fixturesDir), 'scenario file')).toString('utf8'),
  ) as Scenario & { $schema?: string };
  const { $schema: _schema, ...doc } = base;
  const membersPerLaunch = tonightMembersPerLaunch(
    doc.ensemble?.members ?? 1,
    forecastCount,
    options.members,
  );
  const first = covered[0];
  const last = covered.at(-1)!;
  const draft: Scenario = {
    ...doc,
    name: `Tonight ${night}: border strip, ${modelId} cycle ${cycle.index.cycle}`,
    description: `The border-strip launch points, launches every hour ${launchHours} local (${timeZone}) on the night of ${night}, wind from the forecast store (${modelId} cycle ${cycle.index.cycle}).`,
    wind: source,
    launch: {
      ...doc.launch,
      times: { start: iso(first), end: iso(last), everySec: 3600 },
    },
    solver: { ...doc.solver, durationSec: last - first + doc.solver.durationSec },
    ensemble: {
      ...doc.ensemble,
      members: membersPerLaunch,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    },
    analysis: {
      ...doc.analysis,
      ...(options.threshold === undefined ? {} : { closureThreshold: options.threshold }),
    },
    output: { ...doc.output, timeZone },
  };
  // The launch area is sampled here (the same points as every run of the scenario), so that points
  // outside the forecast's box can be left out and named, instead of refusing the whole night.
  const sampled = await resolveLaunchArea(validateScenario(draft), baseDir);
  const sites = sampled.launch.sites ?? [];
  const inside = sites.filter((s) => coversLonLat(c, s.lon, s.lat));
  if (inside.length === 0)
    throw new InputError(
      `no launch point of the border strip lies inside the forecast's box (lon ${c.lonMin}..${c.lonMax}, lat ${c.latMin}..${c.latMax}) of ${modelId} cycle ${cycle.index.cycle}: fetch it with --bbox ${TONIGHT_BOX.lonMin},${TONIGHT_BOX.latMin},${TONIGHT_BOX.lonMax},${TONIGHT_BOX.latMax}`,
      'store',
      cycle.dir,
    );
  const { area: _area, ...launch } = sampled.launch;
  const scenario = validateScenario({ ...sampled, launch: { ...launch, sites: inside } });
  return {
    scenario,
    baseDir,
    wind,
    cycle,
    night,
    timeZone,
    launchHours,
    launchPoints: sites.length,
    launchPointsOutside: sites.length - inside.length,
    hoursOutside,
    forecastMembers: forecastCount,
  };
}

/** The briefing of a finished tonight run: the forecast named by store-relative file names only. */
export function tonightBriefing(plan: TonightPlan, summary: RunSummary): Briefing {
  const index = plan.cycle.index;
  const windProvenance = summary.provenance?.wind;
  const refSec =
    Date.parse(
      index.referenceTime ||
        `${index.cycle.slice(0, 4)}-${index.cycle.slice(4, 6)}-${index.cycle.slice(6, 8)}T${index.cycle.slice(8, 10)}:00:00Z`,
    ) / 1000;
  const stepsUsed = (windProvenance?.validTimesUsed ?? [])
    .map((t) => Math.round((Date.parse(t) / 1000 - refSec) / 3600))
    .filter((s) => index.steps.includes(s));
  const forecast: BriefingForecast = {
    model: index.model,
    cycle: index.cycle,
    description: windProvenance?.description ?? summary.wind,
    referenceTimes: windProvenance?.referenceTimes ?? [],
    stepsUsed,
    steps: index.steps,
    files: [...index.files]
      .sort((a, b) => a.step - b.step)
      .map((f) => ({ name: f.path, bytes: f.bytes, sha256: f.sha256 })),
    member: plan.scenario.wind.type === 'forecast' ? (plan.scenario.wind.member ?? null) : null,
  };
  return buildBriefing(summary, {
    night: plan.night,
    timeZone: plan.timeZone,
    launchHours: plan.launchHours,
    forecast,
    launchPoints: plan.launchPoints,
    launchPointsOutside: plan.launchPointsOutside,
    hoursOutside: plan.hoursOutside,
  });
}
