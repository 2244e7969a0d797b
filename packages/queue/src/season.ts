import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  loadScenarioTargets,
  loadWindFiles,
  runSweep,
  sweepFingerprint,
  type WorkerPool,
} from '@balloon-sim/node';
import type {
  AnalysisTargets,
  InputFileRef,
  Provenance,
  ProvenanceContext,
  RiskRow,
  Scenario,
  SweepTable,
  ToolInfo,
  WindField,
  WindFileRef,
} from '@balloon-sim/sim-core';
import {
  DEFAULT_TIME_ZONE,
  ENGINE,
  fileName,
  InputError,
  localTimes,
  SCENARIO_DEFAULTS,
  sweepCsv,
} from '@balloon-sim/sim-core';
import type { QueueClient } from './client.js';
import { distributedSweep } from './work.js';

/** One wind of a season's folder: a file, or a folder of files that form one wind (one cycle). */
export interface SeasonWind {
  /** Its name in the folder. */
  name: string;
  paths: string[];
  /** Its files by name with their sizes and SHA-256, as read when the season was planned. */
  files: WindFileRef[];
  tMinSec: number;
  tMaxSec: number;
}

/** A night and launch hour of a season: one sweep over the scenario's sites. */
export interface SeasonUnit {
  /** The night's date, YYYY-MM-DD (UTC). */
  night: string;
  /** Launch hour, UTC, counted from the night's midnight (24–47: the next morning). */
  hour: number;
  /** The launch time, ISO. */
  launch: string;
  wind: SeasonWind;
  /** The scenario with this unit's wind and launch time. */
  scenario: Scenario;
  /** The unit's sweep fingerprint (scenario and wind), as `balloon-sim sweep` gives it. */
  fingerprint: string;
  /** Its file in the state folder. */
  key: string;
}

/** A finished unit as the state folder keeps it and the season's JSON lists it. */
export interface SeasonResult {
  night: string;
  hour: number;
  launch: string;
  wind: string;
  fingerprint: string;
  zones: string[];
  rows: RiskRow[];
  /**
   * The unit's sweep's provenance (tool, time it was computed, scenario as run, its wind's files
   * with their SHA-256, seed, members): a unit kept from an earlier run keeps its own.
   */
  provenance: Provenance | null;
}

/** A wind a season used, by its files' content, and the nights and hours it served. */
export interface SeasonWindProvenance {
  name: string;
  files: WindFileRef[];
  /** `NIGHT HH:00` (UTC) of each night and hour computed with it. */
  units: string[];
}

/**
 * What produced a season's table: the tool, when the table was written (SOURCE_DATE_EPOCH fixes it),
 * the zone in which its local times are given, the scenario's seed and other input files, and every
 * wind by its files' SHA-256 — each unit's own sweep provenance lies in the JSON's units.
 */
export interface SeasonProvenance {
  tool: ToolInfo;
  engine: ToolInfo;
  runTime: string | null;
  timeZone: string;
  seed: number;
  inputs: InputFileRef[];
  winds: SeasonWindProvenance[];
}

export interface SeasonTable {
  format: 'balloon-sim-season';
  version: 1;
  scenario: string | null;
  zones: string[];
  units: SeasonResult[];
  provenance: SeasonProvenance;
}

/** YYYY-MM-DD..YYYY-MM-DD (inclusive) or a comma list of dates, as the nights' dates. */
export function parseNights(text: string): string[] {
  const date = (d: string) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || !Number.isFinite(t))
      throw new InputError(
        `--nights must be dates YYYY-MM-DD, as FIRST..LAST or a comma list, got "${text}"`,
        'nights',
        text,
      );
    return t;
  };
  const range = /^(.+)\.\.(.+)$/.exec(text);
  if (!range) return text.split(',').map((d) => new Date(date(d)).toISOString().slice(0, 10));
  const first = date(range[1]);
  const last = date(range[2]);
  if (last < first) throw new InputError(`--nights ends before it starts: "${text}"`, 'nights', text);
  const nights: string[] = [];
  for (let t = first; t <= last; t += 86_400_000) nights.push(new Date(t).toISOString().slice(0, 10));
  if (nights.length > 3660)
    throw new InputError(`--nights spans ${nights.length} nights; at most 3660`, 'nights', text);
  return nights;
}

