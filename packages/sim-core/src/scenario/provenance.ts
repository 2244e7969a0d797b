/**
 * What produced an output: the tool and its version, the time of the run, the scenario as run (its
 * defaults filled in), the wind's source (format, producer, forecast run, steps used, grid, levels,
 * files with sizes and SHA-256, the illustrative flag), the seed and the member count. Every output
 * of a run carries it (the summary, its text, GeoJSON, CSV, NDJSON, KML, sweeps, back-tracks), so a
 * file on its own tells what made it.
 *
 * The engine has no clock and reads no files: the time of the run, the tool's name and version and
 * the hashes come from the caller (the command line, the server) as a ProvenanceContext. Without
 * one the time is null, never made up.
 *
 * File paths are reduced to file names everywhere here (the scenario's wind and zone paths too): a
 * path says where a file lay on one machine, and a server's would tell its layout to every client;
 * a name with its SHA-256 says which file it was. The same run from the command line and from the
 * server then has the same provenance, apart from its time.
 */
import { appendAll } from '../arrays.js';
import { DEFAULT_TIME_ZONE } from '../local-time.js';
import type { SimulationOptions } from '../solver/simulation.js';
import { forecastMembersOf } from '../wind/forecast-members.js';
import type {
  WindFieldSource,
  WindFileRef,
  WindGridInfo,
  WindLevelsInfo,
  WindProducer,
  WindStep,
} from '../wind/source.js';
import type { WindField } from '../wind/wind-field.js';
import { SCENARIO_DEFAULTS } from './defaults.js';
import type { Scenario } from './schema.js';

/** The engine's own name and version (kept equal to packages/sim-core/package.json by a test). */
export const ENGINE = Object.freeze({ name: '@balloon-sim/sim-core', version: '0.1.0' });

export interface ToolInfo {
  name: string;
  version: string;
}

/** A file a run read besides the wind (zones, a launch area), named by its content. */
export interface InputFileRef {
  role: 'zones' | 'launch-area';
  name: string;
  bytes: number;
  sha256?: string;
}

/** What the caller knows and the engine cannot: when, by what, and which other files it read. */
export interface ProvenanceContext {
  /** When the run was started (ISO 8601 UTC). */
  runTime?: string;
  /** The program that ran it, e.g. balloon-sim 0.1.0; default: the engine. */
  tool?: ToolInfo;
  /** Files read besides the wind, with their hashes. */
  inputs?: InputFileRef[];
}

/** The wind part of a provenance: the field's source, files by name, and the steps the run used. */
export interface WindProvenance {
  format: string;
  /** The field's one-line description, file paths reduced to names. */
  description: string;
  illustrative: boolean;
  files: WindFileRef[];
  /** Forecast runs (reference times) of the data. */
  referenceTimes: string[];
  levelType?: string;
  producer?: WindProducer;
  attributes?: Record<string, string>;
  grid?: WindGridInfo;
  levels?: WindLevelsInfo;
  /** Every valid time the field holds, then those the run's time span reaches (from the step at or before its start to the one at or after its end). */
  validTimes: string[];
  validTimesUsed: string[];
  /** The steps used, where the format tells them (GRIB2): run, lead time, model, files. */
  steps?: WindStep[];
}

export interface Provenance {
  tool: ToolInfo;
  engine: ToolInfo;
  /** When the run was started (ISO 8601 UTC); null when the caller did not say. */
  runTime: string | null;
  /** The scenario as run: defaults filled in, launch areas sampled into sites, paths reduced to names. */
  scenario?: Scenario;
  /** What else was asked (a back-track's detections and options, defaults filled in). */
  request?: Record<string, unknown>;
  wind: WindProvenance;
  seed: number;
  /** Members in the run (all launch sites, times and ensemble members). */
  members: number;
  /** Files read besides the wind. */
  inputs: InputFileRef[];
  /**
   * A wind of several forecast members: each member, its weight, how many of each launch's
   * trajectory members fly it, and its own data (runs, files); absent for one wind.
   */
  forecastMembers?: ForecastMemberProvenance[];
}

