import { invalid } from '../errors.js';
import type { WindField } from '../wind/wind-field.js';
import type { MemberSet } from './members.js';
import { SOLVER_METHODS, type SolverMethod } from './tableaus.js';
import type { WindErrorOptions } from './wind-error.js';

export interface SimulationOptions {
  wind: WindField;
  members: MemberSet;
  method: SolverMethod;
  /** Step length (s, > 0); the direction sets its sign. */
  dtSec: number;
  direction: 'forward' | 'backward';
  /** Run length (s, > 0), a whole number of steps. */
  durationSec: number;
  /** Start of the run (s since the Unix epoch); default: the first launch (forward) or last (backward). */
  startSec?: number;
  /** Ground elevation (m AMSL) where the wind field carries no orography. Default 0. */
  groundElevationM?: number;
  /** Stochastic wind error: AR(1) per member and component, σ (m/s) and correlation time (s). */
  windError?: WindErrorOptions;
  /**
   * Each member's index in the whole run, which seeds its random wind error. A run split across
   * workers or shards passes the global indices of its part, so every member draws the same numbers
   * whichever part it runs in. Default: 0, 1, 2…
   */
  memberIds?: Uint32Array;
}

/** What the run's time grid and ground are, from options that passed `checkOptions`. */
export interface CheckedOptions {
  /** +1 forward, −1 backward in time. */
  sign: number;
  stepCount: number;
  groundM: number;
}

/**
 * Checks the step, the duration (a whole number of steps), the method and the ground elevation,
 * throwing an InputError that names the option and the value. The wind error and the members'
 * launch times are checked where they are used (wind-error.ts, the Simulation's constructor).
 */
export function checkOptions(options: SimulationOptions): CheckedOptions {
  const { method, dtSec, durationSec } = options;
  if (!(dtSec > 0 && Number.isFinite(dtSec))) invalid('dtSec', 'must be > 0', dtSec);
  if (!(durationSec > 0 && Number.isFinite(durationSec))) invalid('durationSec', 'must be > 0', durationSec);
  if (!SOLVER_METHODS.includes(method))
    invalid('method', `must be one of ${SOLVER_METHODS.join(', ')}`, method);
  const steps = Math.round(durationSec / dtSec);
  if (Math.abs(steps * dtSec - durationSec) > 1e-9 * durationSec)
    invalid('durationSec', `must be a whole number of steps of ${dtSec} s`, durationSec);
  const groundM = options.groundElevationM ?? 0;
  if (!Number.isFinite(groundM)) invalid('groundElevationM', 'must be a finite number', groundM);
  return { sign: options.direction === 'backward' ? -1 : 1, stepCount: steps, groundM };
}

/** The run's start: the given one, else the first launch (forward) or the last (backward); 0 with no members. */
export function runStartSec(startSec: number | undefined, members: MemberSet, sign: number): number {
  if (startSec !== undefined) return startSec;
  const n = members.count;
  let start = sign > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const t = members.launchTSec[i];
    start = sign > 0 ? Math.min(start, t) : Math.max(start, t);
  }
  if (n === 0) start = 0;
  return start;
}
