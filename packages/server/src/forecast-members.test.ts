/**
 * A run of a wind of several forecast members through the server: the same summary as the library
 * gives (per-member answers and their spread included), on two workers; its CSV names each row's
 * forecast member.
 */
import { resolve } from 'node:path';
import { loadScenarioTargets, runContext } from '@balloon-sim/node';
import { analyticWind, prepareRun, runPrepared, type Scenario } from '@balloon-sim/sim-core';
import { describe, expect, it } from 'vitest';
import { openApp } from './testing/apps.js';
import { StreamClient, startServer } from './testing/client.js';

const REPO = resolve(import.meta.dirname, '../../..');

/** East of Vilnius at 500 m: forecast member A blows west towards EYVI at 10 m/s, B north. */
const doc: Scenario = {
  wind: {
    type: 'ensemble',
    members: [
      { type: 'uniform', uMps: -10, vMps: 0 },
      { type: 'uniform', uMps: 0, vMps: 10 },
    ],
  },
  launch: { sites: [{ id: 'east', lon: 26.0, lat: 54.64 }], times: { start: '2025-10-24T17:00:00Z' } },
  flight: { floatAltitudeM: 500 },
  solver: { durationSec: 3 * 3600 },
  ensemble: { members: 8, seed: 4, perturb: { positionM: 500 } },
};

describe('POST /api/runs with forecast members', () => {
  it('answers per forecast member, as the library does, and its CSV names each row’s member', async () => {
    const a = openApp();
    const response = await a.inject({ method: 'POST', url: '/api/runs?workers=2', payload: doc });
    expect(response.statusCode, response.body).toBe(200);
    const run = response.json();
    const baseDir = resolve(REPO, 'fixtures/scenarios');
    const context = await runContext(doc, baseDir, run.summary.provenance.runTime);
    const expected = runPrepared(prepareRun(doc, analyticWind(doc.wind), context), {
      targets: await loadScenarioTargets(doc, baseDir),
    });
    expect(run.summary).toEqual(JSON.parse(JSON.stringify(expected.summary)));
    const eyvi = run.summary.forecast.zones.find((z: { id: string }) => z.id === 'EYVI-CTR');
    // Every member flying A passes over Vilnius; none flying B comes near it.
    expect(eyvi).toMatchObject({ probabilityMin: 0, probabilityMax: 1, forecastMembers: 2 });
    const csv = (await a.inject(`/api/runs/${run.id}/csv`)).body
      .split('\n')
      .filter((l) => !l.startsWith('# '));
    expect(csv[0]).toBe('member,site,launch,ensemble_member,forecast_member,time,lon,lat,alt_m');
    expect(csv.slice(1, 9).map((l) => l.split(',')[4])).toEqual(['0', '0', '0', '0', '1', '1', '1', '1']);
  });
});

describe('streaming a run of forecast members', () => {
  it("accepted's member layout names each forecast member and its share of a launch's members", async () => {
    const server = await startServer();
    const client = await StreamClient.connect(server.ws);
    try {
      client.send({ type: 'run', scenario: doc, workers: 2 });
      const accepted = await client.json('accepted');
      expect(accepted.layout).toEqual({
        sites: [{ id: 'east' }],
        launchTimesSec: [Date.parse('2025-10-24T17:00:00Z') / 1000],
        membersPerLaunch: 8,
        forecastMembers: [
          { label: '0: uniform wind u=-10 m/s, v=0 m/s', perLaunch: 4 },
          { label: '1: uniform wind u=0 m/s, v=10 m/s', perLaunch: 4 },
        ],
      });
      const summary = (await client.json('summary')) as { summary?: { forecast?: unknown } };
      expect(summary.summary?.forecast).toBeDefined();
      expect((await client.end()).type).toBe('done');
    } finally {
      client.close();
      await server.app.close();
    }
  });
});
