import { dirname, resolve } from 'node:path';
import type { Scenario } from '@balloon-sim/sim-core';
import { InputError, polygonsFromGeoJson, validateScenario, withAreaSites } from '@balloon-sim/sim-core';
import { parseJson, readInput } from './files.js';
import { BUNDLED_GEOGRAPHY_DIR } from './geography.js';

/** A scenario file, validated, its launch area sampled into sites, with the folder its paths resolve against. */
export interface ScenarioFile {
  path: string;
  baseDir: string;
  scenario: Scenario;
}

/** The name `-` in place of a scenario file: read standard input. */
export const STANDARD_INPUT = '-';

/**
 * Reads and validates a scenario file; a launch area becomes sampled sites. `-` reads standard
 * input, and its relative paths (wind, zones, launch area) then resolve against the current folder.
 * `signal` stops the reading (Ctrl-C while a terminal or a pipe has not sent everything yet).
 */
export async function readScenarioFile(path: string, signal?: AbortSignal): Promise<ScenarioFile> {
  const fromStdin = path === STANDARD_INPUT;
  const text = fromStdin
    ? await readStandardInput(signal)
    : (await readInput(path, 'scenario file')).toString('utf8');
  // A file that was still being read (a named pipe) when the signal came.
  signal?.throwIfAborted();
  const baseDir = fromStdin ? process.cwd() : dirname(resolve(path));
  const scenario = validateScenario(parseJson(text, fromStdin ? 'standard input' : path));
  return { path, baseDir, scenario: await resolveLaunchArea(scenario, baseDir) };
}

/** All of standard input as text; rejects with the abort reason when `signal` fires first. */
function readStandardInput(signal?: AbortSignal): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY)
    process.stderr.write('balloon-sim: reading the scenario from standard input (end with Ctrl-D)\n');
  return new Promise<string>((resolveText, reject) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => chunks.push(chunk);
    const settle = (error: unknown, text?: string) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
      // Nothing more is wanted from it: let the process end without waiting for its end.
      stdin.pause();
      if (error === undefined) resolveText(text ?? '');
      else {
        stdin.destroy();
        reject(error);
      }
    };
    const onEnd = () => settle(undefined, Buffer.concat(chunks).toString('utf8'));
    const onError = (error: Error) =>
      settle(new InputError(`standard input cannot be read (${error.message})`, 'scenario', STANDARD_INPUT));
    const onAbort = () => settle(signal?.reason);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.once('error', onError);
  });
}

/** Samples a scenario's launch area (its GeoJSON file, or the bundled Belarusian border strip) into sites. */
export async function resolveLaunchArea(scenario: Scenario, baseDir: string): Promise<Scenario> {
  const area = scenario.launch.area;
  if (!area) return scenario;
  const file = area.file ? resolve(baseDir, area.file) : resolve(BUNDLED_GEOGRAPHY_DIR, 'launch-strip.json');
  const polygons = polygonsFromGeoJson(
    parseJson((await readInput(file, 'launch area file')).toString('utf8'), file),
    file,
  );
  return withAreaSites(scenario, polygons, area.file ? 'area' : 'strip');
}
