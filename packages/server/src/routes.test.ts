import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadScenarioTargets, loadScenarioWind, readScenarioFile, runContext } from '@balloon-sim/node';
import { prepareRun, runPrepared, type Scenario } from '@balloon-sim/sim-core';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { openApp } from './testing/apps.js';

const REPO = resolve(import.meta.dirname, '../../..');
const SHARED_DATA = resolve(REPO, '../shared/data');
const hasSharedData = existsSync(SHARED_DATA);

const open = openApp;

/** The default scenario made small: 10 members per site and launch time (120 in all). */
async function smallDefault(a: FastifyInstance): Promise<Scenario> {
  const doc = (await a.inject('/api/scenarios/default')).json() as Scenario;
  return { ...doc, ensemble: { ...doc.ensemble, members: 10 } };
}

describe('health and bundled data', () => {
  it('GET /api/health answers ok with the run and back-track counts', async () => {
    const response = await open().inject('/api/health');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ok',
      runs: { active: 0, queued: 0 },
      backtracks: { active: 0, queued: 0 },
    });
  });

  it('GET / says the viewer is not built when its folder is missing, and points to the API', async () => {
    const response = await open({ viewerDir: resolve(REPO, 'no-such-viewer') }).inject('/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toMatch(/viewer is not built/);
    expect(response.body).toMatch(/\/api\/health/);
  });

  it('GET / serves the viewer folder when it exists', async () => {
    const a = open({ viewerDir: resolve(REPO, 'fixtures/geo') });
    const response = await a.inject('/zones.json');
    expect(response.statusCode).toBe(200);
    expect(response.json().type).toBe('FeatureCollection');
  });

  it('GET /api/scenarios lists the bundled scenario files by id, and /api/scenarios/:id gives each document', async () => {
    const a = open();
    const list = (await a.inject('/api/scenarios')).json() as { id: string; name: string }[];
    expect(list.map((s) => s.id)).toEqual(expect.arrayContaining(['default', 'border-strip']));
    for (const s of list) {
      const response = await a.inject(`/api/scenarios/${s.id}`);
      expect(response.statusCode).toBe(200);
      expect(response.json().name).toBe(s.name);
    }
    const doc = (await a.inject('/api/scenarios/default')).json();
    const file = await readScenarioFile(resolve(REPO, 'fixtures/scenarios/default.json'));
    expect(doc).toEqual(file.scenario);
    expect((await a.inject('/api/scenarios/nope')).statusCode).toBe(404);
  });

  it('GET /api/winds lists the illustrative wind, with the GFS sets when ../shared/data exists', async () => {
    const a = open();
    const winds = (await a.inject('/api/winds')).json() as { id: string; files: string[]; source: unknown }[];
    const illustrative = winds.find((w) => w.id === 'illustrative-border-night');
    expect(illustrative?.files).toEqual(['fixtures/wind/illustrative-border-night.json']);
    expect(illustrative?.source).toEqual({ type: 'file', paths: ['wind:illustrative-border-night'] });
    expect(winds.some((w) => w.id === 'gfs-0p25-20200804')).toBe(hasSharedData);
    const without = buildApp({ sharedDataDir: resolve(REPO, 'no-such-data') });
    try {
      const ids = ((await without.inject('/api/winds')).json() as { id: string }[]).map((w) => w.id);
      expect(ids).toEqual(['illustrative-border-night']);
    } finally {
      await without.close();
    }
  });

  it('GET /api/winds/:id describes coverage, levels and times', async () => {
    const meta = (await open().inject('/api/winds/illustrative-border-night')).json();
    expect(meta.description).toMatch(/ILLUSTRATIVE/);
    expect(meta.coverage).toMatchObject({ lonMin: 19, lonMax: 29, latMin: 52, latMax: 58 });
    expect(meta.levels.kind).toBe('altitude');
    expect(meta.levels.values).toContain(3000);
    expect(meta.times[0]).toBe('2025-10-24T12:00:00.000Z');
    expect(meta.grid).toEqual({ lon0: 19, lat0: 52, dLon: 0.5, dLat: 0.5, nx: 21, ny: 13 });
  });

  it('GET /api/winds/:id/grid down-samples u and v at an altitude or a pressure level', async () => {
    const a = open();
    const response = await a.inject('/api/winds/illustrative-border-night/grid?alt=3000&stride=2');
    expect(response.statusCode).toBe(200);
    const grid = response.json();
    expect(grid).toMatchObject({ lon0: 19, lat0: 52, dLon: 1, dLat: 1, nx: 11, ny: 7 });
    expect(grid.u).toHaveLength(77);
    expect(grid.v).toHaveLength(77);
    // Node values: the field's own sample at a node, rounded to 0.01 m/s.
    const wind = await loadScenarioWind(
      { type: 'file', paths: [resolve(REPO, 'fixtures/wind/illustrative-border-night.json')] },
      REPO,
    );
    const out = new Float64Array(2);
    wind.sample(19 + 2 * 1, 52 + 3 * 1, 3000, Date.parse('2025-10-24T12:00:00Z') / 1000, out);
    expect(grid.u[3 * 11 + 2]).toBeCloseTo(out[0], 2);
    expect(grid.v[3 * 11 + 2]).toBeCloseTo(out[1], 2);
    const level = await a.inject(
      '/api/winds/illustrative-border-night/grid?level=700&time=2025-10-24T18:00:00Z&stride=4',
    );
    expect(level.statusCode).toBe(200);
    expect(level.json()).toMatchObject({ level: 700, time: '2025-10-24T18:00:00.000Z', nx: 6, ny: 4 });
    for (const bad of [
      '?stride=2',
      '?alt=3000&level=700',
      '?alt=3000&time=1999-01-01T00:00:00Z',
      '?alt=abc',
      '?alt=3000&stride=0',
      '?alt=3000&extra=1',
    ]) {
      const r = await a.inject(`/api/winds/illustrative-border-night/grid${bad}`);
      expect(r.statusCode, bad).toBe(400);
      expect(r.json().error, bad).toBeTypeOf('string');
    }
  });

  it.skipIf(!hasSharedData)('GET /api/winds/:id/grid gives a GFS field on a pressure level', async () => {
    const response = await open().inject('/api/winds/gfs-0p25-20200804/grid?level=850&stride=4');
    expect(response.statusCode).toBe(200);
    const grid = response.json();
    expect(grid.nx * grid.ny).toBe(grid.u.length);
    expect(grid.u.every((x: number) => Number.isFinite(x) && Math.abs(x) < 100)).toBe(true);
  });

  it('GET /api/zones gives the bundled zones as GeoJSON, /api/geography the countries, border and strip', async () => {
    const a = open();
    const zones = await a.inject('/api/zones');
    expect(zones.headers['content-type']).toMatch(/application\/geo\+json/);
    const ids = zones.json().features.map((f: { properties: { id: string } }) => f.properties.id);
    expect(ids).toEqual(
      expect.arrayContaining(['EYVI-CTR', 'EYVI-APPROACH', 'EYKA-CTR', 'LT-BY-RESTRICTED']),
    );
    const geo = (await a.inject('/api/geography')).json();
    expect(geo.countries.features.map((f: { properties: { id: string } }) => f.properties.id)).toEqual(
      expect.arrayContaining(['LT', 'BY']),
    );
    expect(geo.border.type).toBeTypeOf('string');
    expect(geo.launchStrip.type).toBeTypeOf('string');
  });
});

