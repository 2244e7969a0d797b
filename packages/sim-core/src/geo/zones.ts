/**
 * Airspace zones (control zones, approach areas, restricted areas): a small model, a GeoJSON reader
 * and a prepared form for fast point tests in the solver's loops.
 *
 * Conventions used throughout:
 * - Positions are [lon, lat] in degrees (WGS 84), as in GeoJSON (RFC 7946 §3.1.1).
 * - Polygon edges are straight lines in lon/lat (the same convention as @turf/boolean-point-in-polygon).
 *   For the edges met here (≤ a few km, circles drawn every ≤ 5.6°) the difference from a great-circle
 *   edge is at most metres. Polygons must not cross the antimeridian.
 * - Vertical limits are metres above mean sea level. A floor at the surface ("GND", "SFC") is stored as
 *   0 m AMSL: the terrain of Lithuania and Belarus lies at or above sea level (lowest: the Baltic
 *   coast), so "above the surface" and "above 0 m AMSL" select the same airborne points. This is the
 *   only place AGL is taken as AMSL; other AGL limits need a ground elevation (see openair.ts).
 */

import { DecodeError, describeValue } from '../errors.js';
import { ellipsoidDistanceM } from './ellipsoid.js';
import { distanceToEdgesM, nearestOnEdges } from './sphere.js';

export type ZoneKind = 'ctr' | 'approach' | 'restricted' | 'other';
export const ZONE_KINDS: readonly ZoneKind[] = ['ctr', 'approach', 'restricted', 'other'];

export interface ZoneAirport {
  icao: string;
  lon: number;
  lat: number;
  /** Aerodrome elevation, m AMSL. */
  elevationM: number;
}

export interface Zone {
  id: string;
  name: string;
  kind: ZoneKind;
  /** Floor, m AMSL (0 for a floor at the surface, see the module comment). */
  lowerM: number;
  /** Ceiling, m AMSL; Infinity for unlimited. */
  upperM: number;
  /** GeoJSON Polygon rings, [lon, lat] degrees: the outer ring first, then holes; each ring closed. */
  polygon: number[][][];
  /** True for outlines the project drew itself rather than took from an official publication. */
  approximate: boolean;
  /** Where the outline and limits come from. */
  source: string;
  airport?: ZoneAirport;
}

/** Feet to metres: the international foot, exactly 0.3048 m. */
export const M_PER_FT = 0.3048;
/** Metres per nautical mile, exactly 1852 m (the international nautical mile). */
export const M_PER_NM = 1852;

/**
 * A flight level in metres: FL × 100 ft × 0.3048. This is a pressure altitude on the standard
 * 1013.25 hPa setting (ICAO Doc 8168), not a true altitude: on a low-pressure day FL95 lies below
 * 2896 m AMSL (about 8 m lower per hPa below standard). Good enough to place a zone's limits.
 */
export function flightLevelToM(flightLevel: number): number {
  return flightLevel * 100 * M_PER_FT;
}

// ---------------------------------------------------------------------------------------------------
// GeoJSON reader

const GEOJSON_SHAPE =
  'a FeatureCollection of Polygon/MultiPolygon features with properties { id, name, kind, lowerM, upperM, approximate?, source?, airport? }';

/**
 * Reads zones from a GeoJSON FeatureCollection of Polygon or MultiPolygon features. Properties:
 * - `id` (non-empty string, unique), `name` (string), `kind` (ctr | approach | restricted | other);
 * - the floor as exactly one of `lowerM` (m AMSL), `lowerFt` (ft AMSL) or `lowerFL` (flight level),
 *   and the ceiling likewise as `upperM`, `upperFt` or `upperFL`. Any of them may instead be the string
 *   "GND" or "SFC" (→ 0 m, see the module comment) or, for a ceiling, "UNL" (→ Infinity, which JSON
 *   cannot hold as a number);
 * - optional `approximate` (boolean, default false), `source` (string, default the `source` argument),
 *   `airport` ({ icao, lon, lat, elevationM }).
 * A MultiPolygon becomes one zone per part, with ids `<id>#1`, `<id>#2`…, all sharing the rest of the
 * properties (a one-part MultiPolygon keeps its id): a Zone holds a single polygon so the prepared
 * form stays one flat ring list and distances refer to one outline.
 * Throws DecodeError naming the feature and property, e.g. `features[2].properties.lowerFt`.
 */