/** One forecast member of a run's wind, as its provenance names it. */
export interface ForecastMemberProvenance {
  label: string;
  weight: number;
  /** Trajectory members of each site and launch time flying it. */
  perLaunch: number;
  description: string;
  referenceTimes: string[];
  files: WindFileRef[];
}

/** A path's last part: the file's name. */
export const fileName = (path: string): string => path.replace(/^.*[\\/]/, '');

/** Level types a scenario can name, as decoders report them. */
const SCENARIO_LEVEL_TYPES: readonly string[] = ['isobaric', 'height-above-sea', 'height-above-ground'];

/**
 * The scenario as it was run: every default filled in (solver, output, ensemble and its
 * perturbations, zones, ground, the wind's format and level type as decoded), paths reduced to file
 * names. It is still a valid scenario document.
 */
export function scenarioAsRun(scenario: Scenario, wind: Pick<WindField, 'source'>): Scenario {
  const d = SCENARIO_DEFAULTS;
  const source = wind.source;
  let windSource = scenario.wind;
  if (windSource.type === 'file') {
    const levelType = windSource.levelType ?? source?.levelType;
    windSource = {
      ...windSource,
      paths: windSource.paths.map(fileName),
      ...(windSource.format === undefined && source && source.format !== 'unknown'
        ? { format: source.format as NonNullable<typeof windSource.format> }
        : {}),
      ...(levelType !== undefined && SCENARIO_LEVEL_TYPES.includes(levelType)
        ? { levelType: levelType as NonNullable<typeof windSource.levelType> }
        : {}),
      mixedRuns: windSource.mixedRuns ?? 'refuse',
    };
  }
  if (windSource.type === 'ensemble')
    windSource = {
      ...windSource,
      members: windSource.members.map((m) =>
        m.type === 'file' ? { ...m, paths: m.paths.map(fileName) } : m,
      ),
    };
  const perturb = scenario.ensemble?.perturb ?? {};
  return {
    ...scenario,
    wind: windSource,
    solver: {
      method: scenario.solver.method ?? d.method,
      dtSec: scenario.solver.dtSec ?? d.dtSec,
      durationSec: scenario.solver.durationSec,
      direction: scenario.solver.direction ?? d.direction,
    },
    ensemble: {
      members: scenario.ensemble?.members ?? d.members,
      seed: scenario.ensemble?.seed ?? d.seed,
      perturb: {
        positionM: 0,
        launchTimeSec: 0,
        floatAltitudeM: 0,
        floatPressureHpa: 0,
        ascentRateFraction: 0,
        descentRateFraction: 0,
        windSigmaMps: 0,
        windCorrelationSec: d.windCorrelationSec,
        ...perturb,
      },
    },
    output: {
      intervalSec: scenario.output?.intervalSec ?? d.outputIntervalSec,
      timeZone: scenario.output?.timeZone ?? DEFAULT_TIME_ZONE,
    },
    zones: {
      bundled: scenario.zones?.bundled ?? true,
      files: (scenario.zones?.files ?? []).map(fileName),
    },
    groundElevationM: scenario.groundElevationM ?? d.groundElevationM,
  };
}

/**
 * The valid times a run over [fromSec, toSec] reaches: from the last at or before its first moment
 * to the first at or after its last (the two times every sample between them interpolates).
 */
function timesUsed(validTimes: readonly string[], fromSec: number, toSec: number): string[] {
  const secs = validTimes.map((t) => Date.parse(t) / 1000);
  const lo = Math.min(fromSec, toSec);
  const hi = Math.max(fromSec, toSec);
  let first = 0;
  for (let k = 0; k < secs.length; k++) if (secs[k] <= lo) first = k;
  let last = secs.length - 1;
  for (let k = secs.length - 1; k >= 0; k--) if (secs[k] >= hi) last = k;
  return validTimes.slice(first, Math.max(first, last) + 1);
}

