import type { RunSummary } from '../analysis/summary.js';
import { appendAll, maxOf } from '../arrays.js';
import { DEFAULT_TIME_ZONE, localTimes } from '../local-time.js';
import { provenanceLines } from '../scenario/provenance.js';

export interface SummaryTextOptions {
  /**
   * IANA zone of the local times shown beside UTC (default: the scenario's output.timeZone, else
   * Europe/Vilnius); an unknown zone is an InputError naming output.timeZone.
   */
  timeZone?: string;
}

/**
 * The run summary as text for a terminal: a header with the run's provenance, the per-site table,
 * the border line, the zone table, the risk table (short ones only), the landings and the warnings.
 * Times in local time with UTC beside them (`2025-10-24 21:31 EEST (18:31Z)`). Countries are named
 * as the summary names them (from the geography), never by a name written here.
 */
export function formatSummary(summary: RunSummary, options: SummaryTextOptions = {}): string {
  const times = localTimes(
    options.timeZone ?? summary.provenance?.scenario?.output?.timeZone ?? DEFAULT_TIME_ZONE,
  );
  const utcOnly = times.timeZone === 'UTC';
  /** "2025-10-24 21:37 EEST (18:37Z)" from an ISO time; "-" for none. */
  const clock = (isoTime: string | null) => times.stamp(isoTime);
  const lines: string[] = [];
  lines.push(
    `${summary.name ?? 'run'}: ${summary.members} members, ${summary.direction} ${summary.method} dt=${summary.dtSec} s`,
  );
  lines.push(`  ${clock(summary.start)} → ${clock(summary.end)}`);
  lines.push(`  wind: ${summary.wind}`);
  if (summary.provenance) {
    const [first, ...rest] = provenanceLines(summary.provenance, clock);
    lines.push(`  provenance: ${first}`);
    for (const line of rest) lines.push(`    ${line}`);
  }
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
      `border crossing into ${homeName(summary)}: ${percent(b.probability)} of members (95 % CI ${percent(b.ci95[0])}–${percent(b.ci95[1])}), earliest ${clock(b.earliest)}, median ${clock(b.median)}`,
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
      z.closureWindow ? times.span(z.closureWindow.start, z.closureWindow.end) : '-',
      z.closestApproachKm ? fmt(z.closestApproachKm.min) : '-',
    ]);
    appendAll(
      lines,
      table([
        [
          'zone',
          'limits',
          'P(enter)',
          '95 % CI',
          'earliest',
          'median',
          `closure window${utcOnly ? ' (UTC)' : ''}`,
          'closest km',
        ],
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
          `launch${utcOnly ? ' (UTC)' : ''}`,
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
    const home = l.inHomeCountry === null ? '' : `, ${l.inHomeCountry} of them in ${homeName(summary)}`;
    lines.push('');
    lines.push(`landings: ${l.count} payloads came down${home}; median point ${l.medianLon}, ${l.medianLat}`);
  }
  for (const w of summary.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

/** The home country's name (a summary with a border or landings-at-home figure always has one). */
const homeName = (summary: RunSummary) => summary.homeCountry?.name ?? 'the home country';
const fmt = (x: number | null) => (x === null ? '-' : String(x));
const percent = (p: number) => `${(100 * p).toFixed(p > 0 && p < 0.01 ? 1 : 0)} %`;

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
