import { describe, expect, it } from 'vitest';
import { UniformWind } from '../wind/analytic.js';
import { prepareRun } from './entry.js';
import { sampleLaunchSites, withAreaSites } from './launch-area.js';
import type { Scenario } from './schema.js';

// An L-shaped area: the square 24–25 E × 54–55 N without its north-east quarter.
const L = [
  [
    [24, 54],
    [25, 54],
    [25, 54.5],
    [24.5, 54.5],
    [24.5, 55],
    [24, 55],
    [24, 54],
  ],
];

describe('launch areas', () => {
  it('samples points inside the area only, the same for the same seed', () => {
    const sites = sampleLaunchSites([L], 400, 7, 'strip');
    expect(sites).toHaveLength(400);
    expect(sites[0].id).toBe('strip-001');
    for (const s of sites) expect(s.lon >= 24.5 && s.lat >= 54.5).toBe(false);
    expect(sampleLaunchSites([L], 400, 7, 'strip')).toEqual(sites);
    expect(sampleLaunchSites([L], 400, 8, 'strip')).not.toEqual(sites);
  });

  it('spreads points uniformly: each of the three quarters gets about a third', () => {
    const sites = sampleLaunchSites([L], 3000, 1);
    const sw = sites.filter((s) => s.lon < 24.5 && s.lat < 54.5).length / 3000;
    const se = sites.filter((s) => s.lon >= 24.5 && s.lat < 54.5).length / 3000;
    const nw = sites.filter((s) => s.lon < 24.5 && s.lat >= 54.5).length / 3000;
    // Quarter areas differ by cos(lat) (0.3 % between 54.25 and 54.75 N); 3000 draws: σ ≈ 0.009.
    for (const share of [sw, se, nw]) expect(Math.abs(share - 1 / 3)).toBeLessThan(0.035);
  });

  it('turns a scenario launch area into sites that prepareRun accepts', () => {
    const scenario: Scenario = {
      wind: { type: 'uniform', uMps: 5, vMps: 5 },
      launch: { area: { points: 5, seed: 3 }, times: { start: '2025-10-24T19:00:00Z' } },
      flight: { floatAltitudeM: 3000 },
      solver: { durationSec: 3600 },
    };
    expect(() => prepareRun(scenario, new UniformWind(5, 5))).toThrow(
      /launch\.area must be turned into sites first/,
    );
    const resolved = withAreaSites(scenario, [L], 'strip');
    expect(resolved.launch.sites?.map((s) => s.id)).toEqual([
      'strip-001',
      'strip-002',
      'strip-003',
      'strip-004',
      'strip-005',
    ]);
    expect(prepareRun(resolved, new UniformWind(5, 5)).simulation.members.count).toBe(5);
  });
});
