import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gridWind, windFromDirection } from '@balloon-sim/sim-core';
import { REPO_ROOT } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { readOpenMeteo } from './open-meteo.js';
import { decodeError } from './testing/errors.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(resolve(REPO_ROOT, 'fixtures/decode', name), 'utf8'));

const T0 = Date.parse('2020-08-05T00:00:00Z') / 1000;

type Response = Record<string, unknown> & {
  hourly: Record<string, unknown>;
  hourly_units: Record<string, unknown>;
};

/** A one-point response in Open-Meteo's layout with one level (850 hPa) unless `hourly` says otherwise. */
function response(options: {
  speeds?: (number | null)[];
  directions?: (number | null)[];
  heights?: (number | null)[];
  speedUnit?: string;
  lat?: number;
  lon?: number;
  times?: (string | number)[];
  timeformat?: string;
  utcOffsetSec?: number;
}): Response {
  const speeds = options.speeds ?? [36, 36];
  const n = speeds.length;
  return {
    latitude: options.lat ?? 54.875,
    longitude: options.lon ?? 23.875,
    generationtime_ms: 0.3,
    utc_offset_seconds: options.utcOffsetSec ?? 0,
    timezone: 'GMT',
    timezone_abbreviation: 'GMT',
    elevation: 77,
    hourly_units: {
      time: options.timeformat ?? 'unixtime',
      wind_speed_850hPa: options.speedUnit ?? 'km/h',
      wind_direction_850hPa: '°',
      geopotential_height_850hPa: 'm',
    },
    hourly: {
      time: options.times ?? Array.from({ length: n }, (_, k) => T0 + 3600 * k),
      wind_speed_850hPa: speeds,
      wind_direction_850hPa: options.directions ?? new Array(n).fill(270),
      geopotential_height_850hPa: options.heights ?? new Array(n).fill(1480),
    },
  };
}

describe('readOpenMeteo: fixtures (synthetic, in the documented response layout)', () => {
  it('reads one point as a horizontally uniform, time-dependent profile on a 1×1 grid', () => {
    const f = readOpenMeteo(fixture('open-meteo-kaunas-pressure.json'), { source: 'kaunas.json' });
    expect(f.lon).toEqual({ start: 23.875, step: 0, count: 1 });
    expect(f.lat).toEqual({ start: 54.875, step: 0, count: 1 });
    expect(f.levels.kind).toBe('pressure');
    if (f.levels.kind !== 'pressure') return;
    expect(f.levels.pressuresHpa).toEqual([1000, 925, 850, 700, 500, 300]);
    // Local times 03:00..08:00 in Europe/Vilnius (utc_offset_seconds 10800) are 00:00..05:00 UTC.
    expect(f.timesSec).toEqual([0, 1, 2, 3, 4, 5].map((h) => T0 + 3600 * h));
    // 1000 hPa at the first time: 12.2 km/h from 230°, geopotential height 112 m.
    const [u, v] = windFromDirection(230, 12.2 / 3.6);
    expect(f.u[0]).toBeCloseTo(u, 5);
    expect(f.v[0]).toBeCloseTo(v, 5);
    expect(f.levels.geopotentialHeightM[0]).toBe(112);
    // 300 hPa (level 5) at the last time (5): 105.5 km/h from 284°.
    const e = 5 * 6 + 5;
    expect(Math.hypot(f.u[e], f.v[e]) * 3.6).toBeCloseTo(105.5, 4);
    expect(f.levels.geopotentialHeightM[e]).toBeCloseTo(9449.8, 3);
    expect(f.description).toContain('horizontally uniform');
    expect(f.description).toContain('6 pressure level(s) 1000, 925, 850, 700, 500, 300 hPa');
    // The same wind anywhere: the 1×1 grid holds its values beyond its edges.
    const wind = gridWind(f);
    const here = new Float64Array(2);
    const far = new Float64Array(2);
    wind.sample(23.875, 54.875, 1486, T0, here);
    wind.sample(25.3, 53.9, 1486, T0, far);
    expect(far).toEqual(here);
    expect(Math.hypot(here[0], here[1]) * 3.6).toBeCloseTo(31.3, 4); // 850 hPa wind at its own height
  });

  it('reads a 2×2 lattice of points, in any order, as a pressure-level grid', () => {
    const list = fixture('open-meteo-2x2-pressure.json') as Response[];
    const f = readOpenMeteo(list, { source: '2x2.json' });
    expect(f.lon).toEqual({ start: 23.5, step: 0.5, count: 2 });
    expect(f.lat).toEqual({ start: 54.5, step: 0.5, count: 2 });
    expect(f.timesSec).toEqual([T0, T0 + 3600, T0 + 7200]);
    if (f.levels.kind !== 'pressure') throw new Error('expected pressure levels');
    expect(f.levels.pressuresHpa).toEqual([925, 850, 700]);
    // Node (i = 1, j = 0) is the point at 54.5 N, 24.0 E: at 925 hPa, first time, 6.85 m/s from 248°.
    const [u, v] = windFromDirection(248, 6.85);
    expect(f.u[1]).toBeCloseTo(u, 5);
    expect(f.v[1]).toBeCloseTo(v, 5);
    // Time 2, level 2 (700 hPa), point 55.0 N 24.0 E (node 3): height 3103.0 - 4 = 3099.
    expect(f.levels.geopotentialHeightM[(2 * 3 + 2) * 4 + 3]).toBeCloseTo(3091 + 12 - 4, 3);
    const shuffled = readOpenMeteo([list[3], list[0], list[2], list[1]], { source: '2x2.json' });
    expect(shuffled.u).toEqual(f.u);
    expect(shuffled.v).toEqual(f.v);
    expect(f.description).toContain('2×2 points 54.5..55° N, 23.5..24° E');
    gridWind(f);
  });
});

