/**
 * Distances on the WGS 84 ellipsoid for what the project reports (summaries, back-track cells), from
 * geolib (a maintained geodesy library, the design card's choice). Reported figures are read against
 * charts and ground truth on the ellipsoid: at 54° N the project's sphere (EARTH_RADIUS_M) is off by
 * −0.6 % to +0.3 % depending on direction, 0.3 km on 100 km, which shows at the 0.1 km reported.
 *
 * Not for per-step code: geolib's Vincenty is iterative and takes ≈1 µs a call (objects in, key
 * lookups). The solver and the observer keep the sphere (earth.ts); this runs once per member or
 * cell after a run.
 */
import { getPreciseDistance } from 'geolib';

/**
 * Geodesic distance (m) between two points (degrees) on the WGS 84 ellipsoid: Vincenty's inverse
 * formula (geolib getPreciseDistance), rounded to the millimetre. NaN for a non-finite coordinate, or
 * where Vincenty's iteration does not converge (points nearly antipodal).
 */
export function ellipsoidDistanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  if (!(Number.isFinite(lon1) && Number.isFinite(lat1) && Number.isFinite(lon2) && Number.isFinite(lat2)))
    return Number.NaN;
  return getPreciseDistance({ lon: lon1, lat: lat1 }, { lon: lon2, lat: lat2 }, 0.001);
}

/**
 * How far a WGS 84 geodesic can differ from the great-circle distance (earth.ts distanceM) between
 * the same points, as lo·sphere − tol ≤ ellipsoid ≤ hi·sphere + tol. The ellipsoid's radii of
 * curvature run from M(0°) = a(1 − e²) = 6 335 439 m to N(90°) = a/√(1 − e²) = 6 399 594 m, so any
 * path on it is 0.99442 to 1.00449 times as long as the same path (in latitude and longitude) on the
 * sphere of EARTH_RADIUS_M, and so is the shortest one. Rounded outwards; tol covers the millimetre
 * the distance is rounded to. Lets a summary rank members by the cheap spherical distance and
 * measure only the few it reports (analysis/stats.ts quantilesViaProxy).
 */
export const ELLIPSOID_OVER_SPHERE = Object.freeze({ lo: 0.994, hi: 1.005, tol: 0.002 });
