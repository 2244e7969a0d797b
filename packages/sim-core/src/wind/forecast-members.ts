import { InputError, invalid } from '../errors.js';
import type { WindFieldSource } from './source.js';
import type { WindCoverage, WindField } from './wind-field.js';

/**
 * A wind of several forecast members (an ensemble forecast's members, consecutive cycles of one model,
 * several models, or one field displaced on its grid): the spread of a run then comes from the
 * weather itself, not only from made-up perturbations. Each trajectory member flies through one of
 * them for its whole flight (see `forecastMemberCounts`); the solver's hot loop never sees more than
 * one field.
 */
export interface ForecastMember {
  /** How outputs name the member: "ecmwf-ens 2025102400 member 3", "gfs 2025102406", "offset x+1 y0 z−250 m". */
  label: string;
  /** Its share of the trajectory members (> 0; shares are relative, they need not sum to 1). */
  weight: number;
  field: WindField;
}

/**
 * The wind of a run flown member by member. It is a WindField so that it travels wherever a run's
 * wind does (loading, workers, servers), with the coverage every member shares (the intersection of
 * theirs), but it has no wind of its own: `sample` throws, and a run flies each group of trajectory
 * members through its member's field (`fields`, which report that shared coverage, so that every
 * group stops at the same box and times).
 */
export class ForecastEnsemble implements WindField {
  readonly coverage: WindCoverage;
  readonly description: string;
  readonly source?: WindFieldSource;
  readonly warnings: readonly string[];
  /** Each member's field as flown: with the shared coverage. */
  readonly fields: readonly WindField[];
  constructor(readonly members: readonly ForecastMember[]) {
    if (members.length < 2) invalid('wind.members', 'an ensemble needs at least 2 members', members.length);
    members.forEach((m, k) => {
      if (!(m.weight > 0 && Number.isFinite(m.weight)))
        invalid(`wind.members[${k}].weight`, 'must be a finite number > 0', m.weight);
    });
    this.coverage = commonCoverage(members.map((m) => m.field.coverage));
    this.fields = members.map((m) => withCoverage(m.field, this.coverage));
    const first = members[0].field;
    this.source = first.source;
    const shown = members.slice(0, 3).map((m) => m.label);
    if (members.length > 3) shown.push(`… ${members.length - 3} more`);
    this.description = `${members.length} forecast members, each trajectory member flying one: ${shown.join('; ')} (first: ${first.description})`;
    const warnings: string[] = [];
    for (const m of members) for (const w of m.field.warnings ?? []) warnings.push(`${m.label}: ${w}`);
    this.warnings = warnings;
    // The ground is the first member's: all members of one run share one terrain (a model's
    // orography differs a little from another's; the launch checks need one).
    if (typeof first.groundElevationM === 'function') {
      const ground = first.groundElevationM.bind(first);
      this.groundElevationM = ground;
    }
  }
  readonly groundElevationM?: (lon: number, lat: number) => number;

  sample(): void {
    throw new InputError(
      'a wind of several forecast members has no single value: a run flies each trajectory member through its own member, and this use (back-tracking, the GPU, a wind map) takes one field; choose one member',
      'wind',
    );
  }
}

/** The forecast members of a wind, or null for a plain field. */
export function forecastMembersOf(wind: WindField): ForecastEnsemble | null {
  return wind instanceof ForecastEnsemble ? wind : null;
}

/**
 * A wind of these members: the one field itself when there is one (a run then is exactly the run of
 * that field), else a ForecastEnsemble.
 */
export function forecastWind(members: readonly ForecastMember[]): WindField {
  if (members.length === 1) return members[0].field;
  return new ForecastEnsemble(members);
}

/**
 * How many of a launch's `perLaunch` trajectory members fly each forecast member: in proportion to
 * the weights, by largest remainders (ties to the earlier member), exactly equal shares (±1) when
 * the weights are equal. Numbers 0 … c₀−1 fly member 0, c₀ … c₀+c₁−1 member 1, and so on (see
 * `forecastMemberOfNumber`): a function of the member's number in its launch alone, so every
 * site and launch time gets every forecast member, and every worker and shard assigns alike.
 */
