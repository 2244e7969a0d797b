import { type AnalysisEvent, type AnalysisTargets, RunObserver } from '../analysis/observer.js';
import { type RunSummary, summarizeRun } from '../analysis/summary.js';
import { type Frame, Simulation } from '../solver/simulation.js';
import type { SimEvent } from '../solver/status.js';
import type { PreparedRun } from './prepare.js';

/** Everything a finished run produced. Positions in degrees and m AMSL, times in s since the epoch. */
export interface RunResult {
  prepared: PreparedRun;
  /** Track frames every output interval (and at the end): lon, lat, alt per member, NaN when not flying. */
  frames: Frame[];
  /** Every event of every member, in the order they happened within each step. */
  events: SimEvent[];
  /** Per member: end status code (see STATUS_NAMES), final position and the time it ended (NaN: flying). */
  status: Uint8Array;
  endLon: Float64Array;
  endLat: Float64Array;
  endAltM: Float64Array;
  endTSec: Float64Array;
  /** Per-member analysis: border crossings, zone entries and exits, closest approaches. */
  observer: RunObserver;
  /** Border crossings and zone entries/exits, in the order found. */
  analysisEvents: AnalysisEvent[];
  summary: RunSummary;
}

export interface RunHooks {
  /** Zones and border to analyse against; without them the run reports no zones. */
  targets?: AnalysisTargets;
  /** Called with analysis events (border crossings, zone entries and exits) as they are found. */
  onAnalysisEvents?: (events: AnalysisEvent[]) => void;
  /** Called with each frame as the run advances (before it is stored). */
  onFrame?: (frame: Frame) => void;
  /** Called with the events of each output interval. */
  onEvents?: (events: SimEvent[]) => void;
  /** Keep frames in the result (default true); large runs that stream can turn this off. */
  keepFrames?: boolean;
}

/**
 * Runs a prepared scenario, yielding after each output frame the fraction of the run done (0..1),
 * and returning the result. Callers that must stay responsive (a command line watching for Ctrl-C,
 * a server) drive it and pause between frames; `runPrepared` drives it to the end at once.
 */
export function* runSteps(prepared: PreparedRun, hooks: RunHooks = {}): Generator<number, RunResult, void> {
  const { result, runEndSec } = yield* runUnsummarized(prepared, hooks);
  return { ...result, summary: summarizeRun(result, runEndSec) };
}

/** A run's result before its summary, and the time the run reached. */
export interface UnsummarizedRun {
  result: Omit<RunResult, 'summary'>;
  runEndSec: number;
}

/**
 * runSteps without the summary at the end: what a worker running part of a run needs (the part's
 * own summary would be thrown away, and costs as much as a good share of the part's simulation).
 */
export function* runUnsummarized(
  prepared: PreparedRun,
  hooks: RunHooks = {},
): Generator<number, UnsummarizedRun, void> {
  const sim = new Simulation(prepared.simulation);
  const observer = new RunObserver(hooks.targets ?? { zones: [] }, prepared.simulation.members);
  const frames: Frame[] = [];
  const events: SimEvent[] = [];
  const analysisEvents: AnalysisEvent[] = [];
  const keep = hooks.keepFrames ?? true;
  // Events carry each member's index in the whole run, and come in time order (then member order),
  // so a run split into parts reports exactly what the whole run does.
  const ids = prepared.simulation.memberIds;
  const ordered = <E extends { member: number; tSec: number }>(list: E[]): E[] => {
    if (ids) for (const e of list) e.member = ids[e.member];
    return list.sort(byTimeThenMember);
  };
  const onFrame = (frame: Frame) => {
    const fresh = ordered(sim.drainEvents());
    if (fresh.length > 0) {
      for (const e of fresh) events.push(e);
      hooks.onEvents?.(fresh);
    }
    const found = ordered(observer.drainEvents());
    if (found.length > 0) {
      for (const e of found) analysisEvents.push(e);
      hooks.onAnalysisEvents?.(found);
    }
    hooks.onFrame?.(frame);
    if (keep) frames.push(frame);
  };
  onFrame(sim.frame());
  while (!sim.done) {
    sim.step();
    observer.observe(sim);
    if (sim.stepsTaken % prepared.outputEverySteps === 0 || sim.done) {
      onFrame(sim.frame());
      yield sim.done ? 1 : sim.stepsTaken / sim.stepCount;
    }
  }
  const result: Omit<RunResult, 'summary'> = {
    prepared,
    frames,
    events,
    status: Uint8Array.from(sim.status),
    endLon: Float64Array.from(sim.lon),
    endLat: Float64Array.from(sim.lat),
    endAltM: Float64Array.from(sim.altM),
    endTSec: Float64Array.from(sim.endTSec),
    observer,
    analysisEvents,
  };
  return { result, runEndSec: sim.tSec };
}

/** Order of events: by time, then member (the order within one step is otherwise arbitrary). */
export const byTimeThenMember = (a: { tSec: number; member: number }, b: { tSec: number; member: number }) =>
  a.tSec - b.tSec || a.member - b.member;

/** Runs a prepared scenario to the end. */
export function runPrepared(prepared: PreparedRun, hooks: RunHooks = {}): RunResult {
  const steps = runSteps(prepared, hooks);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
