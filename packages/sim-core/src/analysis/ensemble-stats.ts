import { minOf } from '../arrays.js';
import { ELLIPSOID_OVER_SPHERE } from '../geo/ellipsoid.js';
import { isoTime, isoTimeOrNull } from '../time.js';
import {
  CLOSEST_QUANTILES,
  type GroupZoneAggregate,
  mergeSorted,
  type ZoneAggregate,
  zoneAggregates,
} from './aggregates.js';
import type { RunObserver } from './observer.js';
import { median, quantile, quantileOfSorted, quantilesViaSortedProxy, rounded } from './stats.js';

/**
 * Wilson score interval for a binomial proportion (95 %: z = 1.96). Unlike the normal approximation
 * it stays inside [0, 1] and is sensible for 0 or n successes, which zone probabilities often are.
 */
export function wilsonInterval(successes: number, trials: number, z = 1.959964): [number, number] {
  if (trials === 0) return [0, 1];
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / (1 + z2 / trials);
  // At 0 and n successes the bounds are exactly 0 and 1; keep rounding from moving them.
  return [
    successes === 0 ? 0 : Math.max(0, centre - half),
    successes === trials ? 1 : Math.min(1, centre + half),
  ];
}

/**
 * The 95 % interval of a probability known only between two counts (members that left the wind's
 * coverage may or may not have done it): Wilson's lower end for the lower count and upper end for
 * the upper count, rounded to 4 decimals. With no unresolved member, the Wilson interval itself.
 */
export function boundedInterval(lower: number, upper: number, trials: number): [number, number] {
  return [
    rounded(wilsonInterval(lower, trials)[0], 4) ?? 0,
    rounded(wilsonInterval(upper, trials)[1], 4) ?? 0,
  ];
}

/** A time interval, ISO 8601 UTC. */
export interface Window {
  start: string;
  end: string;
}

/** Per zone: how likely members enter, when, the zone's closure windows, and how close members come. */
export interface ZoneSummary {
  id: string;
  name: string;
  kind: string;
  lowerM: number;
  upperM: number | null;
  /**
   * P(enter), the lower bound: the share of members seen to enter (before any left the wind's
   * coverage). The whole answer when every member was resolved.
   */
  probability: number;
  /**
   * P(enter), the upper bound: also counting members that left the wind's coverage without having
   * entered but could have reached the zone before the run's end at the maximum drift speed.
   */
  probabilityUpper: number;
  /** 95 % interval: Wilson's lower end for `probability`, its upper end for `probabilityUpper`. */
  ci95: [number, number];
  membersEntered: number;
  /** Members counted in the upper bound only (unresolved, not seen to enter, could have). */
  membersMayHaveEntered: number;
  /** Entry times of the members seen to enter: the earliest, the median and the 90th percentile. */
  earliestEntry: string | null;
  medianEntry: string | null;
  p90Entry: string | null;
  medianMinutesInside: number | null;
  /**
   * From the first entry of any member to the last moment any airborne member was inside, counting
   * members that left the wind's coverage as inside from the earliest time they could have reached
   * the zone to the end of the run (the upper bound): the most cautious closure.
   */
  anyMemberWindow: Window | null;
  /** The same from what was seen only (the lower bound). */
  anyMemberWindowSeen: Window | null;
  /**
   * The times when P(an airborne member is inside) ≥ the run's closure threshold, by the upper bound
   * of P(inside): one interval, or several when it falls below the threshold for at least an output
   * interval in between (shorter dips are bridged). Its ends are resolved to the second from the
   * members' entry and exit times.
   */
  thresholdWindow: Window[];
  /** The same by the lower bound of P(inside) (what was seen). */
  thresholdWindowSeen: Window[];
  /**
   * P(an airborne member is inside) at each output time (RunSummary.timeline): the lower bound (seen
   * inside) and the upper bound (also unresolved members that could be inside by then).
   */
  insideProbability: { lower: number[]; upper: number[] };
  /**
   * The member that came closest to the zone's volume: its horizontal distance to the zone's area
   * (km, WGS 84; 0 over or under it) and its vertical separation from the zone's limits at that
   * moment (m; 0 between them), and when. Null when no member flew or the zone has no outline.
   */
  closestApproach: { horizontalKm: number; verticalM: number; time: string } | null;
  /** Median over members of the horizontal distance (km, WGS 84) at each one's closest approach. */
  medianClosestHorizontalKm: number | null;
}

