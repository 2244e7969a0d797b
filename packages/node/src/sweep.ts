import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type {
  AnalysisTargets,
  ProvenanceContext,
  RunResult,
  Scenario,
  SweepTable,
  WindField,
} from '@balloon-sim/sim-core';
import { prepareRun, runSteps, selectMembers, shardMembers, sweepTable } from '@balloon-sim/sim-core';
import { loadScenarioTargets } from './geography.js';
import { loadScenarioWind } from './load-wind.js';
import { runContext } from './provenance.js';
import { runInWorkers, type WorkerPool } from './workers/pool.js';

/** Shard `index` (1-based) of `count`: rows index, index + count, … of the sweep table. */
export interface SweepShard {
  index: number;
  count: number;
}

export interface SweepOptions {
  scenario: Scenario;
  /** Folder the scenario's relative paths resolve against. */
  baseDir: string;
  /** Rows of one shard only (`balloon-sim sweep --shard i/n`), or null for the whole table. */
  shard: SweepShard | null;
  /**
   * Identifies the sweep in its table (shards merge only with shards of the same fingerprint).
   * Default: `sweepFingerprint` of the scenario and the wind it loads. A coordinator that hands
   * shards to other machines computes it once and passes it on: their wind files may lie elsewhere,
   * and the description of some formats names the file.
   */
  fingerprint?: string;
  /** The time and tool of the table's provenance; default: this machine, now (see runContext). */
  context?: ProvenanceContext;
  /** The scenario's wind and zones when the caller has them already (a worker reusing them). */
  inputs?: { wind: WindField; targets: AnalysisTargets };
  /**
   * Worker threads (1: this thread, unless `pool` is given), or a choice made from the sweep's size
   * in member-steps (the command line's default: one thread for small sweeps).
   */
  workers: number | ((memberSteps: number) => number);
  /** Threads to run on; default: a pool started for this sweep when `workers` > 1. */
  pool?: WorkerPool;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/**
 * What identifies a sweep: its scenario as given and its wind's description, hashed. `merge`
 * refuses shards whose fingerprints differ.
 */
export function sweepFingerprint(scenario: Scenario, wind: WindField): string {
  return createHash('sha256')
    .update(JSON.stringify(scenario))
    .update(wind.description)
    .digest('hex')
    .slice(0, 16);
}

/**
 * The risk table of a sweep (sim-core's `sweepTable`), or of one shard of it: the rows of the
 * shard's launch groups. What `balloon-sim sweep` prints, and what the machines of a distributed
 * sweep compute shard by shard; the same seed gives the same table for any thread count, any pool
 * and any sharding.
 */
export async function runSweep(options: SweepOptions): Promise<SweepTable> {
  const { scenario, baseDir, shard, signal } = options;
  const wind = options.inputs?.wind ?? (await loadScenarioWind(scenario.wind, baseDir));
  const whole = prepareRun(scenario, wind, options.context ?? (await runContext(scenario, baseDir)));
  const targets = options.inputs?.targets ?? (await loadScenarioTargets(scenario, baseDir));
  const groups = whole.sites.length * whole.launchTimesSec.length;
  const ids = shard ? shardMembers(groups, whole.membersPerLaunch, shard.index, shard.count) : undefined;
  const sim = whole.simulation;
  const workers =
    typeof options.workers === 'number'
      ? options.workers
      : options.workers((ids?.length ?? sim.members.count) * (sim.durationSec / sim.dtSec));
  const parallel = {
    scenario,
    baseDir,
    prepared: whole,
    targets,
    workers,
    ids,
    signal,
    onProgress: options.onProgress,
  };
  let result: RunResult;
  if (options.pool) result = await options.pool.run(parallel);
  else if (workers > 1) result = await runInWorkers(parallel);
  else
    result = await driveSteps(
      runSteps(ids ? selectMembers(whole, ids) : whole, { targets, keepFrames: false }),
      signal,
      options.onProgress,
    );
  return sweepTable(
    result.summary,
    whole.sites.map((s) => s.id),
    options.fingerprint ?? sweepFingerprint(scenario, wind),
    shard,
  );
}

/**
 * Drives a run's steps in this thread, letting the event loop in every ~50 ms so that an abort
 * (Ctrl-C) is heard and timers (a queue worker's lock renewal) keep running.
 */
export async function driveSteps<T>(
  steps: Generator<number, T, void>,
  signal?: AbortSignal,
  onProgress?: (fraction: number) => void,
): Promise<T> {
  let paused = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    onProgress?.(next.value);
    if (performance.now() - paused > 50) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      paused = performance.now();
      signal?.throwIfAborted();
    }
  }
}
