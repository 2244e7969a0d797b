import { describe, expect, it } from 'vitest';
import { M_PER_DEG, RAD_PER_DEG } from '../earth.js';
import { UniformWind } from '../wind/analytic.js';
import { forecastWind } from '../wind/forecast-members.js';
import { backtrack, backtrackSummary } from './backtrack.js';
import { memberWarnings } from './backtrack-members.js';
import { launchRegion } from './backtrack-priors.js';

/** A box as a region (counter-clockwise ring). */
const box = (lon0: number, lon1: number, lat0: number, lat1: number) =>
  launchRegion(
    [
      [
        [
          [lon0, lat0],
          [lon1, lat0],
          [lon1, lat1],
          [lon0, lat1],
          [lon0, lat0],
        ],
      ],
    ],
    'box',
  );

describe('backtrack through forecast members (analytic, two members)', () => {
  // A balloon seen at (26° E, 54.02° N, 3000 m). Under member "east" the wind blows toward the
  // east at 10 m/s at every height, under member "north" toward the north at 10 m/s. It climbed
  // 1000 s at exactly 3 m/s and was launched 2800 s before the detection (the launch window is
  // ± 2 min round that), so it drifted 10 m/s × 2800 s = 28 km: under "east" it was launched 28 km
  // due west of the detection, under "north" 28 km due south.
  const T0 = Date.parse('2025-10-24T18:00:00Z') / 1000;
  const tSec = T0 + 6 * 3600;
  const det = { lon: 26, lat: 54.02, altM: 3000, tSec };
  const before = 2800;
  const mPerDegLon = M_PER_DEG * Math.cos(54.02 * RAD_PER_DEG);
  const west = { lon: 26 - 28_000 / mPerDegLon, lat: 54.02 }; // 25.572° E: cell 25.55–25.60
  const south = { lon: 26, lat: 54.02 - 28_000 / M_PER_DEG }; // 53.768° N: cell 53.75–53.80
  const wind = forecastWind([
    { label: 'east', weight: 3, field: new UniformWind(10, 0) },
    { label: 'north', weight: 1, field: new UniformWind(0, 10) },
  ]);
  const options = {
    wind,
    detections: [det],
    members: 200,
    ascentRateFraction: 0,
    windSigmaMps: 0,
    launchWindow: { startSec: tSec - before - 120, endSec: tSec - before + 120 },
    region: box(25.0, 26.5, 53.5, 54.5),
  };
  const result = backtrack(options);
  const inCell = (c: { lon: number; lat: number }, p: { lon: number; lat: number }) =>
    Math.abs(c.lon - p.lon) <= 0.025 && Math.abs(c.lat - p.lat) <= 0.025;

  it('traces the detection to a launch area per member, the weights sharing the mass 3 : 1', () => {
    // The two cells holding the two launches, with the weights' shares of the mass (±1.2 km of
    // window keeps each member's launches in its one cell of 0.05°).
    expect(result.mostLikely).toHaveLength(2);
    const [first, second] = result.mostLikely;
    expect(inCell(first, west)).toBe(true);
    expect(first.probability).toBeCloseTo(0.75, 6);
    expect(inCell(second, south)).toBe(true);
    expect(second.probability).toBeCloseTo(0.25, 6);
    // The places to look: the first at the west launch (its 75 %), the next at the south one.
    expect(Math.abs(result.areas[0].lon - west.lon) * mPerDegLon).toBeLessThan(1300);
    expect(result.areas[0].probability).toBeCloseTo(0.75, 6);
    expect(Math.abs(result.areas[1].lat - south.lat) * M_PER_DEG).toBeLessThan(1300);
    expect(result.areas[1].addedProbability).toBeCloseTo(0.25, 6);
    // The members split 3 : 1 by weight, as a run splits its trajectory members.
    expect(result.members).toBe(200);
  });

  it('reports each member, its best cell and share, and says that they disagree', () => {
    const f = result.forecast!;
    expect(f.members.map((m) => [m.label, m.members, m.share, m.weightShare])).toEqual([
      ['east', 150, 0.75, 0.75],
      ['north', 50, 0.25, 0.25],
    ]);
    expect(inCell(f.members[0].bestCell!, west)).toBe(true);
    expect(inCell(f.members[1].bestCell!, south)).toBe(true);
    expect(f.members[0].best!.bearingDeg).toBe(270);
    expect(f.members[1].best!.bearingDeg).toBe(180);
    // 28 km west and 28 km south of one point: √2 × 28 ≈ 39.6 km apart (± the window's 1.2 km each).
    expect(f.spreadKm!).toBeGreaterThan(37);
    expect(f.spreadKm!).toBeLessThan(42);
    expect(f.agree).toBe(false);
    expect(f.sentence).toMatch(/forecast members disagree on where it was launched/);
    expect(f.sentence).toMatch(/east at .* \(75 % of the mass\); north at .* \(25 % of the mass\)/);
    expect(result.warnings).toContain(f.sentence);
  });

  it('the forward check is mixed the same way', () => {
    const fw = result.forward!;
    expect(fw.kept).toBeGreaterThan(20);
    expect(inCell(fw.mostLikely[0], west)).toBe(true);
    expect(fw.mostLikely[0].probability).toBeCloseTo(0.75, 2);
    expect(result.agreement!.agree).toBe(true);
  });

  it('says which members the forward check kept nothing for, with their share of the mass', () => {
    // Weights 2000 : 1: 600 forward launches split by the largest remainders give "light" none
    // (0.3), while its one backward member of 1500 (0.75) places a launch: its share of the
    // back-track's mass is unchecked, and the combined check (heavy's alone) must say so.
    const partial = backtrack({
      ...options,
      members: 1500,
      wind: forecastWind([
        { label: 'heavy', weight: 2000, field: new UniformWind(10, 0) },
        { label: 'light', weight: 1, field: new UniformWind(0, 10) },
      ]),
      forward: { members: 600 },
    });
    expect(partial.forecast!.members[1].share).toBeGreaterThan(0);
    expect(partial.forward!.kept).toBeGreaterThan(0);
    expect(partial.warnings.join('\n')).toMatch(
      /the forward check kept no launch for 1 of 2 forecast members \(light, [^)]* of the back-track's mass\)/,
    );
    expect(result.warnings.join('\n')).not.toMatch(/the forward check kept no launch for/);
  });

  it('the summary carries the members; the same answer every time', () => {
    const summary = backtrackSummary(result);
    expect(summary.forecast?.members.map((m) => m.label)).toEqual(['east', 'north']);
    expect(JSON.stringify(backtrackSummary(backtrack(options)))).toBe(JSON.stringify(summary));
  });

  it('members that agree say so, and a member placing no launch gives its share to the others', () => {
    const same = backtrack({
      ...options,
      wind: forecastWind([
        { label: 'a', weight: 1, field: new UniformWind(10, 0) },
        { label: 'b', weight: 1, field: new UniformWind(10, 0.01) },
      ]),
      forward: false,
    });
    expect(same.forecast!.agree).toBe(true);
    expect(same.forecast!.sentence).toMatch(/The 2 forecast members agree/);
    expect(same.mostLikely[0].probability).toBeCloseTo(1, 6);
    // A region holding only the west launch: the north member places nothing.
    const westOnly = backtrack({ ...options, region: box(25.0, 25.9, 53.9, 54.1), forward: false });
    expect(westOnly.forecast!.members.map((m) => m.share)).toEqual([1, 0]);
    expect(westOnly.forecast!.members[1].best).toBeNull();
    // One member placing a launch among two agrees with nobody: not "agree", and the sentence says
    // the answer rests on it alone.
    expect(westOnly.forecast!.agree).toBe(false);
    expect(westOnly.forecast!.sentence).toMatch(/Only one forecast member \(east\)/);
    expect(westOnly.mostLikely[0].probability).toBeCloseTo(1, 6);
    expect(westOnly.warnings.join('\n')).toMatch(
      /1 of 2 forecast members \(north, 25 % of the weight\) place no launch/,
    );
  });

  it('refuses fewer backward members than forecast members, naming the option', () => {
    // Weights 100 : 1 split 50 members 50 : 0 (largest remainders): the light member would place nothing.
    expect(() =>
      backtrack({
        ...options,
        members: 50,
        wind: forecastWind([
          { label: 'heavy', weight: 100, field: new UniformWind(10, 0) },
          { label: 'light', weight: 1, field: new UniformWind(0, 10) },
        ]),
      }),
    ).toThrow(
      /members must give every forecast member at least one backward member: .* 50 give none to light/,
    );
    expect(() => backtrack({ ...options, members: 1 })).toThrow(
      /members must be at least the number of forecast members \(2\)/,
    );
  });
});

