/**
 * A 10 000-member, 12 h run of the default fixture scenario with its analysis (zones, border):
 * timed in this thread and on 2 worker threads. Prints one JSON line: wallSec (2 workers),
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
import { runInWorkers } from '../node/workers/pool.js';

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
const wind = await loadScenarioWind(scenario.wind, file.baseDir);
const targets = await loadScenarioTargets(scenario, file.baseDir);
const prepared = prepareRun(scenario, wind);
const members = prepared.simulation.members.count;
const steps = prepared.simulation.durationSec / (scenario.solver.dtSec ?? 60);

let t0 = performance.now();
const single = runPrepared(prepared, { targets, keepFrames: false });
const oneThreadSec = (performance.now() - t0) / 1000;
t0 = performance.now();
const parallel = await runInWorkers({ scenario, baseDir: file.baseDir, prepared, targets, workers: 2 });
const twoWorkersSec = (performance.now() - t0) / 1000;
if (JSON.stringify(parallel.summary) !== JSON.stringify(single.summary))
  throw new Error('2 workers disagree with 1 thread');
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
