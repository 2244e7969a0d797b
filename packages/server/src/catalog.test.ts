import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';

const REPO = resolve(import.meta.dirname, '../../..');
const SHARED_DATA = resolve(REPO, '../shared/data');
const gfs = (name: string) => resolve(SHARED_DATA, 'gfs-0p25-poland', `${name}.grib2`);

describe('Catalog.windField', () => {
  it.skipIf(!existsSync(SHARED_DATA))(
    'a field loaded with mixedRuns "allow" is not served to the same files without it',
    async () => {
      const catalog = new Catalog({
        fixturesDir: resolve(REPO, 'fixtures'),
        sharedDataDir: SHARED_DATA,
        viewerDir: resolve(REPO, 'no-such-viewer'),
      });
      // Two forecast runs eleven days apart: one wind only when the scenario asks for it.
      const paths = [gfs('20200804_f000'), gfs('20200815_f000')];
      const allowed = await catalog.windField({ type: 'file', paths, mixedRuns: 'allow' });
      expect(allowed.coverage.tMaxSec - allowed.coverage.tMinSec).toBeGreaterThan(10 * 86400);
      await expect(catalog.windField({ type: 'file', paths })).rejects.toThrow(/forecast runs/);
    },
  );
});
