import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../analysis/summary.js';
import type { Provenance } from '../scenario/provenance.js';
import { formatSummary, table } from './summary-text.js';

/**
 * A summary built by hand (not by a run), so every expected line below is written out from the
 * rules of the text: columns padded to their widest cell and separated by two spaces, percentages
 * whole except below 1 %, bounds as "lower–upper %" where they differ, times as "YYYY-MM-DD HH:MMZ".
 * The home country is Latvia on purpose: the text must take the name from the summary, whatever the
 * geography says. 20 of the 400 members left the wind's coverage (15 across the east edge of its
 * box, 5 outlived its times): the text must lead with that.
 */
const night: RunSummary = {
  name: 'night of 24 October',
  wind: 'uniform 10 m/s from the west',
  direction: 'forward',
  method: 'rk4',
  dtSec: 60,
  start: '2025-10-24T17:00:00.000Z',
  end: '2025-10-25T05:00:00.000Z',
  members: 400,
  status: {
    pending: 0,
    active: 100,
    landed: 280,
    'left-domain': 15,
    'wind-ended': 5,
    'launch-point': 0,
    'non-finite': 0,
  },
  homeCountry: { id: 'LV', name: 'Latvia' },
  sites: [
    {
      id: 'a',
      members: 200,
      status: { landed: 200 },
      medianEndLon: 25.5,
      medianEndLat: 56.25,
      medianDistanceKm: 40.2,
      p90DistanceKm: 44,
      maxDistanceKm: 45,
      medianFlightHours: 3.5,
    },
    {
      id: 'bb',
      members: 200,
      status: { landed: 80, active: 100, 'left-domain': 15, 'wind-ended': 5 },
      medianEndLon: 26.1234,
      medianEndLat: 56.5,
      medianDistanceKm: 12,
      p90DistanceKm: 12.5,
      maxDistanceKm: 13,
      medianFlightHours: 1.25,
    },
  ],
  border: {
    probability: 0.75,
    probabilityUpper: 0.8,
    ci95: [0.3006, 0.9544],
    membersCrossed: 300,
    earliest: '2025-10-24T18:40:30.000Z',
    median: '2025-10-24T19:10:00.000Z',
    p90: '2025-10-24T20:00:00.000Z',
  },
  closureThreshold: 0.01,
  timeline: [
    '2025-10-24T17:00:00.000Z',
    '2025-10-24T19:00:00.000Z',
    '2025-10-24T20:00:00.000Z',
    '2025-10-24T21:00:00.000Z',
    '2025-10-24T22:00:00.000Z',
  ],
  zones: [
    {
      id: 'EYXX-CTR',
      name: 'an airport control zone',
      kind: 'ctr',
      lowerM: 0,
      upperM: 762,
      probability: 0.5,
      probabilityUpper: 0.55,
      ci95: [0.15, 0.85],
      membersEntered: 200,
      membersMayHaveEntered: 20,
      earliestEntry: '2025-10-24T19:00:00.000Z',
      medianEntry: '2025-10-24T19:30:00.000Z',
      p90Entry: '2025-10-24T20:00:00.000Z',
      medianMinutesInside: 12,
      anyMemberWindow: { start: '2025-10-24T19:00:00.000Z', end: '2025-10-25T05:00:00.000Z' },
      anyMemberWindowSeen: { start: '2025-10-24T19:00:00.000Z', end: '2025-10-24T21:45:00.000Z' },
      thresholdWindow: [
        { start: '2025-10-24T19:00:00.000Z', end: '2025-10-24T19:40:00.000Z' },
        { start: '2025-10-24T20:10:00.000Z', end: '2025-10-25T05:00:00.000Z' },
      ],
      thresholdWindowSeen: [{ start: '2025-10-24T19:00:00.000Z', end: '2025-10-24T19:40:00.000Z' }],
      insideProbability: { lower: [0, 0.3, 0, 0, 0], upper: [0, 0.3, 0.0125, 0.05, 0.05] },
      closestApproach: { horizontalKm: 0, verticalM: 0, time: '2025-10-24T19:00:00.000Z' },
      medianClosestHorizontalKm: 3.2,
    },
    {
      id: 'R-1',
      name: 'a restricted area',
      kind: 'restricted',
      lowerM: 0,
      upperM: null,
      probability: 0.005,
      probabilityUpper: 0.005,
      ci95: [0.0014, 0.018],
      membersEntered: 2,
      membersMayHaveEntered: 0,
      earliestEntry: '2025-10-24T20:05:00.000Z',
      medianEntry: '2025-10-24T20:10:00.000Z',
      p90Entry: '2025-10-24T20:14:00.000Z',
      medianMinutesInside: 3,
      anyMemberWindow: { start: '2025-10-24T20:05:00.000Z', end: '2025-10-24T20:30:00.000Z' },
      anyMemberWindowSeen: { start: '2025-10-24T20:05:00.000Z', end: '2025-10-24T20:30:00.000Z' },
      thresholdWindow: [],
      thresholdWindowSeen: [],
      insideProbability: { lower: [0, 0, 0.005, 0, 0], upper: [0, 0, 0.005, 0, 0] },
      closestApproach: null,
      medianClosestHorizontalKm: null,
    },
  ],
  coverage: {
    members: 400,
    unresolved: 20,
    unresolvedFraction: 0.05,
    leftDomain: {
      count: 15,
      edges: [
        { edge: 'east', count: 15, first: '2025-10-24T21:10:00.000Z', last: '2025-10-24T23:00:00.000Z' },
      ],
    },
    windEnded: { count: 5, at: '2025-10-25T03:00:00.000Z' },
    nonFinite: { count: 0, first: null, last: null },
    wind: {
      lonMin: 20,
      lonMax: 28,
      latMin: 52,
      latMax: 58,
      altMaxM: 10000,
      start: '2025-10-24T12:00:00.000Z',
      end: '2025-10-25T03:00:00.000Z',
    },
    requestedEnd: '2025-10-25T05:00:00.000Z',
    maxDriftSpeedMps: 40,
    maxDriftSpeedFrom: 'wind',
  },
  landings: {
    count: 280,
    medianLon: 25.8,
    medianLat: 56.3,
    inHomeCountry: 120,
    byCountry: [
      { id: 'LT', name: 'Lithuania', count: 150 },
      { id: 'LV', name: 'Latvia', count: 120 },
    ],
    elsewhere: 10,
    grid: null,
  },
  risk: [
    {
      site: 'a',
      launch: '2025-10-24T17:00:00.000Z',
      members: 200,
      borderProbability: 1,
      borderProbabilityUpper: 1,
      zones: [
        {
          id: 'EYXX-CTR',
          probability: 0.75,
          probabilityUpper: 0.75,
          earliestEntry: '2025-10-24T19:00:00.000Z',
          thresholdWindow: [],
        },
        {
          id: 'R-1',
          probability: 0.01,
          probabilityUpper: 0.01,
          earliestEntry: '2025-10-24T20:05:00.000Z',
          thresholdWindow: [],
        },
      ],
    },
    {
      site: 'bb',
      launch: '2025-10-24T17:00:00.000Z',
      members: 200,
      borderProbability: 0.5,
      borderProbabilityUpper: 0.6,
      zones: [
        {
          id: 'EYXX-CTR',
          probability: 0.25,
          probabilityUpper: 0.35,
          earliestEntry: '2025-10-24T19:20:00.000Z',
          thresholdWindow: [],
        },
      ],
    },
  ],
  bands: [],
  warnings: ['20 of 400 members (5.0 %) are UNRESOLVED: …', 'the wind is illustrative, not real weather'],
  provenance: null,
};

