import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { seededRandom } from '../testing/helpers.js';
import { PerColumnPressureWind } from '../testing/per-column-pressure.js';
import { gridWind } from './grid.js';
import type { GridWindInit } from './grid-init.js';
import { PressureGridWind } from './grid-pressure.js';

/**
 * A random pressure grid: every column's heights rise with the level by 40–2000 m, and move between
 * times by up to ±700 m (so a level of one time often lies between two of the next, and a fifth of
 * them keep their height exactly: ties between times); winds are random within ±60 m/s.
 */
function randomGrid(
  rand: () => number,
  options: { nx?: number; nt?: number; wrap?: boolean } = {},
): GridWindInit {
  const nx = options.nx ?? 2 + Math.floor(rand() * 5);
  const ny = 1 + Math.floor(rand() * 4);
  const nz = 1 + Math.floor(rand() * 9);
  const nt = options.nt ?? 1 + Math.floor(rand() * 4);
  const layer = nx * ny;
  const nodes = layer * nz * nt;
  const gh = new Float32Array(nodes);
  const u = new Float32Array(nodes);
  const v = new Float32Array(nodes);
  for (let n = 0; n < nt; n++)
    for (let c = 0; c < layer; c++) {
      let z = -300 + 600 * rand();
      for (let k = 0; k < nz; k++) {
        const e = (n * nz + k) * layer + c;
        let h = z;
        if (n > 0) {
          const before = gh[e - nz * layer];
          h = rand() < 0.2 ? before : before + 1400 * (rand() - 0.5);
        }
        if (k > 0 && !(h > gh[e - layer] + 1)) h = gh[e - layer] + 1 + 40 * rand();
        gh[e] = h;
        z = h + 40 + 1960 * rand();
        u[e] = 120 * (rand() - 0.5);
        v[e] = 120 * (rand() - 0.5);
      }
    }
  const times = [0];
  for (let n = 1; n < nt; n++) times.push(times[n - 1] + 600 + Math.floor(10_000 * rand()));
  // Pressures listed top-down for some grids: the field sorts them.
  const pressures = Array.from({ length: nz }, (_, k) => 1000 - 50 * k);
  const topDown = rand() < 0.5;
  if (topDown) {
    pressures.reverse();
    for (const a of [gh, u, v])
      for (let n = 0; n < nt; n++) {
        const block = a.slice(n * nz * layer, (n + 1) * nz * layer);
        for (let k = 0; k < nz; k++)
          a.set(block.subarray((nz - 1 - k) * layer, (nz - k) * layer), (n * nz + k) * layer);
      }
  }
  return {
    lon: options.wrap ? { start: 0, step: 360 / nx, count: nx } : { start: 20, step: 0.5, count: nx },
    lat: rand() < 0.5 ? { start: 50, step: 0.25, count: ny } : { start: 51, step: -0.25, count: ny },
    levels: { kind: 'pressure', pressuresHpa: pressures, geopotentialHeightM: gh },
    timesSec: times,
    u,
    v,
    description: 'random pressure grid',
  };
}

/** Random points over and around a grid: beyond its edges, levels and times too. */
function randomPoints(rand: () => number, init: GridWindInit, n: number) {
  const gh = (init.levels as { geopotentialHeightM: Float32Array }).geopotentialHeightM;
  let lowest = Number.POSITIVE_INFINITY;
  let highest = Number.NEGATIVE_INFINITY;
  for (const h of gh) {
    lowest = Math.min(lowest, h);
    highest = Math.max(highest, h);
  }
  const span = (axis: GridWindInit['lon']) => [
    Math.min(axis.start, axis.start + (axis.count - 1) * axis.step),
    Math.abs((axis.count - 1) * axis.step),
  ];
  const [lon0, lonSpan] = span(init.lon);
  const [lat0, latSpan] = span(init.lat);
  const t0 = init.timesSec[0];
  const tSpan = init.timesSec[init.timesSec.length - 1] - t0;
  const lon = Float64Array.from({ length: n }, () => lon0 - 0.2 + (lonSpan + 0.4) * rand());
  const lat = Float64Array.from({ length: n }, () => lat0 - 0.2 + (latSpan + 0.4) * rand());
  const alt = Float64Array.from({ length: n }, (_, p) =>
    p % 10 === 0 ? gh[Math.floor(rand() * gh.length)] : lowest - 500 + (highest - lowest + 1000) * rand(),
  );
  const t = t0 - 300 + (tSpan + 600) * rand();
  return { lon, lat, alt, t };
}

function largestWind(init: GridWindInit): number {
  let largest = 0;
  for (const a of [init.u, init.v]) for (const x of a) largest = Math.max(largest, Math.abs(x));
  return largest;
}

const out = new Float64Array(2);

