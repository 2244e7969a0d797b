import { InputError } from '../errors.js';
import { csvProvenance } from '../output/formats.js';
import { firstMemberOf } from '../protocol/members.js';
import type { Provenance } from '../scenario/provenance.js';
import type { RiskRow, RunSummary } from './summary.js';

/**
 * A sweep: the risk table of a run over many launch sites and times — per site and launch time, the
 * probability of crossing the border and of entering each zone, and the earliest entry. A large
 * sweep splits into shards (rows r with r mod n = i − 1) that run anywhere and merge back into
 * exactly the table one run gives.
 */
export interface SweepTable {
  format: 'balloon-sim-sweep';
  /** 2: rows carry P(enter) bounds and threshold windows (issue 13); shards of version 1 are refused. */
  version: 2;
  scenario: string | null;
  /** Identifies the scenario and wind: shards merge only with shards of the same sweep. */
  fingerprint: string;
  /** This table's shard, or null for a whole sweep. */
  shard: { index: number; count: number } | null;
  sites: string[];
  zones: string[];
  rows: RiskRow[];
  /**
   * What produced the table (tool, time, scenario as run, wind source and files, seed, members). A
   * merged table keeps its first shard's: the shards' differ only in their time of run.
   */
  provenance?: Provenance | null;
}

/** The sweep table of a run's summary. */
export function sweepTable(
  summary: RunSummary,
  sites: string[],
  fingerprint: string,
  shard: SweepTable['shard'],
): SweepTable {
  return {
    format: 'balloon-sim-sweep',
    version: 2,
    scenario: summary.name,
    fingerprint,
    shard,
    sites,
    zones: summary.zones.map((z) => z.id),
    rows: summary.risk,
    provenance: summary.provenance,
  };
}

/**
 * Member indices of shard `index` (1-based) of `count`: launch groups (protocol/members.ts)
 * index − 1, index − 1 + count, …, each of `perGroup` consecutive members.
 */
export function shardMembers(groups: number, perGroup: number, index: number, count: number): Uint32Array {
  const ids: number[] = [];
  for (let g = index - 1; g < groups; g += count)
    for (let e = 0; e < perGroup; e++) ids.push(firstMemberOf(g, perGroup) + e);
  return Uint32Array.from(ids);
}

/** Parses "i/n" (1 ≤ i ≤ n). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || index < 1 || count < 1 || index > count)
    throw new InputError(`--shard must be i/n with 1 ≤ i ≤ n (e.g. 2/8), got "${text}"`, 'shard', text);
  return { index, count };
}

/** Merges the shards of one sweep into the whole table; refuses shards of different sweeps or gaps. */
export function mergeSweeps(tables: SweepTable[], names: string[] = []): SweepTable {
  const name = (k: number) => names[k] ?? `table ${k + 1}`;
  tables.forEach((t, k) => {
    if (t?.format !== 'balloon-sim-sweep' || t.version !== 2)
      throw new InputError(`${name(k)} is not a balloon-sim sweep table (version 2)`, name(k));
    if (!t.shard) throw new InputError(`${name(k)} is a whole sweep, not a shard`, name(k));
  });
  if (tables.length === 0) throw new InputError('merge needs the shard files of one sweep', 'shards');
  const first = tables[0];
  const count = first.shard!.count;
  const seen = new Set<number>();
  tables.forEach((t, k) => {
    if (t.fingerprint !== first.fingerprint)
      throw new InputError(
        `${name(k)} belongs to another sweep (scenario or wind differ from ${name(0)})`,
        name(k),
      );
    // The fingerprint hashes the scenario and the wind's description; the provenance names the
    // files by content: shards run on another download of the same paths are not one sweep either.
    if (t.provenance && first.provenance && untimed(t.provenance) !== untimed(first.provenance))
      throw new InputError(
        `${name(k)} was produced from other inputs than ${name(0)} (their provenance differs: ${provenanceDifference(first.provenance, t.provenance)})`,
        name(k),
      );
    if (t.shard!.count !== count)
      throw new InputError(
        `${name(k)} is shard ${t.shard!.index}/${t.shard!.count}, the others are of ${count}`,
        name(k),
      );
    if (seen.has(t.shard!.index))
      throw new InputError(`shard ${t.shard!.index}/${count} is given twice (${name(k)})`, name(k));
    seen.add(t.shard!.index);
  });
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0)
    throw new InputError(`shards ${missing.map((i) => `${i}/${count}`).join(', ')} are missing`, 'shards');
  const siteOrder = new Map(first.sites.map((s, i) => [s, i]));
  const rows = tables
    .flatMap((t) => t.rows)
    .sort(
      (a, b) =>
        (siteOrder.get(a.site) ?? 0) - (siteOrder.get(b.site) ?? 0) || a.launch.localeCompare(b.launch),
    );
  // The merged table's time of run: when its first shard ran (ISO times sort as text; the same
  // whatever the order the shards are given in).
  const times = tables.map((t) => t.provenance?.runTime ?? null).filter((t): t is string => t !== null);
  const provenance = first.provenance
    ? { ...first.provenance, runTime: times.sort()[0] ?? null }
    : first.provenance;
  return { ...first, shard: null, rows, ...(provenance === undefined ? {} : { provenance }) };
}

