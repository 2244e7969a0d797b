import type { FloatBand } from '../analysis/summary.js';
import { M_PER_DEG } from '../earth.js';
import { gaussian, memberRng, RngStream } from '../ensemble/random.js';
import { localTimes } from '../local-time.js';
import {
  launchTimeCount,
  launchTimesSec,
  type MemberLayout,
  memberCount,
  memberLaunchOf,
  memberNumberOf,
  memberSiteOf,
} from '../protocol/members.js';
import { MemberSet } from '../solver/members.js';
import type { SimulationOptions } from '../solver/simulation.js';
import { isoTimeText } from '../time.js';
import { forecastMemberCounts, forecastMemberOfNumber, forecastMembersOf } from '../wind/forecast-members.js';
import { coversLonLat, type WindField } from '../wind/wind-field.js';
import { SCENARIO_DEFAULTS } from './defaults.js';
import { ScenarioError, type ValidationIssue } from './issues.js';
import { type Provenance, type ProvenanceContext, runProvenance } from './provenance.js';
import type { LaunchSite, Scenario } from './schema.js';

/** Hard limits that keep one run within one machine's memory. */
export const RUN_LIMITS = { maxMembers: 5_000_000, maxLaunchTimes: 100_000 };

/** How big a run is: members, solver steps, output frames (the launch frame included). */
export interface RunSize {
  members: number;
  steps: number;
  frames: number;
}

/**
 * The size of a scenario's run from the document alone, before any member is built — for refusing
 * runs too large for a machine or a server. A launch area counts its sampled points as sites.
 */
export function scenarioSize(scenario: Scenario): RunSize {
  const sites = (scenario.launch.sites?.length ?? 0) + (scenario.launch.area?.points ?? 0);
  const launches = launchTimeCount(scenario.launch.times);
  const members = sites * launches * (scenario.ensemble?.members ?? SCENARIO_DEFAULTS.members);
  const dtSec = scenario.solver.dtSec ?? SCENARIO_DEFAULTS.dtSec;
  const steps = Math.ceil(scenario.solver.durationSec / dtSec - 1e-9);
  const every = Math.max(
    1,
    Math.round((scenario.output?.intervalSec ?? SCENARIO_DEFAULTS.outputIntervalSec) / dtSec),
  );
  return { members, steps, frames: 1 + Math.ceil(steps / every) };
}

/**
 * A validated scenario turned into what the solver runs, with each member's origin: its sites,
 * launch times and members per launch are the run's MemberLayout (protocol/members.ts).
 */
export interface PreparedRun extends MemberLayout {
  scenario: Scenario;
  wind: WindField;
  sites: LaunchSite[];
  /** Launch times of the scenario (s since the Unix epoch), before perturbation. */
  launchTimesSec: number[];
  membersPerLaunch: number;
  /** Per member: index into sites, into launchTimesSec, and the member's number in its ensemble (the layout's, kept as arrays). */
  memberSite: Uint32Array;
  memberLaunch: Uint32Array;
  memberNumber: Uint32Array;
  simulation: SimulationOptions;
  outputEverySteps: number;
  /** The highest altitude (m AMSL) the scenario sends members to (see plannedTopM). */
  plannedTopM: number;
  /** A float-altitude fan's bands and each member's band (index into floatBands); absent without a fan. */
  floatBands?: FloatBand[];
  memberBand?: Uint8Array;
  /**
   * A wind of several forecast members (see wind/forecast-members.ts): each member's label, weight
   * and trajectory members per launch, and each trajectory member's forecast member (index into
   * forecastMembers); absent for one wind, whose run is then exactly as before.
   */
  forecastMembers?: { label: string; weight: number; perLaunch: number }[];
  memberForecast?: Uint16Array;
  warnings: string[];
  /** What produced the run (tool, time, scenario as run, wind source, seed, members): see provenance.ts. */
  provenance: Provenance;
}

function launchTimes(scenario: Scenario, issues: ValidationIssue[]): number[] {
  const { start, end, everySec } = scenario.launch.times;
  const t0 = Date.parse(start) / 1000;
  const t1 = end === undefined ? t0 : Date.parse(end) / 1000;
  if (t1 < t0) {
    issues.push({
      path: 'launch.times.end',
      message: `must not be before launch.times.start (${start})`,
      value: end,
    });
    return [t0];
  }
  if (t1 === t0) return [t0];
  if (everySec === undefined) {
    issues.push({
      path: 'launch.times.everySec',
      message: 'is required when launch.times.end is after start',
    });
    return [t0];
  }
  const count = launchTimeCount(scenario.launch.times);
  if (count > RUN_LIMITS.maxLaunchTimes) {
    issues.push({
      path: 'launch.times.everySec',
      message: `gives ${count} launch times, more than ${RUN_LIMITS.maxLaunchTimes}`,
      value: everySec,
    });
    return [t0];
  }
  return launchTimesSec(scenario.launch.times);
}