describe('readOpenMeteo: conversions', () => {
  it('36 km/h from 270° is u = +10 m/s, v = 0', () => {
    const f = readOpenMeteo(response({ speeds: [36] }), { source: 'x' });
    expect(f.u[0]).toBeCloseTo(10, 5);
    expect(f.v[0]).toBeCloseTo(0, 5);
  });

  it.each([
    ['km/h', 36],
    ['m/s', 10],
    ['mp/h', 10 / 0.44704],
    ['kn', 10 / (1852 / 3600)],
  ])('speed in %s', (unit, speed) => {
    const f = readOpenMeteo(response({ speeds: [speed], directions: [0], speedUnit: unit }), { source: 'x' });
    expect(f.u[0]).toBeCloseTo(0, 5);
    expect(f.v[0]).toBeCloseTo(-10, 5); // from the north: blowing south
  });

  it('an unknown speed unit is refused', () => {
    decodeError(
      () => readOpenMeteo(response({ speedUnit: 'furlong/fortnight' }), { source: 'x' }),
      'hourly_units.wind_speed_850hPa',
    );
  });

  it('the older spellings windspeed_/winddirection_ are read too', () => {
    const r = response({ speeds: [10], directions: [90], speedUnit: 'm/s' });
    for (const [now, old] of [
      ['wind_speed_850hPa', 'windspeed_850hPa'],
      ['wind_direction_850hPa', 'winddirection_850hPa'],
    ]) {
      r.hourly[old] = r.hourly[now];
      r.hourly_units[old] = r.hourly_units[now];
      delete r.hourly[now];
      delete r.hourly_units[now];
    }
    const f = readOpenMeteo(r, { source: 'x' });
    expect(f.u[0]).toBeCloseTo(-10, 5);
  });
});