/** A provenance as text, but for its time of run: what two shards of one sweep share. */
const untimed = (p: Provenance) => JSON.stringify({ ...p, runTime: null });

/** Where two provenances differ, for the message: the wind files, else the first other part. */
function provenanceDifference(a: Provenance, b: Provenance): string {
  const files = (p: Provenance) =>
    p.wind.files.map((f) => `${f.name} ${f.sha256 ?? `${f.bytes} bytes`}`).join(', ');
  if (files(a) !== files(b)) return `wind files ${files(a)} against ${files(b)}`;
  const key = (Object.keys(a) as (keyof Provenance)[]).find(
    (k) => k !== 'runTime' && JSON.stringify(a[k]) !== JSON.stringify(b[k]),
  );
  return key ?? 'in what they hold';
}

/**
 * The table as CSV: its provenance as `# ` comment lines (see csvProvenance), then one row per site
 * and launch time; per zone P(enter) and the earliest entry, then (appended, so that readers of the
 * first columns keep working) the upper bounds of P(border) and P(enter) and each zone's threshold
 * closure window as ISO 8601 intervals (start/end), ";" between pieces.
 */
export function sweepCsv(table: SweepTable): string {
  const forecast = table.rows.some((r) => r.forecastZones);
  const header = [
    'site',
    'launch',
    'members',
    'p_border',
    ...table.zones.flatMap((z) => [`p_${z}`, `earliest_${z}`]),
    'p_border_upper',
    ...table.zones.flatMap((z) => [`p_upper_${z}`, `window_${z}`]),
    // Forecast members: per zone the lowest and highest P(enter) of any member, and how many reach
    // the closure threshold (of how many: forecast_members).
    ...(forecast
      ? [
          'forecast_members',
          ...table.zones.flatMap((z) => [
            `p_forecast_min_${z}`,
            `p_forecast_max_${z}`,
            `forecast_closing_${z}`,
          ]),
        ]
      : []),
  ];
  const lines = table.rows.map((r) => {
    const cell = (id: string) => r.zones.find((x) => x.id === id);
    const spread = (id: string) => r.forecastZones?.find((x) => x.id === id);
    return [
      r.site,
      r.launch,
      r.members,
      r.borderProbability ?? '',
      ...table.zones.flatMap((id) => [cell(id)?.probability ?? 0, cell(id)?.earliestEntry ?? '']),
      r.borderProbabilityUpper ?? '',
      ...table.zones.flatMap((id) => [
        cell(id)?.probabilityUpper ?? 0,
        (cell(id)?.thresholdWindow ?? []).map((w) => `${w.start}/${w.end}`).join(';'),
      ]),
      ...(forecast
        ? [
            r.forecastZones?.[0]?.forecastMembers ?? '',
            ...table.zones.flatMap((id) => [
              spread(id)?.probabilityMin ?? '',
              spread(id)?.probabilityMax ?? '',
              spread(id)?.membersCrossingThreshold ?? '',
            ]),
          ]
        : []),
    ].join(',');
  });
  const head = table.provenance ? csvProvenance(table.provenance) : '';
  return `${head}${[header.join(','), ...lines].join('\n')}\n`;
}
