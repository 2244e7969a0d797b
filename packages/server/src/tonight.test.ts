/**
 * GET /api/store and POST /api/tonight on a server on 127.0.0.1 given a test store (a real GFS cycle
 * from ../shared/data): the listing names cycles relative to the store; tonight's briefing equals
 * `balloon-sim tonight --from` on the same store; a client cannot name a folder; an empty store is a
 * 404 that says how to fetch one; the run limits hold.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cli,
  TEST_ENSEMBLE_MODEL,
  TEST_STORE_CYCLE,
  writeTestEnsembleStore,
  writeTestStore,
} from '@balloon-sim/node/testing';
import type { Briefing } from '@balloon-sim/sim-core';
import { hasEccodes, hasSharedData } from '@balloon-sim/sim-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from './testing/index.js';

const servers: { app: { close(): Promise<unknown> } }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.app.close()));
});

async function serve(forecastStore: string, limits = {}) {
  const server = await startServer({ forecastStore, limits });
  servers.push(server);
  return server.http;
}

const post = (http: string, body: unknown) =>
  fetch(`${http}/api/tonight`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe.runIf(hasSharedData)('the server: its forecast store and tonight', () => {
  it('GET /api/store lists models and cycles by name, complete or not, and no path', async () => {
    const store = await writeTestStore();
    const http = await serve(store);
    const response = await fetch(`${http}/api/store`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(store);
    const listing = JSON.parse(text);
    expect(listing.best).toBe('gfs');
    expect(listing.order).toEqual(['ecmwf-ens', 'gefs', 'icon-eu', 'ecmwf-hres', 'gfs']);
    const gfs = listing.models.find((m: { id: string }) => m.id === 'gfs');
    expect(gfs.cycles).toEqual([
      expect.objectContaining({
        cycle: TEST_STORE_CYCLE,
        folder: `gfs/${TEST_STORE_CYCLE}`,
        complete: true,
        steps: [0, 6, 12],
        referenceTime: '2020-08-04T12:00:00.000Z',
      }),
    ]);
    const empty = await serve(mkdtempSync(join(tmpdir(), 'store-empty-')));
    expect((await (await fetch(`${empty}/api/store`)).json()).best).toBeNull();
  });

  it("POST /api/tonight answers the briefing of `balloon-sim tonight --from` on the server's store", async () => {
    const store = await writeTestStore();
    const http = await serve(store);
    const ask = { night: '2020-08-04', launchHours: '18-20', members: 2, seed: 5 };
    const response = await post(http, ask);
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(text).not.toContain(store);
    const { briefing, run } = JSON.parse(text) as { briefing: Briefing; run: { status: string } };
    expect(run.status).toBe('done');
    const local = cli([
      'tonight',
      '--from',
      store,
      '--night',
      '2020-08-04',
      '--launch-hours',
      '18-20',
      '--members',
      '2',
      '--seed',
      '5',
      '--json',
    ]);
    expect(local.code, local.stderr).toBe(0);
    const expected = JSON.parse(local.stdout) as Briefing;
    expect(briefing.airports).toEqual(expected.airports);
    expect(briefing.forecast).toEqual(expected.forecast);
    expect(briefing.limits).toEqual(expected.limits);
    expect(briefing.timeline).toEqual(expected.timeline);
    expect(briefing.members).toBe(expected.members);
  });

  it('refuses a folder named by the client, bad fields, an empty store (404) and runs over the limits', async () => {
    const store = await writeTestStore();
    const http = await serve(store);
    const named = await post(http, { store: '/etc' });
    expect(named.status).toBe(400);
    const hours = await post(http, { launchHours: '18:00-06:00' });
    expect(hours.status).toBe(400);
    expect((await hours.json()).error).toMatch(/launchHours/);
    const model = await post(http, { model: 'icon-eu', night: '2020-08-04' });
    expect(model.status).toBe(404);
    expect((await model.json()).error).toMatch(
      /no forecast of icon-eu in the server's store: fetch one with "balloon-sim wind fetch icon-eu/,
    );

    const empty = await serve(mkdtempSync(join(tmpdir(), 'store-empty-')));
    const none = await post(empty, {});
    expect(none.status).toBe(404);
    expect((await none.json()).error).toMatch(/no forecast in the server's store: fetch one with/);

    const small = await serve(store, { maxMembers: 50 });
    const over = await post(small, { night: '2020-08-04', launchHours: '18-20', members: 2 });
    expect(over.status).toBe(400);
    expect((await over.json()).issues[0].message).toMatch(/maxMembers = 50/);
  });
});

describe.runIf(hasSharedData && hasEccodes)('the server: tonight on an ensemble model', () => {
  it('POST /api/tonight flies every forecast member and answers their spread per airport, as the command line does', async () => {
    // Three members that disagree (see cli/tonight-members.test.ts in @balloon-sim/node).
    const store = await writeTestEnsembleStore([{ u: -25 }, { u: -12, v: 8 }, { u: -25, v: -8 }]);
    const http = await serve(store);
    const response = await post(http, { night: '2020-08-04', launchHours: '18-20', seed: 5 });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    const { briefing } = JSON.parse(text) as { briefing: Briefing };
    expect(briefing.forecast.model).toBe(TEST_ENSEMBLE_MODEL);
    const local = cli([
      'tonight',
      '--from',
      store,
      '--night',
      '2020-08-04',
      '--launch-hours',
      '18-20',
      '--seed',
      '5',
      '--json',
    ]);
    expect(local.code, local.stderr).toBe(0);
    const expected = JSON.parse(local.stdout) as Briefing;
    expect(briefing.forecastMembers?.count).toBe(3);
    expect(briefing.forecastMembers).toEqual(expected.forecastMembers);

    const control = await post(http, {
      night: '2020-08-04',
      launchHours: '18-20',
      forecastMembers: 'control',
    });
    expect(control.status).toBe(200);
    expect(((await control.json()) as { briefing: Briefing }).briefing.forecastMembers).toBeNull();
    const few = await post(http, { night: '2020-08-04', launchHours: '18-20', members: 2 });
    expect(few.status).toBe(400);
    expect((await few.json()).error).toMatch(/members must be at least the forecast members \(3\)/);
  }, 300_000);
});
