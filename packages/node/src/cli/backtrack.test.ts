import { describe, expect, it } from 'vitest';
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
