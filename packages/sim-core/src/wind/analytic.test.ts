import { describe, expect, it } from 'vitest';
import { EARTH_RADIUS_M } from '../earth.js';
import { directionOfWind, SolidBodyRotationWind, SoundingWind, windFromDirection } from './analytic.js';

const out = new Float64Array(2);

describe('wind direction conventions', () => {
  it.each([
    [0, 10, 0, -10], // from the north blows south
    [90, 10, -10, 0], // from the east blows west
    [180, 10, 0, 10],
    [270, 10, 10, 0],
  ])('wind from %d° at %d m/s is u=%d, v=%d', (dir, speed, u, v) => {
    const [gu, gv] = windFromDirection(dir, speed);
    expect(gu).toBeCloseTo(u, 12);
    expect(gv).toBeCloseTo(v, 12);
    const back = directionOfWind(gu, gv);
    expect(back.speedMps).toBeCloseTo(speed, 12);
    expect(back.directionDeg % 360).toBeCloseTo(dir % 360, 9);
  });
});

describe('SoundingWind', () => {
  const wind = new SoundingWind([
    { altM: 3000, directionDeg: 180, speedMps: 20 },
    { altM: 0, directionDeg: 90, speedMps: 10 },
  ]);

  it('interpolates u and v linearly in altitude and holds the ends', () => {
    wind.sample(0, 0, 1500, 0, out);
    expect(out[0]).toBeCloseTo(-5, 12); // u: -10 → 0
    expect(out[1]).toBeCloseTo(10, 12); // v: 0 → 20
    wind.sample(0, 0, -50, 0, out);
    expect([...out]).toEqual([-10, windFromDirection(90, 10)[1]]);
    wind.sample(0, 0, 9000, 0, out);
    expect(out[1]).toBeCloseTo(20, 12);
  });

  it('covers the altitudes of its levels', () => {
    expect(wind.coverage.altMinM).toBe(0);
    expect(wind.coverage.altMaxM).toBe(3000);
  });

  it('refuses bad levels with the level named', () => {
    expect(() => new SoundingWind([])).toThrow(/at least one level/);
    expect(() => new SoundingWind([{ altM: 0, directionDeg: Number.NaN, speedMps: 3 }])).toThrow(
      /levels\[0\]\.directionDeg/,
    );
    expect(() => new SoundingWind([{ altM: 0, directionDeg: 10, speedMps: -3 }])).toThrow(
      /speedMps must be >= 0, got -3/,
    );
  });
});

describe('SolidBodyRotationWind', () => {
  it('is still at its centre and moves at ω·R·sin(angle) elsewhere', () => {
    const period = 86_400;
    const wind = new SolidBodyRotationWind(25, 54, period);
    wind.sample(25, 54, 0, 0, out);
    expect(Math.hypot(out[0], out[1])).toBeLessThan(1e-9);
    wind.sample(25, 55, 0, 0, out); // 1° north of the centre: moves west (counter-clockwise)
    expect(out[0]).toBeLessThan(0);
    expect(Math.hypot(out[0], out[1])).toBeCloseTo(
      ((2 * Math.PI) / period) * EARTH_RADIUS_M * Math.sin(Math.PI / 180),
      6,
    );
  });
});