describe('readOpenMeteo: times', () => {
  it('iso8601 local times minus utc_offset_seconds', () => {
    const f = readOpenMeteo(
      response({
        times: ['2020-08-05T02:00', '2020-08-05T03:00'],
        timeformat: 'iso8601',
        utcOffsetSec: 7200,
      }),
      { source: 'x' },
    );
    expect(f.timesSec).toEqual([T0, T0 + 3600]);
  });

  it('unixtime is UTC whatever the timezone', () => {
    const f = readOpenMeteo(response({ timeformat: 'unixtime', utcOffsetSec: 10800 }), { source: 'x' });
    expect(f.timesSec).toEqual([T0, T0 + 3600]);
  });

  it('bad, zoneless-without-offset or decreasing times are refused', () => {
    const noOffset = response({ times: ['2020-08-05T02:00', '2020-08-05T03:00'], timeformat: 'iso8601' });
    delete noOffset.utc_offset_seconds;
    decodeError(() => readOpenMeteo(noOffset, { source: 'x' }), 'utc_offset_seconds');
    decodeError(
      () =>
        readOpenMeteo(response({ times: ['2020-08-05 02:00', '2020-08-05T03:00'], timeformat: 'iso8601' }), {
          source: 'x',
        }),
      'hourly.time[0]',
    );
    decodeError(() => readOpenMeteo(response({ times: [T0 + 3600, T0] }), { source: 'x' }), 'hourly.time[1]');
    decodeError(
      () => readOpenMeteo(response({ timeformat: 'rfc2822' }), { source: 'x' }),
      'hourly_units.time',
    );
  });
});

describe('readOpenMeteo: missing variables, levels and values', () => {
  it('no pressure-level wind at all', () => {
    const r = response({});
    delete r.hourly.wind_speed_850hPa;
    delete r.hourly.wind_direction_850hPa;
    expect(decodeError(() => readOpenMeteo(r, { source: 'x' }), 'hourly').message).toMatch(/wind_speed_XhPa/);
    decodeError(() => readOpenMeteo({ latitude: 1, longitude: 2 }, { source: 'x' }), 'hourly');
  });

  it('a level without direction or geopotential height, or a direction without speed', () => {
    const noDir = response({});
    delete noDir.hourly.wind_direction_850hPa;
    decodeError(() => readOpenMeteo(noDir, { source: 'x' }), 'hourly.wind_direction_850hPa');
    const noGh = response({});
    delete noGh.hourly.geopotential_height_850hPa;
    decodeError(() => readOpenMeteo(noGh, { source: 'x' }), 'hourly.geopotential_height_850hPa');
    const extraDir = response({});
    extraDir.hourly.wind_direction_700hPa = [1, 2];
    expect(decodeError(() => readOpenMeteo(extraDir, { source: 'x' }), 'hourly').message).toMatch(
      /wind_direction_700hPa/,
    );
  });

  it('arrays of the wrong length or type, missing units, out-of-range values', () => {
    decodeError(
      () => readOpenMeteo(response({ directions: [270] }), { source: 'x' }),
      'hourly.wind_direction_850hPa',
    );
    decodeError(
      () => readOpenMeteo(response({ speeds: [10, '10' as unknown as number] }), { source: 'x' }),
      'hourly.wind_speed_850hPa',
    );
    decodeError(
      () => readOpenMeteo(response({ speeds: [10, -1] }), { source: 'x' }),
      'hourly.wind_speed_850hPa',
    );
    decodeError(
      () => readOpenMeteo(response({ directions: [270, 361] }), { source: 'x' }),
      'hourly.wind_direction_850hPa',
    );
    const r = response({});
    delete r.hourly_units.geopotential_height_850hPa;
    decodeError(() => readOpenMeteo(r, { source: 'x' }), 'hourly_units.geopotential_height_850hPa');
    decodeError(() => readOpenMeteo('{"latitude": 1}', { source: 'x' }));
    const error = decodeError(() =>
      readOpenMeteo({ error: true, reason: 'Latitude must be in range' }, { source: 'x' }),
    );
    expect(error.message).toMatch(/error response: "Latitude must be in range"/);
  });

  it('nulls at the end (forecast ran out) drop those times, and the description says so', () => {
    const f = readOpenMeteo(response({ speeds: [36, 36, null, null], directions: [270, 270, 270, null] }), {
      source: 'x',
    });
    expect(f.timesSec).toEqual([T0, T0 + 3600]);
    expect(f.description).toContain('dropped 2 trailing time(s) with null values');
  });

  it('a level that is null throughout (the model lacks it) is dropped, and the description says so', () => {
    const r = response({ speeds: [36, 36] });
    r.hourly_units.wind_speed_1000hPa = 'km/h';
    r.hourly_units.wind_direction_1000hPa = '°';
    r.hourly_units.geopotential_height_1000hPa = 'm';
    r.hourly.wind_speed_1000hPa = [10, 10];
    r.hourly.wind_direction_1000hPa = [200, 200];
    r.hourly.geopotential_height_1000hPa = [null, null];
    const f = readOpenMeteo(r, { source: 'x' });
    expect(f.levels.kind === 'pressure' && f.levels.pressuresHpa).toEqual([850]);
    expect(f.description).toContain('dropped all-null levels 1000 hPa (no geopotential_height_1000hPa)');
  });

  it('a null inside the data is a hole: DecodeError naming point, variable and time', () => {
    const e = decodeError(
      () => readOpenMeteo(response({ speeds: [36, null, 36] }), { source: 'x' }),
      'hourly.wind_speed_850hPa',
    );
    expect(e.message).toMatch(/value 1 \(2020-08-05T01:00Z\) is null/);
    const list = [0, 1].map((k) => response({ lon: 23 + k, speeds: k === 1 ? [null, 5, 5] : [5, 5, 5] }));
    decodeError(() => readOpenMeteo(list, { source: 'x' }), '[1].hourly.wind_speed_850hPa');
    decodeError(() => readOpenMeteo(response({ speeds: [null, null] }), { source: 'x' }));
  });
});

