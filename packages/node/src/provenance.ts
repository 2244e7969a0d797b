/**
 * What the Node side gives a run's provenance that the engine cannot: the time of the run, the
 * tool's name and version, and the files it read besides the wind, each with its SHA-256 (the wind
 * files are hashed as they are read, in load-wind.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BACKTRACK_DEFAULTS,
  type BacktrackOptions,
  InputError,
  type InputFileRef,
  isoTime,
  isoTimeText,
  maxOf,
  type Provenance,
  type ProvenanceContext,
  requestProvenance,
  SCENARIO_DEFAULTS,
  type Scenario,
  type ToolInfo,
} from '@balloon-sim/sim-core';
import { readInput } from './files.js';

/** The package's version, from its package.json: one folder up from both src and dist. */
export function toolVersion(): string {
  const manifest = fileURLToPath(new URL('../package.json', import.meta.url));
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** The command line and server's name in every provenance, with the version of this package. */
export function toolInfo(): ToolInfo {
  return { name: 'balloon-sim', version: toolVersion() };
}

/** SHA-256 of some bytes, as 64 hex digits. */
export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A scenario's zone files, each named by its content (paths relative to `baseDir`). */
export async function inputFiles(scenario: Scenario, baseDir: string): Promise<InputFileRef[]> {
  return Promise.all(
    (scenario.zones?.files ?? []).map(async (name) => {
      const bytes = await readInput(resolve(baseDir, name), 'zone file');
      return { role: 'zones' as const, name, bytes: bytes.length, sha256: sha256Hex(bytes) };
    }),
  );
}

/**
 * The time of a run, ISO 8601 UTC: now, unless SOURCE_DATE_EPOCH (seconds since the epoch, the
 * reproducible-builds convention) fixes it, so that two runs' files compare equal byte for byte.
 */
export function runTime(env: Record<string, string | undefined> = process.env, nowMs = Date.now()): string {
  const fixed = env.SOURCE_DATE_EPOCH;
  if (fixed === undefined || fixed === '') return isoTime(nowMs / 1000);
  if (!/^\d{1,12}$/.test(fixed.trim()))
    throw new InputError(
      `SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01T00:00:00Z, got ${JSON.stringify(fixed)}`,
      'SOURCE_DATE_EPOCH',
      fixed,
    );
  return isoTime(Number(fixed));
}

/** The provenance context of a run on this machine now: time, tool, and the scenario's other files. */
export async function runContext(
  scenario: Scenario,
  baseDir: string,
  time: string = runTime(),
): Promise<ProvenanceContext> {
  return { runTime: time, tool: toolInfo(), inputs: await inputFiles(scenario, baseDir) };
}

/**
 * The provenance of a back-track: what was asked (the options given to sim-core's `backtrack`, its
 * defaults filled in, detection times in ISO 8601, the launch region by name; the wind and callbacks
 * left out), the wind over the
 * span the back-track reaches (from its launch window's start, as the answer's priors give it, to the
 * last detection), its seed and members.
 */
export function backtrackProvenance(
  options: BacktrackOptions,
  answer: { priors: { launchWindow: { start: string } } },
  context: ProvenanceContext = {},
): Provenance {
  const asked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options))
    if (key !== 'wind' && typeof value !== 'function' && value !== undefined) asked[key] = value;
  // A launch region by its name (its polygons and test are the bundled or given file's).
  if (options.region) asked.region = { id: options.region.id, name: options.region.name };
  const members = options.members ?? BACKTRACK_DEFAULTS.members;
  const seed = options.seed ?? SCENARIO_DEFAULTS.seed;
  const ascentRateMps = options.ascentRateMps ?? BACKTRACK_DEFAULTS.ascentRateMps;
  const request = {
    ...asked,
    members,
    seed,
    ascentRateMps,
    detections: options.detections.map((d) => ({ ...d, time: isoTimeText(d.tSec) })),
  };
  const times = options.detections.map((d) => d.tSec);
  const span: [number, number] = [Date.parse(answer.priors.launchWindow.start) / 1000, maxOf(times)];
  return requestProvenance(request, options.wind, span, seed, members, context);
}
