import { resolve } from 'node:path';
import { type GpuRunHooks, gpuUnsupported, runPreparedOnGpu } from '@balloon-sim/gpu';
import type { MemberWindSource, PreparedRun, RunResult, WindField, WindSource } from '@balloon-sim/sim-core';
import {
  checkTimeZone,
  DecodeError,
  formatSummary,
  InputError,
  prepareRun,
  runSteps,
  ScenarioError,
  type ValidationIssue,
} from '@balloon-sim/sim-core';
import { loadScenarioTargets, loadZoneFile } from '../geography.js';
import { type NodeGpu, openNodeGpu } from '../gpu.js';
import { loadScenarioWind, pinWindSource } from '../load-wind.js';
import { runContext } from '../provenance.js';
import { readScenarioFile } from '../scenario-file.js';
import { WorkerPool } from '../workers/pool.js';
import { type Command, parse, UsageError } from './command.js';
import { OutputSet } from './outputs.js';
import { drive, progressBar, workerCount } from './progress.js';

export const runCommand: Command = {
  summary: 'simulate a scenario, print its summary and write tracks',
  usage: `usage: balloon-sim run <scenario.json | -> [--json] [--out FILE ...] [--format FORMAT]

Runs the scenario ("-": read it from standard input; its relative paths then start from the current
folder) (wind, launch sites and times, flight profile, solver, ensemble) and prints a
summary: per launch site, per zone (probability of entry, when, closure window) and the landings.
  --json           print the summary as one JSON document instead of tables
  --out FILE       write tracks; the format follows the extension, repeat for several files:
                     .geojson  RFC 7946 FeatureCollection, a LineString per member + event points
                     .csv      one row per member and output time (streamed)
                     .ndjson   one JSON record per output step (streamed)
                     .kml      Google Earth
                     .json     the summary
  --format FORMAT  geojson, csv, ndjson, kml or summary, for files without those extensions
  --workers N      worker threads (default: every core, one for small runs); same result for any N
  --backend B      cpu (default, the reference) or gpu: the members step on a GPU through WebGPU
                   (Dawn's Node binding, the package \`webgpu\`, installed beside balloon-sim or
                   named by WEBGPU_MODULE; Dawn's options in WEBGPU_OPTIONS, e.g. backend=vulkan).
                   Where there is no GPU, or the run needs what only the CPU path does, it says
                   why and runs on the CPU. float32 on the GPU: end positions within metres of
                   the CPU's (README, "The GPU path").
  --time-zone ZONE IANA zone of the local times the summary shows beside UTC (default: the
                   scenario's output.timeZone, else Europe/Vilnius); JSON keeps UTC
Every output says what produced it (tool, time of the run, scenario as run, wind source and files
with SHA-256, seed, members): see README, "Provenance". SOURCE_DATE_EPOCH (seconds) fixes the time
of the run that outputs record, for outputs that must compare equal byte for byte.
Files appear only when the run succeeds: a failed or interrupted run leaves no partial file (a file
is written under a temporary name beside it, then renamed; a symbolic link keeps pointing at the
file it names). "--out -" (with --format) writes to standard output and the summary then goes to
standard error; a named pipe or a device is written through, never replaced.`,
  async run(args, { out, note, signal }) {
    const parsed = parse(
      args,
      {
        json: { type: 'boolean' },
        out: { type: 'string', multiple: true },
        format: { type: 'string' },
        workers: { type: 'string' },
        backend: { type: 'string' },
        'time-zone': { type: 'string' },
      },
      this.usage,
    );
    if (parsed.values.help) return out(this.usage);
    if (parsed.positionals.length !== 1) throw new UsageError(`run takes one scenario file\n\n${this.usage}`);
    const zoneOption = parsed.values['time-zone'];
    const timeZone = zoneOption === undefined ? undefined : checkTimeZone(zoneOption, '--time-zone');
    const backend = parsed.values.backend ?? 'cpu';
    if (backend !== 'cpu' && backend !== 'gpu')
      throw new UsageError(`--backend must be cpu or gpu, got ${JSON.stringify(backend)}\n\n${this.usage}`);
    const file = await readScenarioFile(parsed.positionals[0], signal);
    // Outputs open before the wind is read and the run starts: an unwritable one costs nothing.
    const outputs = await OutputSet.open(
      (parsed.values.out as string[] | undefined) ?? [],
      parsed.values.format as string | undefined,
      signal,
    );
    // Tracks on standard output: the summary goes to standard error, out of their way.
    const print = outputs.usesStdout ? note : out;
    let pool: WorkerPool | null = null;
    try {
      // A forecast's "latest" is pinned here: the workers read the same cycle, and stderr names it.
      const scenario = {
        ...file.scenario,
        wind: await pinWindSource(file.scenario.wind, file.baseDir, note),
      };
      const wind = await loadScenarioWind(scenario.wind, file.baseDir);
      const prepared = prepareRun(scenario, wind, await runContext(scenario, file.baseDir));
      const sim = prepared.simulation;
      const gpu = backend === 'gpu' ? await gpuFor(prepared, note) : null;
      const workers = gpu
        ? 1
        : workerCount(parsed.values.workers, sim.members.count * (sim.durationSec / sim.dtSec));
      // Workers start now, while this thread reads the geography.
      pool = workers > 1 && sim.members.count > 1 ? new WorkerPool(workers) : null;
      const targets = await loadScenarioTargets(scenario, file.baseDir);
      const hooks = { targets, keepFrames: outputs.needsFrames, ...outputs.hooks(prepared) };
      const result = gpu
        ? await runOnGpu(gpu, prepared, { ...hooks, signal })
        : pool
          ? await pool.run({
              scenario,
              baseDir: file.baseDir,
              prepared,
              workers,
              signal,
              onProgress: progressBar('simulating'),
              ...hooks,
            })
          : await drive(runSteps(prepared, hooks), signal, 'simulating');
      const written = await outputs.finish(result, signal);
      print(
        parsed.values.json ? JSON.stringify(result.summary) : formatSummary(result.summary, { timeZone }),
      );
      if (!parsed.values.json) for (const where of written) print(`wrote ${where}`);
    } catch (error) {
      outputs.abandon();
      throw error;
    } finally {
      await pool?.close();
    }
  },
};

