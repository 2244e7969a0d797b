import { type RunSummary, summarizeRun } from '../analysis/summary.js';
import { type Frame, Simulation } from '../solver/simulation.js';
import { type SimEvent, STATUS_NAMES } from '../solver/status.js';
import type { WindField } from '../wind/wind-field.js';
import { type PreparedRun, prepareRun } from './prepare.js';
import { validateScenario } from './validate.js';
import { analyticWind } from './wind-source.js';

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
  summary: RunSummary;
}

export interface RunHooks {
  /** Called with each frame as the run advances (before it is stored). */
  onFrame?: (frame: Frame) => void;
  /** Called with the events of each output interval. */
  onEvents?: (events: SimEvent[]) => void;
  /** Keep frames in the result (default true); large runs that stream can turn this off. */
  keepFrames?: boolean;
}

/** Runs a prepared scenario to the end. */
export function runPrepared(prepared: PreparedRun, hooks: RunHooks = {}): RunResult {
  const sim = new Simulation(prepared.simulation);
  const frames: Frame[] = [];
  const events: SimEvent[] = [];
  const keep = hooks.keepFrames ?? true;
  sim.run(prepared.outputEverySteps, (frame) => {
    const fresh = sim.drainEvents();
    if (fresh.length > 0) {
      for (const e of fresh) events.push(e);
      hooks.onEvents?.(fresh);
    }
    hooks.onFrame?.(frame);
    if (keep) frames.push(frame);
  });
  const endTSec = Float64Array.from(sim.endTSec);
  const result: Omit<RunResult, 'summary'> = {
    prepared,
    frames,
    events,
    status: Uint8Array.from(sim.status),
    endLon: Float64Array.from(sim.lon),
    endLat: Float64Array.from(sim.lat),
    endAltM: Float64Array.from(sim.altM),
    endTSec,
  };
  return { ...result, summary: summarizeRun(result, sim.tSec) };
}

/**
 * Validates and runs a scenario. Analytic wind sources are built here; for file sources pass the wind
 * field (e.g. from `loadScenarioWind` in `@balloon-sim/sim-core/node`).
 */
export function runScenario(scenario: unknown, options: { wind?: WindField } & RunHooks = {}): RunResult {
  const valid = validateScenario(scenario);
  const wind = options.wind ?? analyticWind(valid.wind);
  return runPrepared(prepareRun(valid, wind), options);
}

/** The status name of each member. */
export function statusNames(result: Pick<RunResult, 'status'>): string[] {
  return Array.from(result.status, (code) => STATUS_NAMES[code]);
}
