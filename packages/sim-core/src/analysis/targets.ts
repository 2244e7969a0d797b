import { DecodeError } from '../errors.js';
import { distanceToZoneM, ellipsoidDistanceToZoneM, PreparedZone, type Zone } from '../geo/zones.js';
import { AreaMask } from './area-mask.js';
import type { AnalysisTargets, ZoneTarget } from './observer.js';

/**
 * A zone ready for per-step tests: the exact polygon test behind a raster mask, and its distances
 * (sphere and ellipsoid) for closest approaches and for what members that left the wind could reach.
 */
export function zoneTarget(zone: Zone): ZoneTarget {
  const prepared = new PreparedZone(zone);
  const mask = new AreaMask(zone.polygon, (lon, lat) => prepared.containsLonLat(lon, lat), 0.01);
  return {
    id: zone.id,
    name: zone.name,
    kind: zone.kind,
    lowerM: zone.lowerM,
    upperM: zone.upperM,
    contains: (lon, lat) => mask.contains(lon, lat),
    geometry: {
      box: {
        lonMin: prepared.minLon,
        lonMax: prepared.maxLon,
        latMin: prepared.minLat,
        latMax: prepared.maxLat,
      },
      distanceM: (lon, lat) => distanceToZoneM(prepared, lon, lat),
      ellipsoidDistanceM: (lon, lat) => ellipsoidDistanceToZoneM(prepared, lon, lat),
    },
    ...(zone.airport
      ? { airport: { icao: zone.airport.icao, lon: zone.airport.lon, lat: zone.airport.lat } }
      : {}),
  };
}

/** A country outline (every part of a MultiPolygon) as one fast area test. */
export interface CountryArea {
  id: string;
  name: string;
  contains(lon: number, lat: number): boolean;
  /** Polygon parts: rings of [lon, lat]. */
  polygons: number[][][][];
}

/**
 * Reads the countries of a FeatureCollection of (Multi)Polygons with properties { id, name }; with
 * `ids`, only those. Each area's raster is built on its first test.
 */
export function countryAreas(doc: unknown, source: string, ids?: readonly string[]): CountryArea[] {
  const features = (doc as { type?: string; features?: unknown[] } | null)?.features;
  if ((doc as { type?: string } | null)?.type !== 'FeatureCollection' || !Array.isArray(features))
    throw new DecodeError('must be a GeoJSON FeatureCollection', source);
  const wanted = (f: unknown) =>
    !ids || ids.includes((f as { properties?: { id?: unknown } }).properties?.id as string);
  return features.filter(wanted).map((f, k) => {
    const feature = f as {
      properties?: { id?: unknown; name?: unknown };
      geometry?: { type?: string; coordinates?: unknown };
    };
    const id = feature.properties?.id;
    if (typeof id !== 'string')
      throw new DecodeError('properties.id must be a string', source, `feature ${k}`);
    const g = feature.geometry;
    const polygons =
      g?.type === 'Polygon'
        ? [g.coordinates as number[][][]]
        : g?.type === 'MultiPolygon'
          ? (g.coordinates as number[][][][])
          : null;
    if (!polygons)
      throw new DecodeError('geometry must be a Polygon or MultiPolygon', source, `feature ${k}`);
    const parts = polygons.map(
      (polygon, p) =>
        new PreparedZone({
          id: `${id}#${p}`,
          name: id,
          kind: 'other',
          lowerM: Number.NEGATIVE_INFINITY,
          upperM: Number.POSITIVE_INFINITY,
          polygon,
          approximate: false,
          source,
        }),
    );
    const exact = (lon: number, lat: number) => parts.some((part) => part.containsLonLat(lon, lat));
    // The raster is built on the first test: a country asked about only for a few landings never
    // pays for it, one tested every step (home, origin) does once.
    let mask: AreaMask | null = null;
    return {
      id,
      name: typeof feature.properties?.name === 'string' ? feature.properties.name : id,
      polygons,
      contains: (lon, lat) => {
        mask ??= new AreaMask(polygons.flat(), exact, 0.02);
        return mask.contains(lon, lat);
      },
    };
  });
}

/**
 * Analysis targets: zones, the border crossed from `originId` into `homeId` when both are given, and
 * every country given (landings are counted per country).
 */
export function analysisTargets(
  zones: Zone[],
  countries: CountryArea[] = [],
  homeId = 'LT',
  originId = 'BY',
): AnalysisTargets {
  const home = countries.find((c) => c.id === homeId);
  const origin = countries.find((c) => c.id === originId);
  return {
    zones: zones.map(zoneTarget),
    ...(home && origin
      ? {
          home: { id: home.id, name: home.name, contains: home.contains },
          origin: { id: origin.id, name: origin.name, contains: origin.contains },
        }
      : {}),
    ...(countries.length > 0
      ? { countries: countries.map((c) => ({ id: c.id, name: c.name, contains: c.contains })) }
      : {}),
  };
}
