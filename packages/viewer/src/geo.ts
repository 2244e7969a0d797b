/**
 * GeoJSON helpers for d3-geo, which works on the sphere: a polygon's exterior ring must run
 * clockwise, the opposite of RFC 7946's counter-clockwise. A ring the other way round means "the
 * whole globe except this", which would fill the map. Rather than trust each file, every polygon is
 * turned the way that gives it the smaller area.
 */
import { EARTH_RADIUS_M } from '@balloon-sim/sim-core/protocol';
import * as d3 from 'd3';
import type { Feature, FeatureCollection, Geometry, Polygon, Position } from 'geojson';

function rewindPolygon(rings: Position[][]): Position[][] {
  const polygon: Polygon = { type: 'Polygon', coordinates: rings };
  // More than a hemisphere: the ring is the wrong way round for d3.
  return d3.geoArea(polygon) > 2 * Math.PI ? rings.map((ring) => [...ring].reverse()) : rings;
}

export function rewindGeometry<G extends Geometry>(geometry: G): G {
  if (geometry.type === 'Polygon') return { ...geometry, coordinates: rewindPolygon(geometry.coordinates) };
  if (geometry.type === 'MultiPolygon')
    return { ...geometry, coordinates: geometry.coordinates.map(rewindPolygon) };
  if (geometry.type === 'GeometryCollection')
    return { ...geometry, geometries: geometry.geometries.map(rewindGeometry) };
  return geometry;
}

export function rewindFeature<F extends Feature>(feature: F): F {
  return feature.geometry ? { ...feature, geometry: rewindGeometry(feature.geometry) } : feature;
}

export function rewindCollection<C extends FeatureCollection>(collection: C): C {
  return { ...collection, features: collection.features.map(rewindFeature) };
}

/** The point `distanceM` east of (lon, lat) along the parallel (close enough to a geodesic for ≤ 200 km). */
export function eastOf(lon: number, lat: number, distanceM: number): [number, number] {
  const dLonDeg = (distanceM / (EARTH_RADIUS_M * Math.cos((lat * Math.PI) / 180))) * (180 / Math.PI);
  return [lon + dLonDeg, lat];
}