export function zonesFromGeoJson(doc: unknown, source: string): Zone[] {
  const fc = doc as { type?: unknown; features?: unknown } | null;
  if (!fc || typeof fc !== 'object' || fc.type !== 'FeatureCollection')
    throw new DecodeError(`must be ${GEOJSON_SHAPE}`, source, 'type');
  if (!Array.isArray(fc.features)) throw new DecodeError('must be an array of features', source, 'features');
  const zones: Zone[] = [];
  const seen = new Set<string>();
  fc.features.forEach((f: unknown, index) => {
    const at = `features[${index}]`;
    const feature = f as { type?: unknown; properties?: unknown; geometry?: unknown } | null;
    if (!feature || typeof feature !== 'object' || feature.type !== 'Feature')
      throw new DecodeError(`must be a Feature, got ${describeValue(f)}`, source, at);
    const p = feature.properties as Record<string, unknown> | null;
    if (!p || typeof p !== 'object' || Array.isArray(p))
      throw new DecodeError('must be an object', source, `${at}.properties`);
    const prop = (name: string) => `${at}.properties.${name}`;

    const id = p.id;
    if (typeof id !== 'string' || id.trim() === '')
      throw new DecodeError(`must be a non-empty string, got ${describeValue(id)}`, source, prop('id'));
    if (seen.has(id)) throw new DecodeError(`duplicate zone id ${JSON.stringify(id)}`, source, prop('id'));
    seen.add(id);
    if (typeof p.name !== 'string')
      throw new DecodeError(`must be a string, got ${describeValue(p.name)}`, source, prop('name'));
    const kind = p.kind as ZoneKind;
    if (!ZONE_KINDS.includes(kind))
      throw new DecodeError(
        `must be one of ${ZONE_KINDS.join(', ')}, got ${describeValue(p.kind)}`,
        source,
        prop('kind'),
      );
    const lowerM = verticalLimit(p, 'lower', source, at);
    const upperM = verticalLimit(p, 'upper', source, at);
    if (!(lowerM <= upperM))
      throw new DecodeError(
        `floor ${lowerM} m must not be above ceiling ${upperM} m`,
        source,
        prop(Object.keys(p).find((k) => k.startsWith('upper')) ?? 'upperM'),
      );
    if (p.approximate !== undefined && typeof p.approximate !== 'boolean')
      throw new DecodeError(
        `must be true or false, got ${describeValue(p.approximate)}`,
        source,
        prop('approximate'),
      );
    if (p.source !== undefined && typeof p.source !== 'string')
      throw new DecodeError(`must be a string, got ${describeValue(p.source)}`, source, prop('source'));
    const airport = p.airport === undefined ? undefined : readAirport(p.airport, source, prop('airport'));

    const polygons = readPolygons(feature.geometry, source, `${at}.geometry`);
    polygons.forEach((polygon, k) => {
      const zone: Zone = {
        id: polygons.length === 1 ? id : `${id}#${k + 1}`,
        name: p.name as string,
        kind,
        lowerM,
        upperM,
        polygon,
        approximate: (p.approximate as boolean | undefined) ?? false,
        source: (p.source as string | undefined) ?? source,
      };
      if (airport) zone.airport = airport;
      zones.push(zone);
    });
  });
  return zones;
}

