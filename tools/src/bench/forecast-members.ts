/**
 * What flying forecast members costs: the default fixture scenario (its gridded illustrative wind)
 * run in this thread as one wind, and as HYSPLIT's grid-offset ensemble of the same wind (27
 * forecast members, each flying 1/27 of the same trajectory members), warm, best of three each.
 * The members' count and steps are equal, so the ratio is the cost of the groups (27 simulations
 * stepped side by side, smaller batches, the displaced sampling). Also checks that one worker and
 * two give the same ensemble summary. Prints one JSON line.
 * Usage: node tools/dist/bench/forecast-members.js [--members N] [--hours H]
 */

import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadScenarioTargets, loadScenarioWind, readScenarioFile, WorkerPool } from '@balloon-sim/node';
import { prepareRun, runPrepared, type Scenario } from '@balloon-sim/sim-core';

const { values } = parseArgs({
  options: { members: { type: 'string', default: '5400' }, hours: { type: 'string', default: '8' } },
});
const file = await readScenarioFile(resolve(import.meta.dirname, '../../../fixtures/scenarios/default.json'));
const launches = (file.scenario.launch.sites?.length ?? 1) * 4; // 4 launch hours
// A multiple of 27, so every forecast member flies as many trajectory members.
const perLaunch = 27 * Math.max(1, Math.round(Number(values.members) / launches / 27));
const plain: Scenario = {
  ...file.scenario,
  ensemble: { ...file.scenario.ensemble, members: perLaunch },
  solver: { ...file.scenario.solver, durationSec: Number(values.hours) * 3600 },
};
if (plain.wind.type !== 'file') throw new Error('the default scenario reads a wind file');
const offset: Scenario = { ...plain, wind: { ...plain.wind, gridOffset: true } };
const targets = await loadScenarioTargets(plain, file.baseDir);
const prepared = await Promise.all(
  [plain, offset].map(async (s) => prepareRun(s, await loadScenarioWind(s.wind, file.baseDir))),
);
const run = (k: number) => runPrepared(prepared[k], { targets, keepFrames: false });
run(0); // warm-up
run(1);
const best = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
for (let round = 0; round < 3; round++)
  for (const k of [0, 1]) {
    const t0 = performance.now();
    run(k);
    best[k] = Math.min(best[k], (performance.now() - t0) / 1000);
  }
const one = run(1);
const pool = new WorkerPool(2);
const two = await pool.run({
  scenario: offset,
  baseDir: file.baseDir,
  prepared: prepared[1],
  targets,
  workers: 2,
});
await pool.close();
if (JSON.stringify(two.summary) !== JSON.stringify(one.summary))
  throw new Error('2 workers disagree with 1 thread');
const members = prepared[0].simulation.members.count;
const steps = prepared[0].simulation.durationSec / prepared[0].simulation.dtSec;
console.log(
  JSON.stringify({
    bench: 'forecast-members',
    members,
    steps,
    forecastMembers: prepared[1].forecastMembers?.length ?? 1,
    oneWindSec: Number(best[0].toFixed(3)),
    gridOffsetSec: Number(best[1].toFixed(3)),
    ratio: Number((best[1] / best[0]).toFixed(3)),
    twoWorkersAgree: true,
  }),
);