/** The ways a scenario gives the float: at most one of them. */
const FLOAT_KEYS = ['floatAltitudeM', 'floatAltitudesM', 'floatAltitudeRangeM', 'floatPressureHpa'] as const;

/**
 * A float-altitude fan's bands (flight.floatAltitudesM or floatAltitudeRangeM); null without one.
 * A set gives one band per altitude; a range [minM, maxM] cut into `bands` equal bands.
 */
export function floatBandsOf(flight: Scenario['flight']): FloatBand[] | null {
  if (flight.floatAltitudesM) return flight.floatAltitudesM.map((a) => ({ minM: a, maxM: a }));
  const r = flight.floatAltitudeRangeM;
  if (!r) return null;
  const w = (r.maxM - r.minM) / r.bands;
  return Array.from({ length: r.bands }, (_, b) => ({
    minM: r.minM + b * w,
    maxM: b === r.bands - 1 ? r.maxM : r.minM + (b + 1) * w,
  }));
}

/**
 * Member `number` (0 … membersPerLaunch − 1) of a launch in a fan of `bandCount` bands: its band,
 * number mod bandCount, so that each launch's members are spread evenly (band sizes differ by at
 * most one), and its place within the band, (rank + ½) / size with rank = ⌊number / bandCount⌋. A
 * function of the member's number alone: the same layout in any thread or shard.
 */
export function fanPlace(
  number: number,
  membersPerLaunch: number,
  bandCount: number,
): { band: number; fraction: number } {
  const band = number % bandCount;
  const size = Math.floor((membersPerLaunch - 1 - band) / bandCount) + 1;
  return { band, fraction: (Math.floor(number / bandCount) + 0.5) / size };
}

/**
 * The highest altitude (m AMSL) a scenario sends members to: its float altitudes (a fan's highest)
 * three standard deviations of their perturbation up, its burst altitude, its sites' altitudes; +∞
 * for a float on a pressure surface (the wind's top bounds it). From the scenario alone, so the
 * same for a whole run and each of its shards.
 */
export function plannedTopM(scenario: Scenario): number {
  const f = scenario.flight;
  if (f.floatPressureHpa !== undefined) return Number.POSITIVE_INFINITY;
  const floats = [
    ...(f.floatAltitudeM === undefined ? [] : [f.floatAltitudeM]),
    ...(f.floatAltitudesM ?? []),
    ...(f.floatAltitudeRangeM ? [f.floatAltitudeRangeM.maxM] : []),
  ];
  const sigma = (scenario.ensemble?.members ?? 1) > 1 ? (scenario.ensemble?.perturb?.floatAltitudeM ?? 0) : 0;
  const all = [
    ...floats.map((a) => a + 3 * sigma),
    ...(f.burstAltitudeM === undefined ? [] : [f.burstAltitudeM]),
    ...(scenario.launch.sites ?? []).flatMap((site) => (site.altM === undefined ? [] : [site.altM])),
  ];
  return all.length ? Math.max(...all) : Number.POSITIVE_INFINITY;
}

