/** A worker thread running some members of a scenario (see pool.ts); posts frames, then its part. */
import { parentPort, workerData } from 'node:worker_threads';
import type { AnalysisEvent } from '../../analysis/observer.js';
import { InputError } from '../../errors.js';
import { runPart } from '../../scenario/merge.js';
import { prepareValidRun, selectMembers } from '../../scenario/prepare.js';
import { runSteps } from '../../scenario/run.js';
import type { SimEvent } from '../../solver/status.js';
import { loadScenarioTargets } from '../geography.js';
import { loadScenarioWind } from '../load-wind.js';
import type { RunReply, RunRequest } from './protocol.js';

const port = parentPort!;
const post = (reply: RunReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

async function main(request: RunRequest): Promise<void> {
  const { scenario, baseDir, ids } = request;
  const wind = await loadScenarioWind(scenario.wind, baseDir);
  const targets = await loadScenarioTargets(scenario, baseDir);
  const prepared = selectMembers(prepareValidRun(scenario, wind), ids);
  let events: SimEvent[] = [];
  let analysisEvents: AnalysisEvent[] = [];
  let index = 0;
  const steps = runSteps(prepared, {
    targets,
    keepFrames: false,
    onEvents: (e) => events.push(...e),
    onAnalysisEvents: (e) => analysisEvents.push(...e),
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
  for (;;) {
    const next = steps.next();
    if (next.done) {
      const result = next.value;
      const part = runPart(result, Date.parse(result.summary.end) / 1000);
      post({ type: 'done', part });
      return;
    }
    post({ type: 'progress', fraction: next.value });
  }
}

main(workerData as RunRequest).catch((error: unknown) => {
  post({
    type: 'error',
    message: (error as Error)?.message ?? String(error),
    input: error instanceof InputError,
  });
});
