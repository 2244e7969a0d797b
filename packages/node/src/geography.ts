import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AnalysisTargets, Scenario } from '@balloon-sim/sim-core';
import {
  analysisTargets,
  appendAll,
  countryAreas,
  parseOpenAir,
  type Zone,
  zonesFromGeoJson,
} from '@balloon-sim/sim-core';
import { parseJson, readInput } from './files.js';

/**
 * The geography the project derives and ships (pnpm fixtures): zones, country outlines, border. An
 * installed package carries a copy in its geo/ folder (made when packed); the repository reads
 * fixtures/geo.
 */
export const BUNDLED_GEOGRAPHY_DIR =
  [resolve(import.meta.dirname, '../geo'), resolve(import.meta.dirname, '../../../fixtures/geo')].find(
    (dir) => existsSync(resolve(dir, 'zones.json')),
  ) ?? resolve(import.meta.dirname, '../../../fixtures/geo');

/** Reads an airspace file: GeoJSON zones, or OpenAir text (by content). */
export async function loadZoneFile(path: string): Promise<Zone[]> {
  const text = (await readInput(path, 'zone file')).toString('utf8');
  return text.trimStart().startsWith('{')
    ? zonesFromGeoJson(parseJson(text, path), path)
    : parseOpenAir(text, path);
}

/**
 * Zones, border and countries of a scenario: its zone files, the bundled zones unless turned off, and
 * every country of the bundled geography (the border runs from BY into LT; landings are counted in
 * each country).
 */
export async function loadScenarioTargets(scenario: Scenario, baseDir: string): Promise<AnalysisTargets> {
  const bundled = scenario.zones?.bundled ?? true;
  const zones: Zone[] = bundled ? await loadZoneFile(resolve(BUNDLED_GEOGRAPHY_DIR, 'zones.json')) : [];
  for (const file of scenario.zones?.files ?? [])
    appendAll(zones, await loadZoneFile(resolve(baseDir, file)));
  const countriesPath = resolve(BUNDLED_GEOGRAPHY_DIR, 'countries.json');
  const countries = countryAreas(
    parseJson((await readInput(countriesPath, 'geography file')).toString('utf8'), countriesPath),
    countriesPath,
  );
  return analysisTargets(zones, countries);
}