function flightIssues(scenario: Scenario, wind: WindField, issues: ValidationIssue[]): void {
  const f = scenario.flight;
  const top = wind.coverage.altMaxM;
  const backward = scenario.solver.direction === 'backward';
  const given = FLOAT_KEYS.filter((key) => f[key] !== undefined);
  const floats = given.length > 0;
  if (given.length > 1)
    issues.push({
      path: `flight.${given[1]}`,
      message: `cannot be given together with flight.${given[0]}`,
    });
  if (!floats && f.burstAltitudeM === undefined)
    issues.push({
      path: 'flight',
      message:
        'needs floatAltitudeM, floatAltitudesM, floatAltitudeRangeM, floatPressureHpa or burstAltitudeM',
    });
  const range = f.floatAltitudeRangeM;
  if (range && !(range.maxM > range.minM))
    issues.push({
      path: 'flight.floatAltitudeRangeM.maxM',
      message: `must be above minM (${range.minM} m)`,
      value: range.maxM,
    });
  const highest = f.floatAltitudesM ? Math.max(...f.floatAltitudesM) : range?.maxM;
  if (highest !== undefined && highest > top)
    issues.push({
      path: f.floatAltitudesM ? 'flight.floatAltitudesM' : 'flight.floatAltitudeRangeM.maxM',
      message: `reaches above the top of the wind data (${top.toFixed(0)} m)`,
      value: highest,
    });
  const bands = floatBandsOf(f);
  const perLaunch = scenario.ensemble?.members ?? SCENARIO_DEFAULTS.members;
  if (bands && perLaunch < bands.length)
    issues.push({
      path: 'ensemble.members',
      message: `must be at least the fan's ${bands.length} float altitudes, so that each has members`,
      value: perLaunch,
    });
  if (f.ascentRateMps === undefined && !floats && !backward)
    issues.push({
      path: 'flight.ascentRateMps',
      message: 'is required when the balloon does not start floating',
    });
  const descends =
    !backward &&
    (f.floatDurationSec !== undefined || f.burstAltitudeM !== undefined || f.releaseAfterSec !== undefined);
  if (descends && f.descentRateMps === undefined)
    issues.push({
      path: 'flight.descentRateMps',
      message: 'is required with floatDurationSec, burstAltitudeM or releaseAfterSec',
    });
  if (backward && (f.burstAltitudeM !== undefined || f.releaseAfterSec !== undefined))
    issues.push({
      path: 'solver.direction',
      message: 'backward runs trace a float (and its ascent) back; burst and release are forward-only',
      value: 'backward',
    });
  for (const key of ['floatAltitudeM', 'burstAltitudeM'] as const) {
    const alt = f[key];
    if (alt !== undefined && alt > top)
      issues.push({
        path: `flight.${key}`,
        message: `is above the top of the wind data (${top.toFixed(0)} m)`,
        value: alt,
      });
  }
  const ground = groundOf(scenario, wind);
  for (const [i, site] of (scenario.launch.sites ?? []).entries()) {
    if (site.altM !== undefined && site.altM > top) {
      issues.push({
        path: `launch.sites[${i}].altM`,
        message: `is above the top of the wind data (${top.toFixed(0)} m)`,
        value: site.altM,
      });
    }
    // A launch below the ground would start underground: refused rather than silently lifted, since
    // a wrong altM (a height above ground given as AMSL, a typo) is the likely cause.
    const groundM = site.altM === undefined ? Number.NaN : ground.at(site.lon, site.lat);
    if (site.altM !== undefined && site.altM < groundM) {
      issues.push({
        path: `launch.sites[${i}].altM`,
        message: `puts site "${site.id}" below the ground there (${groundM.toFixed(1)} m AMSL, ${ground.source}): give altM at or above it, or leave it out to launch from the ground`,
        value: site.altM,
      });
    }
  }
}

/** Ground elevation (m AMSL) as the solver sees it: the wind's orography, else groundElevationM. */
function groundOf(
  scenario: Scenario,
  wind: WindField,
): { at(lon: number, lat: number): number; source: string } {
  const flat = scenario.groundElevationM ?? SCENARIO_DEFAULTS.groundElevationM;
  const carries = typeof wind.groundElevationM === 'function' && !Number.isNaN(wind.groundElevationM(0, 0));
  if (!carries) return { at: () => flat, source: `groundElevationM ${flat} m` };
  return {
    at: (lon, lat) => {
      const z = wind.groundElevationM!(lon, lat);
      return Number.isNaN(z) ? flat : z;
    },
    source: "the terrain height of the wind data's orography",
  };
}

/**
 * Checks a scenario (already valid against the schema: see prepareRun) against its wind field (launches inside the field's
 * coverage, altitudes below its top, a consistent flight profile and step sizes), then builds the
 * members: sites × launch times × ensemble members, each with its own perturbations drawn from a
 * generator seeded by (seed, member index) — so a member does not depend on how many others run.
 * Throws ScenarioError listing every problem. `context` gives what the engine cannot know for the
 * run's provenance: the time of the run, the tool, the other files read.
 */
