/**
 * Winds of several forecast members: trajectory members assigned evenly (and by weight) to them,
 * each flying its own member's wind; the answers per member and their spread; any split of the
 * run giving the same bytes; HYSPLIT's grid-offset ensemble.
 */
import { describe, expect, it } from 'vitest';
import { backtrack } from '../analysis/backtrack.js';
import type { AnalysisTargets, ZoneTarget } from '../analysis/observer.js';
import { M_PER_DEG, RAD_PER_DEG } from '../earth.js';
import { CSV_HEADER, CSV_HEADER_FORECAST, csvChunks, geoJson, runTracks } from '../output/formats.js';
import { formatSummary } from '../output/summary-text.js';
import { prepareRun, runScenario } from '../scenario/entry.js';
import { mergeFrames, mergeRunParts, runPart } from '../scenario/merge.js';
import { selectMembers } from '../scenario/prepare.js';
import { runPrepared } from '../scenario/run.js';
import type { Scenario } from '../scenario/schema.js';
import { validateScenario } from '../scenario/validate.js';
import { analyticWind } from '../scenario/wind-source.js';
import { UniformWind } from './analytic.js';
import {
  ForecastEnsemble,
  forecastMemberCounts,
  forecastMemberOfNumber,
  forecastMembersOf,
  forecastWind,
} from './forecast-members.js';
import { GRID_OFFSET_VERTICAL_M, gridOffsetMembers, OffsetWind } from './grid-offset.js';
import type { WindFieldSource } from './source.js';
import { EVERYWHERE, type WindField } from './wind-field.js';

const T0 = Date.parse('2025-10-24T18:00:00Z') / 1000;
const iso = (tSec: number) => new Date(tSec * 1000).toISOString();

/** Longitudes from lonMin east, every latitude and altitude below 5000 m (a bare area test). */
function eastOf(id: string, lonMin: number): ZoneTarget {
  return { id, name: id, kind: 'other', lowerM: 0, upperM: 5000, contains: (lon) => lon >= lonMin };
}
const targets: AnalysisTargets = { zones: [eastOf('east', 25.5)] };

/** Member A: 10 m/s east; member B: 10 m/s north. From (25° E, 54° N), 3 h at 3000 m. */
function twoWinds(overrides: Partial<Scenario> = {}): Scenario {
  return {
    wind: {
      type: 'ensemble',
      members: [
        { type: 'uniform', uMps: 10, vMps: 0 },
        { type: 'uniform', uMps: 0, vMps: 10 },
      ],
    },
    launch: { sites: [{ id: 'a', lon: 25, lat: 54 }], times: { start: iso(T0) } },
    flight: { floatAltitudeM: 3000 },
    solver: { durationSec: 3 * 3600 },
    ensemble: { members: 6 },
    ...overrides,
  };
}

describe('forecastMemberCounts', () => {
  it('splits equal weights exactly evenly, the first members taking the remainder', () => {
    expect(forecastMemberCounts(6, [1, 1])).toEqual([3, 3]);
    expect(forecastMemberCounts(7, [1, 1, 1])).toEqual([3, 2, 2]);
    expect(forecastMemberCounts(54, Array(27).fill(2))).toEqual(Array(27).fill(2));
  });
  it('splits by weight, largest remainders first', () => {
    expect(forecastMemberCounts(8, [3, 1])).toEqual([6, 2]);
    expect(forecastMemberCounts(10, [1, 2, 2])).toEqual([2, 4, 4]);
    // 7 × (0.5, 0.3, 0.2) = 3.5, 2.1, 1.4: floors 3, 2, 1, the one left to the largest remainder (0.5).
    expect(forecastMemberCounts(7, [0.5, 0.3, 0.2])).toEqual([4, 2, 1]);
  });
  it('numbers fly the members in consecutive blocks', () => {
    const counts = [3, 2, 2];
    expect(Array.from({ length: 7 }, (_, n) => forecastMemberOfNumber(n, counts))).toEqual([
      0, 0, 0, 1, 1, 2, 2,
    ]);
  });
});

