import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../testing/shared-data.js';
import { Scenario } from './schema.js';

it('scenario.schema.json is the schema the code validates with (regenerate: pnpm fixtures)', () => {
  const file = JSON.parse(readFileSync(resolve(REPO_ROOT, 'packages/sim-core/scenario.schema.json'), 'utf8'));
  expect(file).toEqual(JSON.parse(JSON.stringify(Scenario)));
});