/** The GPU for a run, or null after saying why the CPU runs it instead. */
async function gpuFor(prepared: PreparedRun, note: (line: string) => void): Promise<NodeGpu | null> {
  const unsupported = gpuUnsupported(prepared);
  if (unsupported) {
    note(`the GPU path cannot run this scenario (${unsupported}): running on the CPU`);
    return null;
  }
  const gpu = await openNodeGpu();
  if ('unavailable' in gpu) {
    note(`no GPU: ${gpu.unavailable}; running on the CPU`);
    return null;
  }
  note(`running on the GPU: ${gpu.adapter}`);
  return gpu;
}

async function runOnGpu(gpu: NodeGpu, prepared: PreparedRun, hooks: GpuRunHooks): Promise<RunResult> {
  const bar = process.stderr.isTTY ? progressBar('simulating (GPU)') : undefined;
  try {
    return await runPreparedOnGpu(gpu.device, prepared, { ...hooks, onProgress: bar });
  } finally {
    if (bar) process.stderr.write('\r\x1b[K');
    gpu.device.destroy();
  }
}

export const validateCommand: Command = {
  summary: 'check a scenario file (schema, wind files and coverage, zone files, flight profile)',
  usage: `usage: balloon-sim validate <scenario.json>

Checks all that run would, before it runs: the scenario against its JSON Schema, every wind file
(readable, decodable, of one forecast run unless wind.mixedRuns allows more), every zone file and
the bundled geography, the launches against the wind's coverage (box, times, altitudes, terrain) and
the flight profile. Prints every problem with its JSON path (exit 2), or "ok" and the warnings
(gaps between the wind's time steps, mixed runs, …).`,
  async run(args, { out, signal }) {
    const parsed = parse(args, {}, this.usage);
    if (parsed.values.help) return out(this.usage);
    if (parsed.positionals.length !== 1)
      throw new UsageError(`validate takes one scenario file\n\n${this.usage}`);
    // Schema problems are all listed here; without a valid document nothing else can be checked.
    const file = await readScenarioFile(parsed.positionals[0], signal);
    const { scenario, baseDir } = file;
    const issues: ValidationIssue[] = [];
    const problem = (path: string, error: unknown, value?: unknown) => {
      // Only problems with the input are reported as such; anything else is a failure of this program.
      if (!(error instanceof InputError)) throw error;
      issues.push({
        path,
        message: `cannot be used: ${error.message}`,
        ...(value === undefined ? {} : { value }),
      });
    };

    // Zone files one by one, so that each problem carries its own path; then the whole geography as
    // run loads it (the bundled files, zone ids unique across files).
    const zoneFiles = scenario.zones?.files ?? [];
    let zonesRead = true;
    for (const [i, name] of zoneFiles.entries()) {
      try {
        await loadZoneFile(resolve(baseDir, name));
      } catch (error) {
        problem(`zones.files[${i}]`, error, name);
        zonesRead = false;
      }
    }
    if (zonesRead) {
      try {
        await loadScenarioTargets(scenario, baseDir);
      } catch (error) {
        problem('zones', error);
      }
    }

    let wind: WindField | null = null;
    try {
      wind = await loadScenarioWind(scenario.wind, baseDir);
    } catch (error) {
      problem(windPath(scenario.wind, baseDir, error), error);
    }
    let members = 0;
    let forecastMembers = 0;
    let warnings: string[] = [];
    if (wind) {
      try {
        const prepared = prepareRun(scenario, wind);
        members = prepared.simulation.members.count;
        forecastMembers = prepared.forecastMembers?.length ?? 0;
        warnings = prepared.warnings;
      } catch (error) {
        if (error instanceof ScenarioError) issues.push(...error.issues);
        else problem('scenario', error);
      }
    }
    if (issues.length > 0) throw new ScenarioError(issues);
    out(`ok: ${members} members${forecastMembers > 1 ? ` flying ${forecastMembers} forecast members` : ''}`);
    for (const w of warnings) out(`warning: ${w}`);
  },
};

/**
 * The JSON path of a wind problem: wind.paths[k] when it names one of the files (of an ensemble's
 * source: wind.members[j].paths[k]), the field an input error names, else wind.
 */
function windPath(
  source: WindSource | MemberWindSource,
  baseDir: string,
  error: unknown,
  at = 'wind',
): string {
  if (source.type === 'ensemble') {
    for (const [j, member] of source.members.entries()) {
      const path = windPath(member, baseDir, error, `${at}.members[${j}]`);
      if (path.includes('.paths[')) return path;
    }
  }
  const field = error instanceof InputError && !(error instanceof DecodeError) ? error.field : undefined;
  if (source.type !== 'file') return field?.startsWith(at) ? field : at;
  const named =
    error instanceof DecodeError ? error.source : error instanceof InputError ? error.field : undefined;
  const k = source.paths.findIndex((p) => resolve(baseDir, p) === named);
  return k >= 0 ? `${at}.paths[${k}]` : field?.startsWith(`${at}.`) ? field : `${at}.paths`;
}
