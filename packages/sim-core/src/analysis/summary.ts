import { ELLIPSOID_OVER_SPHERE, ellipsoidDistanceM } from '../geo/ellipsoid.js';
import type { Provenance } from '../scenario/provenance.js';
import type { SimulationOptions } from '../solver/simulation.js';
import { MemberStatus, type MemberStatusName, STATUS_NAMES } from '../solver/status.js';
import { isoTime } from '../time.js';
import type { WindField } from '../wind/wind-field.js';
import { type RunAggregates, runAggregates, SITE_QUANTILES } from './aggregates.js';
import { type CoverageSummary, summarizeCoverage } from './coverage.js';
import {
  type BorderSummary,
  borderSummary,
  borderSummaryOf,
  boundedInterval,
  type DensityGrid,
  densityGrid,
  visitsByMember,
  type ZoneEntries,
  type ZoneStatsContext,
  type ZoneSummary,
  zoneEntries,
  zoneEntriesOf,
  zoneSummaries,
} from './ensemble-stats.js';
import type { RunObserver } from './observer.js';
import { quantileOfSorted, quantilesViaSortedProxy, rounded } from './stats.js';

/**
 * The P(inside) at or above which a zone's threshold closure window is open, when the scenario sets
 * none (`analysis.closureThreshold`): 1 %. A balloon in an approach path is a collision hazard, so
 * the threshold is low; 1 % is still resolved by ensembles of a few hundred members (see
 * membersToResolve). README, "Closure windows", gives the reasoning.
 */
export const DEFAULT_CLOSURE_THRESHOLD = 0.01;

/**
 * The fewest members that resolve a probability threshold: 3/threshold. An estimate from n members
 * moves in steps of 1/n, and with none of n members inside the 95 % upper bound is ≈ 3/n (the "rule
 * of three"); below 3/threshold members, a single member already decides whether the threshold is
 * crossed.
 */
export function membersToResolve(threshold: number): number {
  return Math.ceil(3 / threshold - 1e-9);
}

/** Per launch site: how far its members went and how they ended. */
export interface SiteSummary {
  id: string;
  name?: string;
  members: number;
  status: Partial<Record<MemberStatusName, number>>;
  /** Median end position (degrees): landing point, or last position when still flying. */
  medianEndLon: number | null;
  medianEndLat: number | null;
  /** Distance from launch to end (km, the geodesic on the WGS 84 ellipsoid). */
  medianDistanceKm: number | null;
  p90DistanceKm: number | null;
  maxDistanceKm: number | null;
  /** Time from launch to end of flight (h), for members that ended (landed, left…). */
  medianFlightHours: number | null;
}

/** What a run tells, in a form for people (table) and programs (JSON). */
export interface RunSummary {
  name: string | null;
  wind: string;
  direction: 'forward' | 'backward';
  method: string;
  dtSec: number;
  /** Start and end of the run (ISO 8601): where it started and the time it reached. */
  start: string;
  end: string;
  members: number;
  /** Members per end status (left-domain and wind-ended apart). */
  status: Record<MemberStatusName, number>;
  sites: SiteSummary[];
  /**
   * The country the border and the landings refer to, as the geography names it (e.g. LT,
   * "Lithuania"); null when the run has no home country among its targets.
   */
  homeCountry: { id: string; name: string } | null;
  /** Border crossing into the home country (absent when the run has no border target). */
  border: BorderSummary | null;
  /** The P(inside) threshold of the zones' threshold closure windows (0 < threshold ≤ 1). */
  closureThreshold: number;
  /** The times (ISO 8601) of the zones' P(inside) timelines: every output time to the requested end. */
  timeline: string[];
  /** One entry per zone analysed. */
  zones: ZoneSummary[];
  /** Members that left the wind's coverage (unresolved): how many, where, when, and the bound used. */
  coverage: CoverageSummary;
  /** Where payloads came down (members that landed). */
  landings: LandingSummary;
  /** Per launch site and launch time: border and zone probabilities, earliest entry, window. */
  risk: RiskRow[];
  /** Per float-altitude band of a fan (flight.floatAltitudesM or floatAltitudeRangeM); empty without one. */
  bands: BandSummary[];
  /**
   * A wind of several forecast members: the answers per forecast member and, per zone, their spread
   * (whether the uncertainty lies in the weather or in the launch); absent for one wind.
   */
  forecast?: ForecastSummary;
  warnings: string[];
  /** What produced the run: tool, time, scenario as run, wind source and files, seed, members. */
  provenance: Provenance | null;
}

