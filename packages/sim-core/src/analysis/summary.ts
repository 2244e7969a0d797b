import { distanceM } from '../earth.js';
import { ELLIPSOID_OVER_SPHERE, ellipsoidDistanceM } from '../geo/ellipsoid.js';
import type { Provenance } from '../scenario/provenance.js';
import type { SimulationOptions } from '../solver/simulation.js';
import { MemberStatus, type MemberStatusName, STATUS_NAMES } from '../solver/status.js';
import { isoTime } from '../time.js';
import {
  type BorderSummary,
  borderSummary,
  type DensityGrid,
  densityGrid,
  type ZoneSummary,
  zoneEntries,
  zoneSummaries,
} from './ensemble-stats.js';
import type { RunObserver } from './observer.js';
import { median, quantilesViaProxy, rounded } from './stats.js';

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
  /** Start and end of the run (ISO 8601). */
  start: string;
  end: string;
  members: number;
  status: Record<MemberStatusName, number>;
  sites: SiteSummary[];
  /**
   * The country the border and the landings refer to, as the geography names it (e.g. LT,
   * "Lithuania"); null when the run has no home country among its targets.
   */
  homeCountry: { id: string; name: string } | null;
  /** Border crossing into the home country (absent when the run has no border target). */
  border: BorderSummary | null;
  /** One entry per zone analysed. */
  zones: ZoneSummary[];
  /** Where payloads came down (members that landed). */
  landings: LandingSummary;
  /** Per launch site and launch time: border and zone probabilities, earliest entry. */
  risk: RiskRow[];
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
  /** The landing footprint: landings per 0.05° cell. */
  grid: DensityGrid | null;
}

export interface RiskRow {
  site: string;
  launch: string;
  members: number;
  borderProbability: number | null;
  zones: { id: string; probability: number; earliestEntry: string | null }[];
}

/**
 * What a summary is made of: the run as prepared (its sites, launch times and each member's origin),
 * each member's end, and the analysis of its track. A RunResult is one; the pieces are named here so
 * that the analysis needs nothing from the scenario layer that runs it.
 */
export interface SummaryInput {
  prepared: {
    scenario: { name?: string };
    wind: { description: string };
    sites: readonly { id: string; name?: string }[];
    /** Launch times (s since the Unix epoch), before perturbation. */
    launchTimesSec: readonly number[];
    /** Per member: index into sites and into launchTimesSec. */
    memberSite: ArrayLike<number>;
    memberLaunch: ArrayLike<number>;
    simulation: Pick<SimulationOptions, 'members' | 'direction' | 'method' | 'dtSec' | 'startSec'>;
    warnings: readonly string[];
    provenance?: Provenance;
  };
  /** Per member: end status code, final position and the time it ended (NaN: still flying). */
  status: ArrayLike<number>;
  endLon: ArrayLike<number>;
  endLat: ArrayLike<number>;
  endTSec: ArrayLike<number>;
  observer: RunObserver;
}

