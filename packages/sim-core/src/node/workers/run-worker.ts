/**
 * A pooled worker thread (see pool.ts): it waits for run requests, runs some members of a scenario,
 * posts frames, progress and finally its part; between frames it lets messages in, so a 'cancel'
 * stops the run at once and the worker is free for the next one.
 */
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import type { AnalysisEvent, AnalysisTargets } from '../../analysis/observer.js';
import { InputError } from '../../errors.js';
import { runPart } from '../../scenario/merge.js';
import { prepareValidRun, selectMembers } from '../../scenario/prepare.js';
import { runSteps } from '../../scenario/run.js';
import type { Scenario } from '../../scenario/schema.js';
import type { SimEvent } from '../../solver/status.js';
import type { WindField } from '../../wind/wind-field.js';
import { loadScenarioTargets } from '../geography.js';
import { loadScenarioWind } from '../load-wind.js';
import type { RunReply, RunRequest, WorkerCommand } from './protocol.js';

const port = parentPort!;
const post = (reply: RunReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
let cancelled = false;

/** The last wind and zones read: a pooled worker serving the same scenario again skips the files. */
let lastInputs: { key: string; value: Promise<{ wind: WindField; targets: AnalysisTargets }> } | null = null;

function inputs(scenario: Scenario, baseDir: string) {
  const key = JSON.stringify([baseDir, scenario.wind, scenario.zones ?? null]);
  if (lastInputs?.key !== key) {
    const value = (async () => ({
      wind: await loadScenarioWind(scenario.wind, baseDir),
      targets: await loadScenarioTargets(scenario, baseDir),
    }))();
    value.catch(() => {
      lastInputs = null;
    });
    lastInputs = { key, value };
  }
  return lastInputs.value;
}

async function run(request: RunRequest): Promise<void> {
  const { scenario, baseDir, ids } = request;
  const { wind, targets } = await inputs(scenario, baseDir);
  const prepared = selectMembers(prepareValidRun(scenario, wind), ids);
  let events: SimEvent[] = [];
  let analysisEvents: AnalysisEvent[] = [];
  let index = 0;
  const steps = runSteps(prepared, {
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
        post({ type: 'frame', index, tSec: frame.tSec, positions: frame.positions, events, analysisEvents }, [
          frame.positions.buffer as ArrayBuffer,
        ]);
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
      const result = next.value;
      post({ type: 'done', part: runPart(result, Date.parse(result.summary.end) / 1000) });
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

port.on('message', (command: WorkerCommand) => {
  if (command.type === 'cancel') {
    cancelled = true;
    return;
  }
  cancelled = false;
  run(command.request).catch((error: unknown) => {
    post({
      type: 'error',
      message: (error as Error)?.message ?? String(error),
      input: error instanceof InputError,
    });
  });
});
post({ type: 'ready' });
