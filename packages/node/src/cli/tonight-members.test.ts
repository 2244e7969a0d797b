/**
 * `balloon-sim tonight --from DIR` on a store holding an ensemble model's cycle (three template-4.1
 * members made by ecCodes from the real GFS cycle of ../shared/data): every forecast member is
 * flown, and the briefing's spread per airport equals the `forecast` section of a plain
 * `balloon-sim run` of the same scenario; members built to disagree (v shifted by ±15 m/s) are
 * called weather, identical members are not.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cli,
  TEST_ENSEMBLE_MODEL,
  TEST_STORE_BOX,
  TEST_STORE_CYCLE,
  writeTestEnsembleStore,
  writeTestStore,
} from '@balloon-sim/node/testing';
import type { Briefing, RunSummary, Scenario } from '@balloon-sim/sim-core';
import { hasEccodes, hasSharedData, REPO_ROOT } from '@balloon-sim/sim-core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveLaunchArea } from '../scenario-file.js';

const ASK = ['--night', '2020-08-04', '--launch-hours', '18-20', '--seed', '5'];

/** The tonight scenario written by hand (as cli/tonight.test.ts does), on the store's ensemble. */
async function plainRun(store: string, members: number, out: string): Promise<RunSummary> {
  const base = JSON.parse(readFileSync(join(REPO_ROOT, 'fixtures/scenarios/border-strip.json'), 'utf8'));
  const sampled = await resolveLaunchArea(base as Scenario, join(REPO_ROOT, 'fixtures/scenarios'));
  const b = TEST_STORE_BOX;
  const sites = (sampled.launch.sites ?? []).filter(
    (s) => s.lon >= b.lonMin && s.lon <= b.lonMax && s.lat >= b.latMin && s.lat <= b.latMax,
  );
  const scenario = {
    ...base,
    $schema: undefined,
    wind: { type: 'forecast', model: TEST_ENSEMBLE_MODEL, cycle: TEST_STORE_CYCLE, store, members: 'all' },
    launch: {
      sites,
      times: { start: '2020-08-04T15:00:00Z', end: '2020-08-04T17:00:00Z', everySec: 3600 },
    },
    solver: { ...base.solver, durationSec: 2 * 3600 + base.solver.durationSec },
    ensemble: { ...base.ensemble, members, seed: 5 },
  };
  const file = join(out, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  const run = cli(['run', file, '--json']);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as RunSummary;
}

describe.runIf(hasSharedData && hasEccodes)('balloon-sim tonight on an ensemble model', () => {
  let disagreeing: string;
  let identical: string;
  beforeAll(async () => {
    // The real wind blows the strip's points near Grodno east, out of the test box (25° E): every
    // member is turned back west so that its trajectories stay in the data, and then member 0
    // (25 m/s west) passes south of Kaunas, member 1 (12 west, 8 north) over it, member 2 (25 west,
    // 8 south) further south: forecast members that disagree. The identical ones all fly member 1's.
    disagreeing = await writeTestEnsembleStore([{ u: -25 }, { u: -12, v: 8 }, { u: -25, v: -8 }]);
    identical = await writeTestEnsembleStore([
      { u: -12, v: 8 },
      { u: -12, v: 8 },
      { u: -12, v: 8 },
    ]);
  }, 180_000);

  it('flies every member and gives per airport the spread of a plain run of the same scenario', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tonight-ens-'));
    const t = cli([
      'tonight',
      '--from',
      disagreeing,
      ...ASK,
      '--out-json',
      join(out, 'b.json'),
      '--out-md',
      join(out, 'b.md'),
    ]);
    expect(t.code, t.stderr).toBe(0);
    const briefing = JSON.parse(readFileSync(join(out, 'b.json'), 'utf8')) as Briefing;
    // The scenario's 10 members per launch raised to 12: four for each of the three forecast members.
    expect(briefing.membersPerLaunch).toBe(12);
    expect(t.stderr).toMatch(
      /3 forecast members, 12 trajectory members per launch point and hour \(default: 4/,
    );
    expect(briefing.forecast.model).toBe(TEST_ENSEMBLE_MODEL);
    expect(briefing.forecast.member).toBeNull();
    const summary = await plainRun(disagreeing, 12, out);
    const f = summary.forecast!;
    expect(f.members).toHaveLength(3);
    const fm = briefing.forecastMembers!;
    expect(fm.count).toBe(3);
    expect(fm.labels).toEqual(f.members.map((m) => m.label));
    expect(fm.airports.map((a) => a.icao)).toEqual(['EYVI', 'EYKA']);
    for (const a of fm.airports) {
      const ids = summary.zones.filter((z) => z.id.startsWith(`${a.icao}-`)).map((z) => z.id);
      expect(a.zones).toEqual(f.zones.filter((z) => ids.includes(z.id)));
      // The airport's P(enter) for a forecast member: the highest of its zones in the run's answers.
      const perMember = f.members.map((m) =>
        Math.max(0, ...m.zones.filter((z) => ids.includes(z.id)).map((z) => z.probability)),
      );
      expect(a.members.map((m) => m.probability)).toEqual(perMember);
      expect([a.probabilityMin, a.probabilityMax]).toEqual([Math.min(...perMember), Math.max(...perMember)]);
      expect(a.membersReachingThreshold).toBe(
        f.members.filter((m) => m.zones.some((z) => ids.includes(z.id) && z.crossesThreshold)).length,
      );
      expect(a.members.map((m) => m.trajectories)).toEqual(f.members.map((m) => m.members));
      expect(a.tooFew).toEqual(f.members.filter((m) => !m.resolvesThreshold).map((m) => m.label));
      // Per launch hour: the hour's range across the members and how many reach the threshold, from
      // the run's answers per launch time (every launch point of the hour together).
      const hours = briefing.airports.find((x) => x.icao === a.icao)!.hours;
      expect(hours.map((h) => h.launch)).toEqual(f.launches!.map((l) => l.launch));
      for (const [k, h] of hours.entries()) {
        const zones = f.launches![k].zones.filter((z) => ids.includes(z.id));
        const p = f.members.map((_, m) => Math.max(0, ...zones.map((z) => z.probability[m])));
        const s = h.forecastMembers!;
        expect([s.probabilityMin, s.probabilityMax]).toEqual([Math.min(...p), Math.max(...p)]);
        expect(s.membersReachingThreshold).toBe(
          f.members.filter((_, m) => zones.some((z) => z.crossesThreshold[m])).length,
        );
        expect(t.stdout).toContain(`${s.membersReachingThreshold} of 3`);
      }
    }
    // Members built to disagree: the uncertainty lies in the weather at one airport at least, and
    // the text, the Markdown and the JSON say so in the same sentence.
    const weather = fm.airports.filter((a) => a.uncertainty === 'weather');
    expect(weather.length).toBeGreaterThan(0);
    const md = readFileSync(join(out, 'b.md'), 'utf8');
    for (const a of weather) {
      expect(a.sentence).toMatch(/the uncertainty lies in the weather/);
      expect(a.probabilityMax).toBeGreaterThan(a.probabilityMin);
      expect(md).toContain(a.sentence);
      expect(t.stdout.replace(/\s+/g, ' ')).toContain(a.sentence);
    }
    expect(t.stdout).toMatch(
      /forecast members: P\(enter\) \d+(\.\d)?(–\d+(\.\d)?)? %, \d of 3 reach the threshold/,
    );
  }, 300_000);

  it('calls identical forecast members agreeing: the uncertainty lies in the launch', async () => {
    const t = cli(['tonight', '--from', identical, ...ASK, '--json']);
    expect(t.code, t.stderr).toBe(0);
    const fm = (JSON.parse(t.stdout) as Briefing).forecastMembers!;
    expect(fm.count).toBe(3);
    // Kaunas is reached (by member 1's wind in the other store); identical winds agree there.
    const eyka = fm.airports.find((a) => a.icao === 'EYKA')!;
    expect(eyka.probabilityMax).toBeGreaterThan(0);
    expect(eyka.uncertainty, eyka.sentence).toBe('launch');
    expect(eyka.sentence).toMatch(/the uncertainty lies in the launch/);
    for (const a of fm.airports) expect(a.uncertainty, a.sentence).not.toBe('weather');
  }, 300_000);

  it('runs the control alone when asked, and refuses fewer trajectory members than forecast members', () => {
    const control = cli(['tonight', '--from', identical, ...ASK, '--forecast-members', 'control', '--json']);
    expect(control.code, control.stderr).toBe(0);
    const b = JSON.parse(control.stdout) as Briefing;
    expect(b.forecastMembers).toBeNull();
    expect(b.forecast.member).toBe(0);
    const few = cli(['tonight', '--from', identical, ...ASK, '--members', '2']);
    expect(few.code).toBe(2);
    expect(few.stderr).toMatch(/members must be at least the forecast members \(3\).*got 2/);
    const bad = cli(['tonight', '--from', identical, ...ASK, '--forecast-members', 'some']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--forecast-members must be control or all, got "some"');
  }, 300_000);
});

describe.runIf(hasSharedData)('balloon-sim tonight on a deterministic model, made several', () => {
  it('--grid-offset flies the 27 displaced copies of the field; --forecast-members is refused', async () => {
    const store = await writeTestStore();
    const ask = ['--night', '2020-08-04', '--launch-hours', '18-19', '--seed', '5'];
    const t = cli(['tonight', '--from', store, ...ask, '--grid-offset', '--json']);
    expect(t.code, t.stderr).toBe(0);
    const b = JSON.parse(t.stdout) as Briefing;
    expect(b.forecastMembers?.count).toBe(27);
    // The scenario's 10 raised to 27: one trajectory member for each copy at every point and hour.
    expect(b.membersPerLaunch).toBe(27);
    const refused = cli(['tonight', '--from', store, ...ask, '--forecast-members', 'all']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/forecast-members applies to an ensemble model .*gfs has one forecast/);
  }, 300_000);
});
