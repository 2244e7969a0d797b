import { describe, expect, it } from 'vitest';
import { distanceM } from '../earth.js';
import { seededRandom } from '../testing/helpers.js';
import { parseCoordinate } from './coordinates.js';
import { ELLIPSOID_OVER_SPHERE, ellipsoidDistanceM } from './ellipsoid.js';

describe('ellipsoidDistanceM (WGS 84)', () => {
  it("gives Vincenty's published example: Flinders Peak to Buninyong, 54 972.271 m", () => {
    // T. Vincenty, "Direct and inverse solutions of geodesics on the ellipsoid", Survey Review 23
    // (1975), as worked by Geoscience Australia (GDA Technical Manual): the geodesic between Flinders
    // Peak (37°57′03.72030″ S, 144°25′29.52440″ E) and Buninyong (37°39′10.15610″ S,
    // 143°55′35.38390″ E) is 54 972.271 m long. The coordinates are read as typed.
    const lat1 = parseCoordinate('37°57′03.72030″S', 'lat', 'lat1');
    const lon1 = parseCoordinate('144°25′29.52440″E', 'lon', 'lon1');
    const lat2 = parseCoordinate('37°39′10.15610″S', 'lat', 'lat2');
    const lon2 = parseCoordinate('143°55′35.38390″E', 'lon', 'lon2');
    expect(ellipsoidDistanceM(lon1, lat1, lon2, lat2)).toBeCloseTo(54_972.271, 3);
  });

  it('one degree along the equator is a·π/180 (a = 6 378 137 m): 111 319.491 m', () => {
    expect(ellipsoidDistanceM(25, 0, 26, 0)).toBeCloseTo(111_319.491, 3);
  });

  it('54° to 55° N along a meridian is the meridian arc: 111 314.285 m', () => {
    // ∫ a(1 − e²) / (1 − e² sin²φ)^(3/2) dφ from 54° to 55° (WGS 84: a = 6 378 137 m,
    // f = 1/298.257223563, e² = f(2 − f)), by Simpson's rule on 1000 intervals: 111 314.285 m.
    // The project's sphere gives 111 195.080 m, 119 m less.
    expect(ellipsoidDistanceM(25, 54, 25, 55)).toBeCloseTo(111_314.285, 2);
    expect(distanceM(25, 54, 25, 55)).toBeCloseTo(111_195.08, 2);
  });

  it('is symmetric, zero for one point, NaN for a missing coordinate', () => {
    expect(ellipsoidDistanceM(25.28, 54.64, 24.08, 54.96)).toBe(
      ellipsoidDistanceM(24.08, 54.96, 25.28, 54.64),
    );
    expect(ellipsoidDistanceM(25.28, 54.64, 25.28, 54.64)).toBe(0);
    expect(ellipsoidDistanceM(Number.NaN, 54.64, 25.28, 54.64)).toBeNaN();
  });
});

describe('ELLIPSOID_OVER_SPHERE', () => {
  it('bounds the ratio of WGS 84 to spherical distances everywhere (property, seeded)', () => {
    const rand = seededRandom('ellipsoid over sphere');
    const { lo, hi, tol } = ELLIPSOID_OVER_SPHERE;
    let least = Number.POSITIVE_INFINITY;
    let most = 0;
    for (let k = 0; k < 3000; k++) {
      const lat1 = -89 + 178 * rand();
      const lon1 = -180 + 360 * rand();
      // From a metre to thousands of km, in every direction; not near the antipode.
      const scale = 10 ** (-5 + 7 * rand());
      const lat2 = Math.max(-89.9, Math.min(89.9, lat1 + scale * (rand() - 0.5)));
      const lon2 = lon1 + scale * (rand() - 0.5);
      const sphere = distanceM(lon1, lat1, lon2, lat2);
      const ellipsoid = ellipsoidDistanceM(lon1, lat1, lon2, lat2);
      expect(ellipsoid).toBeGreaterThanOrEqual(lo * sphere - tol);
      expect(ellipsoid).toBeLessThanOrEqual(hi * sphere + tol);
      if (sphere > 1000) {
        least = Math.min(least, ellipsoid / sphere);
        most = Math.max(most, ellipsoid / sphere);
      }
    }
    // The radii of curvature's range, M(0°)/R = 0.99442 to N(90°)/R = 1.00449, is nearly reached.
    expect(least).toBeLessThan(0.996);
    expect(most).toBeGreaterThan(1.003);
  });
});
