/**
 * The committed geography fixtures (fixtures/geo) against the script that derives them, and against
 * what the places are known to be.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { area, bbox } from '@turf/turf';
import type { Feature, FeatureCollection, LineString, MultiPolygon, Polygon } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { distanceM } from '../earth.js';
import {
  AIRPORTS,
  APPROXIMATE_SOURCE,
  deriveGeography,
  formatJson,
  type Geography,
  geographyFiles,
  loadCountries10m,
} from '../node/tools/make-geography.js';
import { distanceToEdgesM } from './sphere.js';
import { distanceToBoundaryM, type PreparedZone, prepareZone, zonesFromGeoJson } from './zones.js';

const dir = resolve(import.meta.dirname, '../../../../fixtures/geo');
const read = (name: string) => JSON.parse(readFileSync(resolve(dir, name), 'utf8'));

const countries = read('countries.json') as FeatureCollection<
  Polygon | MultiPolygon,
  { id: string; name: string }
>;
const border = read('lt-by-border.json') as Feature<LineString>;
const strip = read('launch-strip.json') as Feature<Polygon | MultiPolygon, { minKm: number; maxKm: number }>;

/** A country's (or any area's) polygons, prepared for point tests, whatever its geometry type. */
function preparedParts(f: Feature<Polygon | MultiPolygon>): PreparedZone[] {
  const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
  return polygons.map((polygon, k) =>
    prepareZone({
      id: `part ${k}`,
      name: '',
      kind: 'other',
      lowerM: 0,
      upperM: Infinity,
      polygon,
      approximate: false,
      source: 'test',
    }),
  );
}
const inside = (parts: PreparedZone[], lon: number, lat: number) =>
  parts.some((p) => p.containsLonLat(lon, lat));
const toOutlineM = (parts: PreparedZone[], lon: number, lat: number) =>
  Math.min(...parts.map((p) => distanceToBoundaryM(p, lon, lat)));
const country = (id: string) => countries.features.find((f) => f.properties.id === id)!;

const borderLons = Float64Array.from(border.geometry.coordinates, (p) => p[0]);
const borderLats = Float64Array.from(border.geometry.coordinates, (p) => p[1]);
const toBorderM = (lon: number, lat: number) => distanceToEdgesM(borderLons, borderLats, undefined, lon, lat);