export function forecastMemberCounts(perLaunch: number, weights: readonly number[]): number[] {
  const m = weights.length;
  if (weights.every((w) => w === weights[0])) {
    // Integers only: equal weights give equal shares exactly, with no rounding of w/Σw.
    const q = Math.floor(perLaunch / m);
    const r = perLaunch - q * m;
    return weights.map((_, k) => q + (k < r ? 1 : 0));
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (perLaunch * w) / total);
  const counts = exact.map(Math.floor);
  let left = perLaunch - counts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, k) => ({ k, rest: x - Math.floor(x) }))
    .sort((a, b) => b.rest - a.rest || a.k - b.k);
  for (const { k } of order) {
    if (left <= 0) break;
    counts[k]++;
    left--;
  }
  return counts;
}

/** The forecast member (index) that trajectory member `number` of a launch flies, from the counts. */
export function forecastMemberOfNumber(number: number, counts: readonly number[]): number {
  let end = 0;
  for (let k = 0; k < counts.length; k++) {
    end += counts[k];
    if (number < end) return k;
  }
  return counts.length - 1;
}

/**
 * The coverage every member shares: the intersection of the boxes, altitude ranges and times. A box
 * stored 0..360 is matched with one stored −180..180 by shifting it a turn. An empty intersection
 * is an InputError: such members cannot fly one run.
 */
export function commonCoverage(list: readonly WindCoverage[]): WindCoverage {
  let lonMin = Number.NEGATIVE_INFINITY;
  let lonMax = Number.POSITIVE_INFINITY;
  let wraps = true;
  for (const c of list) {
    if (c.wrapsLon) continue;
    if (wraps) {
      lonMin = c.lonMin;
      lonMax = c.lonMax;
      wraps = false;
      continue;
    }
    let best: [number, number] | null = null;
    for (const shift of [-360, 0, 360]) {
      const lo = Math.max(lonMin, c.lonMin + shift);
      const hi = Math.min(lonMax, c.lonMax + shift);
      if (hi >= lo && (!best || hi - lo > best[1] - best[0])) best = [lo, hi];
    }
    if (!best) lonMin = lonMax = Number.NaN;
    else [lonMin, lonMax] = best;
  }
  const out: WindCoverage = {
    lonMin: wraps ? -180 : lonMin,
    lonMax: wraps ? 180 : lonMax,
    wrapsLon: wraps,
    latMin: Math.max(...list.map((c) => c.latMin)),
    latMax: Math.min(...list.map((c) => c.latMax)),
    altMinM: Math.max(...list.map((c) => c.altMinM)),
    altMaxM: Math.min(...list.map((c) => c.altMaxM)),
    tMinSec: Math.max(...list.map((c) => c.tMinSec)),
    tMaxSec: Math.min(...list.map((c) => c.tMaxSec)),
  };
  const empty =
    Number.isNaN(out.lonMin) ||
    out.latMin > out.latMax ||
    out.altMinM > out.altMaxM ||
    out.tMinSec > out.tMaxSec;
  if (empty)
    invalid(
      'wind.members',
      'share no common region, altitudes or times: each trajectory member must be able to fly any of them',
      list,
    );
  return out;
}

const sameCoverage = (a: WindCoverage, b: WindCoverage) =>
  (Object.keys(a) as (keyof WindCoverage)[]).every((k) => a[k] === b[k]);

/** The field reporting `coverage` (its own when equal; otherwise a view that delegates every call). */
function withCoverage(field: WindField, coverage: WindCoverage): WindField {
  if (sameCoverage(field.coverage, coverage)) return field;
  const view: WindField = {
    coverage,
    description: field.description,
    ...(field.source ? { source: field.source } : {}),
    ...(field.warnings ? { warnings: field.warnings } : {}),
    sample: (lon, lat, altM, tSec, out) => field.sample(lon, lat, altM, tSec, out),
    ...(field.sampleMany
      ? {
          sampleMany: (n, lon, lat, altM, tSec, u, v) => field.sampleMany!(n, lon, lat, altM, tSec, u, v),
        }
      : {}),
    ...(field.pressureLevelAltitudeM
      ? {
          pressureLevelAltitudeM: (lon, lat, p, tSec) => field.pressureLevelAltitudeM!(lon, lat, p, tSec),
        }
      : {}),
    ...(field.groundElevationM ? { groundElevationM: (lon, lat) => field.groundElevationM!(lon, lat) } : {}),
  };
  return view;
}
