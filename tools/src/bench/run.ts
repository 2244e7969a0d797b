/**
 * A 10 000-member (--members), 12 h run of the default fixture scenario with its analysis (zones,
 * border), in one thread and on worker threads. wallSec (2 workers), memberStepsPerSec and
 * speedupWorkers (1 worker ÷ 2 workers) are warm figures (threads started and code compiled, as in
 * the server or a sweep); oneThreadSec is the run in this thread; cold* time a whole command-line
 * invocation (reading the wind and geography, starting threads, JIT warm-up).
 * serialSec: of the warm 1-worker run's wall time, the part when no worker simulates (RunTiming):
 * from pool.run to the first worker's first step (members handed out, the worker's inputs and
 * members prepared) plus from the last part ready to the result (parts sent, merged, summarised).
 * serialFraction = serialSec ÷ oneWorkerSec: Amdahl's serial share, which bounds the speedup on n
 * workers by 1 ÷ (serialFraction + (1 − serialFraction) ÷ n) (amdahl16Bound for n = 16).
 * serialSecTwoWorkers and mergeSec (the merge and summary alone, 2 workers) are the same at 2 workers.
 * serialParts splits the 1-worker serialSec: setupSec (pool.run to the first step: members handed
 * out, the worker's inputs and members prepared), waitSec (the last part ready to its merge
 * starting: sent, received), mergeSec (the parts' records and aggregates merged) and summarySec.
 * On a loaded machine wall times swell with the wait for a core; CPU times do not: oneWorkerCpuSec
 * (the process's CPU over the 1-worker run), mergeCpuSec (the main thread's CPU in its merge and
 * summary, RunTiming.mergeCpuMs) and mergeCpuFraction = mergeCpuSec ÷ oneWorkerCpuSec, least of the
 * rounds each.
 * Prints one JSON line. Usage: node tools/dist/bench/run.js [--members N] [--hours H] [--rounds R]
 * [--workers-list 1,2,4,8,16] (then also one warm figure per worker count: curve, each with its
 * serialSec and serialFraction at that count) [--curve-only] (the curve alone).
 */

import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  loadScenarioTargets,
  loadScenarioWind,
  type RunTiming,
  readScenarioFile,
  WorkerPool,
} from '@balloon-sim/node';
import { prepareRun, runPrepared } from '@balloon-sim/sim-core';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '10000' },
    hours: { type: 'string', default: '12' },
    rounds: { type: 'string', default: '3' },
    'workers-list': { type: 'string' },
    'curve-only': { type: 'boolean', default: false },
  },
});
const rounds = Math.max(1, Number(values.rounds));
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

const wind = await loadScenarioWind(scenario.wind, file.baseDir);
const prepared = prepareRun(scenario, wind);
const targets = await loadScenarioTargets(scenario, file.baseDir);
/** Wall time (s) of a pooled run when no worker simulated (see the header). */
const serialOf = (t: RunTiming) => (t.workersStartMs - t.startMs + (t.endMs - t.workersEndMs)) / 1000;

