/**
 * Regenerates the fixtures the project writes itself: the illustrative wind and the scenario JSON
 * Schema. Run from the repository root: pnpm fixtures
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Scenario, writeGridJson } from '../../index.js';
import { illustrativeBorderNight } from '../illustrative-wind.js';

const root = resolve(import.meta.dirname ?? '.', '../../../../..');
const wind = illustrativeBorderNight();
const windPath = resolve(root, 'fixtures/wind/illustrative-border-night.json');
writeFileSync(
  windPath,
  `${JSON.stringify(writeGridJson(wind, { description: wind.description, illustrative: true, source: 'balloon-sim illustrativeBorderNight() — made up, not weather' }, 2))}\n`,
);
const schemaPath = resolve(root, 'packages/sim-core/scenario.schema.json');
writeFileSync(schemaPath, `${JSON.stringify(Scenario, null, 2)}\n`);
console.log(`wrote ${windPath}\nwrote ${schemaPath}`);
