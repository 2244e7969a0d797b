import type { Briefing, BriefingAirport } from '../analysis/briefing.js';
import type { Window } from '../analysis/ensemble-stats.js';
import { localTimes } from '../local-time.js';
import { table } from './summary-text.js';

const percentNumber = (p: number) => (100 * p).toFixed(p > 0 && p < 0.01 ? 1 : 0);
/** "12 %" when the bounds agree, "10–14 %" when members that left the wind's coverage could change it. */
export const percentBounds = (lower: number, upper: number) =>
  percentNumber(lower) === percentNumber(upper)
    ? `${percentNumber(upper)} %`
    : `${percentNumber(lower)}–${percentNumber(upper)} %`;

/** The threshold as people read it: "1 %", "0.5 %". */
const thresholdText = (t: number) => `${Number((100 * t).toPrecision(3))} %`;

/** Lines every form of the briefing shares, each a sentence (Markdown adds its own marks). */
function parts(briefing: Briefing) {
  const lt = localTimes(briefing.timeZone);
  const spans = (windows: Window[]) => windows.map((w) => lt.span(w.start, w.end)).join('; ');
  const closure = (a: BriefingAirport) =>
    a.alert
      ? `CLOSE: P(inside) ≥ ${thresholdText(briefing.threshold)} ${spans(a.closureWindow)}`
      : `no closure indicated (P(inside) stays below ${thresholdText(briefing.threshold)})`;
  const f = briefing.forecast;
  const forecast = `${f.model} cycle ${f.cycle}${f.member === null ? '' : `, member ${f.member}`}: ${f.description}; steps used +${f.stepsUsed.join(', +')} h of +${f.steps[0] ?? '?'}…+${f.steps.at(-1) ?? '?'} h`;
  const files = f.files.map((file) => `${file.name} sha256 ${file.sha256 ?? '(not computed)'}`);
  const l = briefing.limits;
  const stops: string[] = [];
  if (l.launchPointsOutside > 0)
    stops.push(
      `${l.launchPointsOutside} of ${l.launchPoints} launch points lie outside the forecast's box (lon ${l.wind.lonMin}..${l.wind.lonMax}, lat ${l.wind.latMin}..${l.wind.latMax}): no answer for them`,
    );
  if (l.hoursOutside.length > 0)
    stops.push(
      `launch hours outside the forecast's times, not run: ${l.hoursOutside.map((t) => lt.stamp(t)).join(', ')}`,
    );
  if (l.unresolved > 0) {
    const edges = l.leftDomain.edges.map(
      (e) => `${e.count} ${e.edge} ${lt.stamp(e.first)}–${lt.stamp(e.last)}`,
    );
    stops.push(
      `${l.unresolved} members (${percentNumber(l.unresolvedFraction)} %) left the wind's data${edges.length > 0 ? ` (box edge: ${edges.join('; ')})` : ''}${l.windEnded.count > 0 ? `; ${l.windEnded.count} outlived its times (end ${lt.stamp(l.windEnded.at)})` : ''}: figures they could change are bounds lower–upper, and verdicts use the upper`,
    );
  }
  stops.push(
    `the forecast covers ${lt.stamp(l.wind.start)} to ${lt.stamp(l.wind.end)}; the run was asked to reach ${lt.stamp(l.requestedEnd)}`,
  );
  const bands = briefing.floatBands.fan
    ? briefing.floatBands.bands.length > 0
      ? briefing.floatBands.bands.map(
          (b) =>
            `${b.label}: ${b.zones
              .filter((z) => z.probabilityUpper > 0)
              .map((z) => `${z.id} ${percentBounds(z.probability, z.probabilityUpper)}`)
              .join(', ')}`,
        )
      : [`none of the ${briefing.floatBands.count} bands reaches an airport's zone`]
    : ['the scenario flies one float altitude (no fan): no bands to compare'];
  const fm = briefing.forecastMembers;
  const spread = fm
    ? `spread across forecast members: ${fm.count} (${fm.labels[0]}${fm.count > 1 ? ` … ${fm.labels.at(-1)}` : ''}), each flown by its own trajectories; per airport above`
    : "spread across forecast members: none, this run flew one forecast (a deterministic model, or an ensemble's control member)";
  /** Per airport: "forecast members: P(enter) 2–31 %, 12 of 51 reach the threshold", and the sentence. */
  const spreadLines = (a: BriefingAirport): string[] => {
    const s = fm?.airports.find((x) => x.icao === a.icao);
    if (!s) return [];
    const zones = s.zones.map(
      (z) =>
        `${z.id} ${percentBounds(z.probabilityMin, z.probabilityMax).replace(' %', '')}${z.probabilityUpperMax > z.probabilityMax ? ` (upper ${percentBounds(z.probabilityUpperMin, z.probabilityUpperMax).replace(' %', '')})` : ''} %, ${z.membersCrossingThreshold} of ${z.forecastMembers} reach`,
    );
    return [
      `forecast members: P(enter) ${percentBounds(s.probabilityMin, s.probabilityMax)}, ${s.membersReachingThreshold} of ${s.forecastMembers} reach the threshold${s.tooFew.length > 0 ? `; too few trajectories to resolve it: ${s.tooFew.length > 3 ? `${s.tooFew.length} members` : s.tooFew.join(', ')}` : ''} (${zones.join('; ')})`,
      s.sentence,
    ];
  };
  // Per launch hour, beside the hour's P(enter), its spread across the forecast members: the range
  // of the airport's P(enter) (upper bounds in brackets where trajectories that left the wind's data
  // could raise it) and how many members reach the threshold from that hour's launches, with how
  // many of them fly too few of the hour's trajectories to resolve it (one trajectory decides).
  const hourSpread = (a: BriefingAirport) => a.hours.some((h) => h.forecastMembers);
  const hourRows = (a: BriefingAirport) => [
    [
      'launch (local)',
      'UTC',
      'members',
      ...a.zones.map((z) => `P(enter) ${z.id}`),
      ...(hourSpread(a) ? ['forecast members P(enter)', 'reach threshold'] : []),
    ],
    ...a.hours.map((h) => {
      const local = lt.stamp(h.launch);
      const s = h.forecastMembers;
      return [
        local.replace(/ \(.*\)$/, ''),
        `${h.launch.slice(11, 16)}Z`,
        String(h.members),
        ...h.zones.map((z) => percentBounds(z.probability, z.probabilityUpper)),
        ...(hourSpread(a)
          ? s
            ? [
                `${percentBounds(s.probabilityMin, s.probabilityMax)}${s.probabilityUpperMax > s.probabilityMax ? ` (upper ${percentBounds(s.probabilityUpperMin, s.probabilityUpperMax)})` : ''}`,
                `${s.membersReachingThreshold} of ${s.forecastMembers}${s.tooFew > 0 ? ` (${s.tooFew} too few)` : ''}`,
              ]
            : ['-', '-']
          : []),
      ];
    }),
  ];
  const zoneLine = (z: BriefingAirport['zones'][number]) =>
    `${z.id} (${z.name}, ${z.lowerM}–${z.upperM ?? 'UNL'} m): P(enter) ${percentBounds(z.probability, z.probabilityUpper)} (95 % CI ${percentNumber(z.ci95[0])}–${percentNumber(z.ci95[1])} %), peak P(inside) ${z.peakInside ? `${percentBounds(z.peakInside.lower, z.peakInside.upper)} at ${lt.stamp(z.peakInside.time)}` : '0 %'}, window ${z.thresholdWindow.length > 0 ? spans(z.thresholdWindow) : 'none'}`;
  const first = briefing.launches[0];
  const last = briefing.launches.at(-1);
  const head = `Tonight ${briefing.night}, launch hours ${briefing.launchHours} ${briefing.timeZone}${first && last ? ` (${lt.span(first, last)})` : ''}: border strip, ${briefing.limits.launchPoints - briefing.limits.launchPointsOutside} launch points × ${briefing.launches.length} hours × ${briefing.membersPerLaunch} members = ${briefing.members} members, seed ${briefing.seed ?? '-'}; closure threshold P(inside) ≥ ${thresholdText(briefing.threshold)}`;
  return { lt, head, forecast, files, stops, bands, spread, spreadLines, closure, hourRows, zoneLine };
}

