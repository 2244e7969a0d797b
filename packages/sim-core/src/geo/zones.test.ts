import { booleanPointInPolygon, lineString, point, pointToLineDistance, polygon } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { distanceM, EARTH_RADIUS_M } from '../earth.js';
import { DecodeError } from '../errors.js';
import {
  distanceToBoundaryM,
  distanceToZoneM,
  flightLevelToM,
  PreparedZone,
  prepareZone,
  type Zone,
  zonesFromGeoJson,
  zonesToGeoJson,
} from './zones.js';

/**
 * Uniform numbers in [0, 1) from a 32-bit xorshift (Marsaglia, "Xorshift RNGs", J. Stat. Softw. 8(14),
 * 2003, triple 13/17/5). The seed is printed so a failure can be replayed with TEST_SEED.
 */
function xorshift(name: string): () => number {
  const seed = Number(process.env.TEST_SEED ?? 20251024);
  console.info(`[${name}] xorshift seed ${seed} (set TEST_SEED to replay)`);
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/**
 * A closed star-shaped ring round (lon, lat), simple by construction (one vertex per evenly spaced
 * angle), usually concave: radii in degrees of latitude drawn from [rMin, rMax], longitudes stretched
 * by 1/cos φ. Counterclockwise unless `clockwise` (holes, RFC 7946 §3.1.6).
 */
function starRing(
  rand: () => number,
  lon: number,
  lat: number,
  n: number,
  rMin: number,
  rMax: number,
  clockwise = false,
): number[][] {
  const kx = 1 / Math.cos((lat * Math.PI) / 180);
  const ring: number[][] = [];
  for (let k = 0; k < n; k++) {
    const a = (2 * Math.PI * k) / n;
    const r = rMin + (rMax - rMin) * rand();
    ring.push([lon + r * Math.cos(a) * kx, lat + r * Math.sin(a)]);
  }
  if (clockwise) ring.reverse();
  ring.push([...ring[0]]);
  return ring;
}

/** The ring with extra vertices on every edge longer than maxDeg (same shape, shorter edges). */
function densify(ring: number[][], maxDeg: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x0, y0] = ring[i];
    const [x1, y1] = ring[i + 1];
    const n = Math.ceil(Math.hypot(x1 - x0, y1 - y0) / maxDeg);
    for (let k = 0; k < n; k++) out.push([x0 + ((x1 - x0) * k) / n, y0 + ((y1 - y0) * k) / n]);
  }
  out.push([...ring[ring.length - 1]]);
  return out;
}

function zoneOf(rings: number[][][], lowerM = 0, upperM = 3000): Zone {
  return {
    id: 'T',
    name: 'test',
    kind: 'other',
    lowerM,
    upperM,
    polygon: rings,
    approximate: true,
    source: 'test',
  };
}

const square = [
  [25, 54],
  [25.1, 54],
  [25.1, 54.1],
  [25, 54.1],
  [25, 54],
];

function fc(
  properties: Record<string, unknown>,
  geometry: unknown = { type: 'Polygon', coordinates: [square] },
) {
  return { type: 'FeatureCollection', features: [{ type: 'Feature', properties, geometry }] };
}

function decodeError(f: () => unknown): DecodeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return e as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

