/**
 * `balloon-sim tonight --from DIR` on a store made here (a real GFS cycle from ../shared/data): its
 * figures equal those of a plain `balloon-sim run` of the same scenario, written here from the
 * bundled border-strip scenario; no download is attempted; a store without a usable cycle is
 * refused naming the folder and the model.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, TEST_STORE_BOX, TEST_STORE_CYCLE, writeTestStore } from '@balloon-sim/node/testing';
import { type Briefing, localTimes, type RunSummary, type Scenario } from '@balloon-sim/sim-core';
import { hasSharedData, REPO_ROOT } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { resolveLaunchArea } from '../scenario-file.js';

/**
 * Any TCP connection the command line opens throws: loaded before it, so that a fetch attempted
 * with --from would fail the command instead of passing unnoticed.
 */
const NO_NETWORK = `--import=data:text/javascript,${encodeURIComponent(
  "import net from 'node:net'; net.Socket.prototype.connect = function () { throw new Error('network used'); };",
)}`;

describe.runIf(hasSharedData)('balloon-sim tonight --from a store', () => {
  it('gives the figures of a plain run of the same scenario, offline, as text, JSON and Markdown', async () => {
    const store = await writeTestStore();
    const out = mkdtempSync(join(tmpdir(), 'tonight-'));
    const args = ['--night', '2020-08-04', '--launch-hours', '18-20', '--members', '2', '--seed', '5'];
    const tonight = cli(
      ['tonight', '--from', store, ...args, '--out-json', join(out, 'b.json'), '--out-md', join(out, 'b.md')],
      { env: { ...process.env, NODE_OPTIONS: NO_NETWORK } },
    );
    expect(tonight.stderr).not.toMatch(/fetching|network used/);
    expect(tonight.code, tonight.stderr).toBe(0);
    const briefing = JSON.parse(readFileSync(join(out, 'b.json'), 'utf8')) as Briefing;

    // The same scenario written by hand: the border strip's points inside the forecast's box,
    // 18–20 EEST (UTC+3 on 4 August) = 15–17 UTC, the scenario's 8 h of flight after the last launch.
    const base = JSON.parse(readFileSync(join(REPO_ROOT, 'fixtures/scenarios/border-strip.json'), 'utf8'));
    const baseDir = join(REPO_ROOT, 'fixtures/scenarios');
    const sampled = await resolveLaunchArea(base as Scenario, baseDir);
    const b = TEST_STORE_BOX;
    const sites = (sampled.launch.sites ?? []).filter(
      (s) => s.lon >= b.lonMin && s.lon <= b.lonMax && s.lat >= b.latMin && s.lat <= b.latMax,
    );
    const scenario = {
      ...base,
      $schema: undefined,
      wind: { type: 'forecast', model: 'gfs', cycle: TEST_STORE_CYCLE, store },
      launch: {
        sites,
        times: { start: '2020-08-04T15:00:00Z', end: '2020-08-04T17:00:00Z', everySec: 3600 },
      },
      solver: { ...base.solver, durationSec: 2 * 3600 + base.solver.durationSec },
      ensemble: { ...base.ensemble, members: 2, seed: 5 },
    };
    const file = join(out, 'scenario.json');
    writeFileSync(file, JSON.stringify(scenario));
    const run = cli(['run', file, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as RunSummary;

    expect(briefing.members).toBe(summary.members);
    expect(briefing.launches).toEqual([
      '2020-08-04T15:00:00.000Z',
      '2020-08-04T16:00:00.000Z',
      '2020-08-04T17:00:00.000Z',
    ]);
    expect(briefing.limits.launchPointsOutside).toBe(40 - sites.length);
    expect(briefing.threshold).toBe(summary.closureThreshold);
    expect(briefing.timeline).toEqual(summary.timeline);
    expect(briefing.airports.map((a) => a.icao)).toEqual(['EYVI', 'EYKA']);
    for (const airport of briefing.airports) {
      const zones = summary.zones.filter((z) => z.id.startsWith(`${airport.icao}-`));
      expect(airport.zones.map((z) => z.id)).toEqual(zones.map((z) => z.id));
      for (const [k, z] of zones.entries()) {
        const mine = airport.zones[k];
        expect(mine.probability).toBe(z.probability);
        expect(mine.probabilityUpper).toBe(z.probabilityUpper);
        expect(mine.thresholdWindow).toEqual(z.thresholdWindow);
        expect(mine.insideProbability).toEqual(z.insideProbability);
      }
      // Per launch hour: every launch point's members of that hour, counted from the run's risk rows.
      for (const hour of airport.hours)
        for (const hz of hour.zones) {
          const rows = summary.risk.filter((r) => r.launch === hour.launch);
          const members = rows.reduce((n, r) => n + r.members, 0);
          const count = (upper: boolean) =>
            rows.reduce((n, r) => {
              const z = r.zones.find((e) => e.id === hz.id)!;
              return n + Math.round((upper ? z.probabilityUpper : z.probability) * r.members);
            }, 0);
          expect(hour.members).toBe(members);
          expect(hz.probability).toBeCloseTo(count(false) / members, 12);
          expect(hz.probabilityUpper).toBeCloseTo(count(true) / members, 12);
        }
      // The airport is closed while any of its zones is: a time inside a zone's window is inside the
      // airport's, and the airport's window starts and ends at some zone's window ends.
      const starts = zones.flatMap((z) => z.thresholdWindow.map((w) => w.start));
      const ends = zones.flatMap((z) => z.thresholdWindow.map((w) => w.end));
      for (const w of airport.closureWindow) {
        expect(starts).toContain(w.start);
        expect(ends).toContain(w.end);
      }
      for (const z of zones)
        for (const w of z.thresholdWindow)
          expect(
            airport.closureWindow.some((a) => a.start <= w.start && a.end >= w.end),
            `${z.id} ${w.start}`,
          ).toBe(true);
      expect(airport.alert).toBe(airport.closureWindow.length > 0);
    }
    // The forecast used, by the store's file names and their SHA-256.
    expect(briefing.forecast.model).toBe('gfs');
    expect(briefing.forecast.cycle).toBe(TEST_STORE_CYCLE);
    const index = JSON.parse(readFileSync(join(store, 'gfs', TEST_STORE_CYCLE, 'index.json'), 'utf8'));
    expect(briefing.forecast.files.map((f) => f.sha256)).toEqual(
      index.files.map((f: { sha256: string }) => f.sha256),
    );
    expect(JSON.stringify(briefing)).not.toContain(store);

    // The Markdown page and the text hold the airports and their windows in local time and UTC.
    const md = readFileSync(join(out, 'b.md'), 'utf8');
    const lt = localTimes('Europe/Vilnius');
    for (const airport of briefing.airports) {
      expect(md).toContain(`## ${airport.icao}`);
      for (const w of airport.closureWindow) {
        expect(md).toContain(lt.span(w.start, w.end));
        expect(tonight.stdout).toContain(lt.span(w.start, w.end));
      }
      if (!airport.alert) expect(md).toContain('no closure indicated');
    }
    expect(md).toContain(briefing.forecast.files[0].sha256!);
  });

  it('without --from fetches into the store first, says so, and falls back to the store when the server cannot be reached', async () => {
    const store = await writeTestStore();
    // A port nobody listens on: every download is refused.
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const r = cli([
      'tonight',
      '--store',
      store,
      '--model',
      'gfs',
      '--cycle',
      TEST_STORE_CYCLE,
      '--night',
      '2020-08-04',
      '--launch-hours',
      '18-19',
      '--members',
      '1',
      '--base-url',
      `http://127.0.0.1:${port}`,
      '--attempts',
      '1',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`fetching the gfs cycle ${TEST_STORE_CYCLE} into ${store}`);
    expect(r.stderr).toMatch(
      /could not fetch \(download of http:\/\/127\.0\.0\.1:\d+\/.* failed after 1 attempt/,
    );
    expect(r.stderr).toContain(`using what the store ${store} holds`);
    const briefing = JSON.parse(r.stdout) as Briefing;
    expect([briefing.forecast.model, briefing.forecast.cycle]).toEqual(['gfs', TEST_STORE_CYCLE]);
  });

  it('refuses a store without a usable cycle, naming the folder and the model (exit 2)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tonight-empty-'));
    const none = cli(['tonight', '--from', empty, '--night', '2020-08-04']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(empty);
    expect(none.stderr).toMatch(/no complete cycle of any model/);

    const store = await writeTestStore();
    const other = cli(['tonight', '--from', store, '--model', 'icon-eu', '--night', '2020-08-04']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/holds no complete cycle of icon-eu/);
    expect(other.stderr).toContain(store);

    const partial = await writeTestStore(undefined, { complete: false });
    const incomplete = cli(['tonight', '--from', partial, '--model', 'gfs', '--cycle', TEST_STORE_CYCLE]);
    expect(incomplete.code).toBe(2);
    expect(incomplete.stderr).toMatch(/is incomplete/);
    expect(incomplete.stderr).toContain(join(partial, 'gfs', TEST_STORE_CYCLE));

    const damaged = await writeTestStore();
    const file = join(damaged, 'gfs', TEST_STORE_CYCLE, `gfs.${TEST_STORE_CYCLE}.f006.grib2`);
    writeFileSync(file, 'not the file that was downloaded');
    const changed = cli(['tonight', '--from', damaged, '--night', '2020-08-04']);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain(`${file} differs from what the index recorded`);

    const many = cli(['tonight', '--from', store, '--members', '6000']);
    expect(many.code).toBe(2);
    expect(many.stderr).toContain('--members must be at most 5000 per launch point and hour, got 6000');

    const night = cli(['tonight', '--from', store, '--night', '2021-01-01']);
    expect(night.code).toBe(2);
    expect(night.stderr).toMatch(/none of the launch hours of the night of 2021-01-01/);
  });
});