/** The floor or ceiling of feature properties `p`, in m AMSL (see zonesFromGeoJson). */
function verticalLimit(
  p: Record<string, unknown>,
  which: 'lower' | 'upper',
  source: string,
  at: string,
): number {
  const present = (['M', 'Ft', 'FL'] as const).filter((unit) => p[`${which}${unit}`] !== undefined);
  if (present.length !== 1)
    throw new DecodeError(
      present.length === 0
        ? `needs the ${which === 'lower' ? 'floor' : 'ceiling'} as one of ${which}M, ${which}Ft, ${which}FL`
        : `gives the ${which === 'lower' ? 'floor' : 'ceiling'} more than once (${present.map((u) => which + u).join(', ')})`,
      source,
      `${at}.properties.${which}M`,
    );
  const unit = present[0];
  const name = `${which}${unit}`;
  const field = `${at}.properties.${name}`;
  const value = p[name];
  if (typeof value === 'string') {
    const word = value.trim().toUpperCase();
    if (word === 'GND' || word === 'SFC') return 0;
    if (word === 'UNL' && which === 'upper') return Infinity;
    throw new DecodeError(
      `must be a number${which === 'upper' ? ', "UNL"' : ''}, "GND" or "SFC", got ${describeValue(value)}`,
      source,
      field,
    );
  }
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new DecodeError(`must be a finite number, got ${describeValue(value)}`, source, field);
  const m = unit === 'M' ? value : unit === 'Ft' ? value * M_PER_FT : flightLevelToM(value);
  // Below the Dead Sea shore (−430 m) or above the top of the atmosphere a balloon meets: a typo.
  if (m < -500 || m > 100_000)
    throw new DecodeError(`${value} is outside −500…100 000 m AMSL`, source, field);
  return m;
}

function readAirport(value: unknown, source: string, field: string): ZoneAirport {
  const a = value as Record<string, unknown> | null;
  if (!a || typeof a !== 'object' || Array.isArray(a))
    throw new DecodeError('must be { icao, lon, lat, elevationM }', source, field);
  if (typeof a.icao !== 'string' || !/^[A-Z]{4}$/.test(a.icao))
    throw new DecodeError(
      `must be a four-letter ICAO location indicator, got ${describeValue(a.icao)}`,
      source,
      `${field}.icao`,
    );
  const lon = a.lon;
  const lat = a.lat;
  const elevationM = a.elevationM;
  if (typeof lon !== 'number' || !(lon >= -180 && lon <= 180))
    throw new DecodeError(
      `must be a longitude in −180…180, got ${describeValue(lon)}`,
      source,
      `${field}.lon`,
    );
  if (typeof lat !== 'number' || !(lat >= -90 && lat <= 90))
    throw new DecodeError(`must be a latitude in −90…90, got ${describeValue(lat)}`, source, `${field}.lat`);
  if (typeof elevationM !== 'number' || !(elevationM > -500 && elevationM < 9000))
    throw new DecodeError(
      `must be an elevation in m AMSL, got ${describeValue(elevationM)}`,
      source,
      `${field}.elevationM`,
    );
  return { icao: a.icao, lon, lat, elevationM };
}

/** The polygons of a Polygon or MultiPolygon geometry, each validated (see readRing). */
function readPolygons(value: unknown, source: string, field: string): number[][][][] {
  const g = value as { type?: unknown; coordinates?: unknown } | null;
  if (!g || typeof g !== 'object' || (g.type !== 'Polygon' && g.type !== 'MultiPolygon'))
    throw new DecodeError(
      `must be a Polygon or MultiPolygon geometry, got ${describeValue(g && typeof g === 'object' ? g.type : g)}`,
      source,
      `${field}.type`,
    );
  const coords = g.coordinates;
  if (!Array.isArray(coords) || coords.length === 0)
    throw new DecodeError('must be a non-empty array', source, `${field}.coordinates`);
  const parts = g.type === 'Polygon' ? [coords] : coords;
  return parts.map((part: unknown, k) => {
    const at = g.type === 'Polygon' ? `${field}.coordinates` : `${field}.coordinates[${k}]`;
    if (!Array.isArray(part) || part.length === 0)
      throw new DecodeError('must be a non-empty array of rings', source, at);
    return part.map((ring: unknown, r) => readRing(ring, source, `${at}[${r}]`));
  });
}

/** A closed ring of at least 4 positions (RFC 7946 §3.1.6) with finite, in-range lon/lat. */
function readRing(value: unknown, source: string, field: string): number[][] {
  if (!Array.isArray(value) || value.length < 4)
    throw new DecodeError('must be a ring of at least 4 positions', source, field);
  const ring = value.map((pos: unknown, i) => {
    if (!Array.isArray(pos) || pos.length < 2)
      throw new DecodeError(`position ${i} must be [lon, lat], got ${describeValue(pos)}`, source, field);
    const [lon, lat] = pos as unknown[];
    if (
      typeof lon !== 'number' ||
      typeof lat !== 'number' ||
      !(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)
    )
      throw new DecodeError(
        `position ${i} must be [lon, lat] in degrees, got ${describeValue(pos)}`,
        source,
        field,
      );
    return [lon, lat];
  });
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first[0] !== last[0] || first[1] !== last[1])
    throw new DecodeError('ring must be closed (last position equal to the first)', source, field);
  return ring;
}

