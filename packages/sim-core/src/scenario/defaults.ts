import type { SolverMethod } from '../solver/simulation.js';

/**
 * Defaults of optional scenario fields: the one definition, read by scenario preparation and by
 * back-tracking (analysis/backtrack.ts), whose simulations use the same solver, step, seed, wind-error
 * correlation and ground when the caller leaves them out.
 */
export const SCENARIO_DEFAULTS = Object.freeze({
  method: 'rk4' as SolverMethod,
  dtSec: 60,
  direction: 'forward' as const,
  outputIntervalSec: 600,
  members: 1,
  seed: 1,
  windCorrelationSec: 3600,
  groundElevationM: 0,
});
