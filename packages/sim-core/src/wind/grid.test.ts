import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/helpers.js';
import { AltitudeGridWind, type GridWindInit, gridWind, PressureGridWind } from './grid.js';

/** A grid whose node values are a known function of (i, j, k, n), so expected values are exact. */
function makeInit(options: {
  lon: GridWindInit['lon'];
  lat: GridWindInit['lat'];
  levels: number[];
  times: number[];
  value?: (lon: number, lat: number, level: number, t: number) => [number, number];
}): GridWindInit {
  const { lon, lat, levels, times } = options;
  const value =
    options.value ?? ((x, y, z, t) => [x * 0.5 + z * 0.001 + t / 3600, y * 0.25 - z * 0.002 + t / 7200]);
  const nodes = lon.count * lat.count * levels.length * times.length;
  const u = new Float32Array(nodes);
  const v = new Float32Array(nodes);
  let idx = 0;
  for (const t of times)
    for (const z of levels)
      for (let j = 0; j < lat.count; j++)
        for (let i = 0; i < lon.count; i++) {
          [u[idx], v[idx]] = value(lon.start + i * lon.step, lat.start + j * lat.step, z, t);
          idx++;
        }
  return {
    lon,
    lat,
    levels: { kind: 'altitude', altitudesM: levels },
    timesSec: times,
    u,
    v,
    description: 'test grid',
  };
}

const out = new Float64Array(2);
const sample = (w: AltitudeGridWind | PressureGridWind, lon: number, lat: number, alt: number, t: number) => {
  w.sample(lon, lat, alt, t, out);
  return [out[0], out[1]];
};