export interface LandingSummary {
  count: number;
  medianLon: number | null;
  medianLat: number | null;
  /** Landings inside the home country (see RunSummary.homeCountry), when the run has that target. */
  inHomeCountry: number | null;
  /** Landings per country of the geography (every country, in its order), and in none of them. */
  byCountry: { id: string; name: string; count: number }[];
  elsewhere: number | null;
  /** The landing footprint: landings per 0.05° cell. */
  grid: DensityGrid | null;
}

export interface RiskRow {
  site: string;
  launch: string;
  members: number;
  borderProbability: number | null;
  borderProbabilityUpper: number | null;
  zones: ZoneEntries[];
  /**
   * A wind of several forecast members: per zone, the range of P(enter) across them for this site
   * and launch time, and how many reach the closure threshold (see ForecastZoneSpread); absent for
   * one wind.
   */
  forecastZones?: ForecastZoneSpread[];
}

/** One band of a float-altitude fan: its altitudes, members, and risk (P(enter) per zone, border). */
export interface BandSummary {
  /** "3000 m", or "2000–3000 m" for a band of a range. */
  label: string;
  minM: number;
  maxM: number;
  members: number;
  border: { probability: number; probabilityUpper: number; ci95: [number, number] } | null;
  zones: { id: string; probability: number; probabilityUpper: number; ci95: [number, number] }[];
}

/** The answers of one forecast member's trajectory members. */
export interface ForecastMemberSummary {
  label: string;
  weight: number;
  /** Trajectory members that flew it (all sites and launch times). */
  members: number;
  /**
   * Whether that many members resolve the closure threshold (at least 3/threshold: see
   * membersToResolve); when not, one member alone decides its closure answer.
   */
  resolvesThreshold: boolean;
  border: {
    probability: number;
    probabilityUpper: number;
    ci95: [number, number];
    membersCrossed: number;
  } | null;
  zones: {
    id: string;
    probability: number;
    probabilityUpper: number;
    ci95: [number, number];
    membersEntered: number;
    /** Whether P(an airborne member is inside) reached the closure threshold (by its upper bound). */
    crossesThreshold: boolean;
  }[];
}

/** Per zone, the spread of the answers across forecast members. */
export interface ForecastZoneSpread {
  id: string;
  /** The lowest and highest P(enter) of any forecast member (lower bounds), and of the upper bounds. */
  probabilityMin: number;
  probabilityMax: number;
  probabilityUpperMin: number;
  probabilityUpperMax: number;
  /** How many forecast members' P(inside) reached the closure threshold, of how many. */
  membersCrossingThreshold: number;
  forecastMembers: number;
}

export interface ForecastSummary {
  members: ForecastMemberSummary[];
  zones: ForecastZoneSpread[];
  border: { probabilityMin: number; probabilityMax: number } | null;
  /**
   * Per launch time (every launch site together), each forecast member's answers: what a run of
   * that launch time alone would give in its own `members` and `zones` (tonight's spread per launch
   * hour). Absent in summaries written before it.
   */
  launches?: ForecastLaunchSpread[];
}

/** One launch time's answers per forecast member (see ForecastSummary.launches). */
export interface ForecastLaunchSpread {
  launch: string;
  /** Trajectory members of this launch time that flew each forecast member (in `members`' order). */
  members: number[];
  zones: ForecastLaunchZone[];
}

/** A zone's spread over one launch time, with each forecast member's figures (in `members`' order). */
export interface ForecastLaunchZone extends ForecastZoneSpread {
  probability: number[];
  probabilityUpper: number[];
  crossesThreshold: boolean[];
}

/** A band of float altitudes (m AMSL): one altitude (minM = maxM) or a slice of a range. */
export interface FloatBand {
  minM: number;
  maxM: number;
}

/**
 * What a summary is made of: the run as prepared (its sites, launch times and each member's origin),
 * each member's end, and the analysis of its track. A RunResult is one; the pieces are named here so
 * that the analysis needs nothing from the scenario layer that runs it.
 */
