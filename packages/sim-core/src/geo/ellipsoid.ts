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
