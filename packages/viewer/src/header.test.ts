import { describe, expect, it } from 'vitest';
import { isMadeUpWind, type RunFacts, runHeaderText, unresolvedShare } from './header.js';

const status = {
  pending: 0,
  active: 0,
  landed: 90,
  'left-domain': 8,
  'wind-ended': 2,
  'launch-point': 0,
  'non-finite': 0,
};

const facts = (over: Partial<RunFacts> = {}): RunFacts => ({
  scenario: {
    name: 'Tonight',
    wind: { type: 'file', paths: ['wind:gfs-0p25-2026120412'] },
    ensemble: { seed: 7 },
  },
  members: 100,
  acceptedMs: Date.parse('2026-12-04T20:15:00Z'),
  warnings: [],
  summary: { name: 'Tonight', wind: 'GFS 0.25° 2026-12-04 12Z', members: 100, status },
  ...over,
});

describe('the run header', () => {
  it('names the scenario, wind, members, seed and time of run (Vilnius time beside UTC)', () => {
    expect(runHeaderText(facts())).toEqual([
      'Scenario: Tonight',
      'Wind: file gfs-0p25-2026120412',
      '100 members, seed 7',
      'Run at 12-04 20:15Z (22:15 LT)',
    ]);
  });

  it('says where a run was computed when it was not the server: this browser’s GPU, by its adapter', () => {
    const lines = runHeaderText(facts({ computedOn: 'this browser’s GPU (SwiftShader Device)' }));
    expect(lines[3]).toBe(
      'Run at 12-04 20:15Z (22:15 LT), computed on this browser’s GPU (SwiftShader Device)',
    );
  });

  it('adds the forecast model, centre, cycle and lead times from the summary’s provenance', () => {
    const run = facts();
    run.summary = {
      ...run.summary!,
      provenance: {
        wind: {
          illustrative: false,
          referenceTimes: ['2026-12-04T12:00:00.000Z'],
          producer: { centre: { code: 7, name: 'US NCEP' }, models: [{ code: 96, name: 'GFS' }] },
          steps: [6, 9, 12].map((h) => ({
            validTime: new Date(Date.parse('2026-12-04T12:00:00Z') + h * 3600e3).toISOString(),
            referenceTime: '2026-12-04T12:00:00.000Z',
            forecastHours: h,
            model: { code: 96, name: 'GFS' },
            files: [`f${h}.grib2`],
          })),
        },
      },
    };
    expect(runHeaderText(run)[1]).toBe(
      'Wind: file gfs-0p25-2026120412 — GFS (US NCEP), cycle 12-04 12:00Z (14:00 LT), steps +6, +9, +12 h',
    );
  });

  it('calls analytic winds and files marked illustrative made up, and a forecast not', () => {
    expect(isMadeUpWind(facts())).toBe(false);
    expect(isMadeUpWind(facts({ scenario: { wind: { type: 'uniform' } } }))).toBe(true);
    expect(isMadeUpWind(facts({ warnings: ['the wind is illustrative, not real weather'] }))).toBe(true);
    const run = facts();
    run.summary = { ...run.summary!, wind: 'Border night [ILLUSTRATIVE: not real weather]' };
    expect(isMadeUpWind(run)).toBe(true);
    // The provenance's flag, whatever the description says.
    const flagged = facts();
    flagged.summary = {
      ...flagged.summary!,
      provenance: { wind: { illustrative: true, referenceTimes: [] } },
    };
    expect(isMadeUpWind(flagged)).toBe(true);
  });

  it('counts the members that left the wind (left-domain, wind-ended), or takes the core’s coverage', () => {
    expect(unresolvedShare(facts())).toEqual({ count: 10, fraction: 0.1 });
    const run = facts();
    run.summary = { ...run.summary!, coverage: { unresolved: 3, unresolvedFraction: 0.03 } };
    expect(unresolvedShare(run)).toEqual({ count: 3, fraction: 0.03 });
    expect(unresolvedShare(facts({ summary: null }))).toBe(null);
  });
});
