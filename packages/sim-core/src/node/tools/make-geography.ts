/**
 * Derives the geography fixtures in fixtures/geo from Natural Earth 1:10m Admin 0 country outlines
 * (v4.1.0, public domain) as packaged in world-atlas 2.0.2 (`world-atlas/countries-10m.json`, TopoJSON),
 * with topojson-client and turf. Nothing here is drawn by hand: outlines come from the data, the
 * airspace approximations from stated centres, radii and limits (see APPROXIMATIONS and
 * fixtures/README.md).
 *
 * Run from the repository root:
 *   npx tsc -b packages/sim-core && node packages/sim-core/dist/node/tools/make-geography.js
 * It writes countries.json, lt-by-border.json, launch-strip.json and zones.json. geo/geography.test.ts
 * derives them again and compares, so the committed files cannot drift from this script.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, LineString, MultiLineString, MultiPolygon, Polygon } from 'geojson';
import { feature, mesh } from 'topojson-client';
import { flightLevelToM, M_PER_FT, M_PER_NM } from '../../geo/zones.js';

type Topology = Parameters<typeof mesh>[0];
type GeometryObject = NonNullable<Parameters<typeof mesh>[1]>;
type Area = Feature<Polygon | MultiPolygon>;

/** The countries kept, by ISO 3166-1 numeric code (world-atlas ids) → alpha-2 code and name. */
export const COUNTRIES = [
  { numeric: '440', id: 'LT', name: 'Lithuania' },
  { numeric: '112', id: 'BY', name: 'Belarus' },
  { numeric: '616', id: 'PL', name: 'Poland' },
  { numeric: '428', id: 'LV', name: 'Latvia' },
] as const;

/** The region kept: [west, south, east, north] degrees. Enough for drift from Belarus to Lithuania. */
export const CLIP_BBOX: [number, number, number, number] = [18, 50, 33, 60];

/** Decimal places kept: 1e-5° ≈ 1.1 m, below the source's own quantization (0.0036° × 0.0017°). */
const DECIMALS = 5;

/** The launch strip: the part of Belarus between these distances from the LT–BY border. */
export const LAUNCH_STRIP = { minKm: 2, maxKm: 30 };

/**
 * Aerodrome reference points and elevations (m AMSL) as given in the project's requirements; the
 * authority is the Lithuanian AIP, AD 2.2 of each aerodrome.
 */
export const AIRPORTS = [
  {
    icao: 'EYVI',
    name: 'Vilnius',
    lon: 25 + 17 / 60 + 16 / 3600, // 25°17′16″ E
    lat: 54 + 38 / 60 + 13 / 3600, // 54°38′13″ N
    elevationM: 198,
  },
  {
    icao: 'EYKA',
    name: 'Kaunas',
    lon: 24 + 5 / 60 + 5 / 3600, // 24°05′05″ E
    lat: 54 + 57 / 60 + 50 / 3600, // 54°57′50″ N
    elevationM: 79,
  },
] as const;

/**
 * The assumed dimensions of every approximated zone. Not the AIP polygons: typical sizes for a
 * Lithuanian CTR and the approach (TMA) airspace round it, and the 2025 restricted area along the
 * Belarus border as reported in the news (surface to about 3 600 m, about 90 km long). Every zone is
 * clipped to Lithuania's outline, Lithuanian airspace (Vilnius FIR) ending at the state border.
 */
export const APPROXIMATIONS = {
  /** CTR: a circle of 8 NM (14.8 km) from the surface to 2500 ft (762 m) AMSL. */
  ctr: { radiusM: 8 * M_PER_NM, lowerM: 0, upperM: 2500 * M_PER_FT },
  /**
   * Approach: a circle of 25 NM (46.3 km), 1500 ft (457 m) AMSL to FL195 (5944 m pressure altitude),
   * the usual top of European terminal areas below upper airspace: arrivals and departures cross the
   * whole 1–5 km layer smuggling balloons float in, which is why their presence closes the airport.
   */
  approach: { radiusM: 25 * M_PER_NM, lowerM: 1500 * M_PER_FT, upperM: flightLevelToM(195) },
  /**
   * Restricted area: a 90 km stretch of the LT–BY border measured along the Natural Earth line and
   * centred on the border point nearest EYVI, buffered by 5 km (round ends) and clipped to Lithuania,
   * so a band ≈ 5 km wide on the Lithuanian side; surface to 3600 m AMSL.
   */
  restricted: { lengthM: 90_000, widthM: 5_000, lowerM: 0, upperM: 3600 },
  /** Vertices per circle (turf.circle steps). */
  circleSteps: 64,
};

export const APPROXIMATE_SOURCE = 'approximation by balloon-drift; not the official AIP polygon';

export interface Geography {
  countries: FeatureCollection<Polygon | MultiPolygon>;
  border: Feature<LineString | MultiLineString>;
  launchStrip: Feature<Polygon | MultiPolygon>;
  zones: FeatureCollection<Polygon | MultiPolygon>;
}