describe('geography fixtures', () => {
  let derived: Geography;
  beforeAll(() => {
    derived = deriveGeography(loadCountries10m());
  });

  it('are what make-geography derives from world-atlas (regenerate with the script if not)', () => {
    for (const [name, value] of Object.entries(geographyFiles(derived))) {
      // Same content, and the same bytes: the script's layout is the formatter's.
      expect(read(name), name).toEqual(JSON.parse(JSON.stringify(value)));
      expect(readFileSync(resolve(dir, name), 'utf8'), name).toBe(formatJson(value));
    }
  });

  it('countries.json holds LT, BY, PL, LV with sensible extents', () => {
    expect(countries.features.map((f) => [f.properties.id, f.properties.name])).toEqual([
      ['LT', 'Lithuania'],
      ['BY', 'Belarus'],
      ['PL', 'Poland'],
      ['LV', 'Latvia'],
    ]);
    const within = (id: string, [w, s, e, n]: number[]) => {
      const [x0, y0, x1, y1] = bbox(country(id));
      expect([x0 >= w, y0 >= s, x1 <= e, y1 <= n], id).toEqual([true, true, true, true]);
      // And not much smaller: each side within 0.6° of the box given.
      expect(
        [x0 - w, y0 - s, e - x1, n - y1].every((gap) => gap < 0.6),
        id,
      ).toBe(true);
    };
    within('LT', [20.9, 53.8, 26.9, 56.5]);
    within('BY', [23.1, 51.2, 32.8, 56.2]);
    within('LV', [20.9, 55.6, 28.3, 58.1]);
    within('PL', [18, 50, 24.2, 54.9]); // clipped on the west and south
    // Areas (km²): Lithuania 65 300, Belarus 207 600, Latvia 64 600 (national statistics; the 1:10m
    // outlines, lagoon and sea boundaries differing, are within 5 %).
    expect(area(country('LT')) / 1e6).toBeGreaterThan(62_000);
    expect(area(country('LT')) / 1e6).toBeLessThan(68_600);
    expect(area(country('BY')) / 1e6).toBeGreaterThan(197_000);
    expect(area(country('BY')) / 1e6).toBeLessThan(218_000);
    const vilnius = preparedParts(country('LT'));
    expect(inside(vilnius, 25.28, 54.69)).toBe(true); // Vilnius
    expect(inside(preparedParts(country('BY')), 27.56, 53.9)).toBe(true); // Minsk
    expect(inside(vilnius, 27.56, 53.9)).toBe(false);
  });

  it('lt-by-border.json runs along both outlines, from the Polish to the Latvian tripoint', () => {
    expect(border.geometry.type).toBe('LineString');
    const lt = preparedParts(country('LT'));
    const by = preparedParts(country('BY'));
    for (const [lon, lat] of border.geometry.coordinates) {
      expect(toOutlineM(lt, lon, lat)).toBeLessThan(1000);
      expect(toOutlineM(by, lon, lat)).toBeLessThan(1000);
    }
    const ends = [border.geometry.coordinates[0], border.geometry.coordinates.at(-1)!].sort(
      (a, b) => a[1] - b[1],
    );
    // LT–BY–PL tripoint ≈ 53.94 N 23.48 E; LT–BY–LV ≈ 55.67 N 26.6 E (within 5 km).
    expect(Math.abs(ends[0][0] - 23.48) * 64 + Math.abs(ends[0][1] - 53.94) * 111).toBeLessThan(5);
    expect(Math.abs(ends[1][0] - 26.6) * 63 + Math.abs(ends[1][1] - 55.67) * 111).toBeLessThan(5);
  });

  it('launch-strip.json lies inside Belarus, 2–30 km from the border', () => {
    expect(strip.properties).toMatchObject({ minKm: 2, maxKm: 30 });
    const by = preparedParts(country('BY'));
    const rings =
      strip.geometry.type === 'Polygon' ? [strip.geometry.coordinates] : strip.geometry.coordinates;
    let n = 0;
    for (const polygon of rings)
      for (const ring of polygon)
        for (const [lon, lat] of ring) {
          // Vertices on Belarus's outline may fall on either side of it by rounding.
          expect(inside(by, lon, lat) || toOutlineM(by, lon, lat) < 50, `${lon} ${lat}`).toBe(true);
          const dKm = toBorderM(lon, lat) / 1000;
          expect(dKm, `${lon} ${lat}`).toBeGreaterThan(2 - 0.5);
          expect(dKm, `${lon} ${lat}`).toBeLessThan(30 + 0.5);
          n++;
        }
    expect(n).toBeGreaterThan(100);
    // Points on a grid over the strip: inside the strip means inside Belarus and 2–30 km out.
    const parts = preparedParts(strip);
    const [w, s, e, nn] = bbox(strip);
    let hits = 0;
    for (let lat = s; lat <= nn; lat += 0.05)
      for (let lon = w; lon <= e; lon += 0.05) {
        if (!inside(parts, lon, lat)) continue;
        hits++;
        expect(inside(by, lon, lat)).toBe(true);
        const dKm = toBorderM(lon, lat) / 1000;
        expect(dKm > 2 - 0.5 && dKm < 30 + 0.5, `${lon} ${lat}: ${dKm} km`).toBe(true);
      }
    expect(hits).toBeGreaterThan(500);
    // About 28 km × 481 km of border, less the concave bends: 10 000–14 000 km².
    expect(area(strip) / 1e6).toBeGreaterThan(10_000);
    expect(area(strip) / 1e6).toBeLessThan(14_000);
  });

  it('zones.json loads as zones: labelled approximations; EYVI in its CTR at 300 m, its approach zone at 600 m and 5000 m, neither at 6500 m', () => {
    const zones = zonesFromGeoJson(read('zones.json'), 'zones.json');
    expect(zones.map((z) => [z.id, z.kind])).toEqual([
      ['EYVI-CTR', 'ctr'],
      ['EYVI-APPROACH', 'approach'],
      ['EYKA-CTR', 'ctr'],
      ['EYKA-APPROACH', 'approach'],
      ['LT-BY-RESTRICTED', 'restricted'],
    ]);
    for (const z of zones) expect(z).toMatchObject({ approximate: true, source: APPROXIMATE_SOURCE });
    const byId = (id: string) => prepareZone(zones.find((z) => z.id === id)!);
    for (const airport of AIRPORTS) {
      for (const kind of ['CTR', 'APPROACH']) {
        const z = byId(`${airport.icao}-${kind}`);
        expect(z.zone.airport).toMatchObject({ icao: airport.icao, elevationM: airport.elevationM });
        expect(z.contains(airport.lon, airport.lat, 6500), `${airport.icao} ${kind}`).toBe(false);
      }
      const ctr = byId(`${airport.icao}-CTR`);
      expect(ctr.contains(airport.lon, airport.lat, 300)).toBe(true);
      expect(ctr.contains(airport.lon, airport.lat, 800)).toBe(false);
      // The approach zone starts at 1500 ft (457 m): 300 m over the airport is below it, 600 m inside.
      const approach = byId(`${airport.icao}-APPROACH`);
      expect(approach.contains(airport.lon, airport.lat, 600)).toBe(true);
      expect(approach.contains(airport.lon, airport.lat, 5000)).toBe(true);
      // CTR radius 8 NM (no CTR reaches the border, so none is clipped).
      for (const [lon, lat] of ctr.zone.polygon[0])
        expect(Math.abs(distanceM(airport.lon, airport.lat, lon, lat) - 14_816)).toBeLessThan(5);
    }
    // EYVI at 300 m: inside its CTR; its approach zone begins at 457 m AMSL.
    const eyvi = AIRPORTS[0];
    expect(byId('EYVI-CTR').contains(eyvi.lon, eyvi.lat, 300)).toBe(true);
    expect(byId('EYVI-APPROACH').containsLonLat(eyvi.lon, eyvi.lat)).toBe(true);
    // The restricted band: inside Lithuania, ≤ 5 km (+ rounding) from the border, 0–3600 m.
    const restricted = byId('LT-BY-RESTRICTED');
    expect([restricted.zone.lowerM, restricted.zone.upperM]).toEqual([0, 3600]);
    for (const [lon, lat] of restricted.zone.polygon[0]) expect(toBorderM(lon, lat)).toBeLessThan(5_100);
    // Medininkai (54.54 N, 25.65 E, ≈ 3 km from the border) is in it; Vilnius city is not.
    expect(restricted.contains(25.65, 54.54, 1000)).toBe(true);
    expect(restricted.contains(25.65, 54.54, 4000)).toBe(false);
    expect(restricted.containsLonLat(25.28, 54.69)).toBe(false);
  });
});
