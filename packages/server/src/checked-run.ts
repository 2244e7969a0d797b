import { resolveLaunchArea, runContext } from '@balloon-sim/node';
import {
  type AnalysisTargets,
  type PreparedRun,
  type ProvenanceContext,
  prepareRun,
  type RunSize,
  type Scenario,
  ScenarioError,
  scenarioSize,
  validateScenario,
  type WindField,
} from '@balloon-sim/sim-core';
import type { Catalog } from './catalog.js';
import type { Limits } from './options.js';

/** A client's scenario, validated, confined to bundled files, prepared, and within the limits. */
export interface CheckedRun {
  /** Paths absolute, launch area turned into sites: what the workers are given. */
  scenario: Scenario;
  baseDir: string;
  wind: WindField;
  prepared: PreparedRun;
  /** The time the run was accepted, the tool, the zone files' hashes: for a re-prepared run's provenance. */
  context: ProvenanceContext;
  targets: AnalysisTargets;
  members: number;
  steps: number;
  /** Output frames, the launch frame included. */
  frames: number;
  warnings: string[];
}

/**
 * True when a JSON value nests deeper than `max` arrays/objects. Iterative, so a hostile document of
 * a million brackets cannot overflow the stack here (or in the recursive checks that come after).
 */
export function nestsDeeperThan(doc: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[doc, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Refuses a document nested deeper than the limit, before anything walks it recursively. */
export function checkDepth(doc: unknown, limits: Pick<Limits, 'maxJsonDepth'>): void {
  if (nestsDeeperThan(doc, limits.maxJsonDepth))
    throw new ScenarioError([
      { path: '', message: `nests deeper than this server's limit (maxJsonDepth = ${limits.maxJsonDepth})` },
    ]);
}

/** Refuses a run over maxMembers, maxMemberSteps or maxMemberFrames, naming the limit. */
export function checkSize({ members, steps, frames }: RunSize, limits: Limits, about: string): void {
  const over = (path: string, what: string, limit: keyof Limits) =>
    new ScenarioError([
      {
        path,
        message: `gives ${about}${what}, more than this server's limit (${limit} = ${limits[limit]})`,
      },
    ]);
  if (members > limits.maxMembers) throw over('ensemble.members', `${members} members`, 'maxMembers');
  if (members * steps > limits.maxMemberSteps)
    throw over('ensemble.members', `${members} members × ${steps} steps`, 'maxMemberSteps');
  if (members * frames > limits.maxMemberFrames)
    throw over('output.intervalSec', `${members} members × ${frames} frames`, 'maxMemberFrames');
}

/**
 * Everything a run needs before it starts, done on the main thread: schema, confinement of paths,
 * size limits, the wind field (cached) and sim-core's `prepareRun` (coverage, flight profile).
 * Throws ScenarioError / InputError for the client.
 */
export async function checkRun(doc: unknown, catalog: Catalog, limits: Limits): Promise<CheckedRun> {
  checkDepth(doc, limits);
  const valid = validateScenario(doc);
  checkSize(scenarioSize(valid), limits, 'about ');
  const scenario = await resolveLaunchArea(await catalog.confineScenario(valid), catalog.scenariosDir);
  const wind = await catalog.windField(scenario.wind);
  // The run's provenance records when this server accepted it, and the zone files by their hashes.
  const context = await runContext(scenario, catalog.scenariosDir);
  const prepared = prepareRun(scenario, wind, context);
  const sim = prepared.simulation;
  const size = {
    members: sim.members.count,
    steps: Math.round(sim.durationSec / sim.dtSec),
    frames: 1 + Math.ceil(Math.round(sim.durationSec / sim.dtSec) / prepared.outputEverySteps),
  };
  checkSize(size, limits, '');
  const targets = await catalog.targets(scenario);
  return {
    scenario,
    baseDir: catalog.scenariosDir,
    wind,
    prepared,
    context,
    targets,
    ...size,
    warnings: prepared.warnings,
  };
}
