/**
 * QueueRunner (a run streamed back through Redis from the queue's workers) against node's
 * WorkerPool on this machine: the same frames, in the same order, bit for bit, the same events per
 * frame and the same summary; a cancelled run stops and the workers serve the next one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioTargets, loadScenarioWind, readScenarioFile, WorkerPool } from '@balloon-sim/node';
import type { AnalysisEvent, Frame, SimEvent } from '@balloon-sim/sim-core';
import { prepareRun } from '@balloon-sim/sim-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueRunner } from './runner.js';
import { redisSkipReason, smallScenario, startRedis, type TestRedis } from './testing/index.js';
import { QueueWorker } from './worker.js';

const TEST_TIMEOUT_MS = 180_000;
const skip = redisSkipReason();

describe.skipIf(skip !== null)('a run streamed from the queue', () => {
  let redis: TestRedis;
  let dir: string;
  let workers: QueueWorker[] = [];
  let runner: QueueRunner;
  let inputs: Awaited<ReturnType<typeof load>>;

  async function load() {
    const file = await readScenarioFile(join(dir, 'run.json'));
    const wind = await loadScenarioWind(file.scenario.wind, file.baseDir);
    const targets = await loadScenarioTargets(file.scenario, file.baseDir);
    return { file, wind, targets };
  }

  const options = () => ({
    scenario: inputs.file.scenario,
    baseDir: inputs.file.baseDir,
    prepared: prepareRun(inputs.file.scenario, inputs.wind),
    targets: inputs.targets,
    workers: 3,
    keepFrames: true,
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'balloon-sim-runner-'));
    writeFileSync(join(dir, 'run.json'), JSON.stringify(smallScenario({ members: 10, hours: 4 })));
    inputs = await load();
    redis = await startRedis();
    const config = { redisUrl: redis.url, queueName: 'stream' };
    workers = await Promise.all(
      ['a', 'b'].map((name) => QueueWorker.start({ config, threads: 1, cacheDir: join(dir, 'cache'), name })),
    );
    runner = await QueueRunner.open(config, { window: 4 });
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await runner?.close();
    await Promise.all(workers.map((w) => w.close(true)));
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What a run hands on, in order: each frame with the events handed on before it. */
  function recorder() {
    const seen: { tSec: number; bytes: Buffer; events: string }[] = [];
    let events: (SimEvent | AnalysisEvent)[] = [];
    return {
      seen,
      onEvents: (found: SimEvent[]) => {
        events.push(...found);
      },
      onAnalysisEvents: (found: AnalysisEvent[]) => {
        events.push(...found);
      },
      onFrame: (frame: Frame) => {
        seen.push({
          tSec: frame.tSec,
          bytes: Buffer.from(frame.positions.buffer, frame.positions.byteOffset, frame.positions.byteLength),
          events: JSON.stringify(events),
        });
        events = [];
      },
    };
  }

  it(
    'hands on the frames, events and result of the local pool, bit for bit',
    async () => {
      const pool = new WorkerPool(2);
      const local = recorder();
      let localResult: Awaited<ReturnType<WorkerPool['run']>>;
      try {
        localResult = await pool.run({ ...options(), workers: 2, ...local });
      } finally {
        await pool.close();
      }
      const queued = recorder();
      const result = await runner.run({ ...options(), ...queued });
      expect(queued.seen.length).toBe(local.seen.length);
      expect(queued.seen.length).toBeGreaterThan(10);
      queued.seen.forEach((frame, k) => {
        expect(frame.tSec).toBe(local.seen[k].tSec);
        expect(frame.bytes.equals(local.seen[k].bytes), `frame ${k}`).toBe(true);
        expect(frame.events).toBe(local.seen[k].events);
      });
      expect(JSON.stringify(result.summary)).toBe(JSON.stringify(localResult.summary));
      expect(result.frames.length).toBe(localResult.frames.length);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a cancelled run stops with its reason; the workers then serve the next run',
    async () => {
      const controller = new AbortController();
      const reason = new Error('client went away');
      const cancelled = runner.run({
        ...options(),
        signal: controller.signal,
        onFrame: () => controller.abort(reason),
      });
      await expect(cancelled).rejects.toBe(reason);
      const next = await runner.run({ ...options(), workers: 2 });
      expect(next.summary.members).toBe(options().prepared.simulation.members.count);
    },
    TEST_TIMEOUT_MS,
  );
});