/** Summarises a finished run; `runEndSec` is the time the run reached. */
export function summarizeRun(result: SummaryInput, runEndSec: number): RunSummary {
  const { prepared, status, endLon, endLat, endTSec } = result;
  const { members } = prepared.simulation;
  const status0 = Object.fromEntries(STATUS_NAMES.map((n) => [n, 0])) as Record<MemberStatusName, number>;
  const bySite = prepared.sites.map(() => ({
    status: {} as Partial<Record<MemberStatusName, number>>,
    lon: [] as number[],
    lat: [] as number[],
    ended: [] as number[],
    sphereM: [] as number[],
    flightHours: [] as number[],
    members: 0,
  }));
  for (let i = 0; i < members.count; i++) {
    const name = STATUS_NAMES[status[i]];
    status0[name]++;
    const site = bySite[prepared.memberSite[i]];
    site.members++;
    site.status[name] = (site.status[name] ?? 0) + 1;
    if (status[i] === MemberStatus.pending) continue;
    site.lon.push(endLon[i]);
    site.lat.push(endLat[i]);
    site.ended.push(i);
    site.sphereM.push(distanceM(members.lon[i], members.lat[i], endLon[i], endLat[i]));
    if (!Number.isNaN(endTSec[i])) site.flightHours.push(Math.abs(endTSec[i] - members.launchTSec[i]) / 3600);
  }
  const sim = prepared.simulation;
  const observer = result.observer;
  const hasBorder = Boolean(observer.targets.home && observer.targets.origin);
  const landedLon: number[] = [];
  const landedLat: number[] = [];
  let inHome = 0;
  for (let i = 0; i < members.count; i++) {
    if (status[i] !== MemberStatus.landed) continue;
    landedLon.push(endLon[i]);
    landedLat.push(endLat[i]);
    if (observer.targets.home?.contains(endLon[i], endLat[i])) inHome++;
  }
  const groups = new Map<string, number[]>();
  for (let i = 0; i < members.count; i++) {
    const key = `${prepared.memberSite[i]}:${prepared.memberLaunch[i]}`;
    const list = groups.get(key);
    if (list) list.push(i);
    else groups.set(key, [i]);
  }
  const risk: RiskRow[] = [...groups.entries()].map(([key, list]) => {
    const [s, k] = key.split(':').map(Number);
    return {
      site: prepared.sites[s].id,
      launch: isoTime(prepared.launchTimesSec[k]),
      members: list.length,
      borderProbability: hasBorder ? rounded(borderSummary(observer, list).probability, 4) : null,
      zones: zoneEntries(observer, list).map((z) => ({
        id: z.id,
        probability: rounded(z.probability, 4) ?? 0,
        earliestEntry: z.earliestEntry,
      })),
    };
  });
  return {
    name: prepared.scenario.name ?? null,
    wind: prepared.wind.description,
    direction: sim.direction,
    method: sim.method,
    dtSec: sim.dtSec,
    start: isoTime(sim.startSec ?? 0),
    end: isoTime(runEndSec),
    members: members.count,
    status: status0,
    homeCountry: observer.targets.home
      ? { id: observer.targets.home.id, name: observer.targets.home.name }
      : null,
    sites: prepared.sites.map((s, k) => {
      const b = bySite[k];
      // Launch-to-end distances on the ellipsoid: median, p90 and max, measuring only the members
      // near those ranks (their spherical distances rank them within 1 %).
      const [p50, p90, max] = quantilesViaProxy(
        b.sphereM,
        (q) => {
          const i = b.ended[q];
          return ellipsoidDistanceM(members.lon[i], members.lat[i], endLon[i], endLat[i]);
        },
        [0.5, 0.9, 1],
        ELLIPSOID_OVER_SPHERE,
      );
      return {
        id: s.id,
        ...(s.name ? { name: s.name } : {}),
        members: b.members,
        status: b.status,
        medianEndLon: rounded(median(b.lon), 4),
        medianEndLat: rounded(median(b.lat), 4),
        medianDistanceKm: rounded(p50 / 1000, 1),
        p90DistanceKm: rounded(p90 / 1000, 1),
        maxDistanceKm: rounded(max / 1000, 1),
        medianFlightHours: rounded(median(b.flightHours), 2),
      };
    }),
    border: hasBorder ? borderSummary(observer) : null,
    zones: zoneSummaries(observer, runEndSec),
    landings: {
      count: landedLon.length,
      medianLon: rounded(median(landedLon), 4),
      medianLat: rounded(median(landedLat), 4),
      inHomeCountry: observer.targets.home ? inHome : null,
      grid: densityGrid(landedLon, landedLat, 0.05),
    },
    risk,
    warnings: [...prepared.warnings, ...statusWarnings(status0)],
    provenance: prepared.provenance ?? null,
  };
}

/** Warnings a run's end states call for: members stopped because their state was not finite. */
function statusWarnings(status: Record<MemberStatusName, number>): string[] {
  const n = status['non-finite'];
  if (!n) return [];
  return [
    `${n} member${n > 1 ? 's' : ''} stopped because ${n > 1 ? 'their' : 'its'} position or altitude became non-finite (NaN or infinite): the wind data or the flight profile gave no finite value (events "non-finite" say where and when)`,
  ];
}
