import { describe, expect, it } from 'vitest';
import { distanceM, EARTH_RADIUS_M, wrapLon } from './earth.js';

describe('earth', () => {
  it('wrapLon maps into [-180, 180)', () => {
    expect([wrapLon(180), wrapLon(-180), wrapLon(540), wrapLon(359.5), wrapLon(25)]).toEqual([
      -180, -180, -180, -0.5, 25,
    ]);
  });

  it('distanceM: a degree of latitude is R·π/180, a quarter of the equator R·π/2, antipodes R·π', () => {
    expect(distanceM(25, 54, 25, 55)).toBeCloseTo((EARTH_RADIUS_M * Math.PI) / 180, 6);
    expect(distanceM(0, 0, 90, 0)).toBeCloseTo((EARTH_RADIUS_M * Math.PI) / 2, 4);
    expect(distanceM(25, 54, -155, -54)).toBeCloseTo(EARTH_RADIUS_M * Math.PI, 2);
  });
});