export interface SummaryInput {
  prepared: {
    scenario: { name?: string; analysis?: { closureThreshold?: number; maxDriftSpeedMps?: number } };
    wind: Pick<WindField, 'description' | 'coverage' | 'sample'>;
    sites: readonly { id: string; name?: string }[];
    /** Launch times (s since the Unix epoch), before perturbation. */
    launchTimesSec: readonly number[];
    /** Per member: index into sites and into launchTimesSec. */
    memberSite: ArrayLike<number>;
    memberLaunch: ArrayLike<number>;
    /** A float-altitude fan: its bands, and each member's band (index into floatBands). */
    floatBands?: readonly FloatBand[];
    memberBand?: ArrayLike<number>;
    /** A wind of several forecast members: each one's label and weight, and each member's (index into forecastMembers). */
    forecastMembers?: readonly { label: string; weight: number }[];
    memberForecast?: ArrayLike<number>;
    /** Solver steps per output interval: the timelines' times are the output times. */
    outputEverySteps: number;
    /**
     * The highest altitude (m AMSL) the scenario sends members to, from the scenario alone (so the
     * same in every shard); absent or +∞: the wind's top. Bounds the winds sampled for the drift
     * speed of members that left the wind's coverage.
     */
    plannedTopM?: number;
    simulation: Pick<
      SimulationOptions,
      'members' | 'direction' | 'method' | 'dtSec' | 'startSec' | 'durationSec'
    >;
    warnings: readonly string[];
    provenance?: Provenance;
  };
  /** Per member: end status code, final position and the time it ended (NaN: still flying). */
  status: ArrayLike<number>;
  endLon: ArrayLike<number>;
  endLat: ArrayLike<number>;
  endTSec: ArrayLike<number>;
  observer: RunObserver;
  /**
   * What the summary reads of the members' zone records and landings, merged from a run's parts
   * (each worker computes its part's): absent, it is computed here from the records.
   */
  aggregates?: RunAggregates | null;
}