export function prepareValidRun(
  scenario: Scenario,
  wind: WindField,
  context: ProvenanceContext = {},
): PreparedRun {
  const issues: ValidationIssue[] = [];
  if (scenario.launch.area)
    throw new ScenarioError([
      {
        path: 'launch.area',
        message: 'must be turned into sites first (withAreaSites; the command line does it)',
      },
    ]);
  if (!scenario.launch.sites)
    throw new ScenarioError([{ path: 'launch.sites', message: 'is required (or launch.area)' }]);
  const sites = scenario.launch.sites;
  const warnings: string[] = [];
  const solver = scenario.solver;
  const dtSec = solver.dtSec ?? SCENARIO_DEFAULTS.dtSec;
  const durationSec = solver.durationSec;
  const steps = Math.round(durationSec / dtSec);
  if (Math.abs(steps * dtSec - durationSec) > 1e-9 * durationSec)
    issues.push({
      path: 'solver.durationSec',
      message: `must be a whole number of steps of ${dtSec} s`,
      value: durationSec,
    });
  const intervalSec = scenario.output?.intervalSec ?? SCENARIO_DEFAULTS.outputIntervalSec;
  const outputEverySteps = Math.round(intervalSec / dtSec);
  if (outputEverySteps < 1 || Math.abs(outputEverySteps * dtSec - intervalSec) > 1e-9 * intervalSec)
    issues.push({
      path: 'output.intervalSec',
      message: `must be a whole number of steps of ${dtSec} s`,
      value: intervalSec,
    });

  const times = launchTimes(scenario, issues);
  const c = wind.coverage;
  sites.forEach((site, i) => {
    if (!coversLonLat(c, site.lon, site.lat))
      issues.push({
        path: `launch.sites[${i}]`,
        message: `lies outside the wind data (lon ${c.lonMin}..${c.lonMax}, lat ${c.latMin}..${c.latMax})`,
        value: { lon: site.lon, lat: site.lat },
      });
  });
  const first = times[0];
  const last = times[times.length - 1];
  if (first < c.tMinSec || last > c.tMaxSec)
    issues.push({
      path: 'launch.times',
      message: `must lie inside the wind data's times (${isoTimeText(c.tMinSec)} to ${isoTimeText(c.tMaxSec)})`,
      value: first < c.tMinSec ? isoTimeText(first) : isoTimeText(last),
    });
  flightIssues(scenario, wind, issues);

  const membersPerLaunch = scenario.ensemble?.members ?? SCENARIO_DEFAULTS.members;
  const layout: MemberLayout = { sites, launchTimesSec: times, membersPerLaunch };
  const total = memberCount(layout);
  if (total > RUN_LIMITS.maxMembers)
    issues.push({
      path: 'ensemble.members',
      message: `gives ${total} members (sites × launch times × members), more than ${RUN_LIMITS.maxMembers}`,
      value: membersPerLaunch,
    });
  const ensemble = forecastMembersOf(wind);
  const forecastCounts = ensemble
    ? forecastMemberCounts(
        membersPerLaunch,
        ensemble.members.map((m) => m.weight),
      )
    : null;
  if (ensemble && forecastCounts) {
    const n = ensemble.members.length;
    const none = forecastCounts.indexOf(0);
    if (membersPerLaunch < n)
      issues.push({
        path: 'ensemble.members',
        message: `must be at least the wind's ${n} forecast members, so that each flies from every site and launch time`,
        value: membersPerLaunch,
      });
    else if (none >= 0)
      issues.push({
        path: 'ensemble.members',
        message: `gives forecast member "${ensemble.members[none].label}" (weight ${ensemble.members[none].weight}) no trajectory member: raise ensemble.members or that weight`,
        value: membersPerLaunch,
      });
  }
  if (issues.length > 0) throw new ScenarioError(issues);

  const direction = solver.direction ?? SCENARIO_DEFAULTS.direction;
  const runEnd = direction === 'forward' ? first + durationSec : last - durationSec;
  if (direction === 'forward' ? runEnd > c.tMaxSec : runEnd < c.tMinSec) {
    // A message for people: local time beside UTC (the scenario's zone was checked by the schema step).
    const ends = direction === 'forward' ? c.tMaxSec : c.tMinSec;
    warnings.push(
      `the wind data end at ${isoTimeText(ends)} (${localTimes(scenario.output?.timeZone).stampSec(ends)}), before the run does: members still flying then stop as "wind-ended"`,
    );
  }

  const members = new MemberSet(total);
  const memberSite = new Uint32Array(total);
  const memberLaunch = new Uint32Array(total);
  const memberNumber = new Uint32Array(total);
  const f = scenario.flight;
  const perturb = membersPerLaunch > 1 ? (scenario.ensemble?.perturb ?? {}) : {};
  const floatBands = floatBandsOf(f);
  const memberBand = floatBands ? new Uint8Array(total) : undefined;
  const memberForecast = forecastCounts ? new Uint16Array(total) : undefined;
  const seed = scenario.ensemble?.seed ?? SCENARIO_DEFAULTS.seed;
  let clampedTimes = 0;
  let liftedLaunches = 0;
  const ground = groundOf(scenario, wind);
  for (let index = 0; index < total; index++) {
    const s = memberSiteOf(layout, index);
    const k = memberLaunchOf(layout, index);
    const site = sites[s];
    const t = times[k];
    const rng = memberRng(seed, RngStream.launch, index);
    // Always draw every deviate, so enabling one perturbation never shifts another's draws.
    const dNorthM = gaussian(rng) * (perturb.positionM ?? 0);
    const dEastM = gaussian(rng) * (perturb.positionM ?? 0);
    const dTimeSec = gaussian(rng) * (perturb.launchTimeSec ?? 0);
    const dAltM = gaussian(rng) * (perturb.floatAltitudeM ?? 0);
    const dPressure = gaussian(rng) * (perturb.floatPressureHpa ?? 0);
    const ascentFactor = Math.max(0.1, 1 + gaussian(rng) * (perturb.ascentRateFraction ?? 0));
    const descentFactor = Math.max(0.1, 1 + gaussian(rng) * (perturb.descentRateFraction ?? 0));
    const lat = Math.max(-89.9, Math.min(89.9, site.lat + dNorthM / M_PER_DEG));
    members.lat[index] = lat;
    members.lon[index] = site.lon + dEastM / (M_PER_DEG * Math.cos((site.lat * Math.PI) / 180));
    let launchT = t + dTimeSec;
    if (launchT < c.tMinSec || launchT > c.tMaxSec) {
      launchT = Math.min(c.tMaxSec, Math.max(c.tMinSec, launchT));
      clampedTimes++;
    }
    members.launchTSec[index] = launchT;
    if (site.altM !== undefined) {
      // A perturbed position may lie where the ground is higher than at the site: start there on
      // the ground rather than underground (the site itself was checked above).
      const groundM = ground.at(members.lon[index], lat);
      members.launchAltM[index] = Math.max(site.altM, groundM);
      if (site.altM < groundM) liftedLaunches++;
    }
    if (f.ascentRateMps !== undefined) members.ascentRateMps[index] = f.ascentRateMps * ascentFactor;
    if (f.floatAltitudeM !== undefined)
      members.floatAltM[index] = Math.min(c.altMaxM, f.floatAltitudeM + dAltM);
    if (floatBands && memberBand) {
      const { band, fraction } = fanPlace(memberNumberOf(layout, index), membersPerLaunch, floatBands.length);
      const b = floatBands[band];
      memberBand[index] = band;
      members.floatAltM[index] = Math.min(c.altMaxM, b.minM + fraction * (b.maxM - b.minM) + dAltM);
    }
    if (f.floatPressureHpa !== undefined)
      members.floatPressureHpa[index] = Math.max(1, f.floatPressureHpa + dPressure);
    if (f.floatDurationSec !== undefined) members.floatDurationSec[index] = f.floatDurationSec;
    if (f.burstAltitudeM !== undefined) members.burstAltM[index] = f.burstAltitudeM;
    if (f.descentRateMps !== undefined) members.descentRateMps[index] = f.descentRateMps * descentFactor;
    if (f.releaseAfterSec !== undefined) members.releaseAfterSec[index] = f.releaseAfterSec;
    memberSite[index] = s;
    memberLaunch[index] = k;
    memberNumber[index] = memberNumberOf(layout, index);
    if (memberForecast && forecastCounts)
      memberForecast[index] = forecastMemberOfNumber(memberNumber[index], forecastCounts);
  }
  if (liftedLaunches > 0)
    warnings.push(
      `${liftedLaunches} perturbed launch positions lay below the ground at their site's altM and start on the ground instead`,
    );
  if (clampedTimes > 0)
    warnings.push(
      `${clampedTimes} perturbed launch times fell outside the wind data and were moved to its edge`,
    );

  const windSigma = perturb.windSigmaMps ?? 0;
  const simulation: SimulationOptions = {
    wind,
    members,
    method: solver.method ?? SCENARIO_DEFAULTS.method,
    dtSec,
    direction,
    durationSec,
    startSec: direction === 'forward' ? first : last,
    groundElevationM: scenario.groundElevationM ?? SCENARIO_DEFAULTS.groundElevationM,
    windError:
      windSigma > 0
        ? {
            sigmaMps: windSigma,
            correlationSec: perturb.windCorrelationSec ?? SCENARIO_DEFAULTS.windCorrelationSec,
            seed,
          }
        : undefined,
  };
  // A perturbed launch before the nominal first one moves the start back by whole output intervals,
  // so output times stay on the nominal launch time's grid (16:50, 17:00… not 16:53, 17:03…).
  const sign = direction === 'forward' ? 1 : -1;
  let earliest = 0; // s before the nominal start, along the run's direction
  for (let i = 0; i < total; i++)
    earliest = Math.max(earliest, sign * (simulation.startSec! - members.launchTSec[i]));
  simulation.startSec! -= sign * Math.ceil(earliest / intervalSec - 1e-9) * intervalSec;
  if (wind.description.includes('ILLUSTRATIVE')) warnings.push('the wind is illustrative, not real weather');
  for (const w of wind.warnings ?? []) warnings.push(w);
  return {
    scenario,
    wind,
    sites,
    launchTimesSec: times,
    membersPerLaunch,
    memberSite,
    memberLaunch,
    memberNumber,
    simulation,
    outputEverySteps,
    plannedTopM: plannedTopM(scenario),
    ...(floatBands && memberBand ? { floatBands, memberBand } : {}),
    ...(ensemble && forecastCounts && memberForecast
      ? {
          forecastMembers: ensemble.members.map((m, k) => ({
            label: m.label,
            weight: m.weight,
            perLaunch: forecastCounts[k],
          })),
          memberForecast,
        }
      : {}),
    warnings,
    provenance: runProvenance(scenario, wind, simulation, context, forecastCounts ?? undefined),
  };
}

