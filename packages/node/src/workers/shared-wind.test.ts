import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ForecastEnsemble, OffsetWind, UniformWind, type WindField } from '@balloon-sim/sim-core';
import { REPO_ROOT } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { loadScenarioWind } from '../load-wind.js';
import { describeSharedWind, type SharedWind, sharedWindField } from './shared-wind.js';

const WIND = resolve(REPO_ROOT, 'fixtures/wind/illustrative-border-night.json');

/**
 * Sends a SharedWind to a worker thread, which reports whether its first grid's nodes arrived in a
 * SharedArrayBuffer and writes `mark` into the last node of that grid; the description it got is
 * sent back. A write seen here proves the worker's array is this thread's memory, not a copy.
 */
function throughWorker(
  shared: SharedWind,
  mark: number,
): Promise<{ sharedInWorker: boolean; echo: SharedWind }> {
  const code = `
    const { parentPort } = require('node:worker_threads');
    parentPort.once('message', ({ shared, mark }) => {
      const uv = shared.grids[0].grid.uv;
      const sharedInWorker = uv.buffer instanceof SharedArrayBuffer;
      uv[uv.length - 1] = mark;
      parentPort.postMessage({ sharedInWorker, echo: shared });
    });`;
  const worker = new Worker(code, { eval: true });
  return new Promise((resolvePromise, reject) => {
    worker.once('message', (reply) => {
      void worker.terminate();
      resolvePromise(reply);
    });
    worker.once('error', reject);
    worker.postMessage({ shared, mark });
  });
}

/** u, v of a field at a few points and times over the fixture's box (its night). */
function samples(field: WindField): number[] {
  const out = new Float64Array(2);
  const values: number[] = [];
  const t0 = field.coverage.tMinSec;
  for (const [lon, lat, alt] of [
    [23.9, 53.7, 500],
    [24.6, 53.9, 3000],
    [25.2, 54.4, 6000],
  ])
    for (const dt of [0, 1800, 5400]) {
      field.sample(lon, lat, alt, t0 + dt, out);
      values.push(out[0], out[1]);
    }
  return values;
}

describe('shared winds', () => {
  it('a worker gets the grid in the same SharedArrayBuffer: what it writes, this thread reads', async () => {
    // Loaded apart, so that the write below touches no other test's wind.
    const wind = await loadScenarioWind({ type: 'file', paths: [WIND] }, REPO_ROOT);
    const shared = describeSharedWind(wind)!;
    const uv = shared.grids[0].grid.uv;
    expect(uv.buffer).toBeInstanceOf(SharedArrayBuffer);
    const { sharedInWorker, echo } = await throughWorker(shared, 1234.5);
    expect(sharedInWorker).toBe(true);
    expect(uv[uv.length - 1]).toBe(1234.5);
    // Built from what the worker sent back, the field reads that same memory.
    const again = sharedWindField(echo) as ReturnType<typeof sharedWindField> & {
      gridNodes(): { uv: Float32Array };
    };
    expect(again.gridNodes().uv.buffer).toBeInstanceOf(SharedArrayBuffer);
    uv[0] = -42;
    expect(again.gridNodes().uv[0]).toBe(-42);
  });

  it('rebuilds grid offsets and forecast members over one grid each, sampling as the wind described', async () => {
    const wind = await loadScenarioWind(
      {
        type: 'ensemble',
        members: [
          { type: 'file', paths: [WIND], gridOffset: true },
          { type: 'file', paths: [WIND] },
        ],
        weights: [1, 2],
      },
      REPO_ROOT,
    );
    const shared = describeSharedWind(wind)!;
    // The offset members share the first file's grid; the second is a grid of its own.
    expect(shared.grids).toHaveLength(2);
    // Described once per field: a pool running this wind again sends the same id.
    expect(describeSharedWind(wind)).toBe(shared);
    const { echo } = await throughWorker(shared, shared.grids[0].grid.uv.at(-1)!);
    const again = sharedWindField(echo) as ForecastEnsemble;
    const original = wind as ForecastEnsemble;
    expect(again).toBeInstanceOf(ForecastEnsemble);
    expect(again.members.map((m) => [m.label, m.weight])).toEqual(
      original.members.map((m) => [m.label, m.weight]),
    );
    expect([again.coverage, again.description, again.warnings, again.source]).toEqual([
      original.coverage,
      original.description,
      original.warnings,
      original.source,
    ]);
    const offsets = again.members.slice(0, 27).map((m) => m.field);
    expect(offsets.filter((f) => f instanceof OffsetWind)).toHaveLength(26);
    expect(new Set(offsets.map((f) => (f instanceof OffsetWind ? f.base : f))).size).toBe(1);
    again.members.forEach((m, k) => {
      expect(samples(m.field), m.label).toEqual(samples(original.members[k].field));
    });
  });

  it('an analytic wind is not described: a worker makes it again from the scenario', () => {
    expect(describeSharedWind(new UniformWind(3, 4))).toBeNull();
  });
});
