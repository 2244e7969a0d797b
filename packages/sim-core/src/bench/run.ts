/**
 * A 10 000-member, 12 h run of the default fixture scenario with its analysis (zones, border), timed
 * end to end (reading the wind and geography included) in this thread and on 2 worker threads. Prints one JSON line: wallSec (2 workers),
 * memberStepsPerSec, speedupWorkers (1 thread ÷ 2 workers), peakRssMB (the whole process).
 * Usage: node dist/bench/run.js [--members N] [--hours H]
 */

import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { prepareRun, runPrepared } from '../index.js';
import { loadScenarioTargets } from '../node/geography.js';
import { loadScenarioWind } from '../node/load-wind.js';
import { readScenarioFile } from '../node/scenario-file.js';
import { WorkerPool } from '../node/workers/pool.js';

const { values } = parseArgs({
  options: { members: { type: 'string', default: '10000' }, hours: { type: 'string', default: '12' } },
});
const file = await readScenarioFile(
  resolve(import.meta.dirname, '../../../../fixtures/scenarios/default.json'),
);
const launches = (file.scenario.launch.sites?.length ?? 1) * 4; // 4 launch hours
const perLaunch = Math.ceil(Number(values.members) / launches);
const scenario = {
  ...file.scenario,
  ensemble: { ...file.scenario.ensemble, members: perLaunch },
  solver: { ...file.scenario.solver, durationSec: Number(values.hours) * 3600 },
};
/** One run as the command line does it, from reading the inputs to the result; timed whole. */
async function timed(workers: number) {
  const t0 = performance.now();
  const pool = workers > 1 ? new WorkerPool(workers) : null; // started first, as the command line does
  const wind = await loadScenarioWind(scenario.wind, file.baseDir);
  const prepared = prepareRun(scenario, wind);
  const targets = await loadScenarioTargets(scenario, file.baseDir);
  const result = pool
    ? await pool.run({ scenario, baseDir: file.baseDir, prepared, targets, workers })
    : runPrepared(prepared, { targets, keepFrames: false });
  await pool?.close();
  return { sec: (performance.now() - t0) / 1000, result, prepared };
}

const single = await timed(1);
const parallel = await timed(2);
if (JSON.stringify(parallel.result.summary) !== JSON.stringify(single.result.summary))
  throw new Error('2 workers disagree with 1 thread');
const members = single.prepared.simulation.members.count;
const steps = single.prepared.simulation.durationSec / single.prepared.simulation.dtSec;
const oneThreadSec = single.sec;
const twoWorkersSec = parallel.sec;
console.log(
  JSON.stringify({
    bench: 'run',
    members,
    steps,
    wallSec: Number(twoWorkersSec.toFixed(3)),
    oneThreadSec: Number(oneThreadSec.toFixed(3)),
    memberStepsPerSec: Math.round((members * steps) / twoWorkersSec),
    speedupWorkers: Number((oneThreadSec / twoWorkersSec).toFixed(2)),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
