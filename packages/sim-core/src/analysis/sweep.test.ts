import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { prepareRun } from '../scenario/entry.js';
import { selectMembers } from '../scenario/prepare.js';
import { runPrepared } from '../scenario/run.js';
import type { Scenario } from '../scenario/schema.js';
import { UniformWind } from '../wind/analytic.js';
import type { AnalysisTargets } from './observer.js';
import { mergeSweeps, parseShard, type SweepTable, shardMembers, sweepCsv, sweepTable } from './sweep.js';

/**
 * Two sites × three launch hours × four members whose launch points are spread by 20 km, carried
 * east by a uniform wind: some members of a row reach the zone and some do not, so the table holds
 * fractions, not just 0 and 1.
 */
const scenario: Scenario = {
  name: 'sweep',
  wind: { type: 'uniform', uMps: 10, vMps: 0 },
  launch: {
    sites: [
      { id: 'a', lon: 25, lat: 54 },
      { id: 'b', lon: 25.2, lat: 54.3 },
    ],
    times: { start: '2025-10-24T18:00:00Z', end: '2025-10-24T20:00:00Z', everySec: 3600 },
  },
  flight: { floatAltitudeM: 3000 },
  solver: { durationSec: 3 * 3600 },
  ensemble: { members: 4, seed: 7, perturb: { positionM: 20_000 } },
};
const targets: AnalysisTargets = {
  zones: [
    {
      id: 'z',
      name: 'z',
      kind: 'other',
      lowerM: 0,
      upperM: 5000,
      contains: (lon, lat) => lon >= 25.6 && lon <= 25.8 && lat >= 54 && lat <= 54.4,
    },
  ],
  origin: { id: 'O', name: 'Origin', contains: (lon) => lon < 25.3 },
  home: { id: 'H', name: 'Home', contains: (lon) => lon >= 25.3 },
};
const whole = prepareRun(scenario, new UniformWind(10, 0));
const siteIds = ['a', 'b'];
const groups = 2 * 3;

/** The table of shard `index` of `count`, run as `balloon-sim sweep --shard` runs it. */
function shard(index: number, count: number, fingerprint = 'f1'): SweepTable {
  const ids = shardMembers(groups, whole.membersPerLaunch, index, count);
  const { summary } = runPrepared(selectMembers(whole, ids), { targets });
  return sweepTable(summary, siteIds, fingerprint, { index, count });
}

describe('sweepTable', () => {
  const table = sweepTable(runPrepared(whole, { targets }).summary, siteIds, 'f1', null);

  it('holds the run summary’s risk rows, its zones and sites, and identifies the sweep', () => {
    expect(table).toMatchObject({
      format: 'balloon-sim-sweep',
      version: 2,
      scenario: 'sweep',
      fingerprint: 'f1',
      shard: null,
      sites: ['a', 'b'],
      zones: ['z'],
    });
    expect(table.rows.map((r) => `${r.site} ${r.launch.slice(11, 16)} ${r.members}`)).toEqual([
      'a 18:00 4',
      'a 19:00 4',
      'a 20:00 4',
      'b 18:00 4',
      'b 19:00 4',
      'b 20:00 4',
    ]);
    // The spread makes it a table of fractions (quarters of four members), not of 0 and 1 only.
    const p = table.rows.map((r) => r.zones[0].probability);
    for (const x of p) expect(x * 4).toBe(Math.round(x * 4));
    expect(p.some((x) => x > 0 && x < 1)).toBe(true);
  });

  it('merging its shards, in any order, gives the table of the whole sweep exactly', () => {
    // 8 shards of 6 rows: the last two are empty.
    for (const count of [2, 4, 6, 8]) {
      const shards = Array.from({ length: count }, (_, k) => shard(k + 1, count)).reverse();
      expect(mergeSweeps(shards)).toEqual(table);
    }
  });
});

describe('shardMembers and parseShard', () => {
  it('shard i of n takes groups i−1, i−1+n, …, each group its consecutive members', () => {
    // 5 groups of 2 members, shard 2 of 3: groups 1 and 4, members 2, 3 and 8, 9.
    expect(Array.from(shardMembers(5, 2, 2, 3))).toEqual([2, 3, 8, 9]);
    expect(Array.from(shardMembers(5, 2, 3, 3))).toEqual([4, 5]);
    // More shards than groups: the last ones are empty.
    expect(Array.from(shardMembers(2, 3, 4, 4))).toEqual([]);
  });

  it('reads i/n and refuses anything else, naming the text', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/8', '9/8', '2', '2/0', 'a/b', '2/8/1', ' 2/8', '-1/2'])
      expect(() => parseShard(bad)).toThrow(
        new RegExp(`got "${bad.replace(/[/.*+?^${}()|[\]\\]/g, '\\$&')}"`),
      );
  });
});

