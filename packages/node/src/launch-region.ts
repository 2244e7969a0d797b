import { resolve } from 'node:path';
import { InputError, type LaunchRegion, launchRegion, polygonsFromGeoJson } from '@balloon-sim/sim-core';
import { parseJson, readInput } from './files.js';
import { BUNDLED_GEOGRAPHY_DIR } from './geography.js';

/** The launch regions the project ships (fixtures/geo): ids a back-track's `region` may name. */
export const BUNDLED_REGIONS = ['by-border-strip', 'belarus'] as const;
export type BundledRegion = (typeof BUNDLED_REGIONS)[number];

/**
 * Where a back-track's launch region comes from: a bundled id, a GeoJSON (Multi)Polygon file, or
 * GeoJSON given inline (a Polygon, MultiPolygon, Feature or FeatureCollection of them).
 */
export type RegionSource = { bundled: BundledRegion } | { file: string } | { geojson: unknown };

/** The back-track's default region: the bundled strip 2–30 km inside Belarus along the Lithuanian border. */
export const DEFAULT_REGION: RegionSource = { bundled: 'by-border-strip' };

const cache = new Map<string, Promise<LaunchRegion>>();

/** Reads a launch region; a file's path resolves against `baseDir`. Bundled regions are read once. */
export async function loadLaunchRegion(source: RegionSource, baseDir = '.'): Promise<LaunchRegion> {
  if ('bundled' in source) {
    const id = source.bundled;
    if (!BUNDLED_REGIONS.includes(id))
      throw new InputError(
        `region.bundled must be one of ${BUNDLED_REGIONS.join(', ')}, got ${JSON.stringify(id)}`,
        'region.bundled',
        id,
      );
    let region = cache.get(id);
    if (!region) {
      region = readBundled(id);
      region.catch(() => cache.delete(id));
      cache.set(id, region);
    }
    return region;
  }
  if ('file' in source) {
    const path = resolve(baseDir, source.file);
    const doc = parseJson((await readInput(path, 'launch region file')).toString('utf8'), path);
    return launchRegion(polygonsFromGeoJson(doc, path), source.file, nameOf(doc) ?? source.file);
  }
  return launchRegion(
    polygonsFromGeoJson(source.geojson, 'region.geojson'),
    'inline',
    nameOf(source.geojson) ?? 'inline',
  );
}

async function readBundled(id: BundledRegion): Promise<LaunchRegion> {
  if (id === 'by-border-strip') {
    const path = resolve(BUNDLED_GEOGRAPHY_DIR, 'launch-strip.json');
    const doc = parseJson((await readInput(path, 'geography file')).toString('utf8'), path);
    return launchRegion(polygonsFromGeoJson(doc, path), id, nameOf(doc) ?? id);
  }
  const path = resolve(BUNDLED_GEOGRAPHY_DIR, 'countries.json');
  const doc = parseJson((await readInput(path, 'geography file')).toString('utf8'), path) as {
    features?: { properties?: { id?: string; name?: string } }[];
  };
  const belarus = doc.features?.find((f) => f.properties?.id === 'BY');
  if (!belarus) throw new InputError(`${path} holds no feature with properties.id "BY"`, path);
  return launchRegion(polygonsFromGeoJson(belarus, path), id, belarus.properties?.name ?? 'Belarus');
}

function nameOf(doc: unknown): string | undefined {
  const name = (doc as { properties?: { name?: unknown } } | null)?.properties?.name;
  return typeof name === 'string' ? name : undefined;
}