describe('a two-member wind of different uniform winds', () => {
  it('splits trajectories and probabilities exactly as its members do', () => {
    const result = runScenario(twoWinds(), { targets });
    const { prepared, summary } = result;
    // Members 0–2 fly A (east), 3–5 fly B (north): three each.
    expect(Array.from(prepared.memberForecast!)).toEqual([0, 0, 0, 1, 1, 1]);
    // A's members end on the parallel 54° N, 10 m/s × 3 h east of the site (the solver's sphere);
    // B's on the meridian 25° E, 10 m/s × 3 h north.
    const eastDeg = (10 * 3 * 3600) / (M_PER_DEG * Math.cos(54 * RAD_PER_DEG));
    const northDeg = (10 * 3 * 3600) / M_PER_DEG;
    for (let i = 0; i < 3; i++) {
      expect(result.endLat[i]).toBeCloseTo(54, 6);
      expect(result.endLon[i]).toBeCloseTo(25 + eastDeg, 3);
      expect(result.endLon[i + 3]).toBeCloseTo(25, 9);
      expect(result.endLat[i + 3]).toBeCloseTo(54 + northDeg, 6);
    }
    // Exactly A's members enter the zone east of 25.5° E.
    const entered = new Set(
      result.analysisEvents.filter((e) => e.kind === 'zone-entry').map((e) => e.member),
    );
    expect([...entered].sort()).toEqual([0, 1, 2]);
    expect(summary.zones[0].probability).toBe(0.5);
    const f = summary.forecast!;
    expect(
      f.members.map((m) => [m.label, m.members, m.zones[0].probability, m.zones[0].membersEntered]),
    ).toEqual([
      ['0: uniform wind u=10 m/s, v=0 m/s', 3, 1, 3],
      ['1: uniform wind u=0 m/s, v=10 m/s', 3, 0, 0],
    ]);
    expect(f.members.map((m) => m.zones[0].crossesThreshold)).toEqual([true, false]);
    expect(f.zones).toEqual([
      {
        id: 'east',
        probabilityMin: 0,
        probabilityMax: 1,
        probabilityUpperMin: 0,
        probabilityUpperMax: 1,
        membersCrossingThreshold: 1,
        forecastMembers: 2,
      },
    ]);
    // Three members cannot resolve a 1 % threshold (that needs 300): the summary says so.
    expect(f.members.every((m) => !m.resolvesThreshold)).toBe(true);
    const text = formatSummary(summary, { timeZone: 'UTC' });
    expect(text).toContain('forecast members');
    expect(text).toMatch(/east\s+0–100 %\s+0–100 %\s+1 of 2/);
    expect(text).toContain('3 (too few for 1 %)');
    expect(summary.provenance?.forecastMembers?.map((m) => [m.label, m.weight, m.perLaunch])).toEqual([
      ['0: uniform wind u=10 m/s, v=0 m/s', 1, 3],
      ['1: uniform wind u=0 m/s, v=10 m/s', 1, 3],
    ]);
  });

  it("names each track's forecast member in CSV and GeoJSON; one wind's outputs keep their columns", () => {
    const result = runScenario(twoWinds({ ensemble: { members: 2 } }), { targets });
    const tracks = runTracks(result);
    const csv = [...csvChunks(tracks)]
      .join('')
      .split('\n')
      .filter((l) => !l.startsWith('#'));
    expect(csv[0]).toBe(CSV_HEADER_FORECAST.trim());
    // Members 0 and 1 at the launch: forecast members 0 and 1.
    expect(csv.slice(1, 3).map((l) => l.split(',').slice(0, 5))).toEqual([
      ['0', 'a', iso(T0), '0', '0'],
      ['1', 'a', iso(T0), '1', '1'],
    ]);
    const features = (geoJson(tracks) as { features: { properties: Record<string, unknown> }[] }).features;
    expect(features.slice(0, 2).map((f) => f.properties.forecastMember)).toEqual([
      '0: uniform wind u=10 m/s, v=0 m/s',
      '1: uniform wind u=0 m/s, v=10 m/s',
    ]);
    const plain = runTracks(runScenario({ ...twoWinds(), wind: { type: 'uniform', uMps: 1, vMps: 0 } }));
    expect(
      [...csvChunks(plain)]
        .join('')
        .split('\n')
        .find((l) => !l.startsWith('#')),
    ).toBe(CSV_HEADER.trim());
    const plainFeature = (geoJson(plain) as { features: { properties: Record<string, unknown> }[] })
      .features[0];
    expect('forecastMember' in plainFeature.properties).toBe(false);
  });

  it('weights split the trajectory members as set, at every site and launch time', () => {
    const result = runScenario(
      twoWinds({
        wind: { ...(twoWinds().wind as object), weights: [3, 1] } as Scenario['wind'],
        launch: {
          sites: [
            { id: 'a', lon: 25, lat: 54 },
            { id: 'b', lon: 24, lat: 55 },
          ],
          times: { start: iso(T0), end: iso(T0 + 3600), everySec: 3600 },
        },
        ensemble: { members: 8 },
      }),
      { targets },
    );
    const of = Array.from(result.prepared.memberForecast!);
    // 4 launches (2 sites × 2 times) of 8: six fly A, two fly B in each.
    for (let launch = 0; launch < 4; launch++)
      expect(of.slice(8 * launch, 8 * launch + 8)).toEqual([0, 0, 0, 0, 0, 0, 1, 1]);
    expect(result.summary.forecast!.members.map((m) => m.members)).toEqual([24, 8]);
    // Each site and launch time's row has the spread too: A's members enter the zone east, B's not;
    // but from site b (24° E, 55° N) the zone is 1.5° ≈ 96 km east, 2.7 h at 10 m/s: the launch an
    // hour later, flying 2 h, stops short of it under A as well.
    expect(
      result.summary.risk.map((r) => [
        r.site,
        r.forecastZones?.[0].probabilityMin,
        r.forecastZones?.[0].probabilityMax,
      ]),
    ).toEqual([
      ['a', 0, 1],
      ['a', 0, 1],
      ['b', 0, 1],
      ['b', 0, 0],
    ]);
  });

  it('any split of the run into parts gives the same bytes, with perturbations on top', () => {
    const scenario = twoWinds({
      ensemble: { members: 10, seed: 5, perturb: { positionM: 3000, windSigmaMps: 2, floatAltitudeM: 200 } },
    });
    const wind = analyticWind(validateScenario(scenario).wind);
    const whole = prepareRun(scenario, wind);
    const one = runPrepared(whole, { targets });
    // Parts that cut across the forecast groups: a worker's share of the members.
    const cuts = [Uint32Array.of(0, 3, 4, 9), Uint32Array.of(1, 2, 5, 6, 7, 8)];
    const parts = cuts.map((ids) => runPrepared(selectMembers(whole, ids), { targets }));
    const merged = mergeRunParts(
      whole,
      targets,
      parts.map((r) => runPart(r, Date.parse(r.summary.end) / 1000)),
      parts[0].frames.map((_, k) =>
        mergeFrames(
          10,
          parts.map((r, p) => ({ ids: cuts[p], frame: r.frames[k] })),
        ),
      ),
    );
    expect(Array.from(merged.endLon)).toEqual(Array.from(one.endLon));
    expect(Array.from(merged.endLat)).toEqual(Array.from(one.endLat));
    expect(merged.frames.map((f) => Array.from(f.positions))).toEqual(
      one.frames.map((f) => Array.from(f.positions)),
    );
    expect(merged.events).toEqual(one.events);
    expect(merged.analysisEvents).toEqual(one.analysisEvents);
    expect(JSON.stringify(merged.summary)).toBe(JSON.stringify(one.summary));
    // The perturbations are on: members of one forecast member differ.
    expect(one.endLon[0]).not.toBe(one.endLon[1]);
  });

  it('refuses fewer trajectory members per launch than forecast members', () => {
    expect(() => runScenario(twoWinds({ ensemble: { members: 1 } }))).toThrow(
      /ensemble\.members must be at least the wind's 2 forecast members/,
    );
    expect(() =>
      runScenario(
        twoWinds({
          wind: { ...(twoWinds().wind as object), weights: [100, 1] } as Scenario['wind'],
          ensemble: { members: 4 },
        }),
      ),
    ).toThrow(
      /gives forecast member "1: uniform wind u=0 m\/s, v=10 m\/s" \(weight 1\) no trajectory member/,
    );
  });

  it('validates the ensemble source: weights one per source, member and members apart', () => {
    expect(() =>
      validateScenario(
        twoWinds({ wind: { ...(twoWinds().wind as object), weights: [1] } as Scenario['wind'] }),
      ),
    ).toThrow(/wind\.weights/);
    expect(() =>
      validateScenario(
        twoWinds({ wind: { ...(twoWinds().wind as object), weights: [1, 2, 3] } as Scenario['wind'] }),
      ),
    ).toThrow(/wind\.weights must give one weight per source of wind\.members \(2\)/);
    expect(() =>
      validateScenario(
        twoWinds({
          wind: { type: 'forecast', model: 'gefs', cycle: 'latest', member: 1, members: 'all' },
        }),
      ),
    ).toThrow(/wind\.members cannot be given together with wind\.member/);
    expect(() =>
      validateScenario(
        twoWinds({
          wind: {
            type: 'ensemble',
            members: [{ type: 'uniform', uMps: 1, vMps: 0 }, { type: 'nope' }],
          } as never,
        }),
      ),
    ).toThrow(/wind\.members\[1\]\.type must be one of/);
  });

  it("the provenance's scenario names an ensemble's files by name, not path", () => {
    const wind = analyticWind(validateScenario(twoWinds()).wind);
    const doc = twoWinds({
      wind: {
        type: 'ensemble',
        members: [
          { type: 'file', paths: ['/data/gfs/a.grib2', '../b.grib2'] },
          { type: 'uniform', uMps: 0, vMps: 10 },
        ],
      },
    });
    const prepared = prepareRun(doc, wind);
    expect(prepared.provenance.scenario?.wind).toEqual({
      type: 'ensemble',
      members: [
        { type: 'file', paths: ['a.grib2', 'b.grib2'] },
        { type: 'uniform', uMps: 0, vMps: 10 },
      ],
    });
  });

  it('one member is the plain field itself, and an ensemble has no single wind to sample', () => {
    const a = new UniformWind(1, 2);
    expect(forecastWind([{ label: 'a', weight: 1, field: a }])).toBe(a);
    const both = forecastWind([
      { label: 'a', weight: 1, field: a },
      { label: 'b', weight: 1, field: new UniformWind(3, 4) },
    ]);
    expect(forecastMembersOf(both)).toBeInstanceOf(ForecastEnsemble);
    expect(() => both.sample(0, 0, 0, 0, new Float64Array(2))).toThrow(/choose one member/);
    // A back-track runs per member (backtrack-members.ts): it checks its detections, never samples the ensemble.
    expect(() => backtrack({ wind: both, detections: [] })).toThrow(/detections must hold at least one/);
  });

  it('flies every member inside the coverage all members share', () => {
    const boxed = (lonMin: number, lonMax: number, tMaxSec: number): WindField => ({
      ...new UniformWind(1, 0),
      description: 'boxed',
      coverage: {
        ...EVERYWHERE,
        wrapsLon: false,
        lonMin,
        lonMax,
        latMin: 50,
        latMax: 60,
        tMinSec: 0,
        tMaxSec,
      },
      sample: (_x, _y, _z, _t, out) => {
        out[0] = 1;
        out[1] = 0;
      },
    });
    // A box stored 0..360 (350–370° E) meets one stored −180..180 (−20…15° E) on 350–375° ≡ −10…15°.
    const e = new ForecastEnsemble([
      { label: 'a', weight: 1, field: boxed(-20, 15, 2e9) },
      { label: 'b', weight: 1, field: boxed(350, 370, 1.8e9) },
    ]);
    expect([e.coverage.lonMin, e.coverage.lonMax, e.coverage.tMaxSec]).toEqual([-10, 10, 1.8e9]);
    expect(e.fields.every((f) => f.coverage === e.coverage)).toBe(true);
    expect(
      () =>
        new ForecastEnsemble([
          { label: 'a', weight: 1, field: boxed(0, 10, 2e9) },
          { label: 'b', weight: 1, field: boxed(20, 30, 2e9) },
        ]),
    ).toThrow(/wind\.members share no common region/);
  });
});