describe('PressureGridWind: merged columns', () => {
  it('agree with the per-column scheme within 2^-23 of the largest wind on random columns (property)', () => {
    const rand = seededRandom('pressure merged vs per-column');
    let worst = 0;
    for (let g = 0; g < 40; g++) {
      const init = randomGrid(rand);
      const field = new PressureGridWind(init);
      const reference = new PerColumnPressureWind(init);
      const bound = 2 ** -23 * largestWind(init) + 1e-12;
      const expected = new Float64Array(2);
      for (let r = 0; r < 5; r++) {
        const { lon, lat, alt, t } = randomPoints(rand, init, 300);
        const u = new Float64Array(300);
        const v = new Float64Array(300);
        field.sampleMany(300, lon, lat, alt, t, u, v);
        for (let p = 0; p < 300; p++) {
          reference.sample(lon[p], lat[p], alt[p], t, expected);
          const du = Math.abs(u[p] - expected[0]);
          const dv = Math.abs(v[p] - expected[1]);
          worst = Math.max(worst, du / bound, dv / bound);
          if (!(du <= bound && dv <= bound))
            expect({ p, lon: lon[p], lat: lat[p], alt: alt[p], t, u: u[p], v: v[p] }).toEqual({
              p,
              lon: lon[p],
              lat: lat[p],
              alt: alt[p],
              t,
              u: expected[0],
              v: expected[1],
            });
        }
      }
    }
    console.info(`[pressure merged vs per-column] largest difference: ${worst.toFixed(3)} of the bound`);
  });

  it("a field built from another's parts reads its very arrays and samples the same to the bit (property)", () => {
    const rand = seededRandom('pressure parts');
    for (let g = 0; g < 20; g++) {
      const init = randomGrid(rand, { wrap: g % 3 === 0 });
      const field = new PressureGridWind(init);
      const again = gridWind(field.gridParts()) as PressureGridWind;
      expect(again).toBeInstanceOf(PressureGridWind);
      // The same node arrays, not copies: a worker's field over shared memory holds no grid of its own.
      expect(again.gridParts().grid.uv).toBe(field.gridParts().grid.uv);
      expect(again.gridNodes().geopotentialHeightM).toBe(field.gridNodes().geopotentialHeightM);
      expect([again.coverage, again.source, again.warnings, again.description]).toEqual([
        field.coverage,
        field.source,
        field.warnings,
        field.description,
      ]);
      for (const n of [300, 5]) {
        const { lon, lat, alt, t } = randomPoints(rand, init, n);
        const [u0, v0, u1, v1] = [0, 0, 0, 0].map(() => new Float64Array(n));
        field.sampleMany(n, lon, lat, alt, t, u0, v0);
        again.sampleMany(n, lon, lat, alt, t, u1, v1);
        expect([Array.from(u1), Array.from(v1)]).toEqual([Array.from(u0), Array.from(v0)]);
        expect(again.pressureLevelAltitudeM(lon[0], lat[0], 850, t)).toBe(
          field.pressureLevelAltitudeM(lon[0], lat[0], 850, t),
        );
      }
    }
  });

  it('sampleMany gives sample results to the bit, from slabs or point by point (property)', () => {
    const rand = seededRandom('pressure sampleMany vs sample');
    for (let g = 0; g < 30; g++) {
      const init = randomGrid(rand, { wrap: g % 3 === 0 });
      const field = new PressureGridWind(init);
      // 300 points reach the slab threshold at once; 5 points never do.
      for (const n of [300, 5, 300]) {
        const { lon, lat, alt, t } = randomPoints(rand, init, n);
        if (init.lon.count * init.lon.step === 360) for (let p = 0; p < n; p += 2) lon[p] += 360 * (p % 3);
        const u = new Float64Array(n);
        const v = new Float64Array(n);
        field.sampleMany(n, lon, lat, alt, t, u, v);
        for (let p = 0; p < n; p++) {
          field.sample(lon[p], lat[p], alt[p], t, out);
          expect([u[p], v[p]]).toEqual([out[0], out[1]]);
        }
      }
    }
  });

  it('keeps to the bit as a run moves through intervals forward and back (slabs of stale intervals rebuilt)', () => {
    const rand = seededRandom('pressure intervals');
    const grid = randomGrid(rand, { nx: 5, nt: 5 });
    const field = new PressureGridWind(grid);
    const reference = new PerColumnPressureWind(grid);
    const bound = 2 ** -23 * largestWind(grid) + 1e-12;
    const n = 300;
    const { lon, lat, alt } = randomPoints(rand, grid, n);
    const u = new Float64Array(n);
    const v = new Float64Array(n);
    const expected = new Float64Array(2);
    // Stage times of a run going forward through the four intervals, then back, then jumping about.
    const at = (f: number) => {
      const times = grid.timesSec;
      const x = f * (times.length - 1);
      const n = Math.min(Math.floor(x), times.length - 2);
      return times[n] + (x - n) * (times[n + 1] - times[n]);
    };
    const stageTimes = [0, 0.05, 0.1, 0.3, 0.5, 0.7, 1, 0.7, 0.5, 0.3, 0.1, 0.9, 0.01, 0.9].map(at);
    for (const t of stageTimes) {
      field.sampleMany(n, lon, lat, alt, t, u, v);
      for (let p = 0; p < n; p++) {
        field.sample(lon[p], lat[p], alt[p], t, out);
        expect([u[p], v[p]]).toEqual([out[0], out[1]]);
        reference.sample(lon[p], lat[p], alt[p], t, expected);
        expect(Math.abs(u[p] - expected[0])).toBeLessThanOrEqual(bound);
        expect(Math.abs(v[p] - expected[1])).toBeLessThanOrEqual(bound);
      }
    }
  });

  it('reproduces a wind linear in height and time exactly on levels of one time (single-time grid)', () => {
    const rand = seededRandom('pressure one time');
    for (let g = 0; g < 10; g++) {
      const init = randomGrid(rand);
      const one: GridWindInit = { ...init, timesSec: [0] };
      const layer = init.lon.count * init.lat.count;
      const nz = (init.levels as { pressuresHpa: readonly number[] }).pressuresHpa.length;
      const gh = (init.levels as { geopotentialHeightM: Float32Array }).geopotentialHeightM.slice(
        0,
        nz * layer,
      );
      one.levels = {
        ...(init.levels as { kind: 'pressure'; pressuresHpa: readonly number[] }),
        geopotentialHeightM: gh,
      };
      one.u = init.u.slice(0, nz * layer);
      one.v = init.v.slice(0, nz * layer);
      const field = new PressureGridWind(one);
      // On a node, at a level's own height: that node's values exactly.
      for (let e = 0; e < nz * layer; e++) {
        const c = e % layer;
        const i = c % init.lon.count;
        const j = (c - i) / init.lon.count;
        field.sample(init.lon.start + i * init.lon.step, init.lat.start + j * init.lat.step, gh[e], 0, out);
        expect([out[0], out[1]]).toEqual([one.u[e], one.v[e]]);
      }
    }
  });
});