export interface BorderSummary {
  /** P(cross), the lower bound: members seen to cross. */
  probability: number;
  /** P(cross), the upper bound: also every unresolved member that had not crossed (see summary.ts). */
  probabilityUpper: number;
  ci95: [number, number];
  membersCrossed: number;
  earliest: string | null;
  median: string | null;
  p90: string | null;
}

/**
 * What the zone statistics need beyond the observer: when the run went and should have gone, which
 * members left the wind's coverage (unresolved) and when each could have reached each zone after.
 */
export interface ZoneStatsContext {
  observer: RunObserver;
  /** Start of the run, the time it reached, and the end the scenario asked for (s since the epoch). */
  startSec: number;
  runEndSec: number;
  endSec: number;
  /** Output times (s), in the run's order: the timeline's times. */
  times: readonly number[];
  /** P(inside) at or above which a zone is to be closed (0 < threshold ≤ 1). */
  threshold: number;
  /** Pieces of a threshold window closer than this (s; the output interval) are joined. */
  bridgeSec: number;
  /** Per member: 1 when unresolved (its flight stopped where the wind's data ended). */
  unresolved: Uint8Array;
  /**
   * Per member and zone (member·zoneCount + zone): the earliest time an unresolved member could be
   * inside the zone, having left the coverage (+∞ forward, −∞ backward: not before the run's end;
   * NaN: a resolved member).
   */
  reachTSec: Float64Array;
  /** Visit indices by member (CSR: member i's visits are visitIdx[visitStart[i] … visitStart[i+1]]). */
  visitStart: Int32Array;
  visitIdx: Int32Array;
}

/** Indexes an observer's visits by member (see ZoneStatsContext). */
export function visitsByMember(observer: RunObserver): { visitStart: Int32Array; visitIdx: Int32Array } {
  const v = observer.visits;
  const visitStart = new Int32Array(observer.count + 1);
  for (let k = 0; k < v.count; k++) visitStart[v.member[k] + 1]++;
  for (let i = 0; i < observer.count; i++) visitStart[i + 1] += visitStart[i];
  const fill = visitStart.slice(0, observer.count);
  const visitIdx = new Int32Array(v.count);
  for (let k = 0; k < v.count; k++) visitIdx[fill[v.member[k]]++] = k;
  return { visitStart, visitIdx };
}

/** Intervals [start, end) of being inside a zone, seen and possible, of some members. */
interface ZoneCounts {
  members: number;
  /** Entry times of the members seen to enter, their minutes inside. */
  entries: number[];
  minutesInside: number[];
  /** Unresolved members not seen to enter that could have before the end. */
  mayHaveEntered: number;
  /** Seen stays inside (a member still inside at the end stays to +∞). */
  seen: [number, number][];
  /** Unresolved members possibly inside: from the time they could be there on. */
  possible: [number, number][];
}