describe('zonesFromGeoJson', () => {
  it('reads metres, feet, flight levels, GND/SFC and UNL, and airports', () => {
    const doc = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: {
            id: 'A',
            name: 'CTR A',
            kind: 'ctr',
            lowerM: 'GND',
            upperFt: 2500,
            approximate: true,
            source: 'hand',
            airport: { icao: 'EYVI', lon: 25.2878, lat: 54.6369, elevationM: 198 },
          },
          geometry: { type: 'Polygon', coordinates: [square] },
        },
        {
          type: 'Feature',
          properties: { id: 'B', name: 'TMA B', kind: 'approach', lowerFt: 1500, upperFL: 95 },
          geometry: { type: 'Polygon', coordinates: [square] },
        },
        {
          type: 'Feature',
          properties: { id: 'C', name: 'R C', kind: 'restricted', lowerFL: 'SFC', upperM: 'UNL' },
          geometry: { type: 'Polygon', coordinates: [square] },
        },
      ],
    };
    const [a, b, c] = zonesFromGeoJson(doc, 'test.json');
    expect(a).toMatchObject({
      id: 'A',
      kind: 'ctr',
      lowerM: 0,
      upperM: 762,
      approximate: true,
      source: 'hand',
    });
    expect(a.airport).toEqual({ icao: 'EYVI', lon: 25.2878, lat: 54.6369, elevationM: 198 });
    expect(b.lowerM).toBeCloseTo(457.2, 9);
    expect(b.upperM).toBeCloseTo(2895.6, 9);
    expect(flightLevelToM(95)).toBeCloseTo(2895.6, 9);
    expect(b).toMatchObject({ approximate: false, source: 'test.json' });
    expect(b.airport).toBeUndefined();
    expect(c).toMatchObject({ lowerM: 0, upperM: Infinity });
    // And back: zonesToGeoJson writes what zonesFromGeoJson reads.
    expect(zonesFromGeoJson(JSON.parse(JSON.stringify(zonesToGeoJson([a, b, c]))), 'x')).toEqual([a, b, c]);
  });

  it('splits a MultiPolygon into one zone per part, ids <id>#k; holes are kept', () => {
    const hole = [
      [25.04, 54.04],
      [25.04, 54.06],
      [25.06, 54.06],
      [25.06, 54.04],
      [25.04, 54.04],
    ];
    const far = square.map(([lon, lat]) => [lon + 1, lat]);
    const zones = zonesFromGeoJson(
      fc(
        { id: 'M', name: 'two parts', kind: 'other', lowerM: 0, upperM: 100 },
        { type: 'MultiPolygon', coordinates: [[square, hole], [far]] },
      ),
      't',
    );
    expect(zones.map((z) => z.id)).toEqual(['M#1', 'M#2']);
    expect(zones[0].polygon).toEqual([square, hole]);
    const one = zonesFromGeoJson(
      fc(
        { id: 'S', name: 'one part', kind: 'other', lowerM: 0, upperM: 100 },
        { type: 'MultiPolygon', coordinates: [[square]] },
      ),
      't',
    );
    expect(one.map((z) => z.id)).toEqual(['S']);
  });

  it('names the feature and property of every problem', () => {
    const ok = { id: 'A', name: 'n', kind: 'ctr', lowerM: 0, upperM: 100 };
    const part = (doc: unknown) => decodeError(() => zonesFromGeoJson(doc, 'z.json')).part;
    expect(part({ type: 'Feature' })).toBe('type');
    expect(part({ type: 'FeatureCollection' })).toBe('features');
    expect(part({ type: 'FeatureCollection', features: [null] })).toBe('features[0]');
    expect(part(fc({ ...ok, id: '' }))).toBe('features[0].properties.id');
    expect(part(fc({ ...ok, name: 3 }))).toBe('features[0].properties.name');
    expect(part(fc({ ...ok, kind: 'tma' }))).toBe('features[0].properties.kind');
    expect(part(fc({ ...ok, lowerFt: 100 }))).toBe('features[0].properties.lowerM');
    expect(part(fc({ id: 'A', name: 'n', kind: 'ctr', upperM: 100 }))).toBe('features[0].properties.lowerM');
    expect(part(fc({ ...ok, upperM: 'high' }))).toBe('features[0].properties.upperM');
    expect(part(fc({ ...ok, lowerM: 'UNL' }))).toBe('features[0].properties.lowerM');
    expect(part(fc({ ...ok, upperM: Number.NaN }))).toBe('features[0].properties.upperM');
    expect(part(fc({ ...ok, lowerM: 200 }))).toBe('features[0].properties.upperM');
    expect(part(fc({ ...ok, approximate: 'yes' }))).toBe('features[0].properties.approximate');
    expect(part(fc({ ...ok, source: 1 }))).toBe('features[0].properties.source');
    expect(part(fc({ ...ok, airport: { icao: 'EYVI', lon: 25, lat: 54 } }))).toBe(
      'features[0].properties.airport.elevationM',
    );
    expect(part(fc(ok, { type: 'Point', coordinates: [25, 54] }))).toBe('features[0].geometry.type');
    expect(part(fc(ok, { type: 'Polygon', coordinates: [square.slice(0, 4)] }))).toBe(
      'features[0].geometry.coordinates[0]',
    );
    expect(part(fc(ok, { type: 'Polygon', coordinates: [[...square.slice(0, 4), [25, 91]]] }))).toBe(
      'features[0].geometry.coordinates[0]',
    );
    expect(part(fc(ok, { type: 'MultiPolygon', coordinates: [[square], []] }))).toBe(
      'features[0].geometry.coordinates[1]',
    );
    const twice = { type: 'FeatureCollection', features: [fc(ok).features[0], fc(ok).features[0]] };
    expect(part(twice)).toBe('features[1].properties.id');
    expect(decodeError(() => zonesFromGeoJson(fc({ ...ok, kind: 'tma' }), 'z.json')).message).toBe(
      'z.json: features[0].properties.kind: must be one of ctr, approach, restricted, other, got "tma"',
    );
  });
});

