/// <reference types="@webgpu/types" />
/**
 * A prepared scenario run on the GPU, with the result the CPU's runSteps gives (sim-core
 * scenario/run.ts): frames every output interval, the events in the same order, each member's end,
 * the analysis (RunObserver) and the summary. The observer needs each member's position after every
 * step (it locates zone and border crossings on each step's segment), so when the run has zones or a
 * border the kernel writes positions after every step and the observer reads them here, step by step,
 * as it reads a Simulation; without them only the frames come back.
 */
import {
  type AnalysisEvent,
  byTimeThenMember,
  type Frame,
  type PreparedRun,
  type RunHooks,
  RunObserver,
  type RunResult,
  type SimEvent,
  summarizeRun,
} from '@balloon-sim/sim-core';
import { STATUS } from './layout.js';
import { GpuSimulation, type GpuSimulationConfig, Record } from './simulation.js';
import { windUnsupported } from './wind-data.js';

export interface GpuRunHooks extends RunHooks, GpuSimulationConfig {
  /** Called after each output frame with the fraction of the run done (0..1). */
  onProgress?: (fraction: number) => void;
  /** Stops the run between output frames (the promise rejects with the signal's reason): an AbortSignal. */
  signal?: { readonly aborted: boolean; readonly reason?: unknown };
}

/** Why the GPU path cannot run a prepared scenario (the caller then runs it on the CPU), or null. */
export function gpuUnsupported(prepared: PreparedRun): string | null {
  return windUnsupported(prepared.wind);
}

/** Kinds that end a member's flight: their time is its end time. */
const END_KINDS = new Set(['landing', 'left-domain', 'wind-ended', 'launch-point', 'non-finite']);

/**
 * Runs a prepared scenario on `device` (a GPUDevice: a page's navigator.gpu, or Dawn's in Node) and
 * returns what runPrepared returns. Throws GpuUnsupportedError when the kernel cannot run it.
 */
export async function runPreparedOnGpu(
  device: GPUDevice,
  prepared: PreparedRun,
  hooks: GpuRunHooks = {},
): Promise<RunResult> {
  const sim = await GpuSimulation.create(device, prepared.simulation, hooks);
  try {
    return await drive(sim, prepared, hooks);
  } finally {
    sim.destroy();
  }
}

async function drive(sim: GpuSimulation, prepared: PreparedRun, hooks: GpuRunHooks): Promise<RunResult> {
  const targets = hooks.targets ?? { zones: [] };
  const members = prepared.simulation.members;
  const observer = new RunObserver(targets, members);
  const observe = targets.zones.length > 0 || targets.origin !== undefined || targets.home !== undefined;
  const keep = hooks.keepFrames ?? true;
  const wantFrames = keep || hooks.onFrame !== undefined;
  const frames: Frame[] = [];
  const events: SimEvent[] = [];
  const analysisEvents: AnalysisEvent[] = [];
  const ids = prepared.simulation.memberIds;
  const ordered = <E extends { member: number; tSec: number }>(list: E[]): E[] => {
    if (ids) for (const e of list) e.member = ids[e.member];
    return list.sort(byTimeThenMember);
  };
  const n = sim.count;
  // What the observer reads after each step, filled from the step's positions.
  const view = {
    tSec: sim.tSec,
    status: new Uint8Array(n),
    lon: new Float64Array(n),
    lat: new Float64Array(n),
    altM: new Float64Array(n),
    endTSec: new Float64Array(n).fill(Number.NaN),
  };
  let pending: SimEvent[] = [];
  const take = (found: SimEvent[]) => {
    for (const e of found) {
      if (END_KINDS.has(e.kind)) view.endTSec[e.member] = e.tSec;
      pending.push(e);
    }
  };
  const onFrame = (record: Float32Array | undefined) => {
    const fresh = ordered(pending);
    pending = [];
    if (fresh.length > 0) {
      for (const e of fresh) events.push(e);
      hooks.onEvents?.(fresh);
    }
    const found = ordered(observer.drainEvents());
    if (found.length > 0) {
      for (const e of found) analysisEvents.push(e);
      hooks.onAnalysisEvents?.(found);
    }
    if (!record) return;
    const frame = frameOf(record, sim.tSec);
    hooks.onFrame?.(frame);
    if (keep) frames.push(frame);
  };

  const first = await sim.init(wantFrames);
  take(first.events);
  onFrame(first.records[0]);
  const every = prepared.outputEverySteps;
  const mode = observe ? Record.everyStep : wantFrames ? Record.last : Record.none;
  while (!sim.done) {
    if (hooks.signal?.aborted) throw hooks.signal.reason;
    const before = sim.stepsTaken;
    const out = await sim.advance(every - (before % every), mode);
    take(out.events);
    if (observe) {
      for (let r = 0; r < out.records.length; r++) {
        fill(view, out.records[r]);
        view.tSec = sim.tSecAfter(before + r + 1);
        observer.observe(view);
      }
    }
    if (sim.stepsTaken % every === 0 || sim.done) {
      onFrame(out.records.at(-1));
      hooks.onProgress?.(sim.done ? 1 : sim.stepsTaken / sim.stepCount);
    }
  }
  const end = await sim.endState();
  const result: Omit<RunResult, 'summary'> = {
    prepared,
    frames,
    events,
    status: end.status,
    endLon: end.lon,
    endLat: end.lat,
    endAltM: end.altM,
    endTSec: end.endTSec,
    observer,
    analysisEvents,
  };
  return { ...result, summary: summarizeRun(result, sim.tSec) };
}

/** The observer's view of a step from its positions (lon, lat, alt, status per member). */
function fill(
  view: { status: Uint8Array; lon: Float64Array; lat: Float64Array; altM: Float64Array },
  record: Float32Array,
): void {
  const n = view.status.length;
  for (let i = 0; i < n; i++) {
    view.lon[i] = record[4 * i];
    view.lat[i] = record[4 * i + 1];
    view.altM[i] = record[4 * i + 2];
    view.status[i] = record[4 * i + 3];
  }
}

/** A frame from positions: NaN for members not flying, as MemberState.frame writes it. */
function frameOf(record: Float32Array, tSec: number): Frame {
  const n = record.length / 4;
  const positions = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const flying = record[4 * i + 3] === STATUS.active;
    positions[3 * i] = flying ? record[4 * i] : Number.NaN;
    positions[3 * i + 1] = flying ? record[4 * i + 1] : Number.NaN;
    positions[3 * i + 2] = flying ? record[4 * i + 2] : Number.NaN;
  }
  return { tSec, positions };
}