describe('readOpenMeteo: several points', () => {
  const lattice = (coords: [number, number][]) => coords.map(([lat, lon]) => response({ lat, lon }));

  it('points off a regular lattice are refused, explaining that a regular grid is needed', () => {
    const three = lattice([
      [54, 23],
      [54, 24],
      [55, 23],
    ]);
    expect(decodeError(() => readOpenMeteo(three, { source: 'x' })).message).toMatch(
      /regular grid of points/,
    );
    const uneven = lattice([
      [54, 23],
      [54, 24],
      [54, 26],
    ]);
    expect(decodeError(() => readOpenMeteo(uneven, { source: 'x' })).message).toMatch(
      /unevenly spaced longitudes/,
    );
    // Open-Meteo moved one point to another model cell: no silent snapping.
    const moved = lattice([
      [54, 23],
      [54, 24],
      [55, 23],
      [55.01, 24],
    ]);
    decodeError(() => readOpenMeteo(moved, { source: 'x' }));
    const twice = lattice([
      [54, 23],
      [54, 24],
      [54, 23],
      [55, 24],
    ]);
    decodeError(() => readOpenMeteo(twice, { source: 'x' }));
  });

  it('float32 noise in the coordinates is not irregularity', () => {
    const f = readOpenMeteo(
      lattice([
        [54.000001, 23],
        [54, 23.499998],
        [54.5, 23],
        [54.5, 23.5],
      ]),
      { source: 'x' },
    );
    expect(f.lon.count).toBe(2);
    expect(f.lat.count).toBe(2);
  });

  it('a row of points is a lattice too (one latitude)', () => {
    const f = readOpenMeteo(
      lattice([
        [54, 23],
        [54, 23.25],
        [54, 23.5],
      ]),
      { source: 'x' },
    );
    expect(f.lon).toEqual({ start: 23, step: 0.25, count: 3 });
    expect(f.lat).toEqual({ start: 54, step: 0, count: 1 });
  });

  it('points with other times or levels than the first are refused', () => {
    const a = response({ lon: 23 });
    const b = response({ lon: 24, times: [T0, T0 + 7200] });
    decodeError(() => readOpenMeteo([a, b], { source: 'x' }), '[1].hourly.time');
    const c = response({ lon: 24 });
    c.hourly.wind_speed_700hPa = [1, 1];
    c.hourly.wind_direction_700hPa = [1, 1];
    c.hourly.geopotential_height_700hPa = [3000, 3000];
    for (const name of ['wind_speed_700hPa', 'wind_direction_700hPa', 'geopotential_height_700hPa'])
      c.hourly_units[name] = name.startsWith('wind_speed') ? 'km/h' : name.startsWith('wind_dir') ? '°' : 'm';
    decodeError(() => readOpenMeteo([a, c], { source: 'x' }), '[1].hourly');
    decodeError(() => readOpenMeteo([], { source: 'x' }));
  });
});