/**
 * The GeoJSON FeatureCollection zonesFromGeoJson reads back into the same zones (an unlimited ceiling
 * is written "UNL", JSON having no Infinity). Zones split from a MultiPolygon stay separate features.
 */
export function zonesToGeoJson(zones: readonly Zone[]): {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    properties: Record<string, unknown>;
    geometry: { type: 'Polygon'; coordinates: number[][][] };
  }[];
} {
  return {
    type: 'FeatureCollection',
    features: zones.map((z) => ({
      type: 'Feature',
      properties: {
        id: z.id,
        name: z.name,
        kind: z.kind,
        lowerM: z.lowerM,
        upperM: Number.isFinite(z.upperM) ? z.upperM : 'UNL',
        approximate: z.approximate,
        source: z.source,
        ...(z.airport ? { airport: { ...z.airport } } : {}),
      },
      geometry: { type: 'Polygon', coordinates: z.polygon },
    })),
  };
}

// ---------------------------------------------------------------------------------------------------
// Prepared zones: point tests and distances

/**
 * A zone laid out for fast tests: all ring vertices in flat Float64Arrays (each ring closed, so edge k
 * runs from vertex k to k + 1 except at the last vertex of a ring), a bounding box, and a latitude-band
 * index listing, for each of `nBands` equal bands, the edges whose latitude range meets the band. A
 * horizontal ray from a point crosses only edges spanning the point's latitude, so the even–odd test
 * looks at one band's edges: those crossing a thin band of latitude, usually a handful, instead of all
 * n (≈ 0.1–0.2 µs per test on Belarus's 1163-vertex outline in Node 20, ≈ 0.3 µs with √n bands).
 */
export class PreparedZone {
  readonly minLon: number;
  readonly maxLon: number;
  readonly minLat: number;
  readonly maxLat: number;
  /** Vertex longitudes and latitudes (degrees), rings one after the other. */
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  /** 1 where vertex k starts an edge (k + 1 is in the same ring), else 0. */
  readonly edgeStarts: Uint8Array;
  private readonly nBands: number;
  private readonly bandDeg: number;
  private readonly bandOffsets: Int32Array;
  private readonly bandEdges: Int32Array;

  constructor(readonly zone: Zone) {
    const rings = zone.polygon;
    const n = rings.reduce((sum, ring) => sum + ring.length, 0);
    if (rings.length === 0 || rings[0].length < 4)
      throw new RangeError(`zone ${zone.id}: a polygon needs an outer ring of at least 4 positions`);
    this.lon = new Float64Array(n);
    this.lat = new Float64Array(n);
    this.edgeStarts = new Uint8Array(n);
    let k = 0;
    let minLon = Infinity;
    let maxLon = -Infinity;
    let minLat = Infinity;
    let maxLat = -Infinity;
    let nEdges = 0;
    for (const ring of rings) {
      ring.forEach(([lon, lat], i) => {
        this.lon[k] = lon;
        this.lat[k] = lat;
        if (i + 1 < ring.length) {
          this.edgeStarts[k] = 1;
          nEdges++;
        }
        minLon = Math.min(minLon, lon);
        maxLon = Math.max(maxLon, lon);
        minLat = Math.min(minLat, lat);
        maxLat = Math.max(maxLat, lat);
        k++;
      });
    }
    this.minLon = minLon;
    this.maxLon = maxLon;
    this.minLat = minLat;
    this.maxLat = maxLat;

    // One latitude band per edge (at most 4096): each band holds the few edges crossing it; the index
    // grows with the edges' summed latitude spans, a few times n for real outlines.
    this.nBands = Math.max(1, Math.min(4096, nEdges));
    this.bandDeg = (maxLat - minLat) / this.nBands || 1;
    const counts = new Int32Array(this.nBands + 1);
    const bandsOf = (j: number): [number, number] => {
      const y0 = Math.min(this.lat[j], this.lat[j + 1]);
      const y1 = Math.max(this.lat[j], this.lat[j + 1]);
      return [this.band(y0), this.band(y1)];
    };
    for (let j = 0; j < n; j++) {
      if (!this.edgeStarts[j]) continue;
      const [b0, b1] = bandsOf(j);
      for (let b = b0; b <= b1; b++) counts[b + 1]++;
    }
    for (let b = 0; b < this.nBands; b++) counts[b + 1] += counts[b];
    this.bandOffsets = counts.slice();
    this.bandEdges = new Int32Array(counts[this.nBands]);
    const fill = counts.slice(0, this.nBands);
    for (let j = 0; j < n; j++) {
      if (!this.edgeStarts[j]) continue;
      const [b0, b1] = bandsOf(j);
      for (let b = b0; b <= b1; b++) this.bandEdges[fill[b]++] = j;
    }
  }

