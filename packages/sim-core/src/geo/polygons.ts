import { appendAll } from '../arrays.js';
import { DecodeError } from '../errors.js';

/**
 * Every polygon of a GeoJSON document — a Polygon or MultiPolygon geometry, a Feature holding one,
 * or a FeatureCollection of them — as rings of [lon, lat].
 */
export function polygonsFromGeoJson(doc: unknown, source: string): number[][][][] {
  const out: number[][][][] = [];
  const visit = (node: unknown, where: string): void => {
    const n = node as {
      type?: unknown;
      coordinates?: unknown;
      geometry?: unknown;
      features?: unknown;
    } | null;
    switch (n?.type) {
      case 'FeatureCollection':
        if (!Array.isArray(n.features)) throw new DecodeError('features must be an array', source, where);
        n.features.forEach((f, k) => {
          visit(f, `feature ${k}`);
        });
        return;
      case 'Feature':
        visit(n.geometry, where);
        return;
      case 'Polygon':
        out.push(n.coordinates as number[][][]);
        return;
      case 'MultiPolygon':
        appendAll(out, n.coordinates as number[][][][]);
        return;
      default:
        throw new DecodeError(
          `must be a Polygon or MultiPolygon (or a Feature/FeatureCollection of them), got ${JSON.stringify(n?.type)}`,
          source,
          where,
        );
    }
  };
  visit(doc, 'document');
  for (const [p, polygon] of out.entries()) {
    const ok =
      Array.isArray(polygon) &&
      polygon.every(
        (ring) =>
          Array.isArray(ring) &&
          ring.length >= 4 &&
          ring.every((c) => Array.isArray(c) && Number.isFinite(c[0]) && Number.isFinite(c[1])),
      );
    if (!ok)
      throw new DecodeError('each ring must hold at least 4 [lon, lat] positions', source, `polygon ${p}`);
  }
  return out;
}
