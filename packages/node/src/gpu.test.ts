/**
 * The GPU path on Node, through Dawn's binding, where this machine has one and a GPU: a run of
 * analytic and gridded winds on the GPU against the CPU. Where there is no binding or no adapter
 * (this project's development machines and CI: Dawn finds no Vulkan device there), the tests skip
 * with a line saying why; the browser test (packages/gpu, WebGPU on SwiftShader) carries the proof
 * of correctness everywhere.
 */
import { runPreparedOnGpu } from '@balloon-sim/gpu';
import { distanceM, LinearShearWind, prepareRun, runPrepared } from '@balloon-sim/sim-core';
import { afterAll, describe, expect, it } from 'vitest';
import { openNodeGpu } from './gpu.js';

const gpu = await openNodeGpu();
const unavailable = 'unavailable' in gpu ? gpu.unavailable : null;
if (unavailable) console.log(`Node GPU tests skipped: ${unavailable}`);

describe.skipIf(unavailable !== null)('the GPU path on Node (Dawn)', () => {
  afterAll(() => {
    if (!('unavailable' in gpu)) gpu.device.destroy();
  });

  it('runs an ascent, float and descent as the CPU does', async () => {
    if ('unavailable' in gpu) return;
    const prepared = prepareRun(
      {
        name: 'node gpu',
        wind: { type: 'uniform', uMps: 0, vMps: 0 },
        launch: { sites: [{ id: 'a', lon: 24.5, lat: 54.1 }], times: { start: '2025-10-24T18:00:00Z' } },
        flight: { ascentRateMps: 3, floatAltitudeM: 3500, floatDurationSec: 7200, descentRateMps: 4 },
        solver: { durationSec: 8 * 3600 },
        ensemble: { members: 64, seed: 3, perturb: { positionM: 2000, windSigmaMps: 1 } },
      },
      new LinearShearWind(6, 1, 0.001, -0.0004),
    );
    const cpu = runPrepared(prepared);
    const onGpu = await runPreparedOnGpu(gpu.device, prepared);
    expect(Array.from(onGpu.status)).toEqual(Array.from(cpu.status));
    expect(onGpu.events.map((e) => `${e.member}:${e.kind}`)).toEqual(
      cpu.events.map((e) => `${e.member}:${e.kind}`),
    );
    for (let i = 0; i < cpu.status.length; i++)
      expect(distanceM(cpu.endLon[i], cpu.endLat[i], onGpu.endLon[i], onGpu.endLat[i])).toBeLessThan(5);
  });
});