function zoneCounts(ctx: ZoneStatsContext, z: number, members: ArrayLike<number>): ZoneCounts {
  const { observer, visitStart, visitIdx, reachTSec, unresolved } = ctx;
  const visits = observer.visits;
  const forward = ctx.endSec >= ctx.startSec;
  const out: ZoneCounts = {
    members: members.length,
    entries: [],
    minutesInside: [],
    mayHaveEntered: 0,
    seen: [],
    possible: [],
  };
  for (let q = 0; q < members.length; q++) {
    const i = members[q];
    const k = i * observer.zoneCount + z;
    const entry = observer.entryTSec[k];
    if (!Number.isNaN(entry)) {
      out.entries.push(entry);
      out.minutesInside.push(observer.insideSec[k] / 60);
    }
    for (let p = visitStart[i]; p < visitStart[i + 1]; p++) {
      const v = visitIdx[p];
      if (visits.zone[v] !== z) continue;
      const a = visits.startTSec[v];
      const b = visits.endTSec[v];
      // An open visit: the member was inside, airborne and followed, when the run ended.
      if (Number.isNaN(b))
        out.seen.push(forward ? [a, Number.POSITIVE_INFINITY] : [Number.NEGATIVE_INFINITY, a]);
      else out.seen.push(a <= b ? [a, b] : [b, a]);
    }
    if (unresolved[i]) {
      const reach = reachTSec[k];
      const inTime = forward ? reach <= ctx.endSec : reach >= ctx.endSec;
      if (inTime) {
        out.possible.push(forward ? [reach, Number.POSITIVE_INFINITY] : [Number.NEGATIVE_INFINITY, reach]);
        if (Number.isNaN(entry)) out.mayHaveEntered++;
      }
    }
  }
  return out;
}

/**
 * How many of the intervals hold each time t (start ≤ t < end): the starts at or before t less the
 * ends at or before t (an interval that ended by t also started by then), by binary search.
 */
function countsAt(intervals: readonly [number, number][], times: readonly number[]): number[] {
  const starts = Float64Array.from(intervals, (x) => x[0]).sort();
  const ends = Float64Array.from(intervals, (x) => x[1]).sort();
  return times.map((t) => notAfter(starts, t) - notAfter(ends, t));
}

/** How many of the sorted values are ≤ t. */
function notAfter(sorted: Float64Array, t: number): number {
  let a = 0;
  let b = sorted.length;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (sorted[mid] <= t) a = mid + 1;
    else b = mid;
  }
  return a;
}

/**
 * The union of the times within [from, to] when at least `need` of the intervals hold: a sweep over
 * their ends, exact to the intervals' own times. Pieces less than `bridgeSec` apart are joined
 * (erring toward closing): a zone is not announced open for a few minutes between two closures.
 */
export function coveredAtLeast(
  intervals: readonly [number, number][],
  need: number,
  from: number,
  to: number,
  bridgeSec = 0,
): [number, number][] {
  if (need <= 0 || intervals.length < need) return [];
  const [starts, ends] = sortedEnds(intervals);
  return bridged(coveredSorted(starts, ends, need, from, to), bridgeSec);
}

/** Pieces less than `bridgeSec` apart joined (see coveredAtLeast). */
function bridged(pieces: [number, number][], bridgeSec: number): [number, number][] {
  const out: [number, number][] = [];
  for (const piece of pieces) {
    const last = out[out.length - 1];
    if (last && piece[0] - last[1] < bridgeSec) last[1] = piece[1];
    else out.push(piece);
  }
  return out;
}

/**
 * The union of the times within [from, to] when at least `need` intervals hold, the intervals (of
 * positive length) given as their starts and their ends, each sorted: swept together, at each time
 * every start and end there counts before the test, so their order among themselves does not matter.
 * Fewer than `need` intervals never reach it.
 */
function coveredSorted(
  starts: Float64Array,
  ends: Float64Array,
  need: number,
  from: number,
  to: number,
): [number, number][] {
  const m = starts.length;
  if (need <= 0 || m < need) return [];
  const out: [number, number][] = [];
  let count = 0;
  let openAt = Number.NaN;
  let s = 0;
  let e = 0;
  while (s < m || e < m) {
    const t = s < m && (e >= m || starts[s] <= ends[e]) ? starts[s] : ends[e];
    while (s < m && starts[s] === t) {
      count++;
      s++;
    }
    while (e < m && ends[e] === t) {
      count--;
      e++;
    }
    if (count >= need && Number.isNaN(openAt)) openAt = t;
    else if (count < need && !Number.isNaN(openAt)) {
      pushClipped(out, openAt, t, from, to);
      openAt = Number.NaN;
    }
  }
  if (!Number.isNaN(openAt)) pushClipped(out, openAt, Number.POSITIVE_INFINITY, from, to);
  return out;
}

