/**
 * Tonight's spread per launch hour: each hour's range of P(enter) across the forecast members and
 * "k of M reach the threshold" come from the night's one run (the summary's forecast.launches), and
 * equal the `forecast` section of a plain run of that hour alone. Three analytic forecast members
 * and no perturbations, so the hour's trajectories are the same in both runs.
 */
import { describe, expect, it } from 'vitest';
import { briefingMarkdown, formatBriefing } from '../output/briefing-text.js';
import { runScenario } from '../scenario/entry.js';
import type { Scenario } from '../scenario/schema.js';
import { type BriefingContext, buildBriefing } from './briefing.js';
import type { AnalysisTargets, ZoneTarget } from './observer.js';

const T0 = Date.parse('2025-10-24T16:00:00Z') / 1000;
const iso = (tSec: number) => new Date(tSec * 1000).toISOString();

const zone = (id: string, contains: (lon: number, lat: number) => boolean): ZoneTarget => ({
  id,
  name: id,
  kind: 'other',
  lowerM: 0,
  upperM: 5000,
  contains,
});
// Vilnius's two zones east of the sites, Kaunas's north of them (bare area tests).
const targets: AnalysisTargets = {
  zones: [
    zone('EYVI-CTR', (lon) => lon >= 25.6),
    zone('EYVI-APPROACH', (lon) => lon >= 25.45),
    zone('EYKA-CTR', (_lon, lat) => lat >= 54.15),
  ],
};

/**
 * Forecast member 0 turns with time (so each launch hour gets its own answer), member 1 blows north,
 * member 2 east; four sites 0.1° apart on 54° N. Balloons climb, float an hour and come down, so a
 * member launched at 16:00 has landed long before a run of the whole night ends.
 */
function scenario(start: number, end: number): Scenario {
  return {
    wind: {
      type: 'ensemble',
      members: [
        { type: 'oscillating', u0Mps: 6, v0Mps: 0, amplitudeMps: 6, periodSec: 4 * 3600, epoch: iso(T0) },
        { type: 'uniform', uMps: 0, vMps: 8 },
        { type: 'uniform', uMps: 6, vMps: 0 },
      ],
    },
    launch: {
      sites: [24.9, 25.0, 25.1, 25.2].map((lon, k) => ({ id: `s${k}`, lon, lat: 54 })),
      times: { start: iso(start), end: iso(end), everySec: 3600 },
    },
    flight: { ascentRateMps: 3, floatAltitudeM: 3000, floatDurationSec: 3600, descentRateMps: 4 },
    solver: { method: 'rk4', dtSec: 60, durationSec: end - start + 3 * 3600 },
    ensemble: { members: 3 },
    analysis: { closureThreshold: 0.2 },
  };
}

const context: BriefingContext = {
  night: '2025-10-24',
  timeZone: 'Europe/Vilnius',
  launchHours: '19-21',
  forecast: {
    model: 'analytic',
    cycle: '2025102400',
    description: 'three analytic members',
    referenceTimes: [],
    stepsUsed: [],
    steps: [],
    files: [],
    member: null,
  },
  launchPoints: 4,
  launchPointsOutside: 0,
  hoursOutside: [],
};

describe('the spread per launch hour', () => {
  const night = runScenario(scenario(T0, T0 + 2 * 3600), { targets }).summary;
  const briefing = buildBriefing(night, context);
  const hours = [T0, T0 + 3600, T0 + 2 * 3600];

  it('equals, hour by hour, the forecast section of a run of that hour alone', () => {
    for (const [k, h] of hours.entries()) {
      const alone = runScenario(scenario(h, h), { targets }).summary.forecast!;
      for (const airport of briefing.airports) {
        const hour = airport.hours[k];
        expect(hour.launch).toBe(iso(h));
        const spread = hour.forecastMembers!;
        const ids = airport.zones.map((z) => z.id);
        // The airport's P(enter) for a forecast member: the highest of its zones, as for the night.
        const per = (key: 'probability' | 'probabilityUpper') =>
          alone.members.map((m) =>
            Math.max(0, ...m.zones.filter((z) => ids.includes(z.id)).map((z) => z[key])),
          );
        const p = per('probability');
        const pu = per('probabilityUpper');
        expect([spread.probabilityMin, spread.probabilityMax]).toEqual([Math.min(...p), Math.max(...p)]);
        expect([spread.probabilityUpperMin, spread.probabilityUpperMax]).toEqual([
          Math.min(...pu),
          Math.max(...pu),
        ]);
        expect(spread.membersReachingThreshold).toBe(
          alone.members.filter((m) => m.zones.some((z) => ids.includes(z.id) && z.crossesThreshold)).length,
        );
        expect(spread.forecastMembers).toBe(3);
        // 4 sites × 1 trajectory per forecast member this hour, far under 3/0.2 = 15: all too few.
        expect(alone.members.map((m) => m.members)).toEqual([4, 4, 4]);
        expect(spread.tooFew).toBe(alone.members.filter((m) => !m.resolvesThreshold).length);
        expect(spread.tooFew).toBe(3);
        expect(spread.zones).toEqual(alone.zones.filter((z) => ids.includes(z.id)));
      }
    }
  });

  it('differs between hours and between members, so the comparison above has teeth', () => {
    const eyvi = briefing.airports.find((a) => a.icao === 'EYVI')!;
    const ranges = eyvi.hours.map((h) => [
      h.forecastMembers!.probabilityMin,
      h.forecastMembers!.probabilityMax,
    ]);
    expect(new Set(ranges.map((r) => r.join())).size).toBeGreaterThan(1);
    expect(ranges.some(([lo, hi]) => hi > lo)).toBe(true);
    const reach = eyvi.hours.map((h) => h.forecastMembers!.membersReachingThreshold);
    expect(Math.max(...reach)).toBeGreaterThan(0);
    // Kaunas: only the north member (and the turning one when it turns north) reaches it.
    const eyka = briefing.airports.find((a) => a.icao === 'EYKA')!;
    for (const h of eyka.hours) expect(h.forecastMembers!.membersReachingThreshold).toBeGreaterThanOrEqual(1);
  });

  it('the text prints each hour with its range and its count of members reaching the threshold', () => {
    const text = formatBriefing(briefing);
    expect(text).toContain('forecast members P(enter)');
    expect(text).toContain('reach threshold');
    expect(briefingMarkdown(briefing)).toContain('| forecast members P(enter) | reach threshold |');
    for (const a of briefing.airports)
      for (const h of a.hours)
        expect(text).toMatch(
          new RegExp(
            `${h.launch.slice(11, 16)}Z .* ${h.forecastMembers!.membersReachingThreshold} of 3 \\(3 too few\\)`,
          ),
        );
  });

  it('a run of one forecast has no spread per hour', () => {
    const one = runScenario(
      { ...scenario(T0, T0 + 3600), wind: { type: 'uniform', uMps: 6, vMps: 0 }, ensemble: { members: 1 } },
      { targets },
    ).summary;
    const b = buildBriefing(one, context);
    for (const a of b.airports) for (const h of a.hours) expect(h.forecastMembers).toBeNull();
    expect(formatBriefing(b)).not.toContain('reach threshold');
  });
});
