/**
 * Small spherical helpers for drawing outlines (arcs, circles) on the project's sphere of radius
 * EARTH_RADIUS_M, so that distanceM measures a drawn radius back exactly. Formulas: the direct and
 * inverse problems on the sphere as given by E. Williams, "Aviation Formulary" (edwilliams.org/avform147.htm)
 * and C. Veness, "Calculate distance, bearing and more between latitude/longitude points"
 * (movable-type.co.uk/scripts/latlong.html).
 */
import { DEG_PER_RAD, distanceM, EARTH_RADIUS_M, RAD_PER_DEG } from '../earth.js';

/** The point reached from (lon, lat) going distM metres along the great circle of initial bearing bearingDeg (clockwise from true north). */
export function destinationLonLat(
  lon: number,
  lat: number,
  bearingDeg: number,
  distM: number,
): [number, number] {
  const delta = distM / EARTH_RADIUS_M;
  const theta = bearingDeg * RAD_PER_DEG;
  const phi1 = lat * RAD_PER_DEG;
  const sinPhi2 = Math.sin(phi1) * Math.cos(delta) + Math.cos(phi1) * Math.sin(delta) * Math.cos(theta);
  const phi2 = Math.asin(Math.max(-1, Math.min(1, sinPhi2)));
  const dLambda = Math.atan2(
    Math.sin(theta) * Math.sin(delta) * Math.cos(phi1),
    Math.cos(delta) - Math.sin(phi1) * sinPhi2,
  );
  return [lon + dLambda * DEG_PER_RAD, phi2 * DEG_PER_RAD];
}

/** Initial great-circle bearing (degrees clockwise from true north, in [0, 360)) from point 1 to point 2. */
export function initialBearingDeg(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const phi1 = lat1 * RAD_PER_DEG;
  const phi2 = lat2 * RAD_PER_DEG;
  const dLambda = (lon2 - lon1) * RAD_PER_DEG;
  const y = Math.sin(dLambda) * Math.cos(phi2);
  const x = Math.cos(phi1) * Math.sin(phi2) - Math.sin(phi1) * Math.cos(phi2) * Math.cos(dLambda);
  const deg = Math.atan2(y, x) * DEG_PER_RAD;
  return deg < 0 ? deg + 360 : deg;
}

/**
 * Twice the signed area of a ring in the lon/lat plane (shoelace formula), degrees²: positive for a
 * counterclockwise ring. Only its sign is used, to orient rings as RFC 7946 §3.1.6 asks (outer rings
 * counterclockwise, holes clockwise).
 */
export function ringSignedArea2(ring: readonly (readonly number[])[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return sum;
}

/**
 * Distance (m) from (lon, lat) to the nearest point of a set of edges: the edge from vertex i to i + 1
 * for every i with edgeStarts[i] = 1 (every i < n − 1 when edgeStarts is omitted).
 * Each edge is searched in a local equirectangular plane centred on the point, with the east–west
 * scale cos φ taken at the mean of the point's and the edge's mid latitude (so the scale error over a
 * 100 km separation at 55° N is ≈ 0.01 %, not the ≈ 1 % of a single scale at the point). The nearest
 * edge and the foot point on it come from that plane; the returned distance is the haversine
 * great-circle distance to the foot point, so the plane only has to locate the foot, and an error δ in
 * its position changes the distance by O(δ²/d). Tested against @turf/point-to-line-distance to < 0.5 %.
 * Edges are straight in lon/lat, as in PreparedZone.containsLonLat; turf takes them as great circles,
 * which bulge poleward of a straight lon/lat edge of length L by up to L²·tan φ / 8R: 0.4 m for a 4 km
 * edge, 70 m for a 50 km east–west edge at 55° N. Densify long edges if that matters.
 */
export function distanceToEdgesM(
  lons: ArrayLike<number>,
  lats: ArrayLike<number>,
  edgeStarts: ArrayLike<number> | undefined,
  lon: number,
  lat: number,
): number {
  const foot = nearestOnEdges(lons, lats, edgeStarts, lon, lat);
  return distanceM(lon, lat, foot[0], foot[1]);
}

/**
 * The foot point [lon, lat] (degrees) on a set of edges nearest to (lon, lat), found as
 * distanceToEdgesM finds it (its distance is the haversine distance to this point). Reported
 * distances measure from it on the WGS 84 ellipsoid: the foot moves by O(δ²) between the sphere and
 * the ellipsoid, so the distance to it differs from the ellipsoid's least distance by far less than
 * the 0.1 km reported.
 */
export function nearestOnEdges(
  lons: ArrayLike<number>,
  lats: ArrayLike<number>,
  edgeStarts: ArrayLike<number> | undefined,
  lon: number,
  lat: number,
): [number, number] {
  let best = Infinity;
  let bestLon = lons[0];
  let bestLat = lats[0];
  for (let i = 0; i + 1 < lons.length; i++) {
    if (edgeStarts && !edgeStarts[i]) continue;
    const kx = Math.cos(((lat + (lats[i] + lats[i + 1]) / 2) / 2) * RAD_PER_DEG);
    // The edge relative to the point, in degrees of latitude (an equal-scale plane).
    const ax = (lons[i] - lon) * kx;
    const ay = lats[i] - lat;
    const dx = (lons[i + 1] - lons[i]) * kx;
    const dy = lats[i + 1] - lats[i];
    const len2 = dx * dx + dy * dy;
    const t = len2 > 0 ? Math.min(1, Math.max(0, -(ax * dx + ay * dy) / len2)) : 0;
    const px = ax + t * dx;
    const py = ay + t * dy;
    const d2 = px * px + py * py;
    if (d2 < best) {
      best = d2;
      bestLon = lons[i] + t * (lons[i + 1] - lons[i]);
      bestLat = lats[i] + t * (lats[i + 1] - lats[i]);
    }
  }
  return [bestLon, bestLat];
}

/**
 * Distance (m) from (lon, lat) to a polyline of [lon, lat] positions (see distanceToEdgesM). Copies
 * the line on every call: for many points against one line, flatten it once and call distanceToEdgesM.
 */
export function distanceToPolylineM(line: readonly (readonly number[])[], lon: number, lat: number): number {
  if (line.length === 0) return Infinity;
  const lons = Float64Array.from(line, (p) => p[0]);
  const lats = Float64Array.from(line, (p) => p[1]);
  return line.length === 1
    ? distanceM(lon, lat, lons[0], lats[0])
    : distanceToEdgesM(lons, lats, undefined, lon, lat);
}