function pushClipped(out: [number, number][], a: number, b: number, from: number, to: number): void {
  const start = Math.max(a, from);
  const end = Math.min(b, to);
  if (end > start) out.push([start, end]);
}

/** The members needed for P ≥ threshold among n: the smallest count c with c/n ≥ threshold. */
export function membersForThreshold(threshold: number, n: number): number {
  // 1e-9: threshold·n computed as 0.07·100 = 7.000000000000001 still needs 7, not 8.
  return Math.max(1, Math.ceil(threshold * n - 1e-9));
}

const windowOf = ([a, b]: [number, number]): Window => ({ start: isoTime(a), end: isoTime(b) });

/** The run's span [earliest, latest] whichever its direction. */
function span(ctx: ZoneStatsContext): [number, number] {
  return [Math.min(ctx.startSec, ctx.endSec), Math.max(ctx.startSec, ctx.endSec)];
}

/**
 * Summaries of every zone over a subset of members (default: all), from their zone aggregates
 * (`aggregates`: merged from a run's parts; default: computed here from the observer).
 */
export function zoneSummaries(
  ctx: ZoneStatsContext,
  members?: ArrayLike<number>,
  aggregates?: readonly ZoneAggregate[],
): ZoneSummary[] {
  const { observer } = ctx;
  const n = members ? members.length : observer.count;
  const [from, to] = span(ctx);
  const forward = ctx.endSec >= ctx.startSec;
  const aggs =
    aggregates ??
    zoneAggregates(
      observer,
      forward,
      members ? { list: members, visitStart: ctx.visitStart, visitIdx: ctx.visitIdx } : undefined,
    );
  // The members that left the wind's coverage: what they may have done is bounded here, per zone.
  const unresolved: number[] = [];
  for (let q = 0; q < n; q++) {
    const i = members ? members[q] : q;
    if (ctx.unresolved[i]) unresolved.push(i);
  }
  return observer.targets.zones.map((zone, z) => {
    const a = aggs[z];
    const { possible, mayHaveEntered } = possibleStays(ctx, unresolved, z, forward);
    const entered = a.entries.length;
    const upper = entered + mayHaveEntered;
    const need = membersForThreshold(ctx.threshold, n);
    const round = (k: number) => (n ? (rounded(k / n, 4) ?? 0) : 0);
    // Seen and possible stays together (for the upper bounds): their sorted ends merged.
    const [possibleStarts, possibleEnds] = sortedEnds(possible);
    const allStarts = mergeSorted([a.seenStarts, possibleStarts]).values;
    const allEnds = mergeSorted([a.seenEnds, possibleEnds]).values;
    let allMin = a.seenMin;
    let allMax = a.seenMax;
    for (const [s, e] of possible) {
      allMin = Math.min(allMin, s);
      allMax = Math.max(allMax, e);
    }
    const seenCounts = countsAtSorted(a.seenStarts, a.seenEnds, ctx.times);
    const possibleCounts = countsAt(possible, ctx.times);
    return {
      id: zone.id,
      name: zone.name,
      kind: zone.kind,
      lowerM: zone.lowerM,
      upperM: Number.isFinite(zone.upperM) ? zone.upperM : null,
      probability: n ? entered / n : 0,
      probabilityUpper: n ? upper / n : 0,
      ci95: boundedInterval(entered, upper, n),
      membersEntered: entered,
      membersMayHaveEntered: mayHaveEntered,
      earliestEntry: isoTimeOrNull(entered ? a.entries[0] : Number.NaN),
      medianEntry: isoTimeOrNull(quantileOfSorted(a.entries, 0.5)),
      p90Entry: isoTimeOrNull(quantileOfSorted(a.entries, 0.9)),
      medianMinutesInside: rounded(quantileOfSorted(a.minutesInside, 0.5), 1),
      anyMemberWindow: hullOf(allMin, allMax, from, to),
      anyMemberWindowSeen: hullOf(a.seenMin, a.seenMax, from, to),
      thresholdWindow: bridged(coveredSorted(allStarts, allEnds, need, from, to), ctx.bridgeSec).map(
        windowOf,
      ),
      thresholdWindowSeen: bridged(
        coveredSorted(a.seenStarts, a.seenEnds, need, from, to),
        ctx.bridgeSec,
      ).map(windowOf),
      insideProbability: {
        lower: seenCounts.map(round),
        upper: seenCounts.map((c, t) => round(c + possibleCounts[t])),
      },
      ...closestApproach(observer, z, a),
    };
  });
}