describe('AltitudeGridWind', () => {
  const init = makeInit({
    lon: { start: 20, step: 0.25, count: 17 },
    lat: { start: 52, step: 0.25, count: 13 },
    levels: [0, 500, 1500, 3000, 5000],
    times: [0, 10_800, 21_600],
  });
  const wind = new AltitudeGridWind(init);

  it('returns node values at grid nodes (property, random nodes)', () => {
    const rand = seededRandom('grid nodes');
    for (let trial = 0; trial < 2000; trial++) {
      const i = Math.floor(rand() * 17);
      const j = Math.floor(rand() * 13);
      const k = Math.floor(rand() * 5);
      const n = Math.floor(rand() * 3);
      const idx = ((n * 5 + k) * 13 + j) * 17 + i;
      expect(
        sample(
          wind,
          20 + i * 0.25,
          52 + j * 0.25,
          init.levels.kind === 'altitude' ? init.levels.altitudesM[k] : 0,
          n * 10_800,
        ),
      ).toEqual([init.u[idx], init.v[idx]]);
    }
  });

  it('interpolates linearly: a field linear in lon, lat, altitude and time is reproduced inside the grid', () => {
    const rand = seededRandom('grid linear');
    const exact = makeInit({
      ...init,
      lon: init.lon,
      lat: init.lat,
      levels: [0, 500, 1500, 3000, 5000],
      times: [0, 10_800, 21_600],
      value: (x, y, z, t) => [x - 2 * y + z / 1000 + t / 3600, 3 * y + x / 2 - z / 2000],
    });
    const w = new AltitudeGridWind(exact);
    for (let trial = 0; trial < 2000; trial++) {
      const lon = 20 + rand() * 4;
      const lat = 52 + rand() * 3;
      const z = rand() * 5000;
      const t = rand() * 21_600;
      const [u, v] = sample(w, lon, lat, z, t);
      // float32 storage of node values: tolerance a few float32 ulps of values up to ~50.
      expect(u).toBeCloseTo(lon - 2 * lat + z / 1000 + t / 3600, 4);
      expect(v).toBeCloseTo(3 * lat + lon / 2 - z / 2000, 4);
    }
  });

  it('never returns NaN for valid random inputs, inside or outside the coverage', () => {
    const rand = seededRandom('grid no NaN');
    for (let trial = 0; trial < 5000; trial++) {
      const [u, v] = sample(
        wind,
        -400 + rand() * 800,
        -90 + rand() * 180,
        -1000 + rand() * 40_000,
        -1e5 + rand() * 1e6,
      );
      expect(Number.isFinite(u) && Number.isFinite(v)).toBe(true);
    }
  });

  it('gives the same values whether latitudes are stored north→south or south→north', () => {
    const flipped: GridWindInit = {
      ...init,
      lat: { start: 55, step: -0.25, count: 13 },
      u: new Float32Array(init.u.length),
      v: new Float32Array(init.v.length),
    };
    const layer = 17 * 13;
    for (let s = 0; s < init.u.length / layer; s++)
      for (let j = 0; j < 13; j++)
        for (let i = 0; i < 17; i++) {
          flipped.u[s * layer + (12 - j) * 17 + i] = init.u[s * layer + j * 17 + i];
          flipped.v[s * layer + (12 - j) * 17 + i] = init.v[s * layer + j * 17 + i];
        }
    const other = new AltitudeGridWind(flipped);
    expect(other.coverage).toMatchObject({ latMin: 52, latMax: 55 });
    const rand = seededRandom('grid scan direction');
    for (let trial = 0; trial < 1000; trial++) {
      const args = [20 + rand() * 4, 52 + rand() * 3, rand() * 5000, rand() * 21_600] as const;
      const a = sample(wind, ...args);
      const b = sample(other, ...args);
      expect(b[0]).toBeCloseTo(a[0], 12);
      expect(b[1]).toBeCloseTo(a[1], 12);
    }
  });

  it('built again from its parts: the same arrays, coverage, source and samples', () => {
    const again = gridWind(wind.gridParts());
    expect(again).toBeInstanceOf(AltitudeGridWind);
    expect(again.gridNodes().uv).toBe(wind.gridNodes().uv);
    expect([again.coverage, again.source, again.warnings]).toEqual([
      wind.coverage,
      wind.source,
      wind.warnings,
    ]);
    // Parts whose arrays do not match their sizes (a message not made by a field) are refused:
    // 17 × 13 × 5 levels × 3 times = 3315 nodes, two values each.
    const parts = wind.gridParts();
    const short = { ...parts, grid: { ...parts.grid, uv: parts.grid.uv.subarray(2) } };
    expect(() => gridWind(short)).toThrow(/grid\.uv\.length must be 6630.*6628/);
    const rand = seededRandom('grid parts');
    for (let p = 0; p < 200; p++) {
      const [lon, lat, alt, t] = [19 + rand() * 6, 51 + rand() * 5, rand() * 6000, rand() * 25_000];
      expect(sample(again, lon, lat, alt, t)).toEqual(sample(wind, lon, lat, alt, t));
    }
  });

  it('sampleMany gives sample results to the bit, with or without a time slab', () => {
    const rand = seededRandom('grid batch');
    const n = 5000; // enough points at one time for the slab to be built
    const lon = Float64Array.from({ length: n }, () => 20 + rand() * 4);
    const lat = Float64Array.from({ length: n }, () => 52 + rand() * 3);
    const alt = Float64Array.from({ length: n }, () => rand() * 5000);
    const u = new Float64Array(n);
    const v = new Float64Array(n);
    const t = 12_345;
    for (let rep = 0; rep < 3; rep++) {
      wind.sampleMany(n, lon, lat, alt, t, u, v);
      for (let p = 0; p < n; p++) expect([u[p], v[p]]).toEqual(sample(wind, lon[p], lat[p], alt[p], t));
    }
  });

  it('holds edge values outside the grid, lowest/highest levels and first/last times', () => {
    expect(sample(wind, 10, 52, 0, 0)).toEqual(sample(wind, 20, 52, 0, 0));
    expect(sample(wind, 22, 60, 0, 0)).toEqual(sample(wind, 22, 55, 0, 0));
    expect(sample(wind, 22, 53, -200, 0)).toEqual(sample(wind, 22, 53, 0, 0));
    expect(sample(wind, 22, 53, 9000, 0)).toEqual(sample(wind, 22, 53, 5000, 0));
    expect(sample(wind, 22, 53, 100, -5000)).toEqual(sample(wind, 22, 53, 100, 0));
    expect(sample(wind, 22, 53, 100, 99_999)).toEqual(sample(wind, 22, 53, 100, 21_600));
  });

  it('reports its coverage', () => {
    expect(wind.coverage).toEqual({
      lonMin: 20,
      lonMax: 24,
      wrapsLon: false,
      latMin: 52,
      latMax: 55,
      altMinM: 0,
      altMaxM: 5000,
      tMinSec: 0,
      tMaxSec: 21_600,
    });
  });

  it('refuses inconsistent inits with the field named', () => {
    expect(() => new AltitudeGridWind({ ...init, u: new Float32Array(3) })).toThrow(/u\.length must be/);
    expect(() => new AltitudeGridWind({ ...init, timesSec: [0, 0, 1] })).toThrow(/timesSec\[1\]/);
    expect(
      () =>
        new AltitudeGridWind({
          ...init,
          levels: { kind: 'altitude', altitudesM: [0, 500, 500, 3000, 5000] },
        }),
    ).toThrow(/repeat/);
  });
});

