/**
 * A pooled worker thread (see pool.ts): it waits for run requests, runs some members of a scenario,
 * posts frames, progress and finally its part; between frames it lets messages in, so a 'cancel'
 * stops the run at once and the worker is free for the next one. It also back-tracks detections
 * (one reply, the summary), so that a server's event loop never computes one.
 */
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import type {
  AnalysisEvent,
  AnalysisTargets,
  PreparedRun,
  Scenario,
  SimEvent,
  WindField,
} from '@balloon-sim/sim-core';
import {
  backtrack,
  backtrackSummary,
  packEvents,
  packedBuffers,
  prepareValidRun,
  runAggregates,
  runPart,
  runsForward,
  runUnsummarized,
  selectMembers,
} from '@balloon-sim/sim-core';
import { loadScenarioTargets } from '../geography.js';
import { DEFAULT_REGION, loadLaunchRegion } from '../launch-region.js';
import { loadScenarioWind } from '../load-wind.js';
import { backtrackProvenance } from '../provenance.js';
import {
  type BacktrackRequest,
  packRunPart,
  type RunReply,
  type RunRequest,
  type WorkerCommand,
  workerError,
} from './protocol.js';
import { type SharedWind, sharedWindField } from './shared-wind.js';

const port = parentPort!;
const post = (reply: RunReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
let cancelled = false;

/** The last wind and zones read: a pooled worker serving the same scenario again skips the files. */
let lastInputs: { key: string; value: Promise<{ wind: WindField; targets: AnalysisTargets }> } | null = null;

function inputs(scenario: Scenario, baseDir: string, shared?: SharedWind) {
  // A shared wind is known by its id: the same one sent again is the same field.
  const windKey = shared ? { shared: shared.id } : scenario.wind;
  const key = JSON.stringify([baseDir, windKey, scenario.zones ?? null]);
  if (lastInputs?.key !== key) {
    const value = (async () => ({
      // Unshared when read here: no other thread reads this copy.
      wind: shared
        ? sharedWindField(shared)
        : await loadScenarioWind(scenario.wind, baseDir, { shared: false }),
      targets: await loadScenarioTargets(scenario, baseDir),
    }))();
    value.catch(() => {
      lastInputs = null;
    });
    lastInputs = { key, value };
  }
  return lastInputs.value;
}

/**
 * The last run prepared whole (every member; 0.1–0.5 s for 10⁵ members): a worker taking one chunk
 * of a run after another (see pool.ts, splitMembers) prepares the run once, then selects each chunk.
 */
let lastPrepared: { key: string; wind: WindField; value: PreparedRun } | null = null;

function preparedWhole(scenario: Scenario, baseDir: string, wind: WindField): PreparedRun {
  const key = JSON.stringify([baseDir, scenario]);
  if (lastPrepared?.key !== key || lastPrepared.wind !== wind)
    lastPrepared = { key, wind, value: prepareValidRun(scenario, wind) };
  return lastPrepared.value;
}

async function run(request: RunRequest): Promise<void> {
  const { scenario, baseDir, ids } = request;
  const { wind, targets } = await inputs(scenario, baseDir, request.wind);
  const prepared = selectMembers(preparedWhole(scenario, baseDir, wind), ids);
  let events: SimEvent[] = [];
  let analysisEvents: AnalysisEvent[] = [];
  let index = 0;
  const startMs = performance.timeOrigin + performance.now();
  // The part's own summary is not made: the main thread summarises the merged run.
  const steps = runUnsummarized(prepared, {
    targets,
    keepFrames: false,
    // A loop, not push(...e): a spread of a very large array overflows the argument stack.
    onEvents: (e) => {
      for (const x of e) events.push(x);
    },
    onAnalysisEvents: (e) => {
      for (const x of e) analysisEvents.push(x);
    },
    onFrame: (frame) => {
      if (request.frames) {
        const packed = packEvents(events);
        const packedAnalysis = packEvents(analysisEvents);
        post(
          {
            type: 'frame',
            index,
            tSec: frame.tSec,
            positions: frame.positions,
            events: packed,
            analysisEvents: packedAnalysis,
          },
          [frame.positions.buffer as ArrayBuffer, ...packedBuffers(packed), ...packedBuffers(packedAnalysis)],
        );
      }
      events = [];
      analysisEvents = [];
      index++;
    },
  });
  let paused = performance.now();
  for (;;) {
    if (cancelled) {
      post({ type: 'cancelled' });
      return;
    }
    const next = steps.next();
    if (next.done) {
      const { result, runEndSec } = next.value;
      // Per member and zone, a distance to the zone's outline: computed here, in parallel, for the
      // main thread's summary (see RunObserver.closestHorizontalM).
      result.observer.closestHorizontalM();
      // The part's summary aggregates (sorted values, per-zone extremes, landing countries), so
      // that the main thread merges them instead of going through every member's records.
      const aggregates = runAggregates(result, runsForward(prepared.simulation));
      const { packed, transfer } = packRunPart({ ...runPart(result, runEndSec), aggregates });
      const span = { startMs, endMs: performance.timeOrigin + performance.now() };
      post({ type: 'done', part: packed, span }, transfer);
      return;
    }
    post({ type: 'progress', fraction: next.value });
    // Let a 'cancel' in every ~20 ms.
    if (performance.now() - paused > 20) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      paused = performance.now();
    }
  }
}

/** A back-track runs to its end in one go: it is bounded (members, window, float time) and short. */
async function backtrackJob(request: BacktrackRequest): Promise<void> {
  const { wind } = await inputs(request.scenario, request.baseDir);
  const { scenario: _s, baseDir, detections, region, context, ...asked } = request;
  const options = {
    ...asked,
    wind,
    detections,
    region: region === null ? null : await loadLaunchRegion(region ?? DEFAULT_REGION, baseDir),
  };
  const result = backtrack(options);
  post({
    type: 'backtrack',
    summary: { ...backtrackSummary(result), provenance: backtrackProvenance(options, result, context) },
  });
}

port.on('message', (command: WorkerCommand) => {
  if (command.type === 'cancel') {
    cancelled = true;
    return;
  }
  cancelled = false;
  const job = command.type === 'run' ? run(command.request) : backtrackJob(command.request);
  job.catch((error: unknown) => post(workerError(error)));
});
post({ type: 'ready' });