/**
 * What members that left the wind's coverage may have done at zone z: the stays they could have
 * begun (from reaching the zone's distance until the run's end; backward, mirrored), and how many
 * of them, not seen to enter, may have.
 */
function possibleStays(
  ctx: ZoneStatsContext,
  unresolved: Iterable<number>,
  z: number,
  forward: boolean,
): { possible: [number, number][]; mayHaveEntered: number } {
  const { observer } = ctx;
  const possible: [number, number][] = [];
  let mayHaveEntered = 0;
  for (const i of unresolved) {
    const k = i * observer.zoneCount + z;
    const reach = ctx.reachTSec[k];
    const inTime = forward ? reach <= ctx.endSec : reach >= ctx.endSec;
    if (inTime) {
      possible.push(forward ? [reach, Number.POSITIVE_INFINITY] : [Number.NEGATIVE_INFINITY, reach]);
      if (Number.isNaN(observer.entryTSec[k])) mayHaveEntered++;
    }
  }
  return { possible, mayHaveEntered };
}

/** Starts and ends of the intervals of positive length, each sorted ascending. */
function sortedEnds(intervals: readonly [number, number][]): [Float64Array, Float64Array] {
  let m = 0;
  for (const [a, b] of intervals) if (b > a) m++;
  const starts = new Float64Array(m);
  const ends = new Float64Array(m);
  m = 0;
  for (const [a, b] of intervals) {
    if (!(b > a)) continue;
    starts[m] = a;
    ends[m++] = b;
  }
  return [starts.sort(), ends.sort()];
}

/** countsAt of intervals given as their sorted starts and sorted ends. */
function countsAtSorted(starts: Float64Array, ends: Float64Array, times: readonly number[]): number[] {
  return times.map((t) => notAfter(starts, t) - notAfter(ends, t));
}

/** The hull [first start, last end] within [from, to] of intervals spanning [a, b]; null when empty. */
function hullOf(a: number, b: number, from: number, to: number): Window | null {
  const start = Math.max(a, from);
  const end = Math.min(b, to);
  return end >= start ? { start: isoTime(start), end: isoTime(end) } : null;
}

/**
 * The closest approach to zone z of some members (their aggregate): the least separation (the
 * observer's per-step figure picks the member) measured again exactly at its point, horizontally on
 * the ellipsoid; and the median horizontal distance, ranked on the sphere and measured on the
 * ellipsoid only near the median (quantilesViaSortedProxy).
 */
