import { dirname, resolve } from 'node:path';
import { polygonsFromGeoJson } from '../geo/polygons.js';
import { withAreaSites } from '../scenario/launch-area.js';
import type { Scenario } from '../scenario/schema.js';
import { validateScenario } from '../scenario/validate.js';
import { parseJson, readInput } from './files.js';
import { BUNDLED_GEOGRAPHY_DIR } from './geography.js';

/** A scenario file, validated, its launch area sampled into sites, with the folder its paths resolve against. */
export interface ScenarioFile {
  path: string;
  baseDir: string;
  scenario: Scenario;
}

/** Reads and validates a scenario file; a launch area becomes sampled sites. */
export async function readScenarioFile(path: string): Promise<ScenarioFile> {
  const text = (await readInput(path, 'scenario file')).toString('utf8');
  const baseDir = dirname(resolve(path));
  const scenario = validateScenario(parseJson(text, path));
  return { path, baseDir, scenario: await resolveLaunchArea(scenario, baseDir) };
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