describe('validate and runs', () => {
  it('POST /api/validate answers the member count and warnings, or 400 with every issue and its path', async () => {
    const a = open();
    const doc = (await a.inject('/api/scenarios/default')).json();
    const ok = await a.inject({ method: 'POST', url: '/api/validate', payload: doc });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({
      ok: true,
      members: 600,
      steps: 480,
      frames: 49,
      warnings: ['the wind is illustrative, not real weather'],
    });
    const bad = await a.inject({
      method: 'POST',
      url: '/api/validate',
      payload: { ...doc, solver: { dtSec: -1, durationSec: 3600 }, colour: 'red' },
    });
    expect(bad.statusCode).toBe(400);
    const body = bad.json();
    expect(body.error).toBeTypeOf('string');
    expect(body.issues).toEqual(
      expect.arrayContaining([
        { path: 'colour', message: 'is not a known field' },
        expect.objectContaining({ path: 'solver.dtSec' }),
      ]),
    );
  });

  it('POST /api/validate checks the wind coverage (sim-core prepareRun)', async () => {
    const a = open();
    const doc = (await a.inject('/api/scenarios/default')).json();
    const outside = { ...doc, launch: { ...doc.launch, sites: [{ id: 'far', lon: 40, lat: 40 }] } };
    const response = await a.inject({ method: 'POST', url: '/api/validate', payload: outside });
    expect(response.statusCode).toBe(400);
    expect(response.json().issues[0].path).toBe('launch.sites[0]');
  });

  it('a bundled wind is named by id, and the bundled launch strip is sampled', async () => {
    const a = open();
    const doc = (await a.inject('/api/scenarios/border-strip')).json();
    const byId = { ...doc, wind: { type: 'file', paths: ['wind:illustrative-border-night'] } };
    const response = await a.inject({ method: 'POST', url: '/api/validate', payload: byId });
    expect(response.statusCode).toBe(200);
    expect(response.json().members).toBe(40 * 6 * 10);
    const unknown = { ...doc, wind: { type: 'file', paths: ['wind:nope'] } };
    const refused = await a.inject({ method: 'POST', url: '/api/validate', payload: unknown });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().issues[0].path).toBe('wind.paths');
  });

  it('POST /api/runs runs to the end; its summary, GeoJSON and CSV are read back by id', async () => {
    const a = open();
    const doc = await smallDefault(a);
    const response = await a.inject({ method: 'POST', url: '/api/runs?workers=2', payload: doc });
    expect(response.statusCode).toBe(200);
    const run = response.json();
    expect(run).toMatchObject({ status: 'done', members: 120, steps: 480, frames: 49, workers: 2 });

    // The same summary as the library gives for the same scenario and seed.
    const baseDir = resolve(REPO, 'fixtures/scenarios');
    // Its provenance too (the server's tool, the files by hash), but for the time the server took it.
    const context = await runContext(doc, baseDir, run.summary.provenance.runTime);
    // Taken when the server checked the scenario, just before it queued the run.
    expect(Date.parse(run.summary.provenance.runTime)).toBeLessThanOrEqual(Date.parse(run.createdAt));
    const prepared = prepareRun(doc, await loadScenarioWind(doc.wind, baseDir), context);
    const expected = runPrepared(prepared, { targets: await loadScenarioTargets(doc, baseDir) });
    const plain = JSON.parse(JSON.stringify(expected.summary));
    expect(run.summary).toEqual(plain);

    expect((await a.inject(`/api/runs/${run.id}`)).json()).toEqual(run);
    expect((await a.inject(`/api/runs/${run.id}/summary`)).json()).toEqual(plain);
    const geojson = await a.inject(`/api/runs/${run.id}/geojson`);
    expect(geojson.headers['content-type']).toMatch(/application\/geo\+json/);
    expect(geojson.json().provenance).toEqual(plain.provenance);
    const features = geojson.json().features;
    expect(
      features.filter((f: { geometry: { type: string } }) => f.geometry?.type === 'LineString'),
    ).toHaveLength(120);
    const csv = await a.inject(`/api/runs/${run.id}/csv`);
    expect(csv.headers['content-type'], csv.body).toMatch(/text\/csv/);
    // The run's provenance first, as `# ` comment lines, then the header and the rows.
    const all = csv.body.trim().split('\n');
    const lines = all.filter((l) => !l.startsWith('# '));
    expect(all.slice(0, all.length - lines.length).every((l) => l.startsWith('# '))).toBe(true);
    expect(lines[0]).toBe('member,site,launch,ensemble_member,time,lon,lat,alt_m');
    const flying = expected.frames.reduce(
      (sum, f) => sum + f.positions.filter((x, k) => k % 3 === 0 && !Number.isNaN(x)).length,
      0,
    );
    // Each member's rows start with its launch: a row at the launch event's time and place, besides
    // the frames' rows (a launch on an output time is that frame's row).
    const launches = expected.events.filter((e) => e.kind === 'launch');
    const iso = (tSec: number) => new Date(tSec * 1000).toISOString();
    const offFrame = launches.filter((e) => !expected.frames.some((f) => f.tSec === e.tSec));
    expect(lines.length - 1).toBe(flying + offFrame.length);
    const firstRow = new Map<number, string[]>();
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      if (!firstRow.has(Number(cells[0]))) firstRow.set(Number(cells[0]), cells);
    }
    expect(firstRow.size).toBe(120);
    for (const e of launches) {
      const [, , , , time, lon, lat] = firstRow.get(e.member)!;
      expect(time).toBe(iso(e.tSec));
      expect(Number(lon)).toBeCloseTo(e.lon, 5);
      expect(Number(lat)).toBeCloseTo(e.lat, 5);
    }
    expect((await a.inject('/api/health')).json().runs).toEqual({ active: 0, queued: 0 });
  });

  it('finished runs are kept in a bounded store, oldest evicted first', async () => {
    const a = open({ limits: { maxStoredRuns: 2 } });
    const doc = await smallDefault(a);
    const small = {
      ...doc,
      ensemble: { ...doc.ensemble, members: 1 },
      solver: { ...doc.solver, durationSec: 3600 },
    };
    const ids: string[] = [];
    for (let k = 0; k < 3; k++)
      ids.push((await a.inject({ method: 'POST', url: '/api/runs', payload: small })).json().id);
    expect((await a.inject(`/api/runs/${ids[0]}`)).statusCode).toBe(404);
    expect((await a.inject(`/api/runs/${ids[1]}`)).statusCode).toBe(200);
    expect((await a.inject(`/api/runs/${ids[2]}/summary`)).statusCode).toBe(200);
    expect((await a.inject('/api/runs/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('a run over the member × step limit is refused before it starts, naming the limit', async () => {
    const a = open({ limits: { maxMemberSteps: 10_000 } });
    const doc = await smallDefault(a);
    for (const url of ['/api/validate', '/api/runs']) {
      const response = await a.inject({ method: 'POST', url, payload: doc });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatch(/maxMemberSteps = 10000/);
    }
    expect((await a.inject('/api/health')).json().runs).toEqual({ active: 0, queued: 0 });
    const few = buildApp({ limits: { maxMembers: 100 } });
    try {
      const refused = await few.inject({ method: 'POST', url: '/api/validate', payload: doc });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().issues).toEqual([
        { path: 'ensemble.members', message: expect.stringMatching(/120 members.*maxMembers = 100/) },
      ]);
    } finally {
      await few.close();
    }
  });

  it('POST /api/runs with more workers than allowed is refused', async () => {
    const a = open({ limits: { maxWorkersPerRun: 2 } });
    const doc = await smallDefault(a);
    const response = await a.inject({ method: 'POST', url: '/api/runs?workers=3', payload: doc });
    expect(response.statusCode).toBe(400);
  });
});