/** The wind part of a provenance; `spanSec` is the run's time span (start and end, s). */
export function windProvenance(wind: WindField, spanSec?: readonly [number, number]): WindProvenance {
  const source: WindFieldSource = wind.source ?? {
    format: 'analytic',
    illustrative: false,
    files: [],
    referenceTimes: [],
    validTimes: [],
  };
  let description = wind.description;
  for (const f of source.files) description = description.split(f.name).join(fileName(f.name));
  const validTimesUsed = spanSec ? timesUsed(source.validTimes, spanSec[0], spanSec[1]) : source.validTimes;
  const used = new Set(validTimesUsed);
  return {
    format: source.format,
    description,
    // The made-up demo wind says so in its file; older callers' fields may say it in their text only.
    illustrative: source.illustrative || description.includes('ILLUSTRATIVE'),
    files: source.files.map((f) => ({ ...f, name: fileName(f.name) })),
    referenceTimes: [...source.referenceTimes],
    ...(source.levelType === undefined ? {} : { levelType: source.levelType }),
    ...(source.producer === undefined ? {} : { producer: source.producer }),
    ...(source.attributes === undefined ? {} : { attributes: source.attributes }),
    ...(source.grid === undefined ? {} : { grid: source.grid }),
    ...(source.levels === undefined ? {} : { levels: source.levels }),
    validTimes: [...source.validTimes],
    validTimesUsed,
    ...(source.steps === undefined
      ? {}
      : {
          steps: source.steps
            .filter((s) => used.has(s.validTime))
            .map((s) => ({ ...s, files: s.files.map(fileName) })),
        }),
  };
}

/** The provenance of a prepared run: its scenario as run, its wind over the run's span, its members. */
export function runProvenance(
  scenario: Scenario,
  wind: WindField,
  simulation: Pick<SimulationOptions, 'startSec' | 'durationSec' | 'direction' | 'members'>,
  context: ProvenanceContext = {},
  forecastPerLaunch?: readonly number[],
): Provenance {
  const ensemble = forecastMembersOf(wind);
  const start = simulation.startSec ?? 0;
  const end = start + (simulation.direction === 'backward' ? -1 : 1) * simulation.durationSec;
  return {
    tool: context.tool ?? { ...ENGINE },
    engine: { ...ENGINE },
    runTime: context.runTime ?? null,
    scenario: scenarioAsRun(scenario, wind),
    wind: windProvenance(wind, [start, end]),
    seed: scenario.ensemble?.seed ?? SCENARIO_DEFAULTS.seed,
    members: simulation.members.count,
    inputs: (context.inputs ?? []).map((f) => ({ ...f, name: fileName(f.name) })),
    ...(ensemble
      ? {
          forecastMembers: ensemble.members.map((m, k) => {
            const w = windProvenance(m.field, [start, end]);
            return {
              label: m.label,
              weight: m.weight,
              perLaunch: forecastPerLaunch?.[k] ?? 0,
              description: w.description,
              referenceTimes: w.referenceTimes,
              files: w.files,
            };
          }),
        }
      : {}),
  };
}

/**
 * The provenance of work that is not a scenario's run (a back-track): what was asked, the wind over
 * the span it reached, its seed and members.
 */
export function requestProvenance(
  request: Record<string, unknown>,
  wind: WindField,
  spanSec: readonly [number, number] | undefined,
  seed: number,
  members: number,
  context: ProvenanceContext = {},
): Provenance {
  return {
    tool: context.tool ?? { ...ENGINE },
    engine: { ...ENGINE },
    runTime: context.runTime ?? null,
    request,
    wind: windProvenance(wind, spanSec),
    seed,
    members,
    inputs: (context.inputs ?? []).map((f) => ({ ...f, name: fileName(f.name) })),
  };
}

