import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ellipsoidDistanceM, Simulation } from '@balloon-sim/sim-core';
import { membersAt, REPO_ROOT } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REGION, loadLaunchRegion } from '../launch-region.js';
import { loadWindFiles } from '../load-wind.js';
import { cli } from '../testing/cli.js';

// The bundled illustrative wind (made up, not weather): a small grid file over the border region.
const WIND = 'fixtures/wind/illustrative-border-night.json';
const TIME = '2025-10-24T21:30:00Z';
const run = (...detections: string[]) =>
  cli(
    [
      'backtrack',
      '--wind',
      WIND,
      ...detections.flatMap((d) => ['--detection', d]),
      '--members',
      '60',
      '--max-float-hours',
      '2',
      // A small forward check: these tests read the detections, not the answer's accuracy.
      '--forward-members',
      '200',
      '--json',
    ],
    { env: { ...process.env, SOURCE_DATE_EPOCH: '1761341400' } },
  ); // a fixed time of run: equal answers

describe('balloon-sim backtrack: detections as typed', () => {
  it('reads degrees, minutes and seconds as the decimal degrees they are', () => {
    // 25°17′15″ E = 25.2875°, 54°38′13″ N = 54 + 38/60 + 13/3600 °.
    const decimal = run(`25.2875,${54 + 38 / 60 + 13 / 3600},3000,${TIME}`);
    expect(decimal.stderr).toBe('');
    expect(decimal.code).toBe(0);
    for (const typed of [`25°17′15″E,54°38′13″N,3000,${TIME}`, `25 17 15 E,54 38 13 N,3000,${TIME}`]) {
      const r = run(typed);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(JSON.parse(decimal.stdout));
    }
    // The cells say how far and in which direction from the detection they lie.
    const cells = JSON.parse(decimal.stdout).mostLikely as { distanceKm: number; bearingDeg: number }[];
    expect(cells.length).toBeGreaterThan(0);
    for (const c of cells) {
      expect(c.distanceKm).toBeGreaterThan(0);
      expect(c.bearingDeg).toBeGreaterThanOrEqual(0);
      expect(c.bearingDeg).toBeLessThan(360);
    }
  });

  it('refuses a latitude typed where the longitude goes, and other mistakes, naming them (exit 2)', () => {
    const swapped = run(`54°38′13″N,25°17′15″E,3000,${TIME}`);
    expect(swapped.code).toBe(2);
    expect(swapped.stderr).toMatch(
      /--detection 1 longitude must be a longitude \(E or W\); N marks a latitude: are the longitude and the latitude swapped\?, got "54°38′13″N"/,
    );
    expect(swapped.stdout).toBe('');
    const minutes = run(`25.2875,54.6,3000,${TIME}`, `25°17′15″E,54°75′N,3000,${TIME}`);
    expect(minutes.code).toBe(2);
    expect(minutes.stderr).toMatch(/--detection 2 latitude must have minutes below 60, got "54°75′N"/);
    const noAltitude = run(`25.2875,54.6,,${TIME}`);
    expect(noAltitude.code).toBe(2);
    expect(noAltitude.stderr).toMatch(/--detection 1: the altitude must be a number of metres, got ""/);
  });
});

describe('balloon-sim wind sample: --lon and --lat as typed', () => {
  it('degrees, minutes and seconds give the same wind as decimal degrees', () => {
    const sample = (lon: string, lat: string) =>
      cli(['wind', 'sample', WIND, '--lon', lon, '--lat', lat, '--alt', '1500', '--time', TIME, '--json']);
    const decimal = sample('25.2875', '54.5');
    expect(decimal.code).toBe(0);
    const typed = sample('25°17′15″E', '54 30 N');
    expect(typed.stderr).toBe('');
    expect(JSON.parse(typed.stdout)).toEqual(JSON.parse(decimal.stdout));
    const swapped = sample('54 30 N', '25°17′15″E');
    expect(swapped.code).toBe(2);
    expect(swapped.stderr).toMatch(/--lon must be a longitude \(E or W\); N marks a latitude/);
  });
});