describe('formatSummary', () => {
  it('renders a constructed summary line by line', () => {
    expect(formatSummary(night, { timeZone: 'UTC' }).split('\n')).toEqual([
      'WARNING: 20 of 400 members (5.0 %) are UNRESOLVED: …',
      '',
      'night of 24 October: 400 members, forward rk4 dt=60 s',
      '  2025-10-24 17:00Z → 2025-10-25 05:00Z',
      '  wind: uniform 10 m/s from the west',
      '  status: active 100, landed 280, left-domain 15, wind-ended 5',
      '',
      'site  members  landed  flying  left box  wind ended  median end (lon, lat)  dist km p50/p90/max  hours p50',
      'a     200      200     0       0         0           25.500, 56.250         40.2/44/45           3.5',
      'bb    200      80      100     15        5           26.123, 56.500         12/12.5/13           1.25',
      '',
      'border crossing into Latvia: 75–80 % of members (95 % CI 30 %–95 %), earliest 2025-10-24 18:40Z, median 2025-10-24 19:10Z',
      '',
      'zone      limits   P(enter)  95 % CI    earliest entry     median entry       p90 entry          closest to zone (horiz, vert)',
      'EYXX-CTR  0–762 m  50–55 %   15 %–85 %  2025-10-24 19:00Z  2025-10-24 19:30Z  2025-10-24 20:00Z  0 km, 0 m',
      'R-1       0–UNL m  0.5 %     0.1 %–2 %  2025-10-24 20:05Z  2025-10-24 20:10Z  2025-10-24 20:14Z  -',
      '',
      'closure windows (UTC), by the upper bound of P(inside) (members that left the wind count where they could have been):',
      'zone      any member: first entry → last inside          P(inside) ≥ 1 %                                                                     peak P(inside)',
      'EYXX-CTR  2025-10-24 19:00Z–2025-10-25 05:00Z (run end)  2025-10-24 19:00Z–2025-10-24 19:40Z, 2025-10-24 20:10Z–2025-10-25 05:00Z (run end)  30 % at 2025-10-24 19:00Z',
      'R-1       2025-10-24 20:05Z–2025-10-24 20:30Z            none                                                                                0.5 % at 2025-10-24 20:00Z',
      '',
      'P(inside) by time (UTC; lower–upper where members left the wind):',
      'time               EYXX-CTR  R-1',
      '2025-10-24 19:00Z  30 %      0 %',
      '2025-10-24 20:00Z  0–1 %     0.5 %',
      '2025-10-24 21:00Z  0–5 %     0 %',
      '2025-10-24 22:00Z  0–5 %     0 %',
      '',
      'site  launch (UTC)       members  P(border)  P(EYXX-CTR)  P(R-1)',
      'a     2025-10-24 17:00Z  200      100 %      75 %         1 %',
      'bb    2025-10-24 17:00Z  200      50–60 %    25–35 %      0 %',
      '',
      'landings: 280 payloads came down: Lithuania 150, Latvia 120, elsewhere 10; median point 25.8, 56.3',
      'warning: the wind is illustrative, not real weather',
    ]);
  });

  it('names no country when the run has no home country, and leaves out empty tables', () => {
    const bare: RunSummary = {
      ...night,
      name: null,
      members: 1,
      status: { ...night.status, active: 0, landed: 1, 'left-domain': 0, 'wind-ended': 0 },
      homeCountry: null,
      sites: [{ ...night.sites[0], members: 1, status: { landed: 1 } }],
      border: null,
      zones: [],
      coverage: { ...night.coverage, members: 1, unresolved: 0, unresolvedFraction: 0 },
      landings: {
        count: 1,
        medianLon: 25,
        medianLat: 56,
        inHomeCountry: null,
        byCountry: [],
        elsewhere: null,
        grid: null,
      },
      risk: [
        { ...night.risk[0], members: 1, borderProbability: null, borderProbabilityUpper: null, zones: [] },
      ],
      warnings: [],
    };
    const text = formatSummary(bare, { timeZone: 'UTC' });
    expect(text.split('\n')).toEqual([
      'run: 1 members, forward rk4 dt=60 s',
      '  2025-10-24 17:00Z → 2025-10-25 05:00Z',
      '  wind: uniform 10 m/s from the west',
      '  status: landed 1',
      '',
      'site  members  landed  flying  left box  wind ended  median end (lon, lat)  dist km p50/p90/max  hours p50',
      'a     1        1       0       0         0           25.500, 56.250         40.2/44/45           3.5',
      '',
      'landings: 1 payloads came down; median point 25, 56',
    ]);
    expect(text).not.toMatch(/Lithuania|Latvia/);
  });

  it('table pads each column to its widest cell, two spaces apart, with no trailing blanks', () => {
    expect(
      table([
        ['a', 'bbb', 'c'],
        ['dddd', 'e', ''],
      ]),
    ).toEqual(['a     bbb  c', 'dddd  e']);
  });
});

