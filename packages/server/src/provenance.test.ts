/**
 * The server's answers say what produced them: the summary of POST /api/runs, and the stored run's
 * summary, GeoJSON and CSV downloads, each read back here, name the wind's forecast run and the wind
 * file's SHA-256 (computed here independently with node:crypto), the tool and the time of the run.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { toolVersion } from '@balloon-sim/node';
import type { Scenario } from '@balloon-sim/sim-core';
import { hasSharedData, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { openApp } from './testing/apps.js';

/** The forecast run of gfs-0p25-poland/20200804_*.grib2, as the data's README gives it. */
const RUN_MS = Date.UTC(2020, 7, 4, 12);

interface ReadBack {
  runTime: string | null;
  tool: { name: string; version: string };
  members: number;
  scenario: { wind: { paths: string[] } };
  wind: { referenceTimes: string[]; files: { name: string; bytes: number; sha256?: string }[] };
}

describe.skipIf(!hasSharedData)('the server: summaries and stored runs carry their provenance', () => {
  it('POST /api/runs, GET /api/runs/:id, /summary, /geojson and /csv', async () => {
    const windFile = sharedDataPath('gfs-0p25-poland', '20200804_f000.grib2');
    const sha256 = createHash('sha256').update(readFileSync(windFile)).digest('hex');
    const bytes = statSync(windFile).size;
    const app = openApp();
    const doc = (await app.inject('/api/scenarios/grodno-2020-08-04')).json() as Scenario;
    const small: Scenario = {
      ...doc,
      launch: { sites: [doc.launch.sites![0]], times: { start: '2020-08-04T17:00:00Z' } },
      ensemble: { ...doc.ensemble, members: 2 },
      solver: { ...doc.solver, durationSec: 3600 },
    };
    const before = Date.now();
    const posted = await app.inject({ method: 'POST', url: '/api/runs', payload: small });
    const after = Date.now();
    expect(posted.statusCode).toBe(200);
    const { id, summary } = posted.json() as { id: string; summary: { provenance: ReadBack } };

    const check = (p: ReadBack) => {
      expect(p.wind.referenceTimes.map(Date.parse)).toEqual([RUN_MS]);
      expect(p.wind.files).toContainEqual({ name: '20200804_f000.grib2', bytes, sha256 });
      expect(p.tool).toEqual({ name: 'balloon-sim', version: toolVersion() });
      expect(p.members).toBe(2);
      const at = Date.parse(p.runTime ?? '');
      // The time the server accepted the run: between the request and its answer.
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(after);
      // File names only: no path of the server's machine goes to a client.
      expect(p.scenario.wind.paths).toEqual([
        '20200804_f000.grib2',
        '20200804_f006.grib2',
        '20200804_f012.grib2',
      ]);
    };
    check(summary.provenance);
    check((await app.inject(`/api/runs/${id}`)).json().summary.provenance);
    const stored = (await app.inject(`/api/runs/${id}/summary`)).json().provenance;
    check(stored);
    expect(stored).toEqual(summary.provenance);

    const geojson = (await app.inject(`/api/runs/${id}/geojson`)).json();
    expect(geojson.provenance).toEqual(summary.provenance);

    const csv = (await app.inject(`/api/runs/${id}/csv`)).body.split('\n');
    const comments = csv.filter((l) => l.startsWith('# '));
    expect(csv.slice(0, comments.length)).toEqual(comments);
    expect(comments.some((l) => l.includes(`sha256 ${sha256}`))).toBe(true);
    const whole = comments.find((l) => l.startsWith('# provenance {')) ?? '';
    expect(JSON.parse(whole.slice('# provenance '.length))).toEqual(summary.provenance);
    expect(csv[comments.length]).toBe('member,site,launch,ensemble_member,time,lon,lat,alt_m');
  });
});
