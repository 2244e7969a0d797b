import { type Window, wilsonInterval } from './ensemble-stats.js';
import {
  type BandSummary,
  type ForecastLaunchSpread,
  type ForecastZoneSpread,
  membersToResolve,
  type RunSummary,
} from './summary.js';

/**
 * The night's briefing for the duty officer: what one run of the border-strip scenario over
 * tonight's launch hours says per airport — P(enter) per launch hour with its bounds, the threshold
 * closure window, the P(inside) timeline against the threshold, the float-altitude bands that reach
 * an airport, the forecast used and where the answer stops. Built from a run's summary alone (a pure
 * function, browser-safe): the command line (`balloon-sim tonight`), the server (POST /api/tonight)
 * and the page show the same figures, and each one equals the summary's (README, "Tonight").
 */
export const BRIEFING_FORMAT = 'balloon-sim tonight briefing 1';

/** The forecast a briefing's run used, as the store and the run's provenance name it. */
export interface BriefingForecast {
  /** The store's model id (ecmwf-hres, icon-eu…) and cycle (YYYYMMDDHH, UTC). */
  model: string;
  cycle: string;
  /** The wind's one-line description (the run's provenance). */
  description: string;
  /** Forecast runs (reference times, ISO 8601) of the data. */
  referenceTimes: string[];
  /** Steps (hours after the cycle's start) the run's times reached, and every step the cycle holds. */
  stepsUsed: number[];
  steps: number[];
  /** Each file read, by name (store-relative: the file's name in the cycle folder) and SHA-256. */
  files: { name: string; bytes: number; sha256: string | null }[];
  /**
   * For an ensemble model run on one member: that member (0 the control); null for a deterministic
   * model, and for every member flown (see Briefing.forecastMembers).
   */
  member: number | null;
}

/** What the briefing knows besides the summary: the night asked for and what was left out. */
export interface BriefingContext {
  /** Local date of the evening (YYYY-MM-DD) and the IANA zone of the launch hours. */
  night: string;
  timeZone: string;
  /** Local launch hours, "HH-HH" (from the evening to the morning). */
  launchHours: string;
  forecast: BriefingForecast;
  /** Launch points of the scenario, and those outside the forecast's box (no answer for them). */
  launchPoints: number;
  launchPointsOutside: number;
  /** Launch hours asked for that the forecast's times do not cover (ISO 8601 UTC): not run. */
  hoursOutside: string[];
}

/** P(enter) of one zone for one launch hour: every launch point of that hour together. */
export interface BriefingHourZone {
  id: string;
  /** Members seen to enter, and those that may have (left the wind's coverage, could have). */
  entered: number;
  mayHaveEntered: number;
  /** P(enter), lower and upper bound. */
  probability: number;
  probabilityUpper: number;
}

export interface BriefingHour {
  /** The launch time (ISO 8601 UTC). */
  launch: string;
  members: number;
  zones: BriefingHourZone[];
  /**
   * The spread of this launch hour across the forecast members (the summary's
   * `forecast.launches`): null for a run of one forecast, or a summary without it.
   */
  forecastMembers: BriefingHourSpread | null;
}

/** One launch hour of an airport across the forecast members (every launch point of the hour together). */
export interface BriefingHourSpread {
  /**
   * The range across forecast members of the airport's P(enter) for this hour, each member's being
   * the highest of the airport's zones (lower bounds; and upper bounds), as for the whole night.
   */
  probabilityMin: number;
  probabilityMax: number;
  probabilityUpperMin: number;
  probabilityUpperMax: number;
  /** Forecast members whose P(inside) from this hour's launches reached the threshold at one of the zones, of all. */
  membersReachingThreshold: number;
  forecastMembers: number;
  /**
   * Forecast members flown by fewer of this hour's trajectories than resolve the threshold (3/t:
   * 300 at 1 %): one trajectory alone decides whether such a member reaches it. An hour has far
   * fewer trajectories per member than the night, so its `k of n` is often this coarse.
   */
  tooFew: number;
  /** Per zone, the hour's spread (the summary's `forecast.launches[…].zones`, without the per-member lists). */
  zones: ForecastZoneSpread[];
}

