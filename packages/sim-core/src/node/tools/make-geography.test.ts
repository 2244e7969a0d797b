/**
 * Ring winding of every polygon the project bundles or serves (RFC 7946 §3.1.6: exterior rings
 * counterclockwise, holes clockwise), checked with a signed area computed here rather than with the
 * turf code the generator uses. geo/geography.test.ts checks that the files are what the generator
 * derives; this checks the generator's winding and the files a client receives.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { zonesToGeoJson } from '../../geo/zones.js';
import { loadZoneFile } from '../geography.js';
import { rfc7946Winding } from './make-geography.js';

const GEO_DIR = resolve(import.meta.dirname, '../../../../../fixtures/geo');

/**
 * Twice the signed area of a closed ring in the lon/lat plane (shoelace), positive when
 * counterclockwise. The plane is the right one here: RFC 7946 states the rule for positions as
 * lon/lat, and the bundled rings span a few degrees, far from the poles and the antimeridian.
 */
function shoelace(ring: number[][]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++)
    sum += (ring[i + 1][0] - ring[i][0]) * (ring[i + 1][1] + ring[i][1]);
  return -sum;
}

/** Every ring whose winding breaks RFC 7946, as "where: exterior|hole k, signed area", in any GeoJSON. */
function windingProblems(value: unknown, where: string, out: string[] = []): string[] {
  if (!value || typeof value !== 'object') return out;
  const g = value as { type?: string; coordinates?: unknown; features?: unknown[]; geometry?: unknown };
  if (g.type === 'FeatureCollection') {
    for (const [i, f] of (g.features ?? []).entries()) windingProblems(f, `${where}.features[${i}]`, out);
  } else if (g.type === 'Feature') windingProblems(g.geometry, `${where}.geometry`, out);
  else if (g.type === 'Polygon' || g.type === 'MultiPolygon') {
    const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][];
    for (const [p, rings] of polygons.entries())
      for (const [k, ring] of rings.entries()) {
        const a = shoelace(ring);
        if (k === 0 ? !(a > 0) : !(a < 0))
          out.push(`${where} polygon ${p} ${k === 0 ? 'exterior' : `hole ${k}`}: signed area ${a}`);
      }
  }
  return out;
}

const polygonCount = (value: unknown): number => {
  const g = value as { type?: string; coordinates?: unknown[]; features?: unknown[]; geometry?: unknown };
  if (g?.type === 'FeatureCollection')
    return (g.features ?? []).reduce<number>((n, f) => n + polygonCount(f), 0);
  if (g?.type === 'Feature') return polygonCount(g.geometry);
  if (g?.type === 'Polygon') return 1;
  if (g?.type === 'MultiPolygon') return g.coordinates?.length ?? 0;
  return 0;
};

describe('RFC 7946 winding of the bundled geography', () => {
  it('the shoelace sign used here: a counterclockwise unit square is positive', () => {
    const ccw = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ];
    expect(shoelace(ccw)).toBeCloseTo(2, 12);
    expect(shoelace([...ccw].reverse())).toBeCloseTo(-2, 12);
  });

  it('every ring of every polygon in fixtures/geo (served at /api/geography) is wound as RFC 7946 asks', () => {
    const files = readdirSync(GEO_DIR).filter((f) => f.endsWith('.json'));
    expect(files).toEqual(
      expect.arrayContaining(['countries.json', 'launch-strip.json', 'lt-by-border.json', 'zones.json']),
    );
    let polygons = 0;
    const problems: string[] = [];
    for (const file of files) {
      const doc = JSON.parse(readFileSync(resolve(GEO_DIR, file), 'utf8'));
      polygons += polygonCount(doc);
      windingProblems(doc, file, problems);
    }
    expect(problems).toEqual([]);
    // Lithuania (2 parts), Belarus, Poland, Latvia, the launch strip and the five zones.
    expect(polygons).toBe(11);
  });

  it('the zones as /api/zones serves them (zonesToGeoJson of the bundled file) are wound the same way', async () => {
    const served = zonesToGeoJson(await loadZoneFile(resolve(GEO_DIR, 'zones.json')));
    expect(served.features).toHaveLength(5);
    expect(windingProblems(served, 'zones')).toEqual([]);
  });

  it('rfc7946Winding turns exteriors counterclockwise and holes clockwise, whichever way they came', () => {
    const square = (x0: number, y0: number, size: number) => [
      [x0, y0],
      [x0 + size, y0],
      [x0 + size, y0 + size],
      [x0, y0 + size],
      [x0, y0],
    ];
    const cw = (ring: number[][]) => [...ring].reverse();
    // d3-geo's winding (exterior clockwise, hole counterclockwise), as topojson-client returns it.
    const d3Wound: Polygon = { type: 'Polygon', coordinates: [cw(square(24, 54, 2)), square(24.5, 54.5, 1)] };
    const fixed = rfc7946Winding(d3Wound);
    expect(windingProblems(d3Wound, 'before')).toHaveLength(2);
    expect(windingProblems(fixed, 'after')).toEqual([]);
    // The same rings, only reversed.
    expect(fixed.coordinates).toEqual([square(24, 54, 2), cw(square(24.5, 54.5, 1))]);

    const mixed: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [[square(20, 50, 1)], [cw(square(22, 50, 3)), cw(square(23, 51, 1))]],
    };
    expect(windingProblems(rfc7946Winding(mixed), 'multi')).toEqual([]);
  });
});