/** Summarises a finished run; `runEndSec` is the time the run reached. */
export function summarizeRun(result: SummaryInput, runEndSec: number): RunSummary {
  const { prepared, status, endLon, endLat, endTSec } = result;
  const { members } = prepared.simulation;
  const sim = prepared.simulation;
  const observer = result.observer;
  const hasBorder = Boolean(observer.targets.home && observer.targets.origin);
  const sign = sim.direction === 'backward' ? -1 : 1;
  const startSec = sim.startSec ?? 0;
  const endSec = startSec + sign * sim.durationSec;
  const threshold = prepared.scenario.analysis?.closureThreshold ?? DEFAULT_CLOSURE_THRESHOLD;
  const { coverage, unresolved, reachTSec } = summarizeCoverage({
    observer,
    plannedTopM: prepared.plannedTopM ?? Number.POSITIVE_INFINITY,
    wind: prepared.wind,
    status,
    endLon,
    endLat,
    endTSec,
    startSec,
    endSec,
    maxDriftSpeedMps: prepared.scenario.analysis?.maxDriftSpeedMps,
  });
  const times = outputTimes(startSec, endSec, prepared.outputEverySteps * sim.dtSec);
  const aggregates = result.aggregates ?? runAggregates(result, endSec >= startSec);
  // Members per end status, the run's and each site's (its statuses in the order they first occur).
  const status0 = Object.fromEntries(STATUS_NAMES.map((n) => [n, 0])) as Record<MemberStatusName, number>;
  const siteStatus = aggregates.sites.map((a) => {
    const codes = STATUS_NAMES.map((_, c) => c).filter((c) => a.statusCount[c] > 0);
    codes.sort((x, y) => a.statusFirst[x] - a.statusFirst[y]);
    const out: Partial<Record<MemberStatusName, number>> = {};
    for (const c of codes) {
      out[STATUS_NAMES[c]] = a.statusCount[c];
      status0[STATUS_NAMES[c]] += a.statusCount[c];
    }
    return out;
  });
  let visits: ReturnType<typeof visitsByMember> | null = null;
  const ctx: ZoneStatsContext = {
    observer,
    startSec,
    runEndSec,
    endSec,
    times,
    threshold,
    bridgeSec: prepared.outputEverySteps * sim.dtSec,
    unresolved,
    reachTSec,
    // Indexed when first read: only the bands' and forecast members' rows, from members' lists,
    // read visits by member; the rest of the summary reads the parts' aggregates.
    get visitStart() {
      visits ??= visitsByMember(observer);
      return visits.visitStart;
    },
    get visitIdx() {
      visits ??= visitsByMember(observer);
      return visits.visitIdx;
    },
  };
  // Risk rows: one per site and launch time, in the order of their first members, from their
  // aggregates; the members that left the wind's coverage (few) looked at one by one.
  const launchCount = Math.max(1, prepared.launchTimesSec.length);
  const unresolvedOf = new Map<number, number[]>();
  let maybeCrossed = 0;
  for (let i = 0; i < members.count; i++) {
    if (!unresolved[i]) continue;
    if (Number.isNaN(observer.borderTSec[i])) maybeCrossed++;
    const key = prepared.memberSite[i] * launchCount + prepared.memberLaunch[i];
    const list = unresolvedOf.get(key);
    if (list) list.push(i);
    else unresolvedOf.set(key, [i]);
  }
  // A wind of several forecast members spreads each row over them: that needs each row's members.
  const membersOf = new Map<number, number[]>();
  if (prepared.forecastMembers && prepared.memberForecast)
    for (let i = 0; i < members.count; i++) {
      const key = prepared.memberSite[i] * launchCount + prepared.memberLaunch[i];
      const list = membersOf.get(key);
      if (list) list.push(i);
      else membersOf.set(key, [i]);
    }
  const risk: RiskRow[] = aggregates.groups.map((group) => {
    const s = Math.floor(group.key / launchCount);
    const k = group.key % launchCount;
    const n = group.members;
    const lost = unresolvedOf.get(group.key) ?? [];
    let maybe = 0;
    for (const i of lost) if (Number.isNaN(observer.borderTSec[i])) maybe++;
    return {
      site: prepared.sites[s].id,
      launch: isoTime(prepared.launchTimesSec[k]),
      members: n,
      borderProbability: hasBorder ? rounded(n ? group.crossed / n : 0, 4) : null,
      borderProbabilityUpper: hasBorder ? rounded(n ? (group.crossed + maybe) / n : 0, 4) : null,
      zones: zoneEntriesOf(ctx, n, group.zones, lost).map((z) => ({
        ...z,
        probability: rounded(z.probability, 4) ?? 0,
        probabilityUpper: rounded(z.probabilityUpper, 4) ?? 0,
      })),
      ...(prepared.forecastMembers && prepared.memberForecast
        ? {
            forecastZones: forecastSpread(
              ctx,
              membersOf.get(group.key) ?? [],
              prepared.forecastMembers.length,
              prepared.memberForecast,
            ),
          }
        : {}),
    };
  });
  const zones = zoneSummaries(ctx, undefined, aggregates.zones);
  const forecast = forecastSummary(ctx, prepared, hasBorder);
  return {
    name: prepared.scenario.name ?? null,
    wind: prepared.wind.description,
    direction: sim.direction,
    method: sim.method,
    dtSec: sim.dtSec,
    start: isoTime(startSec),
    end: isoTime(runEndSec),
    members: members.count,
    status: status0,
    homeCountry: observer.targets.home
      ? { id: observer.targets.home.id, name: observer.targets.home.name }
      : null,
    sites: prepared.sites.map((s, k) => {
      const b = aggregates.sites[k];
      // Launch-to-end distances on the ellipsoid: median, p90 and max, measuring only the members
      // near those ranks (their spherical distances rank them within 1 %).
      const [p50, p90, max] = quantilesViaSortedProxy(
        b.sphereM,
        (r) => {
          // Measured where the part ran, when it was near the part's own ranks.
          const measured = b.ellipsoidM[r];
          if (!Number.isNaN(measured)) return measured;
          const i = b.sphereMember[r];
          return ellipsoidDistanceM(members.lon[i], members.lat[i], endLon[i], endLat[i]);
        },
        SITE_QUANTILES,
        ELLIPSOID_OVER_SPHERE,
      );
      return {
        id: s.id,
        ...(s.name ? { name: s.name } : {}),
        members: b.members,
        status: siteStatus[k],
        medianEndLon: rounded(quantileOfSorted(b.lon, 0.5), 4),
        medianEndLat: rounded(quantileOfSorted(b.lat, 0.5), 4),
        medianDistanceKm: rounded(p50 / 1000, 1),
        p90DistanceKm: rounded(p90 / 1000, 1),
        maxDistanceKm: rounded(max / 1000, 1),
        medianFlightHours: rounded(quantileOfSorted(b.flightHours, 0.5), 2),
      };
    }),
    border: hasBorder ? borderSummaryOf(aggregates.borderTimes, members.count, maybeCrossed) : null,
    closureThreshold: threshold,
    timeline: times.map((t) => isoTime(t)),
    zones,
    coverage,
    landings: landingSummary(observer, aggregates, status, endLon, endLat),
    risk,
    bands: bandSummaries(ctx, prepared, hasBorder),
    ...(forecast ? { forecast } : {}),
    warnings: [
      ...coverageWarnings(coverage, zones),
      ...prepared.warnings,
      ...thresholdWarnings(threshold, members.count),
      ...statusWarnings(status0),
    ],
    provenance: prepared.provenance ?? null,
  };
}

