import {
  loadScenarioTargets,
  loadScenarioWind,
  pinWindSource,
  runContext,
  sweepFingerprint,
} from '@balloon-sim/node';
import type {
  AnalysisTargets,
  PreparedRun,
  RunPart,
  RunResult,
  Scenario,
  SweepTable,
} from '@balloon-sim/sim-core';
import { mergeRunParts, mergeSweeps, prepareRun } from '@balloon-sim/sim-core';
import type { QueueClient } from './client.js';
import { decodeValue } from './codec.js';
import { type CoordinateOptions, coordinate, type Work } from './coordinator.js';
import { describeInputs, type JobInputs } from './inputs.js';
import {
  checkWorkId,
  contentId,
  idsOfRanges,
  jobKeyOf,
  type PartJob,
  rangesOf,
  type SweepJob,
  splitMembers,
} from './jobs.js';

/** What a coordinator is asked to distribute. */
export interface DistributeOptions extends Omit<CoordinateOptions, 'onResult'> {
  scenario: Scenario;
  /** Folder the scenario's relative paths resolve against (the scenario file's). */
  baseDir: string;
  /** Jobs to cut the work into (at most one per sweep row, or per member). */
  jobs: number;
  /** A name for the work (default: from its inputs, so the same inputs resume the same work). */
  id?: string;
  /** Put the input files' bytes in Redis for workers that do not share them. */
  shipInputs?: boolean;
}

/** What results depend on besides the scenario: the inputs' hashes, not where the files lie. */
function inputsContent(inputs: JobInputs) {
  return {
    files: inputs.files.map((f) => [f.ref, f.sha256]),
    geography: inputs.geography,
    software: inputs.software,
  };
}

async function inputsOf(
  client: QueueClient,
  options: DistributeOptions,
  scenario: Scenario,
): Promise<JobInputs> {
  const ship = options.shipInputs
    ? { redis: client.redis, keys: client.keys, ttlSec: options.ttlSec }
    : undefined;
  return describeInputs(scenario, options.baseDir, ship);
}

/**
 * The scenario as its jobs carry it: a forecast's "latest" pinned to the cycle it is now here, and
 * its store made absolute (as `balloon-sim run` and `balloon-sim sweep` pin it), so that every worker reads that one cycle,
 * not the newest of its own default store at the time it takes its job; the cycle's files are then
 * among the job's checked inputs (describeInputs).
 */
async function pinnedScenario(options: DistributeOptions): Promise<Scenario> {
  const { scenario, baseDir } = options;
  // The note names the cycle on stderr, as `balloon-sim run` and `sweep` name it.
  return { ...scenario, wind: await pinWindSource(scenario.wind, baseDir, options.note) };
}

/**
 * A sweep (sim-core's sweep table) on the queue: its rows cut into `jobs` shards (rows i, i + n, …,
 * as `balloon-sim sweep --shard i/n`), each computed by some worker, merged here into exactly the
 * table `balloon-sim sweep` prints for the same scenario, byte for byte. The coordinator reads the
 * wind itself: it checks the scenario before any job is queued, and gives the sweep its fingerprint.
 */
export async function distributedSweep(client: QueueClient, options: DistributeOptions): Promise<SweepTable> {
  const { baseDir } = options;
  const scenario = await pinnedScenario(options);
  const wind = await loadScenarioWind(scenario.wind, baseDir);
  const context = await runContext(scenario, baseDir);
  const whole = prepareRun(scenario, wind, context);
  const rows = whole.sites.length * whole.launchTimesSec.length;
  const count = Math.max(1, Math.min(options.jobs, rows));
  const fingerprint = sweepFingerprint(scenario, wind);
  const inputs = await inputsOf(client, options, scenario);
  const content = { kind: 'sweep', scenario, fingerprint, jobs: count, ...inputsContent(inputs) };
  const id = options.id === undefined ? contentId('sweep', content) : checkWorkId(options.id);
  const jobs: SweepJob[] = Array.from({ length: count }, (_, k) => ({
    kind: 'sweep',
    work: id,
    key: jobKeyOf(k + 1, count),
    scenario,
    baseDir,
    inputs,
    context,
    ttlSec: options.ttlSec,
    shard: { index: k + 1, count },
    fingerprint,
  }));
  const work: Work = { id, content: contentId('content', content), what: 'sweep', jobs };
  const results = await coordinate(client, work, options);
  const tables = results.map((bytes) => JSON.parse(bytes.toString('utf8')) as SweepTable);
  return mergeSweeps(
    tables,
    jobs.map((j) => `job ${j.key}`),
  );
}

/**
 * A run on the queue: its members cut into `jobs` contiguous ranges, each run by some worker, the
 * parts merged here (sim-core's mergeRunParts) into the result one machine gives, bit for bit.
 * Frames stay on the workers (the summary is what comes back); a streamed run is a server's
 * (see QueueRunner).
 */
export async function distributedRun(
  client: QueueClient,
  options: DistributeOptions,
): Promise<{ result: RunResult; prepared: PreparedRun; targets: AnalysisTargets }> {
  const { baseDir } = options;
  const scenario = await pinnedScenario(options);
  const wind = await loadScenarioWind(scenario.wind, baseDir);
  const context = await runContext(scenario, baseDir);
  const prepared = prepareRun(scenario, wind, context);
  const targets = await loadScenarioTargets(scenario, baseDir);
  const n = prepared.simulation.members.count;
  const shares = splitMembers(
    Uint32Array.from({ length: n }, (_, i) => i),
    options.jobs,
  );
  const inputs = await inputsOf(client, options, scenario);
  const content = { kind: 'run', scenario, jobs: shares.length, ...inputsContent(inputs) };
  const id = options.id === undefined ? contentId('run', content) : checkWorkId(options.id);
  const jobs: PartJob[] = shares.map((ids, k) => ({
    kind: 'part',
    work: id,
    key: jobKeyOf(k + 1, shares.length),
    scenario,
    baseDir,
    inputs,
    context,
    ttlSec: options.ttlSec,
    ranges: rangesOf(ids),
    frames: null,
  }));
  const work: Work = { id, content: contentId('content', content), what: 'run', jobs };
  const results = await coordinate(client, work, options);
  const parts = results.map((bytes, k) => {
    const part = decodeValue<RunPart>(bytes, `the result of job ${jobs[k].key} of run ${id}`);
    // A result stored under this key holds exactly these members, or something is badly wrong.
    const expected = idsOfRanges(jobs[k].ranges);
    if (part.ids.length !== expected.length || part.ids.some((i, p) => i !== expected[p]))
      throw new Error(`the result of job ${jobs[k].key} of run ${id} holds other members than the job's`);
    return part;
  });
  return { result: mergeRunParts(prepared, targets, parts), prepared, targets };
}