  private band(lat: number): number {
    const b = Math.floor((lat - this.minLat) / this.bandDeg);
    return b < 0 ? 0 : b >= this.nBands ? this.nBands - 1 : b;
  }

  /**
   * True when (lon, lat) lies inside the polygon (holes excluded) and altM (m AMSL) within
   * lowerM ≤ altM ≤ upperM. Points exactly on an edge may go either way.
   */
  contains(lon: number, lat: number, altM: number): boolean {
    return altM >= this.zone.lowerM && altM <= this.zone.upperM && this.containsLonLat(lon, lat);
  }

  /**
   * The horizontal test alone: even–odd ray casting (a ray towards +lon, crossing counted with the
   * half-open rule (lat_i > lat) ≠ (lat_j > lat) so a vertex on the ray counts once). Holes need no
   * special case: a point in a hole crosses the hole's ring once more than the outer ring's.
   */
  containsLonLat(lon: number, lat: number): boolean {
    if (!(lon >= this.minLon && lon <= this.maxLon && lat >= this.minLat && lat <= this.maxLat)) return false;
    const xs = this.lon;
    const ys = this.lat;
    const edges = this.bandEdges;
    const b = this.band(lat);
    const end = this.bandOffsets[b + 1];
    let inside = false;
    for (let e = this.bandOffsets[b]; e < end; e++) {
      const i = edges[e];
      const yi = ys[i];
      const yj = ys[i + 1];
      if (yi > lat !== yj > lat) {
        const xi = xs[i];
        if (lon < xi + ((xs[i + 1] - xi) * (lat - yi)) / (yj - yi)) inside = !inside;
      }
    }
    return inside;
  }
}

/** Prepares a zone for fast tests (see PreparedZone). */
export function prepareZone(zone: Zone): PreparedZone {
  return new PreparedZone(zone);
}

/**
 * Distance (m) from (lon, lat) to the nearest point of the zone's outline (any ring, holes included),
 * whether the point is inside or not. See distanceToEdgesM for the method and its accuracy.
 */
export function distanceToBoundaryM(prepared: PreparedZone, lon: number, lat: number): number {
  return distanceToEdgesM(prepared.lon, prepared.lat, prepared.edgeStarts, lon, lat);
}

/** Distance (m) from (lon, lat) to the zone's horizontal outline: 0 inside, else distanceToBoundaryM. */
export function distanceToZoneM(prepared: PreparedZone, lon: number, lat: number): number {
  return prepared.containsLonLat(lon, lat) ? 0 : distanceToBoundaryM(prepared, lon, lat);
}

/**
 * Distance (m) on the WGS 84 ellipsoid from (lon, lat) to the zone's horizontal outline: 0 inside,
 * else the geodesic to the outline's nearest point (found on the sphere, see nearestOnEdges). For
 * reported figures; ≈ 1 µs a call (Vincenty), so not for per-step loops.
 */
export function ellipsoidDistanceToZoneM(prepared: PreparedZone, lon: number, lat: number): number {
  if (prepared.containsLonLat(lon, lat)) return 0;
  const [footLon, footLat] = nearestOnEdges(prepared.lon, prepared.lat, prepared.edgeStarts, lon, lat);
  return ellipsoidDistanceM(lon, lat, footLon, footLat);
}
