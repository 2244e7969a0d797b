/** The scenario the queue tests distribute: the bundled default one, made small. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Scenario } from '@balloon-sim/sim-core';
import { REPO_ROOT } from '@balloon-sim/sim-core/testing';

/** The bundled illustrative wind, by absolute path: a worker in another folder reads the same file. */
export const ILLUSTRATIVE_WIND = resolve(REPO_ROOT, 'fixtures/wind/illustrative-border-night.json');

/**
 * The bundled default scenario (fixtures/scenarios/default.json, its sites and launch hours) made
 * small enough for a machine with 2 busy cores: `members` per launch, `hours` of flight, flown in
 * the wind file `windPath` (by absolute path).
 */
export function smallScenario({
  windPath = ILLUSTRATIVE_WIND,
  members,
  hours,
}: {
  windPath?: string;
  members: number;
  hours: number;
}): Scenario {
  const base = JSON.parse(readFileSync(resolve(REPO_ROOT, 'fixtures/scenarios/default.json'), 'utf8'));
  base.wind.paths = [windPath];
  base.ensemble.members = members;
  base.solver.durationSec = hours * 3600;
  return base;
}