/** The 1- and 2-worker figures, cold and warm (skipped with --curve-only). */
async function oneAndTwo() {
  // Cold: a command-line invocation, thread start-up and JIT warm-up included.
  const coldOne = await cold(1);
  const coldTwo = await cold(2);
  if (JSON.stringify(coldTwo.result.summary) !== JSON.stringify(coldOne.result.summary))
    throw new Error('2 workers disagree with 1 thread');
  // Warm: the steady state of a server or a sweep, where threads and compiled code are already there.
  // speedupWorkers compares the same path with 1 and 2 workers; oneThreadSec is this thread alone.
  const pools = [new WorkerPool(1), new WorkerPool(2)];
  const timings: RunTiming[] = [{} as RunTiming, {} as RunTiming];
  const onPool = (k: number) =>
    pools[k].run({ scenario, baseDir: file.baseDir, prepared, targets, workers: k + 1, timing: timings[k] });
  await onPool(0); // warm-up
  await onPool(1);
  runPrepared(prepared, { targets, keepFrames: false });
  // Best of `rounds` alternating rounds of each, so all see the same machine load; the serial
  // figures are those of the best round.
  const best = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  const serial = [0, 0];
  const merge = [0, 0];
  let serialParts = { setupSec: 0, waitSec: 0, mergeSec: 0, summarySec: 0 };
  // CPU seconds (the whole process) of the 1-worker runs and of their merges: the least of each.
  let oneWorkerCpu = Number.POSITIVE_INFINITY;
  let mergeCpu = Number.POSITIVE_INFINITY;
  const expected = JSON.stringify(coldOne.result.summary);
  for (let round = 0; round < rounds; round++) {
    for (const k of [0, 1, 2]) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const result = k < 2 ? await onPool(k) : runPrepared(prepared, { targets, keepFrames: false });
      const sec = (performance.now() - t0) / 1000;
      if (k === 0) {
        const cpu = process.cpuUsage(cpu0);
        oneWorkerCpu = Math.min(oneWorkerCpu, (cpu.user + cpu.system) / 1e6);
        mergeCpu = Math.min(mergeCpu, timings[0].mergeCpuMs / 1000);
      }
      if (sec < best[k]) {
        best[k] = sec;
        if (k < 2) {
          serial[k] = serialOf(timings[k]);
          merge[k] = timings[k].mergeMs / 1000;
        }
        if (k === 0) {
          const t = timings[0];
          const sec = (ms: number) => Number((ms / 1000).toFixed(3));
          serialParts = {
            setupSec: sec(t.workersStartMs - t.startMs),
            waitSec: sec(t.endMs - t.workersEndMs - t.mergeMs),
            mergeSec: sec(t.mergeMs - t.summaryMs),
            summarySec: sec(t.summaryMs),
          };
        }
      }
      if (JSON.stringify(result.summary) !== expected) throw new Error(`run ${k} disagrees with the first`);
    }
  }
  await Promise.all(pools.map((p) => p.close()));
  const [oneWorkerSec, twoWorkersSec, oneThreadSec] = best;
  const serialFraction = serial[0] / oneWorkerSec;
  return {
    wallSec: Number(twoWorkersSec.toFixed(3)),
    oneWorkerSec: Number(oneWorkerSec.toFixed(3)),
    oneThreadSec: Number(oneThreadSec.toFixed(3)),
    memberStepsPerSec: Math.round((members * steps) / twoWorkersSec),
    speedupWorkers: Number((oneWorkerSec / twoWorkersSec).toFixed(2)),
    serialSec: Number(serial[0].toFixed(3)),
    serialFraction: Number(serialFraction.toFixed(4)),
    amdahl16Bound: Number((1 / (serialFraction + (1 - serialFraction) / 16)).toFixed(1)),
    serialParts,
    serialSecTwoWorkers: Number(serial[1].toFixed(3)),
    mergeSec: Number(merge[1].toFixed(3)),
    oneWorkerCpuSec: Number(oneWorkerCpu.toFixed(3)),
    mergeCpuSec: Number(mergeCpu.toFixed(3)),
    mergeCpuFraction: Number((mergeCpu / oneWorkerCpu).toFixed(4)),
    coldWallSec: Number(coldTwo.sec.toFixed(3)),
    coldOneThreadSec: Number(coldOne.sec.toFixed(3)),
    coldSpeedupWorkers: Number((coldOne.sec / coldTwo.sec).toFixed(2)),
    expected,
  };
}

/**
 * The scaling curve (a many-core machine: tools/device/run-curve.sh): warm, best of `rounds`, one
 * pool of the largest size running each worker count in turn, every summary checked against the
 * first run's (expected; with --curve-only, the curve's first run).
 */
async function scaling(list: string, expected: string | null) {
  const counts = list.split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--workers-list takes worker counts ≥ 1 separated by commas, not "${list}"`);
  const pool = new WorkerPool(Math.max(...counts));
  const timing = {} as RunTiming;
  const bestOf = counts.map(() => ({ sec: Number.POSITIVE_INFINITY, serial: 0, merge: 0 }));
  for (const workers of counts) {
    const result = await pool.run({ scenario, baseDir: file.baseDir, prepared, targets, workers });
    expected ??= JSON.stringify(result.summary);
  }
  for (let round = 0; round < rounds; round++) {
    for (const [k, workers] of counts.entries()) {
      const t0 = performance.now();
      const result = await pool.run({ scenario, baseDir: file.baseDir, prepared, targets, workers, timing });
      const sec = (performance.now() - t0) / 1000;
      if (sec < bestOf[k].sec) bestOf[k] = { sec, serial: serialOf(timing), merge: timing.mergeMs / 1000 };
      if (JSON.stringify(result.summary) !== expected)
        throw new Error(`${workers} workers disagree with the first run`);
    }
  }
  await pool.close();
  const base = bestOf[counts.indexOf(1)]?.sec ?? Number.NaN;
  return counts.map((workers, k) => ({
    workers,
    wallSec: Number(bestOf[k].sec.toFixed(3)),
    speedup: Number((base / bestOf[k].sec).toFixed(2)),
    serialSec: Number(bestOf[k].serial.toFixed(3)),
    serialFraction: Number((bestOf[k].serial / bestOf[k].sec).toFixed(4)),
    mergeSec: Number(bestOf[k].merge.toFixed(3)),
  }));
}

const members = prepared.simulation.members.count;
const steps = prepared.simulation.durationSec / prepared.simulation.dtSec;
const figures = values['curve-only'] ? null : await oneAndTwo();
const curve = values['workers-list']
  ? await scaling(values['workers-list'], figures?.expected ?? null)
  : null;
const { expected: _expected, ...shown } = figures ?? { expected: '' };
console.log(
  JSON.stringify({
    bench: 'run',
    members,
    steps,
    ...shown,
    rounds,
    load: loadavg().map((x) => Number(x.toFixed(2))),
    cores: availableParallelism(),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    ...(curve ? { curve } : {}),
  }),
);