/** u = 2·lon + 0.001·alt, v = 3·lat (m/s): a uniform gradient, on a 0.25° grid (as its source says). */
class GradientWind implements WindField {
  readonly coverage = EVERYWHERE;
  readonly description = 'gradient';
  readonly source: WindFieldSource = {
    format: 'analytic',
    illustrative: false,
    files: [],
    referenceTimes: [],
    validTimes: [],
    grid: {
      lonMin: 20,
      lonMax: 30,
      lonStepDeg: 0.25,
      nLon: 41,
      latMin: 50,
      latMax: 60,
      latStepDeg: 0.5,
      nLat: 21,
    },
  };
  sample(lon: number, lat: number, altM: number, _t: number, out: Float64Array): void {
    out[0] = 2 * lon + 0.001 * altM;
    out[1] = 3 * lat;
  }
  sampleMany(
    n: number,
    lon: Float64Array,
    lat: Float64Array,
    altM: Float64Array,
    t: number,
    u: Float64Array,
    v: Float64Array,
  ): void {
    const out = new Float64Array(2);
    for (let p = 0; p < n; p++) {
      this.sample(lon[p], lat[p], altM[p], t, out);
      u[p] = out[0];
      v[p] = out[1];
    }
  }
}

describe("HYSPLIT's grid-offset ensemble", () => {
  it('is 27 members, the field displaced by one grid cell in x and y and 250 m in z', () => {
    const base = new GradientWind();
    const members = gridOffsetMembers(base, 'gfs');
    expect(members).toHaveLength(27);
    expect(members[13].field).toBe(base);
    expect(GRID_OFFSET_VERTICAL_M).toBe(250);
    const out = new Float64Array(2);
    members.forEach((m, k) => {
      // Members in order z, then y, then x, each −1, 0, +1 cells: the wind at a point is the
      // gradient's at the displaced point, u = 2·(lon + dx·0.25°) + 0.001·(alt + dz·250 m).
      const [dz, dy, dx] = [Math.floor(k / 9) - 1, (Math.floor(k / 3) % 3) - 1, (k % 3) - 1];
      m.field.sample(25, 54, 3000, 0, out);
      expect([k, out[0], out[1]]).toEqual([
        k,
        2 * (25 + dx * 0.25) + 0.001 * (3000 + dz * 250),
        3 * (54 + dy * 0.5),
      ]);
      expect(m.weight).toBe(1);
    });
    expect(members.map((m) => m.label)).toContain('gfs offset x+1 y−1 z+250 m');
  });

  it('samples one point and a batch alike, displaced exactly', () => {
    const w = new OffsetWind(new GradientWind(), 0.25, -0.5, 250);
    const out = new Float64Array(2);
    w.sample(25, 54, 1000, 0, out);
    expect([out[0], out[1]]).toEqual([2 * 25.25 + 0.001 * 1250, 3 * 53.5]);
    const u = new Float64Array(2);
    const v = new Float64Array(2);
    w.sampleMany!(2, Float64Array.of(25, 26), Float64Array.of(54, 55), Float64Array.of(1000, 0), 0, u, v);
    expect([u[0], v[0]]).toEqual([out[0], out[1]]);
    expect([u[1], v[1]]).toEqual([2 * 26.25 + 0.001 * 250, 3 * 54.5]);
  });

  it('refuses a field without a grid', () => {
    expect(() => gridOffsetMembers(new UniformWind(1, 0), 'u')).toThrow(
      /wind\.gridOffset needs a gridded wind/,
    );
  });
});