describe('memberWarnings', () => {
  it('gives one line per kind of warning, however many members give it, and leaves out their forward checks', () => {
    const labels = ['m0', 'm1', 'm2', 'm3', 'm4'];
    const few = (n: number) => `the posterior rests on few samples (effective ${n}): its cells are rough`;
    const lines = memberWarnings(labels, [
      [few(12), 'the wind data begin late', 'the forward check kept 2 of 70 launches run: too few'],
      [few(12), 'the wind data begin late'],
      [few(9), 'the wind data begin late'],
      [few(12), 'the wind data begin late', 'the back-track and the forward check disagree: 12 km'],
      ['the wind data begin late', few(3)],
    ]);
    expect(lines).toEqual([
      "every forecast member (figures differ; the first's): the posterior rests on few samples (effective 12): its cells are rough",
      'every forecast member: the wind data begin late',
    ]);
    expect(memberWarnings(labels, [[few(3)], [], [few(4)], [], []])).toEqual([
      "2 of 5 forecast members (m0; m2; figures differ, m0's): the posterior rests on few samples (effective 3): its cells are rough",
    ]);
    expect(memberWarnings(labels, [['x'], ['x'], ['x'], ['x'], []])).toEqual([
      '4 of 5 forecast members (m0; m1; m2; …): x',
    ]);
  });
});