/** The briefing as terminal text: local time with UTC beside it, per airport. */
export function formatBriefing(briefing: Briefing): string {
  const p = parts(briefing);
  const out: string[] = [];
  if (briefing.alert)
    out.push(
      `ALERT: the closure threshold is crossed at ${briefing.airports
        .filter((a) => a.alert)
        .map((a) => a.icao)
        .join(', ')}`,
    );
  out.push(p.head, `forecast: ${p.forecast}`, ...p.files.map((f) => `  ${f}`));
  for (const a of briefing.airports) {
    out.push('', `${a.icao}: ${p.closure(a)}`, ...a.zones.map((z) => `  ${p.zoneLine(z)}`));
    out.push(...p.spreadLines(a).map((line) => `  ${line}`));
    out.push(...table(p.hourRows(a)).map((line) => `  ${line}`));
  }
  out.push('', 'float-altitude bands that matter:', ...p.bands.map((b) => `  ${b}`));
  out.push('', 'where the answer stops:', ...p.stops.map((s) => `  ${s}`));
  out.push('', p.spread);
  for (const w of briefing.warnings) out.push(`warning: ${w}`);
  return out.join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The briefing as one page of Markdown: the same figures as the text, in tables. */
export function briefingMarkdown(briefing: Briefing): string {
  const p = parts(briefing);
  const out: string[] = [`# Tonight: ${briefing.night}, border strip`, ''];
  if (briefing.alert)
    out.push(
      `> **ALERT:** the closure threshold is crossed at ${briefing.airports
        .filter((a) => a.alert)
        .map((a) => a.icao)
        .join(', ')}.`,
      '',
    );
  out.push(p.head, '', `**Forecast:** ${p.forecast}`, '', ...p.files.map((f) => `- \`${f}\``), '');
  for (const a of briefing.airports) {
    out.push(`## ${a.icao}`, '', `**${p.closure(a)}**`, '', ...a.zones.map((z) => `- ${p.zoneLine(z)}`), '');
    const spread = p.spreadLines(a);
    if (spread.length > 0) out.push(`- ${spread[0]}`, '', `**${spread[1]}**`, '');
    const rows = p.hourRows(a);
    out.push(
      `| ${rows[0].map(cell).join(' | ')} |`,
      `|${rows[0].map(() => ' --- ').join('|')}|`,
      ...rows.slice(1).map((r) => `| ${r.map(cell).join(' | ')} |`),
      '',
    );
  }
  out.push('## Float-altitude bands that matter', '', ...p.bands.map((b) => `- ${b}`), '');
  out.push('## Where the answer stops', '', ...p.stops.map((s) => `- ${s}`), '');
  out.push(`_${p.spread}_`, '');
  for (const w of briefing.warnings) out.push(`- warning: ${w}`);
  return `${out.join('\n').trimEnd()}\n`;
}