describe('formatSummary: provenance and local time', () => {
  /** A provenance written out by hand: a GFS run read from one file, a run at 18:31 UTC. */
  const provenance: Provenance = {
    tool: { name: 'balloon-sim', version: '1.2.3' },
    engine: { name: '@balloon-sim/sim-core', version: '1.2.3' },
    runTime: '2025-10-24T18:31:00.000Z',
    wind: {
      format: 'grib2',
      description: 'GFS',
      illustrative: false,
      files: [{ name: 'f000.grib2', bytes: 1000, sha256: 'c'.repeat(64) }],
      referenceTimes: ['2025-10-24T12:00:00.000Z'],
      producer: { centre: { code: 7, name: 'US NCEP' } },
      validTimes: ['2025-10-24T12:00:00.000Z'],
      validTimesUsed: ['2025-10-24T12:00:00.000Z'],
    },
    seed: 7,
    members: 400,
    inputs: [],
  };
  const EEST = '(?:EEST|UTC\\+3)';
  /** The night with every member resolved, so that no coverage warning heads the text. */
  const resolved: RunSummary = {
    ...night,
    coverage: { ...night.coverage, unresolved: 0, unresolvedFraction: 0 },
    warnings: night.warnings.slice(1),
  };

  it('Europe/Vilnius by default: local time, then UTC; the header says what produced the run', () => {
    const lines = formatSummary({ ...resolved, provenance }).split('\n');
    // 17:00Z is 20:00 in Vilnius (summer time, UTC+3 until 26 October); 05:00Z the next day is 08:00.
    expect(lines[1]).toMatch(
      new RegExp(`^  2025-10-24 20:00 ${EEST} \\(17:00Z\\) → 2025-10-25 08:00 ${EEST} \\(05:00Z\\)$`),
    );
    expect(lines[3]).toMatch(
      new RegExp(
        `^  provenance: produced by balloon-sim 1\\.2\\.3 \\(@balloon-sim/sim-core 1\\.2\\.3\\), run 2025-10-24 21:31 ${EEST} \\(18:31Z\\)$`,
      ),
    );
    expect(lines[4]).toMatch(
      new RegExp(`^    wind: grib2, US NCEP, run 2025-10-24 15:00 ${EEST} \\(12:00Z\\)$`),
    );
    expect(lines).toContain(`    wind file: f000.grib2, 1000 bytes, sha256 ${'c'.repeat(64)}`);
    expect(lines).toContain('    seed 7, 400 members');
  });

  it("the scenario's output.timeZone, unless the caller names another zone", () => {
    const inLondon = {
      ...resolved,
      provenance: { ...provenance, scenario: { ...bareScenario, output: { timeZone: 'Europe/London' } } },
    };
    // London is on BST (UTC+1) until 26 October.
    expect(formatSummary(inLondon).split('\n')[1]).toMatch(/^ {2}2025-10-24 18:00 (BST|UTC\+1) \(17:00Z\)/);
    expect(formatSummary(inLondon, { timeZone: 'UTC' }).split('\n')[1]).toBe(
      '  2025-10-24 17:00Z → 2025-10-25 05:00Z',
    );
    expect(() => formatSummary(night, { timeZone: 'Europe/Atlantis' })).toThrow(/Europe\/Atlantis/);
  });
});

const bareScenario = {
  wind: { type: 'uniform' as const, uMps: 10, vMps: 0 },
  launch: { sites: [{ id: 'a', lon: 25, lat: 54 }], times: { start: '2025-10-24T17:00:00Z' } },
  flight: { floatAltitudeM: 2000 },
  solver: { durationSec: 43200 },
};