/** Reads world-atlas's 1:10m countries TopoJSON (Node only). */
export function loadCountries10m(): Topology {
  const path = createRequire(import.meta.url).resolve('world-atlas/countries-10m.json');
  return JSON.parse(readFileSync(path, 'utf8')) as Topology;
}

function round(x: number): number {
  const f = 10 ** DECIMALS;
  return Math.round(x * f) / f;
}

/** A ring or line rounded to DECIMALS, repeated positions dropped. */
function roundLine(line: number[][]): number[][] {
  const out: number[][] = [];
  for (const [lon, lat] of line) {
    const p = [round(lon), round(lat)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out;
}

/**
 * The geometry wound as RFC 7946 §3.1.6 asks: exterior rings counterclockwise, holes clockwise.
 * topojson-client's `feature` returns d3-geo's spherical winding (exterior clockwise), the opposite,
 * and served as it was that made /api/geography's countries wrong for any RFC 7946 reader; turf's
 * buffer, circle and boolean operations return RFC winding, but nothing in their contract says so.
 * (d3-geo readers, such as the viewer, rewind to their own convention.)
 */
export function rfc7946Winding<G extends Polygon | MultiPolygon>(geometry: G): G {
  return turf.rewind(geometry, { mutate: false }) as G;
}

/**
 * Polygons rounded; rings left with fewer than 4 positions (slivers) dropped, then empty polygons;
 * then wound as RFC 7946 asks (after rounding, which moves vertices).
 */
function roundArea(geometry: Polygon | MultiPolygon): Polygon | MultiPolygon {
  const polygons = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates)
    .map((rings) => rings.map(roundLine).filter((ring) => ring.length >= 4))
    .filter((rings) => rings.length > 0);
  return rfc7946Winding(
    polygons.length === 1
      ? { type: 'Polygon', coordinates: polygons[0] }
      : { type: 'MultiPolygon', coordinates: polygons },
  );
}

function geometryById(topology: Topology, numeric: string): GeometryObject {
  const countries = topology.objects.countries as { geometries: GeometryObject[] };
  const g = countries.geometries.find((x) => String(x.id) === numeric);
  if (!g) throw new Error(`world-atlas has no country ${numeric}`);
  return g;
}

function intersect(a: Area, b: Area): Area {
  const out = turf.intersect(turf.featureCollection([a, b]));
  if (!out) throw new Error('empty intersection');
  return out;
}

/** Derives every geography fixture from the world-atlas topology (pure: no files). */
export function deriveGeography(topology: Topology): Geography {
  const countryFeatures = COUNTRIES.map(({ numeric, id, name }) => {
    const outline = feature(topology, geometryById(topology, numeric)) as Area;
    const clipped = turf.bboxClip(outline, CLIP_BBOX) as Area;
    return turf.feature(roundArea(clipped.geometry), { id, name });
  });
  const byId = (id: string) => countryFeatures.find((f) => f.properties.id === id)!;
  const lithuania = byId('LT');
  const belarus = byId('BY');

  // The arcs both countries share: exactly their common border, with the vertices of both outlines.
  const ids = new Set(['440', '112']);
  const meshed = mesh(
    topology,
    topology.objects.countries as GeometryObject,
    (a, b) => a !== b && ids.has(String(a.id)) && ids.has(String(b.id)),
  );
  const lines = meshed.coordinates.map(roundLine);
  const borderGeometry: LineString | MultiLineString =
    lines.length === 1
      ? { type: 'LineString', coordinates: lines[0] }
      : { type: 'MultiLineString', coordinates: lines };
  const border = turf.feature(borderGeometry, {
    id: 'LT-BY',
    name: 'Lithuania–Belarus border',
    lengthKm: Math.round(turf.length(turf.feature(borderGeometry), { units: 'kilometers' }) * 10) / 10,
  });

  // Launch strip: Belarus ∩ (within maxKm of the border − within minKm). Buffers are drawn by turf in
  // an azimuthal equidistant projection centred on the border (scale error < 0.05 % at 350 km).
  const steps = 32;
  const outer = turf.buffer(border, LAUNCH_STRIP.maxKm, { units: 'kilometers', steps }) as Area;
  const inner = turf.buffer(border, LAUNCH_STRIP.minKm, { units: 'kilometers', steps }) as Area;
  const band = turf.difference(turf.featureCollection([outer, inner]));
  if (!band) throw new Error('empty launch band');
  const strip = intersect(belarus, band);
  const launchStrip = turf.feature(roundArea(strip.geometry), {
    id: 'BY-launch-strip',
    name: `Belarus within ${LAUNCH_STRIP.minKm}–${LAUNCH_STRIP.maxKm} km of the Lithuanian border`,
    ...LAUNCH_STRIP,
  });

  // Zones.
  const zoneFeatures: Feature<Polygon | MultiPolygon>[] = [];
  const addZone = (area: Area, properties: Record<string, unknown>) => {
    const clipped = intersect(area, lithuania);
    zoneFeatures.push(
      turf.feature(roundArea(clipped.geometry), {
        ...properties,
        approximate: true,
        source: APPROXIMATE_SOURCE,
      }),
    );
  };
  for (const airport of AIRPORTS) {
    const centre = [airport.lon, airport.lat];
    const airportProps = {
      icao: airport.icao,
      lon: Math.round(airport.lon * 1e6) / 1e6,
      lat: Math.round(airport.lat * 1e6) / 1e6,
      elevationM: airport.elevationM,
    };
    for (const kind of ['ctr', 'approach'] as const) {
      const a = APPROXIMATIONS[kind];
      const circle = turf.circle(centre, a.radiusM / 1000, {
        steps: APPROXIMATIONS.circleSteps,
        units: 'kilometers',
      });
      addZone(circle, {
        id: `${airport.icao}-${kind.toUpperCase()}`,
        name: `${airport.name} ${kind === 'ctr' ? 'CTR' : 'approach (TMA)'} (approximate)`,
        kind,
        lowerM: Math.round(a.lowerM * 10) / 10,
        upperM: Math.round(a.upperM * 10) / 10,
        airport: airportProps,
      });
    }
  }
  const r = APPROXIMATIONS.restricted;
  const borderLine = border.geometry.type === 'LineString' ? turf.feature(border.geometry) : undefined;
  if (!borderLine) throw new Error('the LT–BY border is not one line');
  const vilnius = AIRPORTS[0];
  const nearest = turf.nearestPointOnLine(borderLine, [vilnius.lon, vilnius.lat], { units: 'kilometers' });
  const alongKm = nearest.properties.location;
  const totalKm = turf.length(borderLine, { units: 'kilometers' });
  const startKm = Math.max(0, alongKm - r.lengthM / 2000);
  const stretch = turf.lineSliceAlong(borderLine, startKm, Math.min(totalKm, startKm + r.lengthM / 1000), {
    units: 'kilometers',
  });
  addZone(turf.buffer(stretch, r.widthM / 1000, { units: 'kilometers', steps: 16 }) as Area, {
    id: 'LT-BY-RESTRICTED',
    name: 'Restricted area along the Belarus border, 2025 (approximate)',
    kind: 'restricted',
    lowerM: r.lowerM,
    upperM: r.upperM,
  });

  return {
    countries: turf.featureCollection(countryFeatures),
    border,
    launchStrip,
    zones: turf.featureCollection(zoneFeatures),
  };
}

/**
 * JSON laid out as the repository's formatter (Biome, lineWidth 110) lays it out, so regenerated files
 * pass `biome check` unchanged: a value stays on one line when it fits in the rest of the line
 * ({ "a": 1 } and [1, 2] with those spaces), else it breaks one member per line, two-space indent.
 */
export function formatJson(value: unknown, lineWidth = 110): string {
  const flat = (v: unknown): string => {
    if (Array.isArray(v)) return v.length === 0 ? '[]' : `[${v.map(flat).join(', ')}]`;
    if (v && typeof v === 'object') {
      const entries = Object.entries(v).filter(([, x]) => x !== undefined);
      return entries.length === 0
        ? '{}'
        : `{ ${entries.map(([k, x]) => `${JSON.stringify(k)}: ${flat(x)}`).join(', ')} }`;
    }
    return JSON.stringify(v);
  };
  const print = (v: unknown, indent: number, used: number, trailing: number): string => {
    const one = flat(v);
    if (used + one.length + trailing <= lineWidth || !v || typeof v !== 'object') return one;
    const pad = ' '.repeat(indent + 2);
    const items: [string, unknown][] = Array.isArray(v)
      ? v.map((x) => ['', x])
      : Object.entries(v)
          .filter(([, x]) => x !== undefined)
          .map(([k, x]) => [`${JSON.stringify(k)}: `, x]);
    const body = items.map(
      ([prefix, x], i) =>
        `${pad}${prefix}${print(x, indent + 2, indent + 2 + prefix.length, i < items.length - 1 ? 1 : 0)}`,
    );
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
    return `${open}\n${body.join(',\n')}\n${' '.repeat(indent)}${close}`;
  };
  return `${print(value, 0, 0, 0)}\n`;
}

/** The fixture files, by name under fixtures/geo. */
export function geographyFiles(g: Geography): Record<string, unknown> {
  return {
    'countries.json': g.countries,
    'lt-by-border.json': g.border,
    'launch-strip.json': g.launchStrip,
    'zones.json': g.zones,
  };
}

function main(): void {
  const root = resolve(import.meta.dirname ?? '.', '../../../../..');
  const dir = resolve(root, 'fixtures/geo');
  mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(geographyFiles(deriveGeography(loadCountries10m())))) {
    const path = resolve(dir, name);
    writeFileSync(path, formatJson(value));
    console.log(`wrote ${path}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