export interface BriefingZone {
  id: string;
  name: string;
  kind: string;
  lowerM: number;
  upperM: number | null;
  probability: number;
  probabilityUpper: number;
  ci95: [number, number];
  earliestEntry: string | null;
  /** The zone's threshold closure window (upper bound of P(inside)) and the one seen (lower bound). */
  thresholdWindow: Window[];
  thresholdWindowSeen: Window[];
  /** P(inside) at each time of Briefing.timeline: lower and upper bound. */
  insideProbability: { lower: number[]; upper: number[] };
  /** The highest upper bound of P(inside), and when (null: never above 0). */
  peakInside: { lower: number; upper: number; time: string } | null;
}

export interface BriefingAirport {
  /** ICAO code (EYVI), from the zones' ids (`EYVI-CTR`, `EYVI-APPROACH`). */
  icao: string;
  zones: BriefingZone[];
  /**
   * When the airport should be closed: the union of its zones' threshold windows (a time is in it
   * when any of its zones has P(inside) ≥ the threshold, by the upper bound). Empty: no closure
   * indicated.
   */
  closureWindow: Window[];
  /** The same by what was seen (lower bound). */
  closureWindowSeen: Window[];
  /** True when the threshold is crossed (closureWindow not empty): the alert. */
  alert: boolean;
  /** Per launch hour, P(enter) of each of its zones. */
  hours: BriefingHour[];
}

export interface Briefing {
  format: typeof BRIEFING_FORMAT;
  night: string;
  timeZone: string;
  launchHours: string;
  /** Launch times run (ISO 8601 UTC), in order. */
  launches: string[];
  /** The closure threshold t: P(inside) ≥ t opens a window. */
  threshold: number;
  members: number;
  /** Members per launch point and hour (the scenario's ensemble). */
  membersPerLaunch: number;
  seed: number | null;
  forecast: BriefingForecast;
  /** The times of the zones' P(inside) timelines (ISO 8601 UTC). */
  timeline: string[];
  airports: BriefingAirport[];
  /** True when any airport's closure window is open. */
  alert: boolean;
  /**
   * Float-altitude bands that matter: those of a fan whose members may enter an airport's zone
   * (upper bound > 0). `fan` false: the scenario flies one float altitude, and `bands` is empty.
   */
  floatBands: { fan: boolean; count: number; bands: BandSummary[] };
  /** Where the answer stops. */
  limits: {
    launchPoints: number;
    launchPointsOutside: number;
    hoursOutside: string[];
    unresolved: number;
    unresolvedFraction: number;
    leftDomain: RunSummary['coverage']['leftDomain'];
    windEnded: RunSummary['coverage']['windEnded'];
    wind: RunSummary['coverage']['wind'];
    requestedEnd: string;
  };
  /**
   * Spread between the forecast's own members (an ensemble model run member by member, a lagged or
   * grid-offset forecast), from the summary's `forecast` section; null for a run of one forecast.
   */
  forecastMembers: BriefingForecastMembers | null;
  warnings: string[];
}

/** One forecast member's answer for an airport. */
export interface BriefingMemberAirport {
  label: string;
  /** Trajectory members that flew this forecast member (every launch point and hour). */
  trajectories: number;
  /** False: too few trajectories to resolve the closure threshold (one alone decides its verdict). */
  resolvesThreshold: boolean;
  /** The highest P(enter) of the airport's zones for this forecast member: lower and upper bound. */
  probability: number;
  probabilityUpper: number;
  /** Whether P(inside) of any of the airport's zones reached the threshold (upper bound): it would close. */
  reachesThreshold: boolean;
}

/** Where an airport's uncertainty lies (see BriefingForecastMembers). */
export type UncertaintySource = 'weather' | 'launch' | 'unresolved' | 'none';

