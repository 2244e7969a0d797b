import {
  backtrack,
  backtrackSummary,
  DEFAULT_FLOAT_ALTITUDES,
  forecastWind,
  UniformWind,
} from '@balloon-sim/sim-core';
import { describe, expect, it } from 'vitest';
import {
  compassPoint,
  distanceBearingText,
  FORECAST_MEMBER_COLUMNS,
  fitTransform,
  floatAltitudeBands,
  forecastMemberRows,
  forwardText,
  forwardTracksText,
  launchWindowFor,
  localWithUtc,
  massBox,
  parseLocalClock,
  priorRequest,
} from './backtrack-view.js';

describe('distance and bearing', () => {
  it('names the nearest of the 16 compass points, each 22.5° wide round its bearing', () => {
    expect(compassPoint(0)).toBe('N');
    expect(compassPoint(11.2)).toBe('N');
    expect(compassPoint(11.3)).toBe('NNE');
    expect(compassPoint(45)).toBe('NE');
    expect(compassPoint(130)).toBe('SE');
    expect(compassPoint(180)).toBe('S');
    expect(compassPoint(247.5)).toBe('WSW');
    expect(compassPoint(348.7)).toBe('NNW');
    expect(compassPoint(348.8)).toBe('N');
    expect(compassPoint(359)).toBe('N');
    expect(compassPoint(-90)).toBe('W');
    expect(() => compassPoint(Number.NaN)).toThrow(/bearingDeg must be a finite angle, got NaN/);
  });

  it('writes km to 0.1, the bearing as three digits true, and the compass word', () => {
    expect(distanceBearingText(42.26, 127.4)).toBe('42.3 km, 127° true (SE)');
    expect(distanceBearingText(7, 5)).toBe('7.0 km, 005° true (N)');
    expect(distanceBearingText(120.04, 359.6)).toBe('120.0 km, 000° true (N)');
  });
});

