import { type AnalysisEvent, type AnalysisTargets, RunObserver } from '../analysis/observer.js';
import { type RunSummary, summarizeRun } from '../analysis/summary.js';
import { type Frame, Simulation } from '../solver/simulation.js';
import type { SimEvent } from '../solver/status.js';
import { forecastMembersOf } from '../wind/forecast-members.js';
import { type PreparedRun, selectMembers } from './prepare.js';

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
  const targets = hooks.targets ?? { zones: [] };
  const parts = simulationParts(prepared, targets);
  const whole = prepared.simulation.members;
  const frames: Frame[] = [];
  const events: SimEvent[] = [];
  const analysisEvents: AnalysisEvent[] = [];
  const keep = hooks.keepFrames ?? true;
  // Events carry each member's index in the whole run, and come in time order (then member order),
  // so a run split into parts reports exactly what the whole run does.
  const ids = prepared.simulation.memberIds;
  const drained = <E extends { member: number; tSec: number }>(drain: (part: SimulationPart) => E[]): E[] => {
    const list: E[] = [];
    for (const part of parts) {
      const local = part.local;
      for (const e of drain(part)) {
        const i = local ? local[e.member] : e.member;
        e.member = ids ? ids[i] : i;
        list.push(e);
      }
    }
    return list.sort(byTimeThenMember);
  };
  const frameOfParts = (): Frame => {
    if (parts.length === 1 && !parts[0].local) return parts[0].sim.frame();
    const positions = new Float32Array(3 * whole.count).fill(Number.NaN);
    let tSec = Number.NaN;
    for (const { sim, local } of parts) {
      const frame = sim.frame();
      tSec = frame.tSec;
      for (let p = 0; p < local!.length; p++)
        positions.set(frame.positions.subarray(3 * p, 3 * p + 3), 3 * local![p]);
    }
    return { tSec, positions };
  };
  const onFrame = (frame: Frame) => {
    const fresh = drained((part) => part.sim.drainEvents());
    if (fresh.length > 0) {
      for (const e of fresh) events.push(e);
      hooks.onEvents?.(fresh);
    }
    const found = drained((part) => part.observer.drainEvents());
    if (found.length > 0) {
      for (const e of found) analysisEvents.push(e);
      hooks.onAnalysisEvents?.(found);
    }
    hooks.onFrame?.(frame);
    if (keep) frames.push(frame);
  };
  const lead = parts[0].sim;
  onFrame(frameOfParts());
  while (!lead.done) {
    for (const { sim, observer } of parts) {
      sim.step();
      observer.observe(sim);
    }
    if (lead.stepsTaken % prepared.outputEverySteps === 0 || lead.done) {
      onFrame(frameOfParts());
      yield lead.done ? 1 : lead.stepsTaken / lead.stepCount;
    }
  }
  let result: Omit<RunResult, 'summary'>;
  if (parts.length === 1 && !parts[0].local) {
    const { sim, observer } = parts[0];
    result = {
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
  } else {
    const n = whole.count;
    const status = new Uint8Array(n);
    const endLon = new Float64Array(n);
    const endLat = new Float64Array(n);
    const endAltM = new Float64Array(n);
    const endTSec = new Float64Array(n);
    const observer = new RunObserver(targets, whole, parts[0].observer);
    for (const { sim, observer: own, local } of parts) {
      local!.forEach((i, p) => {
        status[i] = sim.status[p];
        endLon[i] = sim.lon[p];
        endLat[i] = sim.lat[p];
        endAltM[i] = sim.altM[p];
        endTSec[i] = sim.endTSec[p];
      });
      observer.absorb(own.records(), local!);
    }
    result = { prepared, frames, events, status, endLon, endLat, endAltM, endTSec, observer, analysisEvents };
  }
  return { result, runEndSec: lead.tSec };
}

/** One simulation of a run: all its members, or (`local`: their indices in the run) one forecast member's. */
interface SimulationPart {
  sim: Simulation;
  observer: RunObserver;
  local: Uint32Array | null;
}

/**
 * The simulations a run steps together: one for a run of one wind; one per forecast member of a
 * wind of several (see wind/forecast-members.ts), each flying that member's trajectory members
 * through its field. A member's flight depends on its own state and wind only, so a group flies as
 * it would in any other part: the groups, like workers' parts, merge bit for bit.
 */
function simulationParts(prepared: PreparedRun, targets: AnalysisTargets): SimulationPart[] {
  const ensemble = forecastMembersOf(prepared.simulation.wind);
  const memberForecast = prepared.memberForecast;
  if (!ensemble || !memberForecast) {
    if (ensemble)
      throw new RangeError(
        "a run of several forecast members needs each member's forecast member (prepareValidRun)",
      );
    return [
      {
        sim: new Simulation(prepared.simulation),
        observer: new RunObserver(targets, prepared.simulation.members),
        local: null,
      },
    ];
  }
  const lists: number[][] = ensemble.fields.map(() => []);
  for (let i = 0; i < memberForecast.length; i++) lists[memberForecast[i]].push(i);
  const parts: SimulationPart[] = [];
  lists.forEach((list, k) => {
    if (list.length === 0) return;
    const local = Uint32Array.from(list);
    const group = selectMembers(prepared, local);
    const simulation = { ...group.simulation, wind: ensemble.fields[k] };
    parts.push({
      sim: new Simulation(simulation),
      observer: new RunObserver(targets, simulation.members, parts[0]?.observer),
      local,
    });
  });
  if (parts.length === 0) {
    // No members at all (an empty part): nothing samples the wind.
    const sim = new Simulation({ ...prepared.simulation, wind: ensemble.fields[0] });
    parts.push({ sim, observer: new RunObserver(targets, prepared.simulation.members), local: null });
  }
  return parts;
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