export interface BriefingForecastAirport {
  icao: string;
  /** Per forecast member, in the order of BriefingForecastMembers.labels. */
  members: BriefingMemberAirport[];
  /** The range across forecast members of the airport's P(enter) (lower bounds; and upper bounds). */
  probabilityMin: number;
  probabilityMax: number;
  probabilityUpperMin: number;
  probabilityUpperMax: number;
  /** Forecast members whose P(inside) reached the closure threshold at one of the zones, of all. */
  membersReachingThreshold: number;
  forecastMembers: number;
  /** Labels of the forecast members with too few trajectories to resolve the threshold. */
  tooFew: string[];
  /** Per zone, the summary's spread (`forecast.zones`). */
  zones: ForecastZoneSpread[];
  /**
   * weather: at one of the zones the 95 % intervals of two forecast members do not overlap (they
   * disagree by more than their own trajectories' spread explains); launch: every member's interval
   * overlaps every other's (they agree; the spread is that of launch point, hour and perturbation
   * within each); unresolved: neither, because trajectories that left the wind's data decide it
   * (by the lower bounds alone, or by the upper bounds alone, two members' intervals do not overlap,
   * but by the bounds together they do); none: no member brings a trajectory into a zone, even by
   * the upper bound.
   */
  uncertainty: UncertaintySource;
  /** One plain sentence saying so, with the range and the count. */
  sentence: string;
}

export interface BriefingForecastMembers {
  /** The forecast members' labels (the provenance's), and how many. */
  labels: string[];
  count: number;
  airports: BriefingForecastAirport[];
}

const pct = (p: number) => (100 * p).toFixed(p > 0 && p < 0.01 ? 1 : 0);
const rangeText = (lo: number, hi: number) =>
  pct(lo) === pct(hi) ? `${pct(hi)} %` : `${pct(lo)}–${pct(hi)} %`;

/** The forecast-member spread per airport, from the summary's `forecast` section (null without one). */
function forecastMembersOf(
  summary: RunSummary,
  airports: readonly { icao: string; zoneIds: string[] }[],
): BriefingForecastMembers | null {
  const f = summary.forecast;
  if (!f) return null;
  return {
    labels: f.members.map((m) => m.label),
    count: f.members.length,
    airports: airports.map(({ icao, zoneIds }): BriefingForecastAirport => {
      const members = f.members.map((m): BriefingMemberAirport => {
        const zones = m.zones.filter((z) => zoneIds.includes(z.id));
        return {
          label: m.label,
          trajectories: m.members,
          resolvesThreshold: m.resolvesThreshold,
          probability: Math.max(0, ...zones.map((z) => z.probability)),
          probabilityUpper: Math.max(0, ...zones.map((z) => z.probabilityUpper)),
          reachesThreshold: zones.some((z) => z.crossesThreshold),
        };
      });
      const p = members.map((m) => m.probability);
      const pu = members.map((m) => m.probabilityUpper);
      const reaching = members.filter((m) => m.reachesThreshold).length;
      const tooFew = members.filter((m) => !m.resolvesThreshold).map((m) => m.label);
      // Two members disagree at a zone when their 95 % intervals do not overlap: the highest lower
      // end above the lowest upper end. The summary's interval spans both bounds (the unresolved
      // trajectories counted out and in), so disjoint ones disagree whatever those did.
      const disjoint = (cis: [number, number][]) =>
        cis.length > 1 && Math.max(...cis.map((c) => c[0])) > Math.min(...cis.map((c) => c[1]));
      const zonesOf = (id: string) =>
        f.members.flatMap((m) => m.zones.filter((z) => z.id === id).map((z) => ({ z, n: m.members })));
      const disagree = zoneIds.some((id) => disjoint(zonesOf(id).map(({ z }) => z.ci95)));
      const undecided = zoneIds.some(
        (id) =>
          disjoint(zonesOf(id).map(({ z, n }) => wilsonInterval(z.membersEntered, n))) ||
          disjoint(zonesOf(id).map(({ z, n }) => wilsonInterval(Math.round(z.probabilityUpper * n), n))),
      );
      const uncertainty: UncertaintySource = disagree
        ? 'weather'
        : undecided
          ? 'unresolved'
          : Math.max(0, ...pu) > 0
            ? 'launch'
            : 'none';
      const lo = Math.min(...p);
      const hi = Math.max(...p);
      const figures = `P(enter) ${rangeText(lo, hi)} across ${members.length} forecast members, ${reaching} of ${members.length} reach the threshold`;
      const few =
        tooFew.length > 0
          ? `; ${tooFew.length} member${tooFew.length > 1 ? 's fly' : ' flies'} too few trajectories to resolve the threshold`
          : '';
      const sentence =
        uncertainty === 'weather'
          ? `${icao}: the uncertainty lies in the weather — the forecast members disagree by more than their own trajectories' spread (${figures}${few}).`
          : uncertainty === 'launch'
            ? `${icao}: the uncertainty lies in the launch — the forecast members agree within their own trajectories' spread (${figures}${few}).`
            : uncertainty === 'unresolved'
              ? `${icao}: cannot tell whether the uncertainty lies in the weather or in the launch — trajectories that left the wind's data decide whether the forecast members agree (${figures}${few}).`
              : `${icao}: no forecast member brings a trajectory into its zones (${figures}${few}).`;
      return {
        icao,
        members,
        probabilityMin: lo,
        probabilityMax: hi,
        probabilityUpperMin: Math.min(...pu),
        probabilityUpperMax: Math.max(...pu),
        membersReachingThreshold: reaching,
        forecastMembers: members.length,
        tooFew,
        zones: f.zones.filter((z) => zoneIds.includes(z.id)),
        uncertainty,
        sentence,
      };
    }),
  };
}

