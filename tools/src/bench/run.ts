/**
 * A 10 000-member, 12 h run of the default fixture scenario with its analysis (zones, border), in one
 * thread and on worker threads. wallSec (2 workers), memberStepsPerSec and speedupWorkers (1 worker ÷ 2
 * workers) are warm figures (threads started and code compiled, as in the server or a sweep);
 * oneThreadSec is the run in this thread; cold* time a whole command-line invocation (reading the
 * wind and geography, starting threads, JIT warm-up). Prints one JSON line: wallSec (2 workers),
 * memberStepsPerSec, speedupWorkers (1 thread ÷ 2 workers), peakRssMB (the whole process).
 * Usage: node tools/dist/bench/run.js [--members N] [--hours H]
 */

import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadScenarioTargets, loadScenarioWind, readScenarioFile, WorkerPool } from '@balloon-sim/node';
import { prepareRun, runPrepared } from '@balloon-sim/sim-core';

const { values } = parseArgs({
  options: { members: { type: 'string', default: '10000' }, hours: { type: 'string', default: '12' } },
});
const file = await readScenarioFile(resolve(import.meta.dirname, '../../../fixtures/scenarios/default.json'));
const launches = (file.scenario.launch.sites?.length ?? 1) * 4; // 4 launch hours
const perLaunch = Math.ceil(Number(values.members) / launches);
const scenario = {
  ...file.scenario,
  ensemble: { ...file.scenario.ensemble, members: perLaunch },
  solver: { ...file.scenario.solver, durationSec: Number(values.hours) * 3600 },
};
/** One run as the command line does it, from reading the inputs to the result; timed whole. */
async function cold(workers: number) {
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

// Cold: a command-line invocation, thread start-up and JIT warm-up included.
const coldOne = await cold(1);
const coldTwo = await cold(2);
if (JSON.stringify(coldTwo.result.summary) !== JSON.stringify(coldOne.result.summary))
  throw new Error('2 workers disagree with 1 thread');

// Warm: the steady state of a server or a sweep, where threads and compiled code are already there.
// speedupWorkers compares the same path with 1 and 2 workers; oneThreadSec is this thread alone.
const wind = await loadScenarioWind(scenario.wind, file.baseDir);
const prepared = prepareRun(scenario, wind);
const targets = await loadScenarioTargets(scenario, file.baseDir);
const pools = [new WorkerPool(1), new WorkerPool(2)];
const onPool = (k: number) =>
  pools[k].run({ scenario, baseDir: file.baseDir, prepared, targets, workers: k + 1 });
await onPool(0); // warm-up
await onPool(1);
runPrepared(prepared, { targets, keepFrames: false });
// Best of three alternating rounds of each, so all see the same machine load.
const best = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
const expected = JSON.stringify(coldOne.result.summary);
for (let round = 0; round < 3; round++) {
  for (const k of [0, 1, 2]) {
    const t0 = performance.now();
    const result = k < 2 ? await onPool(k) : runPrepared(prepared, { targets, keepFrames: false });
    best[k] = Math.min(best[k], (performance.now() - t0) / 1000);
    if (JSON.stringify(result.summary) !== expected) throw new Error(`run ${k} disagrees with the first`);
  }
}
await Promise.all(pools.map((p) => p.close()));
const [oneWorkerSec, twoWorkersSec, oneThreadSec] = best;
const members = prepared.simulation.members.count;
const steps = prepared.simulation.durationSec / prepared.simulation.dtSec;
console.log(
  JSON.stringify({
    bench: 'run',
    members,
    steps,
    wallSec: Number(twoWorkersSec.toFixed(3)),
    oneWorkerSec: Number(oneWorkerSec.toFixed(3)),
    oneThreadSec: Number(oneThreadSec.toFixed(3)),
    memberStepsPerSec: Math.round((members * steps) / twoWorkersSec),
    speedupWorkers: Number((oneWorkerSec / twoWorkersSec).toFixed(2)),
    coldWallSec: Number(coldTwo.sec.toFixed(3)),
    coldOneThreadSec: Number(coldOne.sec.toFixed(3)),
    coldSpeedupWorkers: Number((coldOne.sec / coldTwo.sec).toFixed(2)),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
