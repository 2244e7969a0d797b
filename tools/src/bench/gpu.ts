/**
 * drift-bench on the GPU path (@balloon-sim/gpu) through Dawn's Node binding: the workload of
 * ../shared/bench/WORKLOAD.md (v1 altitude levels, or v2 pressure levels with --grid pressure) for
 * each member count asked, RK4, dt = 60 s, 720 steps, float32 on the GPU. Prints one JSON line per
 * count: particle-steps/s (the kernel's dispatch and the read-back of the end states, not the upload),
 * the check values (mean end lon/lat, members still active) and the agreement with the CPU path on
 * the first --cpu-check members (largest end distance, m).
 *
 * Needs the `webgpu` package (WEBGPU_MODULE names it where it is not installed beside the tools) and a
 * GPU adapter (WEBGPU_OPTIONS: Dawn's options, e.g. backend=vulkan). Without one it prints why, as JSON,
 * and exits 3.
 * Usage: node tools/dist/bench/gpu.js [--members 100000,1000000] [--steps 720] [--grid altitude|pressure]
 *        [--cpu-check 2000] [--rounds 2]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { GpuSimulation } from '@balloon-sim/gpu';
// The loader alone (not the package's index): the bench loads no decoder, so the device pack can
// leave the decoders' wasm out (tools/device/pack-gpu.sh).
import { openNodeGpu } from '@balloon-sim/node/gpu';
import { distanceM, MemberStatus, Simulation } from '@balloon-sim/sim-core';
import { driftBenchOptions, driftBenchWind } from './drift-bench-workload.js';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '100000' },
    steps: { type: 'string', default: '720' },
    grid: { type: 'string', default: 'altitude' },
    'cpu-check': { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '2' },
  },
});
const counts = values.members.split(',').map(Number);
const steps = Number(values.steps);
const cpuCheck = Number(values['cpu-check']);
const rounds = Number(values.rounds);
for (const [name, v] of [
  ['--members', counts],
  ['--steps', [steps]],
  ['--cpu-check', [cpuCheck]],
  ['--rounds', [rounds]],
] as const)
  if (!v.every((x) => Number.isInteger(x) && x >= (name === '--cpu-check' ? 0 : 1))) {
    console.error(`${name} must be whole numbers, got ${JSON.stringify(values)}`);
    process.exit(2);
  }
if (values.grid !== 'altitude' && values.grid !== 'pressure') {
  console.error(`--grid must be altitude or pressure, got ${JSON.stringify(values.grid)}`);
  process.exit(2);
}
const pressureGrid = values.grid === 'pressure';

const gpu = await openNodeGpu();
if ('unavailable' in gpu) {
  console.log(JSON.stringify({ bench: 'drift-bench-gpu', error: gpu.unavailable }));
  process.exit(3);
}
const wind = driftBenchWind(values.grid);
const checkOptions = driftBenchOptions(wind, Math.min(cpuCheck, Math.max(...counts)), steps);
const cpu = new Simulation(checkOptions);
while (!cpu.done) cpu.step();

for (const count of counts) {
  const opts = driftBenchOptions(wind, count, steps);
  let best = Number.POSITIVE_INFINITY;
  let end: Awaited<ReturnType<GpuSimulation['endState']>> | null = null;
  let slices = 0;
  for (let r = 0; r < rounds; r++) {
    const sim = await GpuSimulation.create(gpu.device, opts);
    slices = sim.sliceCount;
    await sim.init(false);
    const t0 = performance.now();
    while (!sim.done) await sim.advance(steps);
    end = await sim.endState();
    best = Math.min(best, (performance.now() - t0) / 1000);
    sim.destroy();
  }
  const e = end!;
  let sumLon = 0;
  let sumLat = 0;
  let active = 0;
  for (let p = 0; p < count; p++) {
    sumLon += e.lon[p];
    sumLat += e.lat[p];
    if (e.status[p] === MemberStatus.active) active++;
  }
  let maxDiffM = 0;
  const checked = Math.min(count, cpu.count);
  for (let p = 0; p < checked; p++)
    maxDiffM = Math.max(maxDiffM, distanceM(cpu.lon[p], cpu.lat[p], e.lon[p], e.lat[p]));
  console.log(
    JSON.stringify({
      bench: pressureGrid ? 'drift-bench-v2-gpu' : 'drift-bench-v1-gpu',
      adapter: gpu.adapter,
      members: count,
      steps,
      slices,
      seconds: Number(best.toFixed(4)),
      particleStepsPerSec: Math.round((count * steps) / best),
      active,
      meanLon: Number((sumLon / count).toFixed(9)),
      meanLat: Number((sumLat / count).toFixed(9)),
      cpuCheckedMembers: checked,
      maxEndDiffVsCpuM: Number(maxDiffM.toFixed(3)),
    }),
  );
}
gpu.device.destroy();