/** An airport's ICAO code from a zone id (`EYVI-CTR` → EYVI); null for a zone of no airport. */
export function airportOfZone(id: string): string | null {
  const m = /^([A-Z]{4})-/.exec(id);
  return m ? m[1] : null;
}

/** The union of time windows (ISO 8601), overlapping or touching ones merged, in time order. */
export function unionWindows(windows: readonly Window[]): Window[] {
  const sorted = [...windows].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const out: Window[] = [];
  for (const w of sorted) {
    const last = out.at(-1);
    if (last && Date.parse(w.start) <= Date.parse(last.end)) {
      if (Date.parse(w.end) > Date.parse(last.end)) last.end = w.end;
    } else out.push({ ...w });
  }
  return out;
}

/**
 * Per launch time and zone, the members of every launch point together: the risk rows' counts
 * summed (a row's probability × its members is a whole count of members, rounded to 4 decimals in
 * the row, so it is recovered exactly while a row has fewer than 5 000 members).
 */
function hoursOf(summary: RunSummary, zoneIds: readonly string[]): BriefingHour[] {
  const launches = summary.forecast?.launches;
  const byLaunch = new Map<string, { members: number; entered: number[]; upper: number[] }>();
  for (const row of summary.risk) {
    let hour = byLaunch.get(row.launch);
    if (!hour) {
      hour = { members: 0, entered: zoneIds.map(() => 0), upper: zoneIds.map(() => 0) };
      byLaunch.set(row.launch, hour);
    }
    hour.members += row.members;
    for (const [k, id] of zoneIds.entries()) {
      const z = row.zones.find((entry) => entry.id === id);
      if (!z) continue;
      hour.entered[k] += Math.round(z.probability * row.members);
      hour.upper[k] += Math.round(z.probabilityUpper * row.members);
    }
  }
  return [...byLaunch.entries()]
    .sort(([a], [b]) => Date.parse(a) - Date.parse(b))
    .map(([launch, h]) => ({
      launch,
      members: h.members,
      zones: zoneIds.map((id, k) => ({
        id,
        entered: h.entered[k],
        mayHaveEntered: h.upper[k] - h.entered[k],
        probability: h.members ? h.entered[k] / h.members : 0,
        probabilityUpper: h.members ? h.upper[k] / h.members : 0,
      })),
      forecastMembers: hourSpread(
        launches?.find((l) => l.launch === launch),
        zoneIds,
        summary.closureThreshold,
      ),
    }));
}

/** An airport's spread across forecast members for one launch hour; null without the summary's figures. */
function hourSpread(
  launch: ForecastLaunchSpread | undefined,
  zoneIds: readonly string[],
  threshold: number,
): BriefingHourSpread | null {
  if (!launch) return null;
  const need = membersToResolve(threshold);
  const zones = launch.zones.filter((z) => zoneIds.includes(z.id));
  const count = launch.members.length;
  const highest = (key: 'probability' | 'probabilityUpper') =>
    launch.members.map((_, m) => Math.max(0, ...zones.map((z) => z[key][m])));
  const p = highest('probability');
  const pu = highest('probabilityUpper');
  return {
    probabilityMin: Math.min(...p),
    probabilityMax: Math.max(...p),
    probabilityUpperMin: Math.min(...pu),
    probabilityUpperMax: Math.max(...pu),
    membersReachingThreshold: launch.members.filter((_, m) => zones.some((z) => z.crossesThreshold[m]))
      .length,
    forecastMembers: count,
    tooFew: launch.members.filter((n) => n < need).length,
    zones: zones.map(({ probability: _p, probabilityUpper: _u, crossesThreshold: _c, ...spread }) => spread),
  };
}