describe('mergeSweeps refuses what is not one whole sweep', () => {
  const s1 = shard(1, 3);
  const s2 = shard(2, 3);
  const s3 = shard(3, 3);
  const names = ['one.json', 'two.json', 'three.json'];

  it('a missing shard (a gap)', () => {
    expect(() => mergeSweeps([s1, s3], ['one.json', 'three.json'])).toThrow('shards 2/3 are missing');
  });

  it('a shard given twice', () => {
    expect(() => mergeSweeps([s1, s2, s2, s3], ['1', '2', '2 again', '3'])).toThrow(
      'shard 2/3 is given twice (2 again)',
    );
  });

  it('a shard of another sweep (other scenario or wind)', () => {
    const foreign = shard(2, 3, 'f2');
    expect(() => mergeSweeps([s1, foreign, s3], names)).toThrow(
      'two.json belongs to another sweep (scenario or wind differ from one.json)',
    );
  });

  it('a shard produced from other inputs (a wind file of other content under the same name)', () => {
    const files = [{ name: 'f000.grib2', bytes: 10, sha256: 'a'.repeat(64) }];
    const withFiles = (t: SweepTable, f: typeof files) => ({
      ...t,
      provenance: { ...t.provenance!, wind: { ...t.provenance!.wind, files: f } },
    });
    const other = [{ ...files[0], sha256: 'b'.repeat(64) }];
    expect(() =>
      mergeSweeps([withFiles(s1, files), withFiles(s2, other), withFiles(s3, files)], names),
    ).toThrow(
      `two.json was produced from other inputs than one.json (their provenance differs: wind files f000.grib2 ${'a'.repeat(64)} against f000.grib2 ${'b'.repeat(64)})`,
    );
  });

  it('shards run at different times merge, the table keeping the earliest time of run', () => {
    const at = (t: SweepTable, runTime: string) => ({ ...t, provenance: { ...t.provenance!, runTime } });
    const merged = mergeSweeps(
      [
        at(s2, '2025-10-24T18:05:00.000Z'),
        at(s3, '2025-10-24T18:09:00.000Z'),
        at(s1, '2025-10-24T18:01:00.000Z'),
      ],
      names,
    );
    expect(merged.provenance?.runTime).toBe('2025-10-24T18:01:00.000Z');
    expect(merged.rows).toEqual(mergeSweeps([s1, s2, s3]).rows);
  });

  it('shards of different counts, a whole table, something else, nothing', () => {
    expect(() => mergeSweeps([s1, shard(2, 4), s3], names)).toThrow(
      'two.json is shard 2/4, the others are of 3',
    );
    const wholeTable = { ...s1, shard: null };
    expect(() => mergeSweeps([wholeTable], ['w.json'])).toThrow('w.json is a whole sweep, not a shard');
    expect(() => mergeSweeps([{ rows: [] } as unknown as SweepTable], ['x.json'])).toThrow(
      'x.json is not a balloon-sim sweep table (version 2)',
    );
    expect(() => mergeSweeps([])).toThrow(InputError);
  });
});

describe('sweepCsv', () => {
  it('writes a row per site and launch time: per zone P(enter) and earliest entry, then the bounds and windows', () => {
    const table: SweepTable = {
      format: 'balloon-sim-sweep',
      version: 2,
      scenario: null,
      fingerprint: 'x',
      shard: null,
      sites: ['a'],
      zones: ['z1', 'z2'],
      rows: [
        {
          site: 'a',
          launch: '2025-10-24T18:00:00.000Z',
          members: 4,
          borderProbability: 0.75,
          borderProbabilityUpper: 1,
          zones: [
            {
              id: 'z1',
              probability: 0.5,
              probabilityUpper: 0.75,
              earliestEntry: '2025-10-24T19:00:00.000Z',
              thresholdWindow: [
                { start: '2025-10-24T19:00:00.000Z', end: '2025-10-24T19:30:00.000Z' },
                { start: '2025-10-24T20:00:00.000Z', end: '2025-10-24T21:00:00.000Z' },
              ],
            },
          ],
        },
        {
          site: 'a',
          launch: '2025-10-24T19:00:00.000Z',
          members: 4,
          borderProbability: null,
          borderProbabilityUpper: null,
          zones: [],
        },
      ],
    };
    expect(sweepCsv(table)).toBe(
      [
        'site,launch,members,p_border,p_z1,earliest_z1,p_z2,earliest_z2,p_border_upper,p_upper_z1,window_z1,p_upper_z2,window_z2',
        'a,2025-10-24T18:00:00.000Z,4,0.75,0.5,2025-10-24T19:00:00.000Z,0,,1,0.75,2025-10-24T19:00:00.000Z/2025-10-24T19:30:00.000Z;2025-10-24T20:00:00.000Z/2025-10-24T21:00:00.000Z,0,',
        'a,2025-10-24T19:00:00.000Z,4,,0,,0,,,0,,0,',
        '',
      ].join('\n'),
    );
  });
});