function closestApproach(
  observer: RunObserver,
  z: number,
  a: ZoneAggregate,
): Pick<ZoneSummary, 'closestApproach' | 'medianClosestHorizontalKm'> {
  const geometry = observer.targets.zones[z].geometry;
  const zone = observer.targets.zones[z];
  if (!geometry || a.closestBest < 0) return { closestApproach: null, medianClosestHorizontalKm: null };
  const zc = observer.zoneCount;
  const bestK = a.closestBest * zc + z;
  const alt = observer.closestAltM[bestK];
  const verticalM = alt < zone.lowerM ? zone.lowerM - alt : alt > zone.upperM ? alt - zone.upperM : 0;
  const [med] = quantilesViaSortedProxy(
    a.closestSphereM,
    (r) => {
      // Measured where the part ran, when it was near the part's own median.
      const measured = a.closestEllipsoidM[r];
      if (!Number.isNaN(measured)) return measured;
      const k = a.closestMember[r] * zc + z;
      return geometry.ellipsoidDistanceM(observer.closestLon[k], observer.closestLat[k]);
    },
    CLOSEST_QUANTILES,
    ELLIPSOID_OVER_SPHERE,
  );
  return {
    closestApproach: {
      horizontalKm:
        rounded(
          geometry.ellipsoidDistanceM(observer.closestLon[bestK], observer.closestLat[bestK]) / 1000,
          1,
        ) ?? 0,
      verticalM: Math.round(verticalM),
      time: isoTime(observer.closestTSec[bestK]),
    },
    medianClosestHorizontalKm: rounded(med / 1000, 1),
  };
}

/** A zone's cell of the risk table: of some members, P(enter) (bounds), the earliest entry, the window. */
export interface ZoneEntries {
  id: string;
  probability: number;
  probabilityUpper: number;
  earliestEntry: string | null;
  /** The threshold closure window of these members alone (upper bound of P(inside)). */
  thresholdWindow: Window[];
}

/**
 * Per zone, of some members (one site and launch time): P(enter) with its bounds, the earliest
 * entry, and the threshold window of those members alone — what the risk table shows, without the
 * rest of zoneSummaries (medians, timelines, closest approaches).
 */
export function zoneEntries(ctx: ZoneStatsContext, members: ArrayLike<number>): ZoneEntries[] {
  const n = members.length;
  const [from, to] = span(ctx);
  return ctx.observer.targets.zones.map((zone, z) => {
    const c = zoneCounts(ctx, z, members);
    const entered = c.entries.length;
    return {
      id: zone.id,
      probability: n ? entered / n : 0,
      probabilityUpper: n ? (entered + c.mayHaveEntered) / n : 0,
      earliestEntry: isoTimeOrNull(entered ? minOf(c.entries) : Number.NaN),
      thresholdWindow: coveredAtLeast(
        [...c.seen, ...c.possible],
        membersForThreshold(ctx.threshold, n),
        from,
        to,
        ctx.bridgeSec,
      ).map(windowOf),
    };
  });
}

/**
 * zoneEntries of one site and launch time's members (`n` of them) from their aggregate (sorted seen
 * stays, entries counted) and their members that left the wind's coverage: the same cells.
 */
export function zoneEntriesOf(
  ctx: ZoneStatsContext,
  n: number,
  cells: readonly GroupZoneAggregate[],
  unresolvedMembers: readonly number[],
): ZoneEntries[] {
  const [from, to] = span(ctx);
  const forward = ctx.endSec >= ctx.startSec;
  const { observer } = ctx;
  return observer.targets.zones.map((zone, z) => {
    const cell = cells[z];
    const { possible, mayHaveEntered } = possibleStays(ctx, unresolvedMembers, z, forward);
    const entered = cell.entered;
    const [possibleStarts, possibleEnds] = sortedEnds(possible);
    return {
      id: zone.id,
      probability: n ? entered / n : 0,
      probabilityUpper: n ? (entered + mayHaveEntered) / n : 0,
      earliestEntry: isoTimeOrNull(entered ? cell.earliest : Number.NaN),
      thresholdWindow: bridged(
        coveredSorted(
          mergeSorted([cell.seenStarts, possibleStarts]).values,
          mergeSorted([cell.seenEnds, possibleEnds]).values,
          membersForThreshold(ctx.threshold, n),
          from,
          to,
        ),
        ctx.bridgeSec,
      ).map(windowOf),
    };
  });
}

/**
 * The border crossing of members: `n` of them, `maybe` of them unresolved and not seen to cross,
 * the crossing times of those that did, ascending (see borderSummary).
 */
