import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AnalysisEvent, AnalysisTargets } from '../../analysis/observer.js';
import { InputError } from '../../errors.js';
import { mergeFrames, mergeRunParts, type RunPart } from '../../scenario/merge.js';
import type { PreparedRun } from '../../scenario/prepare.js';
import { byTimeThenMember, type RunResult } from '../../scenario/run.js';
import type { Scenario } from '../../scenario/schema.js';
import type { Frame } from '../../solver/simulation.js';
import type { SimEvent } from '../../solver/status.js';
import type { RunReply, RunRequest } from './protocol.js';

/** The compiled worker script (tests run from the sources, so fall back to the build). */
function workerScript(): string {
  const here = resolve(import.meta.dirname, 'run-worker.js');
  return existsSync(here) ? here : resolve(import.meta.dirname, '../../../dist/node/workers/run-worker.js');
}

/** Default worker count: every core. */
export const defaultWorkers = () => availableParallelism();

export interface ParallelRunOptions {
  scenario: Scenario;
  baseDir: string;
  /** The run prepared in this thread (validated; gives the member count and the time grid). */
  prepared: PreparedRun;
  targets: AnalysisTargets;
  workers: number;
  /** Members to run (global indices, ascending); default all. The result then holds these only. */
  ids?: Uint32Array;
  keepFrames?: boolean;
  onFrame?: (frame: Frame) => void;
  onEvents?: (events: SimEvent[]) => void;
  onAnalysisEvents?: (events: AnalysisEvent[]) => void;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/**
 * Runs a scenario's members on worker threads, each a contiguous share, and merges frames (in time
 * order, as soon as every worker has sent one) and results. The same seed gives the same result for
 * any number of workers. Aborting terminates the workers.
 */
export function runInWorkers(options: ParallelRunOptions): Promise<RunResult> {
  const n = options.prepared.simulation.members.count;
  const all = options.ids ?? Uint32Array.from({ length: n }, (_, i) => i);
  const count = Math.max(1, Math.min(options.workers, all.length || 1));
  const shares = Array.from({ length: count }, (_, w) =>
    all.slice(Math.floor((w * all.length) / count), Math.floor(((w + 1) * all.length) / count)),
  );
  const wantFrames = Boolean(options.onFrame || options.keepFrames);
  return new Promise<RunResult>((resolvePromise, reject) => {
    const workers: Worker[] = [];
    const parts: (RunPart | null)[] = shares.map(() => null);
    const progress = shares.map(() => 0);
    const pending = new Map<
      number,
      { frames: (Extract<RunReply, { type: 'frame' }> | null)[]; arrived: number }
    >();
    const frames: Frame[] = [];
    let nextFrame = 0;
    let settled = false;
    const finish = (error: Error | null, result?: RunResult) => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      options.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolvePromise(result!);
    };
    const onAbort = () =>
      finish(options.signal?.reason instanceof Error ? options.signal.reason : new Error('aborted'));
    options.signal?.addEventListener('abort', onAbort);
    // Frames leave in order, each once every worker has sent it.
    const flush = () => {
      for (;;) {
        const entry = pending.get(nextFrame);
        if (!entry || entry.arrived < shares.length) return;
        pending.delete(nextFrame);
        const replies = entry.frames as Extract<RunReply, { type: 'frame' }>[];
        const frame = mergeFrames(
          n,
          replies.map((r, w) => ({ ids: shares[w], frame: { tSec: r.tSec, positions: r.positions } })),
        );
        const events = replies.flatMap((r) => r.events).sort(byTimeThenMember);
        const analysisEvents = replies.flatMap((r) => r.analysisEvents).sort(byTimeThenMember);
        if (events.length) options.onEvents?.(events);
        if (analysisEvents.length) options.onAnalysisEvents?.(analysisEvents);
        options.onFrame?.(frame);
        if (options.keepFrames) frames.push(frame);
        nextFrame++;
      }
    };
    shares.forEach((ids, w) => {
      const request: RunRequest = {
        scenario: options.scenario,
        baseDir: options.baseDir,
        ids,
        frames: wantFrames,
      };
      const worker = new Worker(workerScript(), { workerData: request });
      workers.push(worker);
      worker.on('message', (reply: RunReply) => {
        if (settled) return;
        switch (reply.type) {
          case 'frame': {
            const entry = pending.get(reply.index) ?? { frames: shares.map(() => null), arrived: 0 };
            entry.frames[w] = reply;
            entry.arrived++;
            pending.set(reply.index, entry);
            flush();
            return;
          }
          case 'progress':
            progress[w] = reply.fraction;
            options.onProgress?.(Math.min(...progress));
            return;
          case 'error':
            finish(reply.input ? new InputError(reply.message) : new Error(`worker ${w}: ${reply.message}`));
            return;
          case 'done':
            parts[w] = reply.part;
            if (parts.every((p) => p !== null)) {
              flush();
              finish(
                null,
                mergeRunParts(options.prepared, options.targets, parts as RunPart[], frames, options.ids),
              );
            }
        }
      });
      worker.on('error', (error) => finish(error));
      worker.on('exit', (code) => {
        if (!settled && parts[w] === null)
          finish(new Error(`worker ${w} stopped (exit code ${code}) before finishing`));
      });
    });
  });
}
