/**
 * GET /api/winds/:id/field and the page's reader of it (wind-field.ts): the field rebuilt from the
 * answer must be the server's own, sample for sample, so that a run prepared in a page (for its GPU)
 * is the run the server would make.
 */
import { resolve } from 'node:path';
import { loadScenarioWind } from '@balloon-sim/node';
import { buildApp } from '@balloon-sim/server';
import { AltitudeGridWind, PressureGridWind, type WindField, windProvenance } from '@balloon-sim/sim-core';
import { hasSharedData, REPO_ROOT, SHARED_DATA_DIR } from '@balloon-sim/sim-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeWindField, WindFieldFormatError } from './wind-field.js';

const apps: ReturnType<typeof buildApp>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});
function open(options: Parameters<typeof buildApp>[0] = {}) {
  const app = buildApp(options);
  apps.push(app);
  return app;
}

async function fieldBytes(app: ReturnType<typeof buildApp>, id: string): Promise<ArrayBuffer> {
  const response = await app.inject(`/api/winds/${id}/field`);
  expect(response.statusCode, response.body.slice(0, 200)).toBe(200);
  expect(response.headers['content-type']).toMatch(/application\/octet-stream/);
  const raw = response.rawPayload;
  return raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer;
}

/** The two fields agree at points spread over the box, altitudes and times (pseudo-random, fixed). */
function expectSameSamples(a: WindField, b: WindField): void {
  const c = a.coverage;
  const t0 = Number.isFinite(c.tMinSec) ? c.tMinSec : 0;
  const t1 = Number.isFinite(c.tMaxSec) ? c.tMaxSec : 0;
  const outA = new Float64Array(2);
  const outB = new Float64Array(2);
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let n = 0; n < 500; n++) {
    const lon = c.lonMin + next() * (c.lonMax - c.lonMin);
    const lat = c.latMin + next() * (c.latMax - c.latMin);
    const alt = Math.max(0, c.altMinM) + next() * (Math.min(c.altMaxM, 8000) - Math.max(0, c.altMinM));
    const t = t0 + next() * (t1 - t0);
    a.sample(lon, lat, alt, t, outA);
    b.sample(lon, lat, alt, t, outB);
    // The same float32 nodes through the same samplers: equal, not merely close.
    expect([outB[0], outB[1]]).toEqual([outA[0], outA[1]]);
  }
}

describe('GET /api/winds/:id/field (a page rebuilds the server’s field)', () => {
  it('gives the illustrative wind as the server holds it: same samples, coverage, description, source', async () => {
    const bytes = await fieldBytes(open(), 'illustrative-border-night');
    const view = new DataView(bytes);
    // "BSWF", then the header's length, the header starting at byte 8, the arrays on a multiple of 8.
    expect(String.fromCharCode(...new Uint8Array(bytes, 0, 4))).toBe('BSWF');
    const headerBytes = view.getUint32(4, true);
    expect((8 + headerBytes) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(new Uint8Array(bytes, 8, headerBytes)));
    expect(header).toMatchObject({ version: 1, id: 'illustrative-border-night', byteOrder: 'little-endian' });
    // 21 × 13 columns, 12 altitudes (README's summary of this wind), 9 times: u and v.
    expect(header.arrays.map((a: { name: string }) => a.name)).toEqual(['u', 'v']);
    expect(header.arrays[0].count).toBe(21 * 13 * 12 * 9);

    const server = await loadScenarioWind(
      { type: 'file', paths: [resolve(REPO_ROOT, 'fixtures/wind/illustrative-border-night.json')] },
      REPO_ROOT,
    );
    const page = decodeWindField(bytes);
    expect(page).toBeInstanceOf(AltitudeGridWind);
    expect(page.coverage).toEqual(server.coverage);
    expect(page.description).toBe(server.description);
    expect(page.warnings).toEqual(server.warnings);
    // The source as the server's, its file named as the API names files (never a server path).
    const source = server.source!;
    expect(page.source).toEqual({
      ...source,
      files: [{ ...source.files[0], name: 'fixtures/wind/illustrative-border-night.json' }],
    });
    expect(JSON.stringify(header)).not.toContain(REPO_ROOT);
    // So the run's provenance (file names only) is the server's.
    expect(windProvenance(page)).toEqual(windProvenance(server));
    expectSameSamples(server, page);
  });

  it.skipIf(!hasSharedData)(
    'gives a GFS set on pressure levels with its geopotential heights, sampled as the server samples it',
    async () => {
      const app = open();
      const bytes = await fieldBytes(app, 'gfs-0p25-20200804');
      const page = decodeWindField(bytes);
      expect(page).toBeInstanceOf(PressureGridWind);
      const meta = (await app.inject('/api/winds/gfs-0p25-20200804')).json();
      const files = meta.files.map((f: string) => resolve(SHARED_DATA_DIR, f.replace(/^shared-data\//, '')));
      const server = await loadScenarioWind({ type: 'file', paths: files, levelType: 'isobaric' }, REPO_ROOT);
      expect(page.coverage).toEqual(server.coverage);
      expect(page.warnings).toEqual(server.warnings);
      // shared-data/gfs-0p25-poland/…, as GET /api/winds/:id names them; the provenance the server's.
      expect(page.source.files.map((f) => f.name)).toEqual(meta.files);
      expect(windProvenance(page)).toEqual(windProvenance(server));
      expect(new TextDecoder().decode(bytes.slice(0, 65536))).not.toContain(SHARED_DATA_DIR);
      expectSameSamples(server, page);
    },
  );

  it('refuses a field over maxWindFieldBytes, naming the limit; an unknown wind or a path as id', async () => {
    const app = open({ limits: { maxWindFieldBytes: 1000 } });
    const over = await app.inject('/api/winds/illustrative-border-night/field');
    expect(over.statusCode).toBe(400);
    expect(over.json().error).toMatch(/maxWindFieldBytes = 1000/);
    const none = await app.inject('/api/winds/no-such-wind/field');
    expect(none.statusCode).toBe(404);
    expect(none.json().error).toMatch(/no-such-wind/);
    // An id is a bundled wind's name, never a path.
    const climbing = await app.inject('/api/winds/..%2F..%2Fetc%2Fpasswd/field');
    expect(climbing.statusCode).toBe(400);
    expect(climbing.headers['content-type']).toMatch(/application\/json/);
  });

  it('the reader refuses what is not a field, saying what was wrong', async () => {
    expect(() => decodeWindField(new ArrayBuffer(4))).toThrow(WindFieldFormatError);
    expect(() => decodeWindField(new Uint8Array(16).buffer)).toThrow(/magic/);
    const bytes = await fieldBytes(open(), 'illustrative-border-night');
    // Cut short: the arrays run past the end.
    expect(() => decodeWindField(bytes.slice(0, bytes.byteLength - 4))).toThrow(/v.*runs past the end/);
  });
});