describe('balloon-sim backtrack: the launch found under the priors (seeded smoke case)', () => {
  it('three detections of a balloon launched in the border strip lead back to it, both ways', async () => {
    // A balloon launched 6 km inside Belarus south of Ashmyany's stretch of the border at 19:00Z
    // (22:00 local), climbing at 3 m/s to 3500 m on the illustrative wind, seen 90, 100 and 110
    // minutes later (positions as flown: the smoke case tests the chain, the bench the accuracy).
    const launch = { lon: 25.9, lat: 54.45 };
    const region = await loadLaunchRegion(DEFAULT_REGION);
    expect(region.contains(launch.lon, launch.lat)).toBe(true);
    const wind = await loadWindFiles([resolve(REPO_ROOT, WIND)]);
    const t0 = Date.parse('2025-10-24T19:00:00Z') / 1000;
    const sim = new Simulation({
      wind,
      members: membersAt([{ ...launch, altM: 3500 }], t0, { ascentRateMps: 3, launchAltM: 0 }),
      method: 'rk4',
      dtSec: 60,
      direction: 'forward',
      durationSec: 110 * 60,
    });
    const seen: string[] = [];
    while (!sim.done) {
      sim.step();
      if ([90, 100, 110].includes((sim.tSec - t0) / 60))
        seen.push(`${sim.lon[0]},${sim.lat[0]},${sim.altM[0]},${new Date(sim.tSec * 1000).toISOString()}`);
    }
    expect(seen).toHaveLength(3);
    const args = (json: boolean) => [
      'backtrack',
      '--wind',
      WIND,
      ...seen.flatMap((d) => ['--detection', d]),
      '--sigma-position-m',
      '1000',
      '--sigma-alt-m',
      '150',
      '--sigma-time-sec',
      '60',
      '--members',
      '200',
      '--forward-members',
      '600',
      '--seed',
      '7',
      ...(json ? ['--json'] : []),
    ];
    const r = cli(args(true));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.version).toBe(2);
    expect(out.priors.region.id).toBe('by-border-strip');
    // 16:00 local on the 24th (UTC+3) to the first detection.
    expect(out.priors.launchWindow.start).toBe('2025-10-24T13:00:00Z');
    const km = (p: { lon: number; lat: number }) =>
      ellipsoidDistanceM(p.lon, p.lat, launch.lon, launch.lat) / 1000;
    expect(km(out.areas[0])).toBeLessThan(15);
    expect(Math.abs(Date.parse(out.areas[0].medianLaunch) / 1000 - t0)).toBeLessThan(30 * 60);
    expect(out.forward.kept).toBeGreaterThan(0);
    expect(km(out.forward.areas[0])).toBeLessThan(15);
    expect(out.agreement.agree).toBe(true);
    // The text names the priors, the posterior, the forward check and their agreement.
    const text = cli(args(false));
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^priors: launch region by-border-strip/m);
    expect(text.stdout).toMatch(/^where to look, best estimate first/m);
    expect(text.stdout).toMatch(
      /^ {2}1\. [\d.]+, [\d.]+ {2}within 10 km: [\d.]+ % {2}launched 2025-10-24 \d\d:\d\d (?:EEST|UTC\+3) \(\d\d:\d\dZ\)/m,
    );
    expect(text.stdout).toMatch(/^forward check: \d+ launches run/m);
    expect(text.stdout).toMatch(/^agreement: best estimates [\d.]+ km apart.*the two methods agree$/m);
  }, 120_000);

  it('refuses a bad launch window, altitude bands or region, naming them (exit 2)', () => {
    const base = ['backtrack', '--wind', WIND, '--detection', `25.4,54.75,3000,${TIME}`, '--members', '20'];
    const window = cli([...base, '--launch-window', '2025-10-24T15:00:00Z']);
    expect(window.code).toBe(2);
    expect(window.stderr).toMatch(/--launch-window must be two ISO 8601 times START\/END/);
    const bands = cli([...base, '--float-altitudes', '3000-1000']);
    expect(bands.code).toBe(2);
    expect(bands.stderr).toMatch(/floatAltitudes\[0\]\.toM must be above fromM/);
    const region = cli([...base, '--region', 'no-such-region.json']);
    expect(region.code).not.toBe(0);
    expect(region.stderr).toMatch(/no-such-region\.json/);
  });
});

describe('balloon-sim backtrack through forecast members', () => {
  it('takes a wind of several members from --wind-source, and answers per member', () => {
    // Member "east" blows to the east, "north" to the north (10 m/s), weighted 3 : 1: launched
    // 2800 s before the detection, the balloon came from 28 km west under one, 28 km south under
    // the other.
    const dir = mkdtempSync(join(tmpdir(), 'backtrack-members-'));
    const file = join(dir, 'wind.json');
    writeFileSync(
      file,
      JSON.stringify({
        type: 'ensemble',
        members: [
          { type: 'uniform', uMps: 10, vMps: 0 },
          { type: 'uniform', uMps: 0, vMps: 10 },
        ],
        weights: [3, 1],
      }),
    );
    const ask = [
      'backtrack',
      '--wind-source',
      file,
      '--detection',
      '26,54.02,3000,2025-10-24T20:00:00Z',
      '--region',
      'anywhere',
      '--launch-window',
      '2025-10-24T19:11:20Z/2025-10-24T19:15:20Z',
      '--float-altitude',
      '3000',
      '--members',
      '200',
      '--forward-members',
      '0',
    ];
    const json = cli([...ask, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const f = JSON.parse(json.stdout).forecast;
    expect(f.members.map((m: { share: number; members: number }) => [m.share, m.members])).toEqual([
      [0.75, 150],
      [0.25, 50],
    ]);
    expect(Math.abs(f.members[0].best.bearingDeg - 270)).toBeLessThanOrEqual(5);
    expect(Math.abs(f.members[1].best.bearingDeg - 180)).toBeLessThanOrEqual(5);
    expect(f.agree).toBe(false);
    const text = cli(ask);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/forecast members: 2, each back-tracked on its own/);
    expect(text.stdout).toMatch(/ {2}1\. 0: uniform wind .*: 75\.0 % of the mass/);
    expect(text.stdout).toMatch(/warning: The forecast members disagree on where it was launched/);
  });

  it('--grid-offset back-tracks the 27 displaced copies of a --wind file; bad member lists are refused', () => {
    const r = cli([
      'backtrack',
      '--wind',
      WIND,
      '--grid-offset',
      '--detection',
      `25.2875,54.6,3000,${TIME}`,
      '--members',
      '54',
      '--max-float-hours',
      '2',
      '--forward-members',
      '0',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const f = JSON.parse(r.stdout).forecast;
    expect(f.members).toHaveLength(27);
    expect(f.members.every((m: { members: number }) => m.members === 2)).toBe(true);
    const bad = cli([
      'backtrack',
      '--wind',
      WIND,
      '--forecast-members',
      'x',
      '--detection',
      `25.2875,54.6,3000,${TIME}`,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      '--forecast-members must be "all" or member numbers N,N,… (0 the control), got "x"',
    );
    const both = cli([
      'backtrack',
      '--wind',
      WIND,
      '--wind-source',
      WIND,
      '--detection',
      `25.2875,54.6,3000,${TIME}`,
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give the wind once');
  });
});
