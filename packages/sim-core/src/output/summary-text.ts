import type { RunSummary } from '../analysis/summary.js';
import { appendAll, maxOf } from '../arrays.js';
import { DEFAULT_TIME_ZONE, type LocalTimes, localTimes } from '../local-time.js';
import { provenanceLines } from '../scenario/provenance.js';

export interface SummaryTextOptions {
  /**
   * IANA zone of the local times shown beside UTC (default: the scenario's output.timeZone, else
   * Europe/Vilnius); an unknown zone is an InputError naming output.timeZone.
   */
  timeZone?: string;
}

/**
 * The run summary as text for a terminal: the warning about members that left the wind's coverage
 * first (when any did), a header with the run's provenance, the per-site table, the border line, the
 * zone table, the closure windows, the P(inside) timeline, the risk table (short ones only), the
 * float-altitude bands, the landings and the other warnings. Times in local time with UTC beside them
 * (`2025-10-24 21:31 EEST (18:31Z)`). Countries are named as the summary names them (from the
 * geography), never by a name written here. Every column is defined in the README's glossary.
 */
export function formatSummary(summary: RunSummary, options: SummaryTextOptions = {}): string {
  const times = localTimes(
    options.timeZone ?? summary.provenance?.scenario?.output?.timeZone ?? DEFAULT_TIME_ZONE,
  );
  const utcOnly = times.timeZone === 'UTC';
  /** "2025-10-24 21:37 EEST (18:37Z)" from an ISO time; "-" for none. */
  const clock = (isoTime: string | null) => times.stamp(isoTime);
  const lines: string[] = [];
  // summarizeRun puts the coverage warning first: it heads the text, where nobody misses it.
  const unresolved = summary.coverage.unresolved > 0;
  const warnings = unresolved ? summary.warnings.slice(1) : summary.warnings;
  if (unresolved) {
    lines.push(`WARNING: ${summary.warnings[0]}`);
    lines.push('');
  }
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
    'left box',
    'wind ended',
    'median end (lon, lat)',
    'dist km p50/p90/max',
    'hours p50',
  ];
  const rows = summary.sites.map((s) => [
    s.id,
    String(s.members),
    String(s.status.landed ?? 0),
    String(s.status.active ?? 0),
    String(s.status['left-domain'] ?? 0),
    String(s.status['wind-ended'] ?? 0),
    s.medianEndLon === null ? '-' : `${s.medianEndLon.toFixed(3)}, ${s.medianEndLat?.toFixed(3)}`,
    `${fmt(s.medianDistanceKm)}/${fmt(s.p90DistanceKm)}/${fmt(s.maxDistanceKm)}`,
    fmt(s.medianFlightHours),
  ]);
  appendAll(lines, table([header, ...rows]));
  if (summary.border) {
    const b = summary.border;
    lines.push('');
    lines.push(
      `border crossing into ${homeName(summary)}: ${bounds(b.probability, b.probabilityUpper)} of members (95 % CI ${percent(b.ci95[0])}–${percent(b.ci95[1])}), earliest ${clock(b.earliest)}, median ${clock(b.median)}`,
    );
  }
  if (summary.zones.length > 0) {
    lines.push('');
    const zoneRows = summary.zones.map((z) => [
      z.id,
      `${z.lowerM}–${z.upperM ?? 'UNL'} m`,
      bounds(z.probability, z.probabilityUpper),
      `${percent(z.ci95[0])}–${percent(z.ci95[1])}`,
      clock(z.earliestEntry),
      clock(z.medianEntry),
      clock(z.p90Entry),
      z.closestApproach ? `${z.closestApproach.horizontalKm} km, ${z.closestApproach.verticalM} m` : '-',
    ]);
    appendAll(
      lines,
      table([
        [
          'zone',
          'limits',
          'P(enter)',
          '95 % CI',
          'earliest entry',
          'median entry',
          'p90 entry',
          'closest to zone (horiz, vert)',
        ],
        ...zoneRows,
      ]),
    );
    appendAll(lines, windowTable(summary, times));
    appendAll(lines, timelineTable(summary, times));
  }
  if (summary.risk.length > 1 && summary.risk.length <= 60) {
    // Which launch sites and hours threaten which zones: zones no member could enter are left out.
    const zoneIds = summary.zones.filter((z) => z.probabilityUpper > 0).map((z) => z.id);
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
          ...(summary.border ? [bounds(r.borderProbability ?? 0, r.borderProbabilityUpper ?? 0)] : []),
          ...zoneIds.map((id) => {
            const z = r.zones.find((x) => x.id === id);
            return bounds(z?.probability ?? 0, z?.probabilityUpper ?? 0);
          }),
        ]),
      ]),
    );
  }
  if (summary.bands.length > 0) {
    lines.push('');
    lines.push('risk per float altitude:');
    appendAll(
      lines,
      table([
        [
          'float altitude',
          'members',
          ...(summary.border ? ['P(border)'] : []),
          ...summary.zones.map((z) => `P(${z.id})`),
        ],
        ...summary.bands.map((b) => [
          b.label,
          String(b.members),
          ...(b.border ? [bounds(b.border.probability, b.border.probabilityUpper)] : []),
          ...b.zones.map((z) => bounds(z.probability, z.probabilityUpper)),
        ]),
      ]),
    );
  }
  if (summary.forecast) appendAll(lines, forecastTables(summary, summary.forecast));
  if (summary.landings.count > 0) {
    const l = summary.landings;
    const where =
      l.byCountry.length > 0
        ? `: ${[...l.byCountry.map((c) => `${c.name} ${c.count}`), `elsewhere ${l.elsewhere ?? 0}`].join(', ')}`
        : l.inHomeCountry === null
          ? ''
          : `, ${l.inHomeCountry} of them in ${homeName(summary)}`;
    lines.push('');
    lines.push(
      `landings: ${l.count} payloads came down${where}; median point ${l.medianLon}, ${l.medianLat}`,
    );
  }
  for (const w of warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

/** Forecast members listed one per row at most; more are in the JSON summary. */
const MAX_FORECAST_ROWS = 60;

/**
 * A wind of several forecast members: per zone the range of P(enter) across them and how many reach
 * the closure threshold (the weather's share of the uncertainty), then each member's answers with
 * its counts, marking members with too few trajectory members to resolve the threshold.
 */
function forecastTables(summary: RunSummary, f: NonNullable<RunSummary['forecast']>): string[] {
  const lines = [
    '',
    `forecast members: ${f.members.length}, each trajectory member flying one (the spread between them is the weather's):`,
  ];
  const threshold = `${100 * summary.closureThreshold} %`;
  const range = (lo: number, hi: number) =>
    percentNumber(lo) === percentNumber(hi) ? percent(lo) : `${percentNumber(lo)}–${percent(hi)}`;
  appendAll(
    lines,
    table([
      ['zone', 'P(enter) range by member', 'upper bounds', `members reaching ${threshold}`],
      ...f.zones.map((z) => [
        z.id,
        range(z.probabilityMin, z.probabilityMax),
        range(z.probabilityUpperMin, z.probabilityUpperMax),
        `${z.membersCrossingThreshold} of ${z.forecastMembers}`,
      ]),
      ...(f.border && summary.border
        ? [['border', range(f.border.probabilityMin, f.border.probabilityMax), '', '']]
        : []),
    ]),
  );
  const shown = f.members.slice(0, MAX_FORECAST_ROWS);
  lines.push('');
  appendAll(
    lines,
    table([
      [
        'forecast member',
        'weight',
        'trajectories',
        ...(summary.border ? ['P(border)'] : []),
        ...summary.zones.map((z) => `P(${z.id}) entered/n`),
      ],
      ...shown.map((m) => [
        m.label,
        String(m.weight),
        m.resolvesThreshold ? String(m.members) : `${m.members} (too few for ${threshold})`,
        ...(m.border ? [bounds(m.border.probability, m.border.probabilityUpper)] : []),
        ...m.zones.map(
          (z) =>
            `${bounds(z.probability, z.probabilityUpper)} ${z.membersEntered}/${m.members}${z.crossesThreshold ? ' closes' : ''}`,
        ),
      ]),
    ]),
  );
  if (f.members.length > shown.length)
    lines.push(
      `… ${f.members.length - shown.length} more forecast members in the JSON summary (forecast.members)`,
    );
  return lines;
}

/**
 * The two closure windows of each zone some member could enter, and the peak of P(inside): all by
 * the upper bound (counting members that left the wind's coverage where they could have been), which
 * errs toward closing.
 */
function windowTable(summary: RunSummary, times: LocalTimes): string[] {
  const zones = summary.zones.filter((z) => z.anyMemberWindow);
  if (zones.length === 0) return [];
  const threshold = `${+(100 * summary.closureThreshold).toPrecision(6)} %`;
  const clock = (isoTime: string | null) => times.stamp(isoTime);
  const span = (w: { start: string; end: string }) =>
    `${times.span(w.start, w.end)}${w.end === summary.coverage.requestedEnd ? ' (run end)' : ''}`;
  const out = [
    '',
    `closure windows${times.timeZone === 'UTC' ? ' (UTC)' : ''}, by the upper bound of P(inside)${summary.coverage.unresolved > 0 ? ' (members that left the wind count where they could have been)' : ''}:`,
  ];
  appendAll(
    out,
    table([
      ['zone', 'any member: first entry → last inside', `P(inside) ≥ ${threshold}`, 'peak P(inside)'],
      ...zones.map((z) => {
        const upper = z.insideProbability.upper;
        let peak = 0;
        for (let k = 1; k < upper.length; k++) if (upper[k] > upper[peak]) peak = k;
        return [
          z.id,
          z.anyMemberWindow ? span(z.anyMemberWindow) : '-',
          z.thresholdWindow.length > 0 ? z.thresholdWindow.map(span).join(', ') : 'none',
          upper.length && upper[peak] > 0
            ? `${bounds(z.insideProbability.lower[peak], upper[peak])} at ${clock(summary.timeline[peak])}`
            : '-',
        ];
      }),
    ]),
  );
  return out;
}

/**
 * P(an airborne member is inside) at the output times, for the zones some member could enter, from
 * the first time any is above zero to the last: every output time, or every k-th when that would
 * make more than 36 rows (the JSON summary holds them all).
 */
function timelineTable(summary: RunSummary, times: LocalTimes): string[] {
  const zones = summary.zones.filter((z) => z.insideProbability.upper.some((p) => p > 0));
  if (zones.length === 0) return [];
  const any = (k: number) => zones.some((z) => z.insideProbability.upper[k] > 0);
  const utc = times.timeZone === 'UTC' ? 'UTC; ' : '';
  let first = 0;
  while (!any(first)) first++;
  let last = summary.timeline.length - 1;
  while (!any(last)) last--;
  const stride = Math.max(1, Math.ceil((last - first + 1) / 36));
  const rows: string[][] = [];
  for (let k = first; k <= last; k += stride)
    rows.push([
      times.stamp(summary.timeline[k]),
      ...zones.map((z) => bounds(z.insideProbability.lower[k], z.insideProbability.upper[k])),
    ]);
  const out = [
    '',
    `P(inside) by time (${utc}${stride > 1 ? `one output time in ${stride}; ` : ''}lower–upper where members left the wind):`,
  ];
  appendAll(out, table([['time', ...zones.map((z) => z.id)], ...rows]));
  return out;
}

/** The home country's name (a summary with a border or landings-at-home figure always has one). */
const homeName = (summary: RunSummary) => summary.homeCountry?.name ?? 'the home country';
const fmt = (x: number | null) => (x === null ? '-' : String(x));
const percent = (p: number) => `${percentNumber(p)} %`;
const percentNumber = (p: number) => (100 * p).toFixed(p > 0 && p < 0.01 ? 1 : 0);
/** A probability known between two bounds: "67 %" when they agree, "65–98 %" when they do not. */
const bounds = (lower: number, upper: number) =>
  percentNumber(lower) === percentNumber(upper)
    ? percent(upper)
    : `${percentNumber(lower)}–${percent(upper)}`;

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