/** A comma list of launch hours, 0–47 (24 and after: the next morning), as whole hours. */
export function parseHours(text: string): number[] {
  const hours = text.split(',').map(Number);
  if (hours.some((h) => !Number.isInteger(h) || h < 0 || h > 47) || new Set(hours).size !== hours.length)
    throw new InputError(
      `--hours must be distinct whole hours 0–47 (24 and after: the next morning), comma-separated, got "${text}"`,
      'hours',
      text,
    );
  return [...hours].sort((a, b) => a - b);
}

/** The UTC hours of the scenario's own launch times (the default hours of a season). */
export function scenarioHours(scenario: Scenario): number[] {
  const { start, end, everySec } = scenario.launch.times;
  const first = Date.parse(start);
  const last = end === undefined ? first : Date.parse(end);
  const hours = new Set<number>();
  for (let t = first; t <= last; t += 1000 * (everySec ?? 3600)) {
    const date = new Date(t);
    if (date.getUTCMinutes() !== 0 || date.getUTCSeconds() !== 0)
      throw new InputError(
        `the scenario's launch times are not on whole hours (${date.toISOString()}): give --hours`,
        'hours',
        start,
      );
    hours.add(date.getUTCHours());
  }
  return [...hours].sort((a, b) => a - b);
}

/**
 * The winds of a season's folder, by name: each regular file is one wind, each sub-folder one wind
 * of all its files (a forecast cycle downloaded as several files). Hidden names are skipped. Each is
 * read once, for its time coverage.
 */
export async function seasonWinds(dir: string): Promise<SeasonWind[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();
  } catch (error) {
    throw new InputError(
      `--winds ${dir} cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`,
      'winds',
      dir,
    );
  }
  const winds: SeasonWind[] = [];
  for (const name of names) {
    const path = resolve(dir, name);
    const paths = (await stat(path)).isDirectory()
      ? (await readdir(path))
          .filter((n) => !n.startsWith('.'))
          .sort()
          .map((n) => join(path, n))
      : [path];
    if (paths.length === 0) continue;
    const wind = await loadWindFiles(paths);
    winds.push({
      name,
      paths,
      files: (wind.source?.files ?? []).map((f) => ({ ...f, name: fileName(f.name) })),
      tMinSec: wind.coverage.tMinSec,
      tMaxSec: wind.coverage.tMaxSec,
    });
  }
  if (winds.length === 0) throw new InputError(`--winds ${dir} holds no wind file`, 'winds', dir);
  return winds;
}

const hh = (hour: number) => String(hour).padStart(2, '0');

/**
 * Every night × launch hour of a season, each with the wind that covers its whole flight (launch to
 * launch + the solver's duration); of several, the one that starts latest (the freshest forecast or
 * analysis). A night and hour that no wind covers is refused, listed, rather than left out of the
 * table silently.
 */