/** Output times from start to end (either direction) every intervalSec, the end itself included. */
function outputTimes(startSec: number, endSec: number, intervalSec: number): number[] {
  const sign = endSec >= startSec ? 1 : -1;
  const span = Math.abs(endSec - startSec);
  const out: number[] = [];
  if (!(intervalSec > 0) || !Number.isFinite(span)) return [startSec];
  const steps = Math.floor(span / intervalSec + 1e-9);
  for (let k = 0; k <= steps; k++) out.push(startSec + sign * k * intervalSec);
  if (Math.abs(out[out.length - 1] - endSec) > 1e-6) out.push(endSec);
  return out;
}

/** Where payloads came down: the count, the median point, per country of the geography, the footprint. */
function landingSummary(
  observer: RunObserver,
  aggregates: Pick<RunAggregates, 'landingCountry' | 'landingInHome' | 'landedLon' | 'landedLat'>,
  status: ArrayLike<number>,
  endLon: ArrayLike<number>,
  endLat: ArrayLike<number>,
): LandingSummary {
  const countries = observer.targets.countries ?? [];
  const perCountry = countries.map(() => 0);
  const landedLon: number[] = [];
  const landedLat: number[] = [];
  let inHome = 0;
  let elsewhere = 0;
  for (let i = 0; i < status.length; i++) {
    if (status[i] !== MemberStatus.landed) continue;
    landedLon.push(endLon[i]);
    landedLat.push(endLat[i]);
    // Which country holds each landing: found where the member flew (see landingCountries).
    inHome += aggregates.landingInHome[i];
    const c = aggregates.landingCountry[i];
    if (c >= 0) perCountry[c]++;
    else elsewhere++;
  }
  return {
    count: landedLon.length,
    medianLon: rounded(quantileOfSorted(aggregates.landedLon, 0.5), 4),
    medianLat: rounded(quantileOfSorted(aggregates.landedLat, 0.5), 4),
    inHomeCountry: observer.targets.home ? inHome : null,
    byCountry: countries.map((c, k) => ({ id: c.id, name: c.name, count: perCountry[k] })),
    elsewhere: countries.length > 0 ? elsewhere : null,
    grid: densityGrid(landedLon, landedLat, 0.05),
  };
}

/** The risk per band of a float-altitude fan: P(enter) per zone and P(border), bounds and intervals. */
function bandSummaries(
  ctx: ZoneStatsContext,
  prepared: SummaryInput['prepared'],
  hasBorder: boolean,
): BandSummary[] {
  const bands = prepared.floatBands;
  const memberBand = prepared.memberBand;
  if (!bands || bands.length < 2 || !memberBand) return [];
  const lists: number[][] = bands.map(() => []);
  for (let i = 0; i < memberBand.length; i++) lists[memberBand[i]]?.push(i);
  return bands.map((band, b) => {
    const list = lists[b];
    const n = list.length;
    const border = hasBorder ? borderSummary(ctx.observer, list, ctx.unresolved) : null;
    return {
      label: band.minM === band.maxM ? `${band.minM} m` : `${band.minM}–${band.maxM} m`,
      minM: band.minM,
      maxM: band.maxM,
      members: n,
      border: border
        ? {
            probability: rounded(border.probability, 4) ?? 0,
            probabilityUpper: rounded(border.probabilityUpper, 4) ?? 0,
            ci95: border.ci95,
          }
        : null,
      zones: zoneEntries(ctx, list).map((z) => {
        const entered = Math.round(z.probability * n);
        const upper = Math.round(z.probabilityUpper * n);
        return {
          id: z.id,
          probability: rounded(z.probability, 4) ?? 0,
          probabilityUpper: rounded(z.probabilityUpper, 4) ?? 0,
          ci95: boundedInterval(entered, upper, n),
        };
      }),
    };
  });
}