describe('PressureGridWind: missing values and bad heights', () => {
  const lon = { start: 20, step: 1, count: 3 };
  const lat = { start: 50, step: 1, count: 2 };
  const layer = 6;
  const pressuresHpa = [1000, 850, 700];
  function grid(edit?: (gh: Float32Array, u: Float32Array) => void): GridWindInit {
    const gh = new Float32Array(3 * layer);
    const u = new Float32Array(3 * layer);
    const v = new Float32Array(3 * layer);
    for (let k = 0; k < 3; k++)
      for (let c = 0; c < layer; c++) {
        gh[k * layer + c] = [100, 1500, 3000][k];
        u[k * layer + c] = 5 + k;
        v[k * layer + c] = -k;
      }
    edit?.(gh, u);
    return {
      lon,
      lat,
      levels: { kind: 'pressure', pressuresHpa, geopotentialHeightM: gh },
      timesSec: [0],
      u,
      v,
      description: 'three columns',
    };
  }

  it('gives NaN wherever a column with a missing value has weight, and the wind elsewhere', () => {
    // Column i = 2, j = 0 lacks u at 700 hPa.
    const field = new PressureGridWind(grid((_, u) => (u[2 * layer + 2] = Number.NaN)));
    const n = 300;
    const lonP = new Float64Array(n).fill(21.5);
    const latP = new Float64Array(n).fill(50.5);
    const altP = new Float64Array(n).fill(800);
    lonP[1] = 20.5; // the cell west of it: no NaN column
    lonP[2] = 21; // on the column i = 1: the NaN column has no weight
    const u = new Float64Array(n);
    const v = new Float64Array(n);
    field.sampleMany(n, lonP, latP, altP, 0, u, v);
    expect(u[0]).toBeNaN();
    expect(u[1]).toBeCloseTo(5 + 0.5, 12);
    expect(u[2]).toBeCloseTo(5 + 0.5, 12);
    field.sample(21.5, 50.5, 800, 0, out);
    expect(out[0]).toBeNaN();
  });

  it('refuses heights that do not rise with the level, naming the node, its level and the field', () => {
    // Column i = 1, j = 1 (node 4): 850 hPa put below 1000 hPa.
    const init = grid((gh) => (gh[layer + 4] = 50));
    expect(() => new PressureGridWind(init)).toThrow(InputError);
    expect(() => new PressureGridWind(init)).toThrow(
      /geopotentialHeightM\[10\] \(850 hPa\) must be above the level below it \(1000 hPa at 100 m\).*three columns.*got 50/,
    );
    // Equal heights are no thickness either.
    expect(() => new PressureGridWind(grid((gh) => (gh[2 * layer + 3] = 1500)))).toThrow(
      /geopotentialHeightM\[15\] \(700 hPa\)/,
    );
  });
});