export async function planSeason(
  scenario: Scenario,
  winds: SeasonWind[],
  nights: string[],
  hours: number[],
): Promise<SeasonUnit[]> {
  const plans: { night: string; hour: number; launchSec: number; wind: SeasonWind }[] = [];
  const uncovered: string[] = [];
  for (const night of nights)
    for (const hour of hours) {
      const launchSec = Date.parse(`${night}T00:00:00Z`) / 1000 + 3600 * hour;
      const endSec = launchSec + scenario.solver.durationSec;
      const covering = winds
        .filter((w) => w.tMinSec <= launchSec && endSec <= w.tMaxSec)
        .sort((a, b) => b.tMinSec - a.tMinSec || (a.name < b.name ? -1 : 1));
      if (covering.length === 0) uncovered.push(`${night} ${hh(hour)}:00`);
      else plans.push({ night, hour, launchSec, wind: covering[0] });
    }
  if (uncovered.length > 0)
    throw new InputError(
      `no wind of --winds covers the whole flight (launch + ${scenario.solver.durationSec} s) of ${uncovered.length} night(s) and hour(s): ${uncovered.slice(0, 8).join(', ')}${uncovered.length > 8 ? ', …' : ''}`,
      'winds',
      uncovered[0],
    );
  // The fingerprint needs each wind's description: each wind is read once more here, in turn.
  const descriptions = new Map<SeasonWind, WindField>();
  const units: SeasonUnit[] = [];
  for (const plan of plans) {
    let wind = descriptions.get(plan.wind);
    if (!wind) {
      descriptions.clear();
      wind = await loadWindFiles(plan.wind.paths);
      descriptions.set(plan.wind, wind);
    }
    const launch = new Date(plan.launchSec * 1000).toISOString();
    const unitScenario: Scenario = {
      ...scenario,
      wind: { ...(scenario.wind.type === 'file' ? scenario.wind : {}), type: 'file', paths: plan.wind.paths },
      launch: { ...scenario.launch, times: { start: launch } },
    } as Scenario;
    units.push({
      night: plan.night,
      hour: plan.hour,
      launch,
      wind: plan.wind,
      scenario: unitScenario,
      fingerprint: sweepFingerprint(unitScenario, wind),
      key: `${plan.night}_${hh(plan.hour)}`,
    });
  }
  return units;
}

/** Where a season computes: on this machine's worker pool, or on the queue. */
export type SeasonEngine =
  | { kind: 'local'; pool: WorkerPool }
  | { kind: 'queue'; client: QueueClient; ttlSec: number; unitsAtOnce: number };

export interface SeasonOptions {
  units: SeasonUnit[];
  baseDir: string;
  /** Finished units, one file each (`NIGHT_HH.json`): a season run again skips them. */
  stateDir: string;
  engine: SeasonEngine;
  signal?: AbortSignal;
  note?: (text: string) => void;
}

async function readDone(path: string, unit: SeasonUnit): Promise<SeasonResult | null> {
  let result: SeasonResult;
  try {
    result = JSON.parse(await readFile(path, 'utf8')) as SeasonResult;
  } catch {
    return null;
  }
  // Another scenario or another wind under the same night and hour: computed again. The fingerprint
  // hashes the wind's description only; a file downloaded again under the same name (a corrected
  // analysis) describes itself alike, so the files' SHA-256 must match too. A unit kept without
  // provenance (an older season) cannot show which files made it: computed again.
  if (result.fingerprint !== unit.fingerprint || !result.provenance) return null;
  return sameFiles(result.provenance.wind.files, unit.wind.files) ? result : null;
}

const filesText = (files: readonly WindFileRef[]) =>
  JSON.stringify(files.map((f) => [fileName(f.name), f.bytes, f.sha256 ?? null]));
const sameFiles = (a: readonly WindFileRef[], b: readonly WindFileRef[]) => filesText(a) === filesText(b);