describe('global grids and longitude wrap', () => {
  const globalOptions = {
    lon: { start: 0, step: 2.5, count: 144 },
    lat: { start: 90, step: -2.5, count: 73 },
    levels: [0, 3000],
    times: [0],
    value: (x: number, y: number, z: number, t: number): [number, number] => [
      Math.sin((x * Math.PI) / 180) * 10 + z / 1000 + t / 3600,
      Math.cos((y * Math.PI) / 180) * 5,
    ],
  };
  const wind = new AltitudeGridWind(makeInit(globalOptions));

  it('covers every longitude', () => {
    expect(wind.coverage.wrapsLon).toBe(true);
  });

  it('gives the same wind for lon, lon ± 360 and the −180..180 form (property)', () => {
    const rand = seededRandom('lon wrap');
    for (let trial = 0; trial < 2000; trial++) {
      const lon = rand() * 360;
      const lat = -89 + rand() * 178;
      const a = sample(wind, lon, lat, 1000, 0);
      for (const other of [lon - 360, lon + 360, lon > 180 ? lon - 360 : lon]) {
        const b = sample(wind, other, lat, 1000, 0);
        expect(b[0]).toBeCloseTo(a[0], 9);
        expect(b[1]).toBeCloseTo(a[1], 9);
      }
    }
  });

  it('interpolates across the 0/360 seam between the last and first columns', () => {
    const last = sample(wind, 357.5, 50, 0, 0)[0];
    const first = sample(wind, 0, 50, 0, 0)[0];
    expect(sample(wind, 358.75, 50, 0, 0)[0]).toBeCloseTo((last + first) / 2, 5);
    expect(sample(wind, -1.25, 50, 0, 0)[0]).toBeCloseTo((last + first) / 2, 5);
  });

  it('reads lon0 + 360 exactly as the first column, from the grid, a slab or a one-time grid', () => {
    expect(sample(wind, 360, 50, 1000, 0)).toEqual(sample(wind, 0, 50, 1000, 0));
    const twoTimes = new AltitudeGridWind(makeInit({ ...globalOptions, times: [0, 3600] }));
    const lons = [360, 0, 359, 358.75, -1.25, 179.99, -180, 1e-9];
    const n = 400; // enough points at one time for a slab
    const lon = Float64Array.from({ length: n }, (_, p) => lons[p % lons.length]);
    const lat = Float64Array.from({ length: n }, (_, p) => -89 + (p * 178) / n);
    const alt = Float64Array.from({ length: n }, (_, p) => -100 + (p * 3200) / n);
    const u = new Float64Array(n);
    const v = new Float64Array(n);
    // `wind` has one time: sampleMany reads the grid itself as its slab.
    for (const [field, t] of [
      [twoTimes, 1800],
      [twoTimes, 1800],
      [wind, 777],
    ] as const) {
      field.sampleMany(n, lon, lat, alt, t, u, v);
      for (let p = 0; p < n; p++) expect([u[p], v[p]]).toEqual(sample(field, lon[p], lat[p], alt[p], t));
    }
  });

  it('reads a regional grid stored as 0..360 at longitudes given as −180..180', () => {
    const regional = new AltitudeGridWind(
      makeInit({
        lon: { start: 340, step: 1, count: 11 },
        lat: { start: 40, step: 1, count: 5 },
        levels: [0],
        times: [0],
      }),
    );
    expect(sample(regional, -15, 42, 0, 0)).toEqual(sample(regional, 345, 42, 0, 0));
  });
});