function peakOf(summary: RunSummary, lower: number[], upper: number[]): BriefingZone['peakInside'] {
  let best = -1;
  for (let k = 0; k < upper.length; k++) if (upper[k] > 0 && (best < 0 || upper[k] > upper[best])) best = k;
  return best < 0 ? null : { lower: lower[best], upper: upper[best], time: summary.timeline[best] };
}

/** The briefing of a run of tonight's scenario: the summary's figures regrouped per airport. */
export function buildBriefing(summary: RunSummary, context: BriefingContext): Briefing {
  const icaos: string[] = [];
  for (const z of summary.zones) {
    const icao = airportOfZone(z.id);
    if (icao && !icaos.includes(icao)) icaos.push(icao);
  }
  const airports = icaos.map((icao): BriefingAirport => {
    const zones = summary.zones
      .filter((z) => airportOfZone(z.id) === icao)
      .map(
        (z): BriefingZone => ({
          id: z.id,
          name: z.name,
          kind: z.kind,
          lowerM: z.lowerM,
          upperM: z.upperM,
          probability: z.probability,
          probabilityUpper: z.probabilityUpper,
          ci95: z.ci95,
          earliestEntry: z.earliestEntry,
          thresholdWindow: z.thresholdWindow,
          thresholdWindowSeen: z.thresholdWindowSeen,
          insideProbability: z.insideProbability,
          peakInside: peakOf(summary, z.insideProbability.lower, z.insideProbability.upper),
        }),
      );
    const closureWindow = unionWindows(zones.flatMap((z) => z.thresholdWindow));
    return {
      icao,
      zones,
      closureWindow,
      closureWindowSeen: unionWindows(zones.flatMap((z) => z.thresholdWindowSeen)),
      alert: closureWindow.length > 0,
      hours: hoursOf(
        summary,
        zones.map((z) => z.id),
      ),
    };
  });
  const airportZones = new Set(airports.flatMap((a) => a.zones.map((z) => z.id)));
  const launches = [...new Set(summary.risk.map((r) => r.launch))].sort(
    (a, b) => Date.parse(a) - Date.parse(b),
  );
  const launchGroups = new Set(summary.risk.map((r) => `${r.site} ${r.launch}`)).size;
  return {
    format: BRIEFING_FORMAT,
    night: context.night,
    timeZone: context.timeZone,
    launchHours: context.launchHours,
    launches,
    threshold: summary.closureThreshold,
    members: summary.members,
    membersPerLaunch: launchGroups ? Math.round(summary.members / launchGroups) : 0,
    seed: summary.provenance?.seed ?? null,
    forecast: context.forecast,
    timeline: summary.timeline,
    airports,
    alert: airports.some((a) => a.alert),
    floatBands: {
      fan: summary.bands.length > 0,
      count: summary.bands.length,
      bands: summary.bands.filter((b) =>
        b.zones.some((z) => airportZones.has(z.id) && z.probabilityUpper > 0),
      ),
    },
    limits: {
      launchPoints: context.launchPoints,
      launchPointsOutside: context.launchPointsOutside,
      hoursOutside: context.hoursOutside,
      unresolved: summary.coverage.unresolved,
      unresolvedFraction: summary.coverage.unresolvedFraction,
      leftDomain: summary.coverage.leftDomain,
      windEnded: summary.coverage.windEnded,
      wind: summary.coverage.wind,
      requestedEnd: summary.coverage.requestedEnd,
    },
    forecastMembers: forecastMembersOf(
      summary,
      airports.map((a) => ({ icao: a.icao, zoneIds: a.zones.map((z) => z.id) })),
    ),
    warnings: summary.warnings,
  };
}
