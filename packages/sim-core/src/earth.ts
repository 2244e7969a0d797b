/** Mean Earth radius (m), IUGG R1; the one radius used everywhere in the project, tests included. */
export const EARTH_RADIUS_M = 6_371_008.8;

/** Degrees per radian and radians per degree. */
export const DEG_PER_RAD = 180 / Math.PI;
export const RAD_PER_DEG = Math.PI / 180;

/** Metres per degree of latitude (and of longitude on the equator) on the sphere of EARTH_RADIUS_M. */
export const M_PER_DEG = EARTH_RADIUS_M * RAD_PER_DEG;

/** Wraps a longitude (degrees) into [-180, 180). */
export function wrapLon(lon: number): number {
  return lon >= -180 && lon < 180 ? lon : lon - 360 * Math.floor((lon + 180) / 360);
}

/**
 * Great-circle distance (m) between two points given in degrees (haversine formula).
 * Used outside hot loops (analysis, tests).
 */
export function distanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD_PER_DEG;
  const dLon = (lon2 - lon1) * RAD_PER_DEG;
  const a =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(lat1 * RAD_PER_DEG) * Math.cos(lat2 * RAD_PER_DEG) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}