describe('PreparedZone', () => {
  it('agrees with turf booleanPointInPolygon on random concave polygons with holes, and keeps to the vertical limits', () => {
    const rand = xorshift('PreparedZone.contains');
    let inside = 0;
    let total = 0;
    for (let shape = 0; shape < 12; shape++) {
      const lon = 21 + 5 * rand();
      const lat = 54 + 2 * rand();
      const n = 8 + Math.floor(200 * rand());
      const rings = [starRing(rand, lon, lat, n, 0.1, 0.5)];
      // Up to two clockwise holes, side by side (one spans −0.09…−0.01, the other 0.025…0.055 in
      // scaled degrees from the centre), both within the outer ring's nearest chord (≥ 0.1·cos 22.5°).
      const kx = 1 / Math.cos((lat * Math.PI) / 180);
      const holes = Math.floor(3 * rand());
      if (holes >= 1)
        rings.push(starRing(rand, lon - 0.05 * kx, lat, 5 + Math.floor(40 * rand()), 0.01, 0.04, true));
      if (holes >= 2)
        rings.push(starRing(rand, lon + 0.04 * kx, lat, 5 + Math.floor(40 * rand()), 0.005, 0.015, true));
      const lowerM = 500 * rand();
      const upperM = lowerM + 3000 * rand();
      const prepared = new PreparedZone(zoneOf(rings, lowerM, upperM));
      const turfPolygon = polygon(rings);
      for (let k = 0; k < 600; k++) {
        // Points over the whole shape, then near the holes, where mistakes would show.
        const spread = k < 200 ? 0.55 : k < 400 ? 0.06 : 0.5;
        const centreLon = k >= 200 && k < 400 ? lon + (-0.06 + 0.1 * rand()) * kx : lon;
        const pLon = centreLon + (2 * rand() - 1) * spread * kx;
        const pLat = lat + (2 * rand() - 1) * spread;
        const altM = -100 + 4000 * rand();
        const expected = booleanPointInPolygon(point([pLon, pLat]), turfPolygon);
        expect(prepared.containsLonLat(pLon, pLat), `shape ${shape} point ${pLon},${pLat}`).toBe(expected);
        expect(prepared.contains(pLon, pLat, altM)).toBe(expected && altM >= lowerM && altM <= upperM);
        if (expected) inside++;
        total++;
      }
    }
    // The sample exercised both answers.
    expect(inside / total).toBeGreaterThan(0.2);
    expect(inside / total).toBeLessThan(0.8);
  });

  it('handles a concave comb, vertices on the ray, and limits at their edges', () => {
    // A comb opening north: teeth at 25.0–25.1 and 25.2–25.3, joined along 54.0–54.1.
    const comb = [
      [25, 54],
      [25.3, 54],
      [25.3, 54.5],
      [25.2, 54.5],
      [25.2, 54.1],
      [25.1, 54.1],
      [25.1, 54.5],
      [25, 54.5],
      [25, 54],
    ];
    const z = prepareZone(zoneOf([comb], 100, 2000));
    expect(z.containsLonLat(25.05, 54.3)).toBe(true);
    expect(z.containsLonLat(25.15, 54.3)).toBe(false); // between the teeth
    expect(z.containsLonLat(25.25, 54.3)).toBe(true);
    expect(z.containsLonLat(25.15, 54.05)).toBe(true);
    // The ray from (24.9, 54.1) runs along the edge 25.1–25.2 and through two vertices.
    expect(z.containsLonLat(24.9, 54.1)).toBe(false);
    expect(z.containsLonLat(25.05, 54.1)).toBe(booleanPointInPolygon([25.05, 54.1], polygon([comb])));
    expect(z.containsLonLat(25.4, 54.3)).toBe(false);
    expect([z.contains(25.05, 54.3, 100), z.contains(25.05, 54.3, 2000)]).toEqual([true, true]);
    expect([z.contains(25.05, 54.3, 99.9), z.contains(25.05, 54.3, 2000.1)]).toEqual([false, false]);
    const unlimited = prepareZone(zoneOf([comb], 0, Infinity));
    expect(unlimited.contains(25.05, 54.3, 1e6)).toBe(true);
  });
});

