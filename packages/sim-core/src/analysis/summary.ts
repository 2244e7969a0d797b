import { appendAll, maxOf } from '../arrays.js';
import { distanceM } from '../earth.js';
import type { RunResult } from '../scenario/run.js';
import { MemberStatus, type MemberStatusName, STATUS_NAMES } from '../solver/status.js';
import { isoTime } from '../time.js';
import {
  type BorderSummary,
  borderSummary,
  type DensityGrid,
  densityGrid,
  type ZoneSummary,
  zoneSummaries,
} from './ensemble-stats.js';
import { median, quantile, rounded } from './stats.js';

/** Per launch site: how far its members went and how they ended. */
export interface SiteSummary {
  id: string;
  name?: string;
  members: number;
  status: Partial<Record<MemberStatusName, number>>;
  /** Median end position (degrees): landing point, or last position when still flying. */
  medianEndLon: number | null;
  medianEndLat: number | null;
  /** Great-circle distance from launch to end (km). */
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
  /** Border crossing into the home country (absent when the run has no border target). */
  border: BorderSummary | null;
  /** One entry per zone analysed. */
  zones: ZoneSummary[];
  /** Where payloads came down (members that landed). */
  landings: LandingSummary;
  /** Per launch site and launch time: border and zone probabilities, earliest entry. */
  risk: RiskRow[];
  warnings: string[];
}

export interface LandingSummary {
  count: number;
  medianLon: number | null;
  medianLat: number | null;
  /** Landings inside the home country (Lithuania), when the run has that target. */
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

/** Summarises a finished run; `runEndSec` is the time the run reached. */
export function summarizeRun(result: Omit<RunResult, 'summary'>, runEndSec: number): RunSummary {
  const { prepared, status, endLon, endLat, endTSec } = result;
  const { members } = prepared.simulation;
  const status0 = Object.fromEntries(STATUS_NAMES.map((n) => [n, 0])) as Record<MemberStatusName, number>;
  const bySite = prepared.sites.map(() => ({
    status: {} as Partial<Record<MemberStatusName, number>>,
    lon: [] as number[],
    lat: [] as number[],
    distanceKm: [] as number[],
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
    site.distanceKm.push(distanceM(members.lon[i], members.lat[i], endLon[i], endLat[i]) / 1000);
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
      zones: zoneSummaries(observer, runEndSec, list).map((z) => ({
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
    sites: prepared.sites.map((s, k) => {
      const b = bySite[k];
      return {
        id: s.id,
        ...(s.name ? { name: s.name } : {}),
        members: b.members,
        status: b.status,
        medianEndLon: rounded(median(b.lon), 4),
        medianEndLat: rounded(median(b.lat), 4),
        medianDistanceKm: rounded(median(b.distanceKm), 1),
        p90DistanceKm: rounded(quantile(b.distanceKm, 0.9), 1),
        maxDistanceKm: rounded(b.distanceKm.length ? maxOf(b.distanceKm) : Number.NaN, 1),
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

/** The summary as a plain-text table for a terminal. */
export function formatSummary(summary: RunSummary): string {
  const lines: string[] = [];
  lines.push(
    `${summary.name ?? 'run'}: ${summary.members} members, ${summary.direction} ${summary.method} dt=${summary.dtSec} s`,
  );
  lines.push(`  ${summary.start} → ${summary.end}`);
  lines.push(`  wind: ${summary.wind}`);
  const counts = Object.entries(summary.status)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  lines.push(`  status: ${counts}`);
  lines.push('');
  const header = [
    'site',
    'members',
    'landed',
    'flying',
    'left',
    'median end (lon, lat)',
    'dist km p50/p90/max',
    'hours p50',
  ];
  const rows = summary.sites.map((s) => [
    s.id,
    String(s.members),
    String(s.status.landed ?? 0),
    String(s.status.active ?? 0),
    String((s.status['left-domain'] ?? 0) + (s.status['wind-ended'] ?? 0)),
    s.medianEndLon === null ? '-' : `${s.medianEndLon.toFixed(3)}, ${s.medianEndLat?.toFixed(3)}`,
    `${fmt(s.medianDistanceKm)}/${fmt(s.p90DistanceKm)}/${fmt(s.maxDistanceKm)}`,
    fmt(s.medianFlightHours),
  ]);
  appendAll(lines, table([header, ...rows]));
  if (summary.border) {
    const b = summary.border;
    lines.push('');
    lines.push(
      `border crossing into Lithuania: ${percent(b.probability)} of members (95 % CI ${percent(b.ci95[0])}–${percent(b.ci95[1])}), earliest ${clock(b.earliest)}, median ${clock(b.median)}`,
    );
  }
  if (summary.zones.length > 0) {
    lines.push('');
    const zoneRows = summary.zones.map((z) => [
      z.id,
      `${z.lowerM}–${z.upperM ?? 'UNL'} m`,
      percent(z.probability),
      `${percent(z.ci95[0])}–${percent(z.ci95[1])}`,
      clock(z.earliestEntry),
      clock(z.medianEntry),
      z.closureWindow ? `${clock(z.closureWindow.start)}–${clock(z.closureWindow.end)}` : '-',
      z.closestApproachKm ? fmt(z.closestApproachKm.min) : '-',
    ]);
    appendAll(
      lines,
      table([
        ['zone', 'limits', 'P(enter)', '95 % CI', 'earliest', 'median', 'closure window (UTC)', 'closest km'],
        ...zoneRows,
      ]),
    );
  }
  if (summary.risk.length > 1 && summary.risk.length <= 60) {
    // Which launch sites and hours threaten which zones: zones no member entered are left out.
    const zoneIds = summary.zones.filter((z) => z.membersEntered > 0).map((z) => z.id);
    lines.push('');
    appendAll(
      lines,
      table([
        [
          'site',
          'launch (UTC)',
          'members',
          ...(summary.border ? ['P(border)'] : []),
          ...zoneIds.map((id) => `P(${id})`),
        ],
        ...summary.risk.map((r) => [
          r.site,
          clock(r.launch),
          String(r.members),
          ...(summary.border ? [percent(r.borderProbability ?? 0)] : []),
          ...zoneIds.map((id) => percent(r.zones.find((z) => z.id === id)?.probability ?? 0)),
        ]),
      ]),
    );
  }
  if (summary.landings.count > 0) {
    const l = summary.landings;
    const home = l.inHomeCountry === null ? '' : `, ${l.inHomeCountry} of them in Lithuania`;
    lines.push('');
    lines.push(`landings: ${l.count} payloads came down${home}; median point ${l.medianLon}, ${l.medianLat}`);
  }
  for (const w of summary.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

const fmt = (x: number | null) => (x === null ? '-' : String(x));
const percent = (p: number) => `${(100 * p).toFixed(p > 0 && p < 0.01 ? 1 : 0)} %`;
/** "2025-10-24 21:37Z" from an ISO time; "-" for none. */
const clock = (isoTime: string | null) =>
  isoTime ? `${isoTime.slice(0, 10)} ${isoTime.slice(11, 16)}Z` : '-';

/** Left-aligned text columns separated by two spaces. */
export function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => maxOf(rows.map((r) => r[c].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd(),
  );
}