/**
 * The answers per forecast member of a wind of several (P(enter) per zone with bounds, interval and
 * counts, whether the closure threshold was reached), and per zone their spread; null for one wind.
 */
function forecastSummary(
  ctx: ZoneStatsContext,
  prepared: SummaryInput['prepared'],
  hasBorder: boolean,
): ForecastSummary | null {
  const list = prepared.forecastMembers;
  const of = prepared.memberForecast;
  if (!list || !of) return null;
  const lists: number[][] = list.map(() => []);
  for (let i = 0; i < of.length; i++) lists[of[i]]?.push(i);
  const need = membersToResolve(ctx.threshold);
  const members: ForecastMemberSummary[] = list.map((fm, k) => {
    const ids = lists[k];
    const n = ids.length;
    const border = hasBorder ? borderSummary(ctx.observer, ids, ctx.unresolved) : null;
    return {
      label: fm.label,
      weight: fm.weight,
      members: n,
      resolvesThreshold: n >= need,
      border: border
        ? {
            probability: rounded(border.probability, 4) ?? 0,
            probabilityUpper: rounded(border.probabilityUpper, 4) ?? 0,
            ci95: border.ci95,
            membersCrossed: border.membersCrossed,
          }
        : null,
      zones: zoneEntries(ctx, ids).map((z) => {
        const entered = Math.round(z.probability * n);
        const upper = Math.round(z.probabilityUpper * n);
        return {
          id: z.id,
          probability: rounded(z.probability, 4) ?? 0,
          probabilityUpper: rounded(z.probabilityUpper, 4) ?? 0,
          ci95: boundedInterval(entered, upper, n),
          membersEntered: entered,
          crossesThreshold: z.thresholdWindow.length > 0,
        };
      }),
    };
  });
  const zones = ctx.observer.targets.zones.map((zone, z) => {
    const p = members.map((m) => m.zones[z].probability);
    const pu = members.map((m) => m.zones[z].probabilityUpper);
    return {
      id: zone.id,
      probabilityMin: Math.min(...p),
      probabilityMax: Math.max(...p),
      probabilityUpperMin: Math.min(...pu),
      probabilityUpperMax: Math.max(...pu),
      membersCrossingThreshold: members.filter((m) => m.zones[z].crossesThreshold).length,
      forecastMembers: members.length,
    };
  });
  const borders = members.flatMap((m) => (m.border ? [m.border.probability] : []));
  return {
    members,
    zones,
    border: hasBorder ? { probabilityMin: Math.min(...borders), probabilityMax: Math.max(...borders) } : null,
    launches: forecastLaunches(ctx, prepared, list.length, of),
  };
}

/** Per launch time, each forecast member's P(enter) and threshold answer per zone (ForecastSummary.launches). */
function forecastLaunches(
  ctx: ZoneStatsContext,
  prepared: SummaryInput['prepared'],
  forecastCount: number,
  memberForecast: ArrayLike<number>,
): ForecastLaunchSpread[] {
  const byLaunch = prepared.launchTimesSec.map(() =>
    Array.from({ length: forecastCount }, (): number[] => []),
  );
  for (let i = 0; i < memberForecast.length; i++)
    byLaunch[prepared.memberLaunch[i]]?.[memberForecast[i]]?.push(i);
  return byLaunch.flatMap((lists, k) => {
    if (lists.every((ids) => ids.length === 0)) return [];
    const entries = lists.map((ids) => zoneEntries(ctx, ids));
    return [
      {
        launch: isoTime(prepared.launchTimesSec[k]),
        members: lists.map((ids) => ids.length),
        zones: ctx.observer.targets.zones.map((zone, z) => {
          const p = entries.map((e) => rounded(e[z].probability, 4) ?? 0);
          const pu = entries.map((e) => rounded(e[z].probabilityUpper, 4) ?? 0);
          const crosses = entries.map((e) => e[z].thresholdWindow.length > 0);
          return {
            id: zone.id,
            probabilityMin: Math.min(...p),
            probabilityMax: Math.max(...p),
            probabilityUpperMin: Math.min(...pu),
            probabilityUpperMax: Math.max(...pu),
            membersCrossingThreshold: crosses.filter(Boolean).length,
            forecastMembers: forecastCount,
            probability: p,
            probabilityUpper: pu,
            crossesThreshold: crosses,
          };
        }),
      },
    ];
  });
}