describe('PressureGridWind', () => {
  // Two columns apart: heights of 850 and 700 hPa differ with longitude.
  const lon = { start: 24, step: 1, count: 3 };
  const lat = { start: 54, step: 1, count: 2 };
  const pressures = [1000, 850, 700];
  const layer = 6;
  const gh = new Float32Array(3 * layer);
  const u = new Float32Array(3 * layer);
  const v = new Float32Array(3 * layer);
  for (let k = 0; k < 3; k++)
    for (let c = 0; c < layer; c++) {
      const i = c % 3;
      gh[k * layer + c] = [100, 1500, 3000][k] + 100 * i; // heights rise eastward
      u[k * layer + c] = [2, 8, 14][k];
      v[k * layer + c] = k;
    }
  const wind = gridWind({
    lon,
    lat,
    levels: { kind: 'pressure', pressuresHpa: pressures, geopotentialHeightM: gh },
    timesSec: [0],
    u,
    v,
    description: 'p',
  });

  it('maps altitude to a level in each column by its geopotential height', () => {
    // At lon 24 (i=0) 850 hPa is at 1500 m; at lon 26 (i=2) it is at 1700 m.
    expect(sample(wind, 24, 54, 1500, 0)).toEqual([8, 1]);
    expect(sample(wind, 26, 54, 1700, 0)).toEqual([8, 1]);
    // Halfway between 850 and 700 hPa in column i=0: 2250 m.
    expect(sample(wind, 24, 54, 2250, 0)[0]).toBeCloseTo(11, 6);
  });

  it('gives the height of a pressure surface, exactly on levels and log-pressure between them', () => {
    expect((wind as PressureGridWind).pressureLevelAltitudeM(25, 54.5, 850, 0)).toBeCloseTo(1600, 4);
    const mid = Math.exp((Math.log(850) + Math.log(700)) / 2);
    expect((wind as PressureGridWind).pressureLevelAltitudeM(24, 54, mid, 0)).toBeCloseTo(2250, 3);
  });

  it('reports the altitudes covered in every column', () => {
    expect(wind.coverage.altMinM).toBe(300);
    expect(wind.coverage.altMaxM).toBe(3000);
  });

  it('sampleMany: wind linear in height is reproduced, whatever the heights of each column (property)', () => {
    // Heights differ by column and time; u and v are linear in height, so interpolating each column in
    // height and then bilinearly and in time must give u(altM), v(altM) everywhere.
    const nx = 5;
    const ny = 4;
    const levels = [1000, 925, 850, 700, 500];
    const nodes = nx * ny * levels.length * 2;
    const heights = new Float32Array(nodes);
    const uu = new Float32Array(nodes);
    const vv = new Float32Array(nodes);
    const rand = seededRandom('pressure linear');
    for (let e = 0; e < nodes; e++) {
      const k = Math.floor(e / (nx * ny)) % levels.length;
      heights[e] = [100, 750, 1450, 3000, 5600][k] + 80 * rand();
      uu[e] = 3 + 0.002 * heights[e];
      vv[e] = -1 + 0.001 * heights[e];
    }
    const field = new PressureGridWind({
      lon: { start: 22, step: 0.5, count: nx },
      lat: { start: 53, step: 0.5, count: ny },
      levels: { kind: 'pressure', pressuresHpa: levels, geopotentialHeightM: heights },
      timesSec: [0, 3600],
      u: uu,
      v: vv,
      description: 'linear in height',
    });
    const n = 500;
    const lonP = Float64Array.from({ length: n }, () => 22 + 2 * rand());
    const latP = Float64Array.from({ length: n }, () => 53 + 1.5 * rand());
    const altP = Float64Array.from({ length: n }, () => 200 + 5300 * rand());
    const uOut = new Float64Array(n);
    const vOut = new Float64Array(n);
    field.sampleMany(n, lonP, latP, altP, 1234, uOut, vOut);
    for (let p = 0; p < n; p++) {
      expect(uOut[p]).toBeCloseTo(3 + 0.002 * altP[p], 4);
      expect(vOut[p]).toBeCloseTo(-1 + 0.001 * altP[p], 4);
      expect([uOut[p], vOut[p]]).toEqual(sample(field, lonP[p], latP[p], altP[p], 1234));
    }
  });
});

describe('single-column grids', () => {
  it('a 1×1 grid (a point forecast) is horizontally uniform and covers every place', () => {
    const w = new AltitudeGridWind(
      makeInit({
        lon: { start: 24, step: 0, count: 1 },
        lat: { start: 55, step: 0, count: 1 },
        levels: [0, 3000],
        times: [0, 3600],
      }),
    );
    expect(w.coverage).toMatchObject({ lonMin: -180, lonMax: 180, wrapsLon: true, latMin: -90, latMax: 90 });
    expect(sample(w, 10, 40, 1500, 1800)).toEqual(sample(w, 24, 55, 1500, 1800));
  });
});

describe('gridWind refuses infinite node values', () => {
  it('names the array, the node and the field (a value beyond float32, e.g. 1e39 in a JSON file)', () => {
    const init = makeInit({
      lon: { start: 20, step: 1, count: 2 },
      lat: { start: 50, step: 1, count: 2 },
      levels: [0, 1000],
      times: [0],
    });
    init.v[5] = 1e39; // stored as float32: Infinity
    expect(() => gridWind(init)).toThrow('v[5] must be a finite number (test grid), got Infinity');
  });
});