describe('distanceToZoneM', () => {
  it('is 0 inside and within 0.5 % of turf pointToLineDistance outside (54–56° N, up to 200 km)', () => {
    const rand = xorshift('distanceToZoneM');
    let worst = 0;
    for (let shape = 0; shape < 6; shape++) {
      const lon = 22 + 4 * rand();
      const lat = 54.2 + 1.6 * rand();
      // Edges densified to ≤ 0.02° (≈ 2 km), where a straight lon/lat edge and turf's great-circle
      // edge part by < 0.2 m (L²·tan φ / 8R, see distanceToBoundaryM and the test below).
      const rings = [
        densify(starRing(rand, lon, lat, 8 + Math.floor(60 * rand()), 0.05, 0.3), 0.02),
        densify(starRing(rand, lon, lat, 8, 0.01, 0.03, true), 0.02),
      ];
      const prepared = prepareZone(zoneOf(rings));
      const lines = rings.map((ring) => lineString(ring));
      for (let k = 0; k < 40; k++) {
        const a = 2 * Math.PI * rand();
        // Log-uniform distances from the centre, 0.005° (inside the hole) to 2° (≈ 200 km).
        const r = 0.005 * 400 ** rand();
        const pLon = lon + (r * Math.cos(a)) / Math.cos((lat * Math.PI) / 180);
        const pLat = lat + r * Math.sin(a);
        const d = distanceToZoneM(prepared, pLon, pLat);
        const toOutline = Math.min(
          ...lines.map((l) => pointToLineDistance([pLon, pLat], l, { units: 'meters' })),
        );
        if (booleanPointInPolygon([pLon, pLat], polygon(rings))) {
          expect(d).toBe(0);
        } else {
          // 0.5 % plus 0.5 m for the straight-vs-great-circle edges (≤ 0.2 m here) near the outline.
          if (toOutline > 100) worst = Math.max(worst, Math.abs(d - toOutline) / toOutline);
          expect(
            Math.abs(d - toOutline),
            `shape ${shape} point ${pLon},${pLat}: ${d} vs ${toOutline}`,
          ).toBeLessThan(0.005 * toOutline + 0.5);
        }
        // Boundary distance is defined inside too, and agrees there as well.
        const b = distanceToBoundaryM(prepared, pLon, pLat);
        expect(
          Math.abs(b - toOutline),
          `shape ${shape} point ${pLon},${pLat}: ${b} vs ${toOutline}`,
        ).toBeLessThan(0.005 * toOutline + 0.5);
      }
    }
    console.info(`distanceToZoneM: worst relative difference from turf ${worst.toExponential(2)}`);
  });

  it('takes edges straight in lon/lat: a 50 km east–west edge at 55° N lies ≈ 70 m south of the great circle', () => {
    // Edge 25.0–25.78° E along 55° N (≈ 49.8 km); the point 10 km south of its middle.
    const edge = [
      [25, 55],
      [25.78, 55],
      [25.78, 55.2],
      [25, 55.2],
      [25, 55],
    ];
    const z = prepareZone(zoneOf([edge]));
    const lat = 55 - 10_000 / ((EARTH_RADIUS_M * Math.PI) / 180);
    const ours = distanceToZoneM(z, 25.39, lat);
    const turf = pointToLineDistance([25.39, lat], lineString(edge.slice(0, 2)), { units: 'meters' });
    expect(ours).toBeCloseTo(10_000, 0);
    const lengthM = distanceM(25, 55, 25.78, 55);
    const bulgeM = (lengthM ** 2 * Math.tan((55 * Math.PI) / 180)) / (8 * EARTH_RADIUS_M);
    expect(turf - ours).toBeCloseTo(bulgeM, -1);
    expect(bulgeM).toBeGreaterThan(60);
  });

  it('measures known cases: 0.1° of latitude south of an east–west edge is 11.12 km', () => {
    const mPerDeg = (EARTH_RADIUS_M * Math.PI) / 180;
    const z = prepareZone(zoneOf([square]));
    expect(distanceToZoneM(z, 25.05, 53.9)).toBeCloseTo(mPerDeg * 0.1, 3);
    expect(distanceToZoneM(z, 25.05, 54.05)).toBe(0);
    // From the centre the nearest edges are the meridians 0.05° of longitude away (≈ 3.26 km).
    expect(distanceToBoundaryM(z, 25.05, 54.05)).toBeCloseTo(distanceM(25.05, 54.05, 25.1, 54.05), 0);
    expect(distanceToBoundaryM(z, 25.05, 54.05)).toBeCloseTo(
      mPerDeg * 0.05 * Math.cos((54.05 * Math.PI) / 180),
      0,
    );
  });
});
