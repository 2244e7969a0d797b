import type { WindField } from '../wind/wind-field.js';
import { type PreparedRun, prepareValidRun } from './prepare.js';
import type { ProvenanceContext } from './provenance.js';
import { type RunHooks, type RunResult, runPrepared } from './run.js';
import { validateScenario } from './validate.js';
import { analyticWind } from './wind-source.js';

/**
 * The validating entry points: a scenario document from anywhere (a file, a client, a test) is
 * checked against the schema first. Code that already holds a validated scenario (a worker thread)
 * calls prepareValidRun directly and never loads the schema validator.
 */

/**
 * Validates a scenario against the schema and against its wind field (launches inside the field's
 * coverage, altitudes below its top, a consistent flight profile and step sizes), then builds the
 * members. Throws ScenarioError listing every problem. `context`: the time of the run and the tool,
 * for its provenance (see provenance.ts).
 */
export function prepareRun(doc: unknown, wind: WindField, context?: ProvenanceContext): PreparedRun {
  return prepareValidRun(validateScenario(doc), wind, context);
}

/**
 * Validates and runs a scenario. Analytic wind sources are built here; for file sources pass the wind
 * field (e.g. from `loadScenarioWind` in `@balloon-sim/sim-core/node`).
 */
export function runScenario(
  scenario: unknown,
  options: { wind?: WindField; provenance?: ProvenanceContext } & RunHooks = {},
): RunResult {
  const valid = validateScenario(scenario);
  const wind = options.wind ?? analyticWind(valid.wind);
  return runPrepared(prepareValidRun(valid, wind, options.provenance), options);
}
