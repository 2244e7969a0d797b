/**
 * Shared test helpers: a seeded generator that prints its seed, member sets for the solver, a zone
 * whose crossings a uniform east wind gives exactly, and countries drawn as boxes.
 */
import type { ZoneTarget } from '../analysis/observer.js';
import { memberRng, uniform } from '../ensemble/random.js';
import { MemberSet } from '../solver/members.js';

/** A seeded uniform generator for property tests; the seed is printed so a failure can be replayed. */
export function seededRandom(name: string, seed = Number(process.env.TEST_SEED ?? 20251024)): () => number {
  console.info(`[${name}] seed ${seed} (set TEST_SEED to replay)`);
  const rng = memberRng(seed, 99, 0);
  return () => uniform(rng);
}

/** One member per point, launched at tSec, floating at its altitude unless `profile` says otherwise. */
export function membersAt(
  points: { lon: number; lat: number; altM: number }[],
  tSec = 0,
  profile: Partial<
    Record<
      | 'ascentRateMps'
      | 'floatAltM'
      | 'floatDurationSec'
      | 'burstAltM'
      | 'descentRateMps'
      | 'releaseAfterSec'
      | 'floatPressureHpa'
      | 'launchAltM',
      number
    >
  > = {},
): MemberSet {
  const m = new MemberSet(points.length);
  points.forEach((p, i) => {
    m.lon[i] = p.lon;
    m.lat[i] = p.lat;
    m.launchTSec[i] = tSec;
    m.floatAltM[i] = p.altM;
    for (const [key, value] of Object.entries(profile))
      (m[key as keyof typeof profile] as Float64Array)[i] = value;
  });
  return m;
}

/**
 * A zone that is a band of longitudes lonMin–lonMax (° E, ends included) at every latitude, 0–5000 m,
 * a bare area test with no outline: members carried along a parallel cross it at exact times.
 */
export function lonBandZone(id: string, lonMin: number, lonMax: number): ZoneTarget {
  return {
    id,
    name: id,
    kind: 'other',
    lowerM: 0,
    upperM: 5000,
    contains: (lon) => lon >= lonMin && lon <= lonMax,
  };
}

/** A country of `boxCountries`: its code, its name and its box (° E, ° N). */
export interface BoxCountry {
  id: string;
  name: string;
  lonMin: number;
  latMin: number;
  lonMax: number;
  latMax: number;
}

/**
 * A geography (as countryAreas reads one) whose countries are boxes: each a polygon of one ring,
 * counter-clockwise from its south-west corner.
 */
export function boxCountries(countries: BoxCountry[]) {
  return {
    type: 'FeatureCollection',
    features: countries.map(({ id, name, lonMin, latMin, lonMax, latMax }) => ({
      properties: { id, name },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [lonMin, latMin],
            [lonMax, latMin],
            [lonMax, latMax],
            [lonMin, latMax],
            [lonMin, latMin],
          ],
        ],
      },
    })),
  };
}