/** Writes under a temporary name, then renames: a season stopped mid-write leaves no half file. */
async function writeDone(path: string, result: SeasonResult): Promise<void> {
  const temporary = `${path}.part-${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(temporary, `${JSON.stringify(result)}\n`);
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
}

/**
 * Runs a season's units that the state folder does not hold yet, each a sweep over the scenario's
 * sites (locally on the pool, or on the queue as `balloon-sim-queue sweep` does), writing each to the
 * state folder as it finishes; returns every unit's result, in night and hour order. Each unit's rows
 * are exactly `balloon-sim sweep`'s for that night's wind and launch hour.
 */
export async function runSeason(options: SeasonOptions): Promise<SeasonResult[]> {
  const { units, baseDir, stateDir, engine, signal } = options;
  const note = options.note ?? (() => {});
  await mkdir(stateDir, { recursive: true });
  const results = new Map<SeasonUnit, SeasonResult>();
  const todo: SeasonUnit[] = [];
  for (const unit of units) {
    const done = await readDone(join(stateDir, `${unit.key}.json`), unit);
    if (done) results.set(unit, done);
    else todo.push(unit);
  }
  note(
    `season: ${units.length} nights × hours` +
      (results.size > 0 ? `, ${results.size} done before (not redone)` : '') +
      `, ${todo.length} to compute`,
  );
  const finish = async (unit: SeasonUnit, table: SweepTable) => {
    const result: SeasonResult = {
      night: unit.night,
      hour: unit.hour,
      launch: unit.launch,
      wind: unit.wind.name,
      fingerprint: unit.fingerprint,
      zones: table.zones,
      rows: table.rows,
      provenance: table.provenance ?? null,
    };
    await writeDone(join(stateDir, `${unit.key}.json`), result);
    results.set(unit, result);
    note(`season: ${unit.night} ${hh(unit.hour)}:00 done (${results.size}/${units.length})`);
  };
  if (engine.kind === 'local') {
    // Units of one wind follow each other: its field and the zones are read once for them.
    const cache: { paths?: string[]; inputs?: { wind: WindField; targets: AnalysisTargets } } = {};
    for (const unit of todo) {
      signal?.throwIfAborted();
      if (cache.paths !== unit.wind.paths || !cache.inputs) {
        cache.inputs = undefined;
        const wind = await loadWindFiles(unit.wind.paths);
        cache.inputs = { wind, targets: await loadScenarioTargets(unit.scenario, baseDir) };
        cache.paths = unit.wind.paths;
      }
      const inputs = cache.inputs;
      const table = await runSweep({
        scenario: unit.scenario,
        baseDir,
        shard: null,
        fingerprint: unit.fingerprint,
        inputs,
        workers: engine.pool.size,
        pool: engine.pool,
        signal,
      });
      await finish(unit, table);
    }
  } else {
    // Units go to the queue a few at a time, each cut into a job per site.
    let next = 0;
    const lane = async () => {
      while (next < todo.length) {
        const unit = todo[next++];
        const table = await distributedSweep(engine.client, {
          scenario: unit.scenario,
          baseDir,
          jobs: unit.scenario.launch.sites?.length ?? 1,
          ttlSec: engine.ttlSec,
          signal,
        });
        if (table.fingerprint !== unit.fingerprint)
          throw new Error(`the queue's sweep of ${unit.key} has another fingerprint than planned`);
        await finish(unit, table);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(engine.unitsAtOnce, todo.length)) }, lane));
  }
  return units.map((u) => results.get(u)!);
}

/**
 * The season as one document (JSON), with its provenance: `context` is this run's (its time, the
 * tool, the scenario's zone files, as runContext gives them).
 */
export function seasonTable(
  scenario: Scenario,
  results: SeasonResult[],
  context: ProvenanceContext = {},
): SeasonTable {
  const winds = new Map<string, SeasonWindProvenance>();
  for (const r of results) {
    const files = r.provenance?.wind.files ?? [];
    let wind = winds.get(r.wind);
    if (!wind) {
      wind = { name: r.wind, files, units: [] };
      winds.set(r.wind, wind);
    } else if (!sameFiles(wind.files, files)) {
      // Units of one wind name computed from different files (never from runSeason, which redoes a
      // unit whose files changed): refused rather than listed under one entry.
      throw new Error(`the season's units of wind ${r.wind} were computed from different files`);
    }
    wind.units.push(`${r.night} ${hh(r.hour)}:00`);
  }
  return {
    format: 'balloon-sim-season',
    version: 1,
    scenario: scenario.name ?? null,
    zones: results[0]?.zones ?? [],
    units: results,
    provenance: {
      tool: context.tool ?? { ...ENGINE },
      engine: { ...ENGINE },
      runTime: context.runTime ?? null,
      timeZone: localTimes(scenario.output?.timeZone ?? DEFAULT_TIME_ZONE).timeZone,
      seed: scenario.ensemble?.seed ?? SCENARIO_DEFAULTS.seed,
      inputs: (context.inputs ?? []).map((f) => ({ ...f, name: fileName(f.name) })),
      winds: [...winds.values()],
    },
  };
}