describe('the priors as controls', () => {
  it('reads 24-hour local clock times and refuses others', () => {
    expect(parseLocalClock('16:00')).toBe(960);
    expect(parseLocalClock('6:05')).toBe(365);
    expect(parseLocalClock('24:00')).toBeNull();
    expect(parseLocalClock('7:30 PM')).toBeNull();
    expect(parseLocalClock('')).toBeNull();
  });

  it('opens the window at the last local "from" before the first detection, closes it at the next "to"', () => {
    // 23:30 in Vilnius on 24 October 2025 (summer time, UTC+3): that evening from 16:00 LT.
    expect(launchWindowFor('2025-10-24T20:30:00Z', '16:00', '06:00')).toEqual({
      start: '2025-10-24T13:00:00Z',
      end: '2025-10-25T03:00:00Z',
    });
    // 03:30 LT the next morning: the same night, which began the evening before.
    expect(launchWindowFor('2025-10-25T00:30:00Z', '16:00', '06:00')).toEqual({
      start: '2025-10-24T13:00:00Z',
      end: '2025-10-25T03:00:00Z',
    });
    // 15:00 LT, before 16:00: the window of the evening before.
    expect(launchWindowFor('2025-10-24T12:00:00Z', '16:00', '23:00').start).toBe('2025-10-23T13:00:00Z');
  });

  it('follows the change of offset inside the window and takes from = to as 24 h', () => {
    // Clocks go back at 01:00 UTC on 26 October 2025: 16:00 LT is UTC+3, 06:00 LT the next day UTC+2.
    expect(launchWindowFor('2025-10-26T02:00:00Z', '16:00', '06:00')).toEqual({
      start: '2025-10-25T13:00:00Z',
      end: '2025-10-26T04:00:00Z',
    });
    // Winter, UTC+2 all along.
    expect(launchWindowFor('2026-01-15T18:00:00Z', '16:00', '16:00')).toEqual({
      start: '2026-01-15T14:00:00Z',
      end: '2026-01-16T14:00:00Z',
    });
  });

  it('names a bad window time and a bad detection time', () => {
    expect(() => launchWindowFor('2025-10-24T20:30:00Z', '4 PM', '06:00')).toThrow(
      /window's start must be a 24-hour time HH:MM, got "4 PM"/,
    );
    expect(() => launchWindowFor('2025-10-24T20:30:00Z', '16:00', '25:00')).toThrow(
      /window's end .* got "25:00"/,
    );
    expect(() => launchWindowFor('x', '16:00', '06:00')).toThrow(/first detection's time .* got "x"/);
  });

  it('makes 1–5 km the core’s default prior, and cuts its 3–4 km denser band to a narrower one', () => {
    expect(floatAltitudeBands(1, 5)).toEqual(DEFAULT_FLOAT_ALTITUDES.map((b) => ({ ...b })));
    expect(floatAltitudeBands(2, 3.5)).toEqual([
      { fromM: 2000, toM: 3000, weight: 1 },
      { fromM: 3000, toM: 3500, weight: 3 },
    ]);
    expect(floatAltitudeBands(4.5, 6)).toEqual([{ fromM: 4500, toM: 6000, weight: 1 }]);
    expect(() => floatAltitudeBands(4, 3)).toThrow(/from a lower to a higher altitude, got 4–3 km/);
  });

  it('turns the controls into the request’s region, window and float altitudes', () => {
    expect(
      priorRequest(
        { area: 'anywhere', fromLocal: '18:00', toLocal: '23:00', floatFromKm: 3, floatToKm: 4 },
        '2025-10-24T20:30:00Z',
      ),
    ).toEqual({
      region: 'anywhere',
      launchWindow: { start: '2025-10-24T15:00:00Z', end: '2025-10-24T20:00:00Z' },
      floatAltitudes: [{ fromM: 3000, toM: 4000, weight: 3 }],
    });
  });

  it('writes an instant in local time with UTC beside it', () => {
    expect(localWithUtc('2025-10-24T13:00:00Z')).toBe('2025-10-24 16:00 LT (13:00Z)');
    expect(localWithUtc('2026-01-15T23:30:00Z')).toBe('2026-01-16 01:30 LT (23:30Z)');
  });
});

describe('the map’s fit', () => {
  it('boxes the densest cells holding the share asked, not the faint far ones', () => {
    // 4 × 2 cells of 0.5° from (24, 54): mass 6 and 3 in two neighbours, 1 far east.
    const grid = { lon0: 24, lat0: 54, cellDeg: 0.5, nx: 4, ny: 2, counts: [6, 3, 0, 1, 0, 0, 0, 0] };
    expect(massBox(grid, 0.9)).toEqual({ lonMin: 24, lonMax: 25, latMin: 54, latMax: 54.5 });
    expect(massBox(grid, 1)).toEqual({ lonMin: 24, lonMax: 26, latMin: 54, latMax: 54.5 });
    expect(massBox({ ...grid, counts: new Array(8).fill(0) })).toBeNull();
  });

  it('centres the points and scales them to the room inside the padding', () => {
    const t = fitTransform(
      [
        [0, 0],
        [100, 50],
      ],
      300,
      200,
      { pad: 50 },
    );
    expect(t.apply([0, 0])).toEqual([50, 50]);
    expect(t.apply([100, 50])).toEqual([250, 150]);
    // A caption 60 px high over the top and legends 100 px wide on the right: the room left is
    // 200 × 140 from (0, 60), scale 2 (width-bound), centred at (100, 130).
    const under = fitTransform(
      [
        [0, 0],
        [100, 50],
      ],
      300,
      200,
      { pad: { top: 60, right: 100, bottom: 0, left: 0 } },
    );
    expect(under.k).toBe(2);
    expect(under.apply([0, 0])).toEqual([0, 80]);
    expect(under.apply([100, 50])).toEqual([200, 180]);
    // One point: centred at the largest scale allowed.
    const one = fitTransform([[10, 10]], 300, 200, { maxK: 4 });
    expect(one.k).toBe(4);
    expect(one.apply([10, 10])).toEqual([150, 100]);
  });
});

describe('the forward check in words', () => {
  const forward = {
    proposed: 2000,
    outsidePriors: 200,
    run: 1800,
    kept: 90,
    effectiveSamples: 40,
    medianLaunch: null,
    floatAltitudeM: 3500,
    areas: [],
    mostLikely: [],
  };
  const agreement = {
    bestDistanceKm: 4.26,
    launchDifferenceMin: 5,
    topCellsShared: 3,
    topCellsCompared: 5,
    massOverlap: 0.5,
    agree: true,
  };

  it('gives the share kept and whether the best estimates agree', () => {
    expect(forwardText({ forward, agreement })).toBe(
      "Forward check (diamonds, dashed circle): 90 of 1800 launches run forward from round these cells (5 %) passed every detection; its best estimate lies 4.3 km from the back-track's: they agree; 3 of the top 5 cells shared.",
    );
    expect(forwardText({ forward, agreement: { ...agreement, bestDistanceKm: 31, agree: false } })).toContain(
      "lies 31.0 km from the back-track's: they DISAGREE, treat both with care",
    );
  });

  it('calls under 20 kept inconclusive, as the core does, whatever the distance', () => {
    const text = forwardText({
      forward: { ...forward, kept: 17 },
      agreement: { ...agreement, agree: false },
    });
    expect(text).toContain(
      '17 of 1800 launches run forward from round these cells (0.9 %) passed every detection',
    );
    expect(text).toContain('too few to confirm or refute the back-track');
    expect(text).not.toMatch(/agree|DISAGREE/);
  });

  it('says when there was nothing to check', () => {
    expect(forwardText({ forward: null, agreement: null })).toBe('Forward check: not run.');
    expect(forwardText({ forward: { ...forward, proposed: 0, run: 0, kept: 0 }, agreement: null })).toMatch(
      /nothing to start from/,
    );
    expect(forwardText({ forward: { ...forward, run: 0, kept: 0 }, agreement: null })).toBe(
      'Forward check: none of 2000 candidate launches lay inside the priors; nothing to compare.',
    );
  });
});

describe('forwardTracksText', () => {
  it('says how many forward tracks are drawn of how many, kept and rejected', () => {
    const track = (kept: boolean) => ({
      kept,
      misfitSigma: 1,
      lon: [25, 25.1],
      lat: [54, 54.1],
      altM: [0, 3000],
      tSec: [0, 600],
    });
    const tracks = {
      keptTotal: 312,
      rejectedTotal: 1688,
      strideSec: 600,
      acceptSigmas: 3,
      matchFloorM: 300,
      tracks: [track(true), track(true), track(false)],
    };
    expect(forwardTracksText(tracks)).toBe(
      'Forward tracks drawn: 2 of 312 kept launches (solid), 1 of 1688 rejected (faint).',
    );
    // Not asked for (an older server, or none sent): no line.
    expect(forwardTracksText(undefined)).toBe('');
  });
});

describe('the forecast members of a back-track, as the table shows them', () => {
  it('one row per member: its share, its best cell and its best estimate from the detection', () => {
    // Member "east" blows to the east, "north" to the north at 10 m/s, weighted 3 : 1; launched
    // 2800 s before the detection: 28 km west (bearing 270°) under one, 28 km south (180°) under the other.
    const tSec = Date.parse('2025-10-24T20:00:00Z') / 1000;
    const answer = backtrackSummary(
      backtrack({
        wind: forecastWind([
          { label: 'east', weight: 3, field: new UniformWind(10, 0) },
          { label: 'north', weight: 1, field: new UniformWind(0, 10) },
        ]),
        detections: [{ lon: 26, lat: 54.02, altM: 3000, tSec }],
        members: 200,
        ascentRateFraction: 0,
        windSigmaMps: 0,
        launchWindow: { startSec: tSec - 2920, endSec: tSec - 2680 },
        forward: false,
      }),
    );
    const rows = forecastMemberRows(answer);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.length === FORECAST_MEMBER_COLUMNS.length)).toBe(true);
    expect(rows[0].slice(0, 2)).toEqual(['east', '75 %']);
    expect(rows[0][2]).toMatch(/^25\.\d\d E, 54\.0\d N/);
    expect(rows[0][3]).toMatch(/km, 270° true \(W\)$/);
    expect(rows[1].slice(0, 2)).toEqual(['north', '25 %']);
    expect(rows[1][3]).toMatch(/km, 180° true \(S\)$/);
    // One wind: no table.
    expect(forecastMemberRows({ forecast: null })).toEqual([]);
  });
});