/**
 * The part of a prepared run made of some of its members (global indices, ascending): the same time
 * grid, each member with its own perturbations and its global index for its random wind error. Runs
 * of the parts, merged, equal the whole run (workers, shards).
 */
export function selectMembers(prepared: PreparedRun, ids: Uint32Array): PreparedRun {
  const all = prepared.simulation.members;
  const part = new MemberSet(ids.length);
  const arrays = [
    'lon',
    'lat',
    'launchAltM',
    'launchTSec',
    'ascentRateMps',
    'floatAltM',
    'floatPressureHpa',
    'floatDurationSec',
    'burstAltM',
    'descentRateMps',
    'releaseAfterSec',
  ] as const;
  for (let p = 0; p < ids.length; p++) {
    const i = ids[p];
    if (!(i < all.count)) throw new RangeError(`member ${i} is not in the run (${all.count} members)`);
  }
  // Array by array, in plain loops (a worker selects its chunk of 10⁵ members before its first step,
  // while no other worker may be running: a keyed access per member and array, or a typed array's
  // `from` with a mapping function, which goes through an iterator, cost several times as much).
  for (const key of arrays) {
    const from = all[key];
    const to = part[key];
    for (let p = 0; p < ids.length; p++) to[p] = from[ids[p]];
  }
  const pick = <A extends Uint8Array | Uint16Array | Uint32Array>(a: A, out: A): A => {
    for (let p = 0; p < ids.length; p++) out[p] = a[ids[p]];
    return out;
  };
  return {
    ...prepared,
    memberSite: pick(prepared.memberSite, new Uint32Array(ids.length)),
    memberLaunch: pick(prepared.memberLaunch, new Uint32Array(ids.length)),
    memberNumber: pick(prepared.memberNumber, new Uint32Array(ids.length)),
    ...(prepared.memberBand ? { memberBand: pick(prepared.memberBand, new Uint8Array(ids.length)) } : {}),
    ...(prepared.memberForecast
      ? { memberForecast: pick(prepared.memberForecast, new Uint16Array(ids.length)) }
      : {}),
    // Ids of a part of a part are still the whole run's (a run's forecast groups are parts of a
    // worker's part): each member's random wind error is seeded by its index in the whole run.
    simulation: {
      ...prepared.simulation,
      members: part,
      memberIds: prepared.simulation.memberIds
        ? pick(prepared.simulation.memberIds, new Uint32Array(ids.length))
        : Uint32Array.from(ids),
    },
  };
}