export function borderSummaryOf(sortedTimes: Float64Array, n: number, maybe: number): BorderSummary {
  const crossed = sortedTimes.length;
  return {
    probability: n ? crossed / n : 0,
    probabilityUpper: n ? (crossed + maybe) / n : 0,
    ci95: boundedInterval(crossed, crossed + maybe, n),
    membersCrossed: crossed,
    earliest: isoTimeOrNull(crossed ? sortedTimes[0] : Number.NaN),
    median: isoTimeOrNull(quantileOfSorted(sortedTimes, 0.5)),
    p90: isoTimeOrNull(quantileOfSorted(sortedTimes, 0.9)),
  };
}

/**
 * The border crossing of a subset of members. Its upper bound counts every unresolved member that had
 * not crossed: the border lies tens of kilometres from the launch strip, within reach at any drift
 * speed long before a run ends, so a distance test would rule out hardly any.
 */
export function borderSummary(
  observer: RunObserver,
  members?: ArrayLike<number>,
  unresolved?: ArrayLike<number>,
): BorderSummary {
  const list = members ?? Array.from({ length: observer.count }, (_, i) => i);
  const times: number[] = [];
  let maybe = 0;
  for (let q = 0; q < list.length; q++) {
    const t = observer.borderTSec[list[q]];
    if (!Number.isNaN(t)) times.push(t);
    else if (unresolved?.[list[q]]) maybe++;
  }
  const n = list.length;
  return {
    probability: n ? times.length / n : 0,
    probabilityUpper: n ? (times.length + maybe) / n : 0,
    ci95: boundedInterval(times.length, times.length + maybe, n),
    membersCrossed: times.length,
    earliest: isoTimeOrNull(times.length ? minOf(times) : Number.NaN),
    median: isoTimeOrNull(median(times)),
    p90: isoTimeOrNull(quantile(times, 0.9)),
  };
}

/** A count grid of points (landings, launch points): cell (i, j) covers lon0 + i·cellDeg … */
export interface DensityGrid {
  lon0: number;
  lat0: number;
  cellDeg: number;
  nx: number;
  ny: number;
  /** Points per cell, row-major from the south-west corner (j·nx + i). */
  counts: number[];
  total: number;
}

/** Bins points into a grid just covering them (cellDeg degrees); null when there are none. */
export function densityGrid(
  lons: ArrayLike<number>,
  lats: ArrayLike<number>,
  cellDeg = 0.05,
): DensityGrid | null {
  let lonMin = Infinity;
  let lonMax = -Infinity;
  let latMin = Infinity;
  let latMax = -Infinity;
  let total = 0;
  for (let p = 0; p < lons.length; p++) {
    if (Number.isNaN(lons[p]) || Number.isNaN(lats[p])) continue;
    lonMin = Math.min(lonMin, lons[p]);
    lonMax = Math.max(lonMax, lons[p]);
    latMin = Math.min(latMin, lats[p]);
    latMax = Math.max(latMax, lats[p]);
    total++;
  }
  if (total === 0) return null;
  const lon0 = Math.floor(lonMin / cellDeg) * cellDeg;
  const lat0 = Math.floor(latMin / cellDeg) * cellDeg;
  const nx = Math.floor((lonMax - lon0) / cellDeg) + 1;
  const ny = Math.floor((latMax - lat0) / cellDeg) + 1;
  const counts = new Array<number>(nx * ny).fill(0);
  for (let p = 0; p < lons.length; p++) {
    if (Number.isNaN(lons[p]) || Number.isNaN(lats[p])) continue;
    const i = Math.min(nx - 1, Math.floor((lons[p] - lon0) / cellDeg));
    const j = Math.min(ny - 1, Math.floor((lats[p] - lat0) / cellDeg));
    counts[j * nx + i]++;
  }
  return { lon0: rounded(lon0, 6)!, lat0: rounded(lat0, 6)!, cellDeg, nx, ny, counts, total };
}