/** Per zone, the spread of P(enter) across the forecast members of some members (a launch's). */
function forecastSpread(
  ctx: ZoneStatsContext,
  list: readonly number[],
  forecastCount: number,
  memberForecast: ArrayLike<number>,
): ForecastZoneSpread[] {
  const lists: number[][] = Array.from({ length: forecastCount }, () => []);
  for (const i of list) lists[memberForecast[i]]?.push(i);
  const entries = lists.map((ids) => zoneEntries(ctx, ids));
  return ctx.observer.targets.zones.map((zone, z) => {
    const p = entries.map((e) => rounded(e[z].probability, 4) ?? 0);
    const pu = entries.map((e) => rounded(e[z].probabilityUpper, 4) ?? 0);
    return {
      id: zone.id,
      probabilityMin: Math.min(...p),
      probabilityMax: Math.max(...p),
      probabilityUpperMin: Math.min(...pu),
      probabilityUpperMax: Math.max(...pu),
      membersCrossingThreshold: entries.filter((e) => e[z].thresholdWindow.length > 0).length,
      forecastMembers: forecastCount,
    };
  });
}

/**
 * The warning that heads every summary with unresolved members: how many, where and when they left,
 * and how the answers treat them.
 */
function coverageWarnings(c: CoverageSummary, zones: ZoneSummary[]): string[] {
  if (c.unresolved === 0) return [];
  const parts: string[] = [];
  if (c.leftDomain.count > 0)
    parts.push(
      `${c.leftDomain.count} left the wind's box (${c.leftDomain.edges
        .map((e) => `${e.count} across its ${e.edge} edge, ${edgeText(c, e.edge)}, ${e.first} to ${e.last}`)
        .join('; ')})`,
    );
  if (c.windEnded.count > 0)
    parts.push(`${c.windEnded.count} were still flying when the wind's data ended (${c.windEnded.at})`);
  if (c.nonFinite.count > 0)
    parts.push(`${c.nonFinite.count} met a missing wind value (${c.nonFinite.first} to ${c.nonFinite.last})`);
  const raised = zones.filter((z) => z.membersMayHaveEntered > 0).length;
  return [
    `${c.unresolved} of ${c.members} members (${(100 * c.unresolvedFraction).toFixed(1)} %) are UNRESOLVED: ${parts.join('; ')}. Where they went after is unknown: P(enter) is given as lower–upper (lower: entered before leaving; upper: also those that could have reached the zone by ${c.requestedEnd} at up to ${c.maxDriftSpeedMps} m/s, ${c.maxDriftSpeedFrom === 'scenario' ? 'analysis.maxDriftSpeedMps' : '1.5 × the fastest wind in the data, at least 20 m/s'}), and the closure windows use the upper bound${raised ? ` (${raised} zone${raised > 1 ? 's' : ''} affected)` : ''}`,
  ];
}

const edgeText = (c: CoverageSummary, edge: string) =>
  edge === 'west'
    ? `${c.wind.lonMin}° E`
    : edge === 'east'
      ? `${c.wind.lonMax}° E`
      : edge === 'north'
        ? `${c.wind.latMax}° N`
        : `${c.wind.latMin}° N`;

/** A warning when the ensemble is too small to resolve the closure threshold (see membersToResolve). */
function thresholdWarnings(threshold: number, members: number): string[] {
  const need = membersToResolve(threshold);
  if (members >= need) return [];
  return [
    `${members} member${members === 1 ? '' : 's'} cannot resolve a closure threshold of ${100 * threshold} % (that needs at least 3/threshold = ${need}): one member alone is ${(100 / members).toFixed(members > 100 ? 1 : 0)} % of the ensemble, so the threshold windows are those of single members`,
  ];
}

/** Warnings a run's end states call for: members stopped because their state was not finite. */
function statusWarnings(status: Record<MemberStatusName, number>): string[] {
  const n = status['non-finite'];
  if (!n) return [];
  return [
    `${n} member${n > 1 ? 's' : ''} stopped because ${n > 1 ? 'their' : 'its'} position or altitude became non-finite (NaN or infinite): the wind data or the flight profile gave no finite value (events "non-finite" say where and when)`,
  ];
}
