import { maxOf, minOf } from '../arrays.js';
import { RAD_PER_DEG } from '../earth.js';
import { memberRng, RngStream, uniform } from '../ensemble/random.js';
import { invalid } from '../errors.js';
import { PreparedZone } from '../geo/zones.js';
import type { LaunchSite, Scenario } from './schema.js';

/**
 * Launch points sampled uniformly over an area (polygons of [lon, lat] rings): rejection sampling in
 * the bounding box, with latitude drawn uniform in sin(lat) so points are uniform on the sphere, not
 * crowded toward the pole side. Deterministic for a seed; ids are `${prefix}-001`, …
 */
export function sampleLaunchSites(
  polygons: number[][][][],
  count: number,
  seed = 1,
  prefix = 'area',
): LaunchSite[] {
  if (polygons.length === 0) invalid('launch.area', 'has no polygon', polygons);
  const parts = polygons.map(
    (polygon, p) =>
      new PreparedZone({
        id: `${prefix}#${p}`,
        name: prefix,
        kind: 'other',
        lowerM: 0,
        upperM: 0,
        polygon,
        approximate: false,
        source: prefix,
      }),
  );
  const lonMin = minOf(parts.map((z) => z.minLon));
  const lonMax = maxOf(parts.map((z) => z.maxLon));
  const sinMin = Math.sin(minOf(parts.map((z) => z.minLat)) * RAD_PER_DEG);
  const sinMax = Math.sin(maxOf(parts.map((z) => z.maxLat)) * RAD_PER_DEG);
  const rng = memberRng(seed, RngStream.sampling, 0);
  const sites: LaunchSite[] = [];
  for (let tries = 0; sites.length < count; tries++) {
    if (tries > 1000 * count) invalid('launch.area', 'is too small to sample points in', count);
    const lon = lonMin + uniform(rng) * (lonMax - lonMin);
    const lat = Math.asin(sinMin + uniform(rng) * (sinMax - sinMin)) / RAD_PER_DEG;
    if (!parts.some((z) => z.containsLonLat(lon, lat))) continue;
    const n = String(sites.length + 1).padStart(3, '0');
    sites.push({ id: `${prefix}-${n}`, lon: Math.round(lon * 1e5) / 1e5, lat: Math.round(lat * 1e5) / 1e5 });
  }
  return sites;
}

/** The scenario with its launch area turned into sites (appended to any named ones). */
export function withAreaSites(
  scenario: Scenario,
  polygons: number[][][][] | null,
  prefix = 'area',
): Scenario {
  const area = scenario.launch.area;
  if (!area) return scenario;
  if (!polygons) invalid('launch.area', 'needs its polygons (file or bundled strip) to be read', area);
  const sampled = sampleLaunchSites(polygons, area.points, area.seed ?? 1, prefix);
  const { area: _, ...launch } = scenario.launch;
  return { ...scenario, launch: { ...launch, sites: [...(scenario.launch.sites ?? []), ...sampled] } };
}