/**
 * The season's provenance as `# ` comment lines for the CSV's head (as a sweep's CSV carries its
 * own): for people, the tool and time of the run (local time beside UTC), each wind with its files'
 * sizes and SHA-256 and the nights it served, the other input files and the seed; then the whole of
 * it as one `# provenance {JSON}` line for programs.
 */
export function seasonProvenanceLines(p: SeasonProvenance): string[] {
  const times = localTimes(p.timeZone);
  const lines = [
    `balloon-sim season, produced by ${p.tool.name} ${p.tool.version}${p.tool.name === p.engine.name ? '' : ` (${p.engine.name} ${p.engine.version})`}, run ${p.runTime ? times.stamp(p.runTime) : 'at a time not given'}`,
    `night and hour: UTC; launch_local and earliest_local_*: ${p.timeZone}`,
  ];
  for (const w of p.winds) {
    lines.push(
      `wind ${w.name}: ${w.units.length} night(s) and hour(s), ${w.units[0]}${w.units.length > 1 ? ` to ${w.units.at(-1)}` : ''} UTC`,
    );
    for (const f of w.files)
      lines.push(`wind file: ${f.name}, ${f.bytes} bytes${f.sha256 ? `, sha256 ${f.sha256}` : ''}`);
  }
  for (const f of p.inputs)
    lines.push(`${f.role} file: ${f.name}, ${f.bytes} bytes${f.sha256 ? `, sha256 ${f.sha256}` : ''}`);
  lines.push(`seed ${p.seed}`);
  return [...lines.map((l) => `# ${l}`), `# provenance ${JSON.stringify(p)}`];
}

/**
 * The season as CSV: its provenance as `# ` lines, then the night, the launch hour (UTC), the launch
 * in local time (the scenario's output.timeZone, Europe/Vilnius by default, UTC beside it) and the
 * wind, then `balloon-sim sweep`'s columns, then (appended, so that readers of sweep's columns keep
 * their places) each zone's earliest entry in local time.
 */
export function seasonCsv(table: SeasonTable): string {
  const times = localTimes(table.provenance.timeZone);
  let header = `night,hour,launch_local,wind,${sweepHeader(table.zones)}`;
  const lines: string[] = [];
  for (const unit of table.units) {
    const csv = sweepCsv({
      format: 'balloon-sim-sweep',
      version: 2,
      scenario: table.scenario,
      fingerprint: unit.fingerprint,
      shard: null,
      sites: [],
      zones: table.zones,
      rows: unit.rows,
    })
      .trimEnd()
      .split('\n');
    header = `night,hour,launch_local,wind,${csv[0]}`;
    for (const [k, line] of csv.slice(1).entries()) {
      const row = unit.rows[k];
      const earliest = table.zones.map((id) => {
        const at = row.zones.find((z) => z.id === id)?.earliestEntry;
        return at ? times.stamp(at) : '';
      });
      lines.push(
        [unit.night, unit.hour, times.stamp(unit.launch), csvField(unit.wind), line, ...earliest].join(','),
      );
    }
  }
  header += table.zones.map((z) => `,earliest_local_${z}`).join('');
  return `${[...seasonProvenanceLines(table.provenance), header, ...lines].join('\n')}\n`;
}

/** sweepCsv's header row for these zones (a season without units still names its columns). */
const sweepHeader = (zones: string[]) =>
  sweepCsv({
    format: 'balloon-sim-sweep',
    version: 2,
    scenario: null,
    fingerprint: '',
    shard: null,
    sites: [],
    zones,
    rows: [],
  }).trimEnd();

const csvField = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
