import {
  type AnalysisTargets,
  type PreparedRun,
  prepareRun,
  SCENARIO_DEFAULTS,
  type Scenario,
  ScenarioError,
  validateScenario,
  type WindField,
} from '@balloon-sim/sim-core';
import { resolveLaunchArea } from '@balloon-sim/sim-core/node';
import type { Catalog } from './catalog.js';
import type { Limits } from './options.js';

/** A client's scenario, validated, confined to bundled files, prepared, and within the limits. */
export interface CheckedRun {
  /** Paths absolute, launch area turned into sites: what the workers are given. */
  scenario: Scenario;
  baseDir: string;
  wind: WindField;
  prepared: PreparedRun;
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

/** Members, solver steps and output frames (the launch frame included) of a run. */
interface RunSize {
  members: number;
  steps: number;
  frames: number;
}

/**
 * An upper bound of a run's size from the document alone, to refuse a run too large before
 * `prepareRun` allocates its members (sim-core counts them only while building them).
 */
function roughSize(scenario: Scenario): RunSize {
  const sites = (scenario.launch.sites?.length ?? 0) + (scenario.launch.area?.points ?? 0);
  const { start, end, everySec } = scenario.launch.times;
  const spanSec = end === undefined ? 0 : (Date.parse(end) - Date.parse(start)) / 1000;
  const launches = spanSec > 0 && everySec ? Math.floor(spanSec / everySec) + 1 : 1;
  const members = sites * launches * (scenario.ensemble?.members ?? SCENARIO_DEFAULTS.members);
  const dtSec = scenario.solver.dtSec ?? SCENARIO_DEFAULTS.dtSec;
  const steps = Math.ceil(scenario.solver.durationSec / dtSec);
  const every = Math.max(
    1,
    Math.round((scenario.output?.intervalSec ?? SCENARIO_DEFAULTS.outputIntervalSec) / dtSec),
  );
  return { members, steps, frames: 1 + Math.ceil(steps / every) };
}

/** Refuses a run over maxMembers, maxMemberSteps or maxMemberFrames, naming the limit. */
function checkSize({ members, steps, frames }: RunSize, limits: Limits, about: string): void {
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
  checkSize(roughSize(valid), limits, 'about ');
  const scenario = await resolveLaunchArea(await catalog.confineScenario(valid), catalog.scenariosDir);
  const wind = await catalog.windField(scenario.wind);
  const prepared = prepareRun(scenario, wind);
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
    targets,
    ...size,
    warnings: prepared.warnings,
  };
}
