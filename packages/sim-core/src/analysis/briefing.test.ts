/**
 * The briefing regroups a summary per airport: counts per launch hour summed over launch points,
 * closure windows as the union of the zones', the alert exactly when a window is open. Checked on a
 * summary written here with round figures (the end-to-end equality with a real run is
 * packages/node/src/cli/tonight.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { airportOfZone, buildBriefing, unionWindows } from './briefing.js';
import { boundedInterval } from './ensemble-stats.js';
import type { RunSummary } from './summary.js';

const w = (start: string, end: string) => ({
  start: `2025-10-24T${start}:00.000Z`,
  end: `2025-10-24T${end}:00.000Z`,
});

describe('unionWindows', () => {
  it('merges overlapping and touching windows and keeps apart those with a gap', () => {
    expect(
      unionWindows([w('18:00', '19:00'), w('17:00', '18:30'), w('19:00', '19:30'), w('20:00', '21:00')]),
    ).toEqual([w('17:00', '19:30'), w('20:00', '21:00')]);
    expect(unionWindows([])).toEqual([]);
  });
});

describe('buildBriefing', () => {
  const zone = (id: string, windows: ReturnType<typeof w>[]) => ({
    id,
    name: id,
    kind: 'ctr',
    lowerM: 0,
    upperM: 762,
    probability: 0.3,
    probabilityUpper: 0.4,
    ci95: [0.1, 0.6] as [number, number],
    earliestEntry: null,
    thresholdWindow: windows,
    thresholdWindowSeen: windows,
    insideProbability: { lower: [0, 0.1, 0], upper: [0, 0.2, 0.05] },
  });
  const row = (site: string, launch: string, members: number, p: number, pu: number) => ({
    site,
    launch,
    members,
    borderProbability: null,
    borderProbabilityUpper: null,
    zones: ['EYVI-CTR', 'EYKA-CTR', 'LT-BY-RESTRICTED'].map((id) => ({
      id,
      probability: p,
      probabilityUpper: pu,
      earliestEntry: null,
      thresholdWindow: [],
    })),
  });
  const h18 = '2025-10-24T15:00:00.000Z';
  const h19 = '2025-10-24T16:00:00.000Z';
  const summary = {
    members: 40,
    closureThreshold: 0.01,
    timeline: ['2025-10-24T15:00:00.000Z', '2025-10-24T16:00:00.000Z', '2025-10-24T17:00:00.000Z'],
    zones: [
      zone('EYVI-CTR', [w('16:00', '17:00')]),
      zone('EYKA-CTR', []),
      zone('LT-BY-RESTRICTED', [w('15:00', '16:00')]),
    ],
    risk: [
      row('a', h18, 10, 0.5, 0.6),
      row('b', h18, 10, 0.2, 0.2),
      row('a', h19, 10, 0, 0.1),
      row('b', h19, 10, 0.1, 0.3),
    ],
    bands: [],
    coverage: {
      unresolved: 0,
      unresolvedFraction: 0,
      leftDomain: { count: 0, edges: [] },
      windEnded: { count: 0, at: null },
      wind: { lonMin: 19, lonMax: 29, latMin: 52, latMax: 58, altMaxM: 6000, start: null, end: null },
      requestedEnd: '2025-10-25T03:00:00.000Z',
    },
    warnings: [],
    provenance: { seed: 11 },
  } as unknown as RunSummary;
  const context = {
    night: '2025-10-24',
    timeZone: 'Europe/Vilnius',
    launchHours: '18-19',
    forecast: {
      model: 'gfs',
      cycle: '2025102412',
      description: 'test',
      referenceTimes: [],
      stepsUsed: [],
      steps: [],
      files: [],
      member: null,
    },
    launchPoints: 2,
    launchPointsOutside: 0,
    hoursOutside: [],
  };
  const briefing = buildBriefing(summary, context);

  it('groups zones by airport (the ICAO code before the dash) and leaves other zones out', () => {
    expect(airportOfZone('EYVI-APPROACH')).toBe('EYVI');
    expect(airportOfZone('LT-BY-RESTRICTED')).toBeNull();
    expect(briefing.airports.map((a) => [a.icao, a.zones.map((z) => z.id)])).toEqual([
      ['EYVI', ['EYVI-CTR']],
      ['EYKA', ['EYKA-CTR']],
    ]);
  });

  it('sums the members of every launch point per launch hour: (5 + 2) of 20 at 18:00, (0 + 1) to (1 + 3) of 20 at 19:00', () => {
    const [vilnius] = briefing.airports;
    expect(vilnius.hours.map((h) => [h.launch, h.members, h.zones[0]])).toEqual([
      [h18, 20, { id: 'EYVI-CTR', entered: 7, mayHaveEntered: 1, probability: 0.35, probabilityUpper: 0.4 }],
      [h19, 20, { id: 'EYVI-CTR', entered: 1, mayHaveEntered: 3, probability: 0.05, probabilityUpper: 0.2 }],
    ]);
    expect(briefing.membersPerLaunch).toBe(10);
    expect(briefing.launches).toEqual([h18, h19]);
  });

  it('keeps the float-altitude bands whose members may enter an airport zone, and says when there is no fan', () => {
    expect(briefing.floatBands).toEqual({ fan: false, count: 0, bands: [] });
    const band = (label: string, id: string, upper: number) => ({
      label,
      minM: 0,
      maxM: 0,
      members: 10,
      border: null,
      zones: [{ id, probability: 0, probabilityUpper: upper, ci95: [0, 0.3] as [number, number] }],
    });
    const fan = buildBriefing(
      {
        ...summary,
        bands: [
          band('2000 m', 'EYVI-CTR', 0),
          band('3000 m', 'EYKA-CTR', 0.1),
          band('4000 m', 'LT-BY-RESTRICTED', 0.5),
        ],
      },
      { ...context },
    );
    expect(fan.floatBands.fan).toBe(true);
    expect(fan.floatBands.count).toBe(3);
    expect(fan.floatBands.bands.map((b) => b.label)).toEqual(['3000 m']);
  });

  it('alerts exactly for the airports whose closure window is open', () => {
    expect(briefing.airports.map((a) => [a.icao, a.alert, a.closureWindow])).toEqual([
      ['EYVI', true, [w('16:00', '17:00')]],
      ['EYKA', false, []],
    ]);
    expect(briefing.alert).toBe(true);
    expect(briefing.airports[0].zones[0].peakInside).toEqual({
      lower: 0.1,
      upper: 0.2,
      time: '2025-10-24T16:00:00.000Z',
    });
    expect(briefing.airports[1].zones[0].peakInside?.upper).toBe(0.2);
    expect(briefing.forecastMembers).toBeNull();
  });

  describe('the spread across forecast members', () => {
    /** A forecast member of 100 trajectories: `entered` of them in EYVI-CTR, `upper` by the upper bound. */
    const member = (label: string, entered: number, upper = entered, crosses = entered > 0) => ({
      label,
      weight: 1,
      members: 100,
      resolvesThreshold: false,
      border: null,
      zones: [
        {
          id: 'EYVI-CTR',
          probability: entered / 100,
          probabilityUpper: upper / 100,
          ci95: boundedInterval(entered, upper, 100),
          membersEntered: entered,
          crossesThreshold: crosses,
        },
      ],
    });
    const spreadOf = (members: ReturnType<typeof member>[]) =>
      buildBriefing({ ...summary, forecast: { members, zones: [], border: null } }, context).forecastMembers!
        .airports[0];

    it('is null for a run of one forecast', () => {
      expect(briefing.forecastMembers).toBeNull();
    });

    it('says weather when two members disagree beyond their own spread: 5 and 60 of 100', () => {
      const s = spreadOf([member('a', 5), member('b', 60), member('c', 0, 0, false)]);
      expect([s.probabilityMin, s.probabilityMax, s.membersReachingThreshold]).toEqual([0, 0.6, 2]);
      expect(s.uncertainty).toBe('weather');
      expect(s.sentence).toBe(
        "EYVI: the uncertainty lies in the weather — the forecast members disagree by more than their own trajectories' spread (P(enter) 0–60 % across 3 forecast members, 2 of 3 reach the threshold; 3 members fly too few trajectories to resolve the threshold).",
      );
      expect(s.tooFew).toEqual(['a', 'b', 'c']);
    });

    it('says launch when their intervals overlap: 20 and 26 of 100', () => {
      expect(spreadOf([member('a', 20), member('b', 26)]).uncertainty).toBe('launch');
    });

    it('cannot tell when the trajectories that left the wind decide: 5 and 60 seen, 5 could be 70', () => {
      const s = spreadOf([member('a', 5, 70), member('b', 60)]);
      expect(s.uncertainty).toBe('unresolved');
      expect(s.sentence).toMatch(
        /^EYVI: cannot tell whether the uncertainty lies in the weather or in the launch/,
      );
    });

    it('says none when no member enters, even by the upper bound', () => {
      expect(spreadOf([member('a', 0), member('b', 0)]).uncertainty).toBe('none');
    });
  });
});