/**
 * A provenance as a few lines for people: the tool and time, the wind (producer, run, steps used,
 * grid, levels), each file with its size and SHA-256, the seed and members. `time` renders an ISO
 * time (local time beside UTC in the text summary; as it is in CSV and KML).
 */
export function provenanceLines(p: Provenance, time: (iso: string) => string = (iso) => iso): string[] {
  const lines = [
    `produced by ${p.tool.name} ${p.tool.version}${p.tool.name === p.engine.name ? '' : ` (${p.engine.name} ${p.engine.version})`}, run ${p.runTime ? time(p.runTime) : 'at a time not given'}`,
  ];
  appendAll(lines, windLines(p.wind, time));
  for (const f of p.inputs)
    lines.push(`${f.role} file: ${f.name}, ${f.bytes} bytes${f.sha256 ? `, sha256 ${f.sha256}` : ''}`);
  if (p.forecastMembers)
    lines.push(
      `forecast members: ${p.forecastMembers.length}, ${p.forecastMembers
        .map(
          (m) =>
            `${m.label} (weight ${m.weight}, ${m.perLaunch} per launch${m.files.length ? `, ${m.files.map((f) => f.name).join(' ')}` : ''})`,
        )
        .join('; ')}`,
    );
  lines.push(`seed ${p.seed}, ${p.members} member${p.members === 1 ? '' : 's'}`);
  return lines;
}

/**
 * A wind's provenance as lines for people: format, producer and run, the valid times used, grid and
 * levels, each file with its size and SHA-256 (`time` renders an ISO time).
 */
export function windLines(w: WindProvenance, time: (iso: string) => string = (iso) => iso): string[] {
  const lines: string[] = [];
  const producer = w.producer;
  const who = [
    producer?.centre ? (producer.centre.name ?? `centre ${producer.centre.code}`) : null,
    producer?.subCentre ? `sub-centre ${producer.subCentre}` : null,
    producer?.models?.length
      ? `model ${producer.models.map((m) => `${m.name ?? 'process'} (${m.code})`).join(', ')}`
      : null,
    producer?.dataType?.name ?? null,
    producer?.ensembleMember
      ? `ensemble member ${producer.ensembleMember.perturbation} of ${producer.ensembleMember.size}`
      : null,
  ].filter((x): x is string => x !== null);
  const runs = w.referenceTimes.length
    ? `, run${w.referenceTimes.length > 1 ? 's' : ''} ${w.referenceTimes.map(time).join(', ')}`
    : '';
  lines.push(
    `wind: ${w.format}${w.illustrative ? ' ILLUSTRATIVE (made up, not weather)' : ''}${who.length ? `, ${who.join(', ')}` : ''}${runs}`,
  );
  if (w.validTimesUsed.length > 0) {
    const steps = w.steps?.length ? ` (steps ${w.steps.map((s) => `+${s.forecastHours} h`).join(', ')})` : '';
    const used = w.validTimesUsed;
    lines.push(
      `wind times used: ${used.length} of ${w.validTimes.length}, ${time(used[0])}${used.length > 1 ? ` to ${time(used[used.length - 1])}` : ''}${steps}`,
    );
  }
  if (w.grid) {
    const g = w.grid;
    const levels = w.levels
      ? `; ${w.levels.values.length} ${w.levels.kind === 'pressure' ? 'pressure levels' : 'altitudes'} ${w.levels.values[0]}–${w.levels.values[w.levels.values.length - 1]} ${w.levels.kind === 'pressure' ? 'hPa' : 'm'}`
      : '';
    lines.push(
      `wind grid: ${g.nLon}×${g.nLat} every ${g.lonStepDeg}°×${g.latStepDeg}°, ${g.lonMin}–${g.lonMax}° E, ${g.latMin}–${g.latMax}° N${levels}`,
    );
  }
  for (const f of w.files)
    lines.push(`wind file: ${f.name}, ${f.bytes} bytes${f.sha256 ? `, sha256 ${f.sha256}` : ''}`);
  return lines;
}
