import { distanceM } from '../earth.js';
import { ELLIPSOID_OVER_SPHERE, ellipsoidDistanceM } from '../geo/ellipsoid.js';
import type { MemberSet } from '../solver/members.js';
import { MemberStatus, STATUS_NAMES } from '../solver/status.js';
import type { RunObserver } from './observer.js';
import { proxyWindows } from './stats.js';

/**
 * Per zone, what the whole run's zone summary reads of its members (zoneSummaries), in a form that
 * a part of the run computes for its own members and that parts merge without replaying anything:
 * the values whose quantiles are asked, sorted (parts merge them in O(n), and an order statistic is
 * then read, not sorted for); counts and extremes, which merge by addition, min and max. A summary
 * from merged aggregates is the summary of the whole run, bit for bit: every figure is a function
 * of these multisets, not of their order.
 */
export interface ZoneAggregate {
  /** Entry times (s) of the members seen to enter, ascending: one per member entered. */
  entries: Float64Array;
  /** Their minutes inside, ascending (not paired with entries: only their quantiles are read). */
  minutesInside: Float64Array;
  /**
   * The seen stays inside (a stay still open at the end runs to ±∞, the run's direction) of
   * positive length, starts and ends each ascending: a stay of no length is inside at no time, so
   * neither the P(inside) counts nor the threshold windows change without it.
   */
  seenStarts: Float64Array;
  seenEnds: Float64Array;
  /** Over every seen stay, those of no length too: the earliest start and the latest end (±∞: none). */
  seenMin: number;
  seenMax: number;
  /**
   * The closest approaches' horizontal distances (m, the sphere: RunObserver.closestHorizontalM) of
   * members with one, finite ones, ascending; and each one's member (this part's index).
   */
  closestSphereM: Float64Array;
  closestMember: Uint32Array;
  /**
   * Their horizontal distances on the ellipsoid (what the summary reports), measured beforehand
   * near the ranks the summary's median needs (proxyWindows), NaN elsewhere (measured when asked).
   */
  closestEllipsoidM: Float64Array;
  /** The member with the least separation (the first in member order among equals); −1: none. */
  closestBest: number;
}

/**
 * Per launch site, what the summary's site row reads of its members (as ZoneAggregate: sorted
 * values, counts): how they ended, and for those that launched their end points, launch-to-end
 * distances and flight times.
 */
export interface SiteAggregate {
  members: number;
  /** Members per end status (index: status code) and the first of them (this part's index; −1: none). */
  statusCount: Uint32Array;
  statusFirst: Int32Array;
  /** End longitudes and latitudes of the members that launched, each ascending. */
  lon: Float64Array;
  lat: Float64Array;
  /** Hours from launch to the end of flight of those that ended, ascending. */
  flightHours: Float64Array;
  /** Launch-to-end distances on the sphere (m), finite ones, ascending, and each one's member. */
  sphereM: Float64Array;
  sphereMember: Uint32Array;
  /** Their distances on the ellipsoid near the ranks the site row needs, NaN elsewhere (as closestEllipsoidM). */
  ellipsoidM: Float64Array;
}

/** Per zone, what a risk-table cell reads of one site and launch time's members (see GroupAggregate). */
export interface GroupZoneAggregate {
  /** Members seen to enter, and the earliest entry (+∞: none). */
  entered: number;
  earliest: number;
  /** Their seen stays of positive length (as ZoneAggregate), starts and ends each ascending. */
  seenStarts: Float64Array;
  seenEnds: Float64Array;
}

/** The members of one launch site and launch time: a row of the summary's risk table. */
export interface GroupAggregate {
  /** site · (launch times) + launch time. */
  key: number;
  /** Its first member (this part's index): rows go in the order of their first members. */
  first: number;
  members: number;
  /** Members seen to cross the border. */
  crossed: number;
  zones: GroupZoneAggregate[];
}

/** What a part of a run adds to the summary's aggregates (see ZoneAggregate). */
export interface RunAggregates {
  zones: ZoneAggregate[];
  sites: SiteAggregate[];
  /** Risk-table rows, in the order of their first members. */
  groups: GroupAggregate[];
  /** Border crossing times (s) of the members seen to cross, ascending. */
  borderTimes: Float64Array;
  /** End points of the members that landed, longitudes and latitudes each ascending. */
  landedLon: Float64Array;
  landedLat: Float64Array;
  /**
   * Per member that landed (this part's index): the index of the country of the targets holding the
   * landing point (−1: none of them), and 1 when the home country holds it; 0 for other members.
   */
  landingCountry: Int16Array;
  landingInHome: Uint8Array;
}

/** Whether the run goes forward in time, as the summary decides it (its end at or after its start). */
export function runsForward(simulation: {
  direction: 'forward' | 'backward';
  startSec?: number;
  durationSec: number;
}): boolean {
  const startSec = simulation.startSec ?? 0;
  const sign = simulation.direction === 'backward' ? -1 : 1;
  return startSec + sign * simulation.durationSec >= startSec;
}

/** Values ascending, NaN left out (as the quantiles leave them out). */
function sortedOf(values: number[]): Float64Array {
  let n = 0;
  for (const v of values) if (!Number.isNaN(v)) n++;
  const out = new Float64Array(n);
  n = 0;
  for (const v of values) if (!Number.isNaN(v)) out[n++] = v;
  return out.sort();
}

/**
 * The zone aggregates of an observer's members (`members`: some of them, ascending; default all),
 * with the visits of each member found through `visitsOf` when a subset is asked (see
 * visitsByMember).
 */
export function zoneAggregates(
  observer: RunObserver,
  forward: boolean,
  members?: { list: ArrayLike<number>; visitStart: Int32Array; visitIdx: Int32Array },
): ZoneAggregate[] {
  const zc = observer.zoneCount;
  const visits = observer.visits;
  const horizontalM = observer.targets.zones.some((z) => z.geometry) ? observer.closestHorizontalM() : null;
  const n = members ? members.list.length : observer.count;
  const memberAt = (q: number) => (members ? members.list[q] : q);
  return observer.targets.zones.map((zone, z) => {
    const entries: number[] = [];
    const minutesInside: number[] = [];
    for (let q = 0; q < n; q++) {
      const k = memberAt(q) * zc + z;
      const entry = observer.entryTSec[k];
      if (!Number.isNaN(entry)) {
        entries.push(entry);
        minutesInside.push(observer.insideSec[k] / 60);
      }
    }
    const starts: number[] = [];
    const ends: number[] = [];
    let seenMin = Number.POSITIVE_INFINITY;
    let seenMax = Number.NEGATIVE_INFINITY;
    const addVisit = (v: number) => {
      if (visits.zone[v] !== z) return;
      const a0 = visits.startTSec[v];
      const b0 = visits.endTSec[v];
      // As zoneCounts: an open visit (the member inside, airborne and followed, at the end) runs on.
      let a: number;
      let b: number;
      if (Number.isNaN(b0))
        [a, b] = forward ? [a0, Number.POSITIVE_INFINITY] : [Number.NEGATIVE_INFINITY, a0];
      else [a, b] = a0 <= b0 ? [a0, b0] : [b0, a0];
      seenMin = Math.min(seenMin, a);
      seenMax = Math.max(seenMax, b);
      if (b > a) {
        starts.push(a);
        ends.push(b);
      }
    };
    if (members) {
      for (let q = 0; q < n; q++) {
        const i = members.list[q];
        for (let p = members.visitStart[i]; p < members.visitStart[i + 1]; p++) addVisit(members.visitIdx[p]);
      }
    } else for (let v = 0; v < visits.count; v++) addVisit(v);
    // Closest approaches: ranked by their horizontal distance on the sphere; the least separation.
    const proxy: number[] = [];
    const proxyMember: number[] = [];
    let best = -1;
    if (zone.geometry && horizontalM) {
      for (let q = 0; q < n; q++) {
        const i = memberAt(q);
        const k = i * zc + z;
        if (!Number.isFinite(observer.closestM[k])) continue;
        if (Number.isFinite(horizontalM[k])) {
          proxy.push(horizontalM[k]);
          proxyMember.push(i);
        }
        if (best < 0 || observer.closestM[k] < observer.closestM[best * zc + z]) best = i;
      }
    }
    const order = Uint32Array.from(proxy.keys()).sort((x, y) => proxy[x] - proxy[y]);
    const sortedProxy = new Float64Array(order.length);
    const sortedMember = new Uint32Array(order.length);
    for (let r = 0; r < order.length; r++) {
      sortedProxy[r] = proxy[order[r]];
      sortedMember[r] = proxyMember[order[r]];
    }
    return {
      entries: sortedOf(entries),
      minutesInside: sortedOf(minutesInside),
      seenStarts: Float64Array.from(starts).sort(),
      seenEnds: Float64Array.from(ends).sort(),
      seenMin,
      seenMax,
      closestSphereM: sortedProxy,
      closestMember: sortedMember,
      closestEllipsoidM: premeasured(sortedProxy, CLOSEST_QUANTILES, (r) => {
        const k = sortedMember[r] * zc + z;
        return zone.geometry!.ellipsoidDistanceM(observer.closestLon[k], observer.closestLat[k]);
      }),
      closestBest: best,
    };
  });
}

/** Where each landed member came down, by country of the targets (see RunAggregates). */
export function landingCountries(
  targets: RunObserver['targets'],
  status: ArrayLike<number>,
  endLon: ArrayLike<number>,
  endLat: ArrayLike<number>,
): Pick<RunAggregates, 'landingCountry' | 'landingInHome'> {
  const countries = targets.countries ?? [];
  const landingCountry = new Int16Array(status.length);
  const landingInHome = new Uint8Array(status.length);
  for (let i = 0; i < status.length; i++) {
    if (status[i] !== MemberStatus.landed) continue;
    if (targets.home?.contains(endLon[i], endLat[i])) landingInHome[i] = 1;
    // Country outlines do not overlap: the first that holds the point is its country.
    landingCountry[i] = countries.findIndex((country) => country.contains(endLon[i], endLat[i]));
  }
  return { landingCountry, landingInHome };
}

/** What the site aggregates are made of: the run's sites, each member's site, launch and end. */
export interface SiteInput {
  prepared: {
    sites: readonly unknown[];
    launchTimesSec: readonly number[];
    memberSite: ArrayLike<number>;
    memberLaunch: ArrayLike<number>;
    simulation: { members: Pick<MemberSet, 'lon' | 'lat' | 'launchTSec'> };
  };
  status: ArrayLike<number>;
  endLon: ArrayLike<number>;
  endLat: ArrayLike<number>;
  endTSec: ArrayLike<number>;
}

/** The site aggregates of a run's or part's members (see SiteAggregate). */
export function siteAggregates(input: SiteInput): SiteAggregate[] {
  const { prepared, status, endLon, endLat, endTSec } = input;
  const members = prepared.simulation.members;
  const statuses = STATUS_NAMES.length;
  const bySite = prepared.sites.map(() => ({
    members: 0,
    statusCount: new Uint32Array(statuses),
    statusFirst: new Int32Array(statuses).fill(-1),
    lon: [] as number[],
    lat: [] as number[],
    flightHours: [] as number[],
    sphereM: [] as number[],
    sphereMember: [] as number[],
  }));
  for (let i = 0; i < status.length; i++) {
    const site = bySite[prepared.memberSite[i]];
    const code = status[i];
    site.members++;
    if (site.statusCount[code]++ === 0) site.statusFirst[code] = i;
    if (code === MemberStatus.pending) continue;
    site.lon.push(endLon[i]);
    site.lat.push(endLat[i]);
    const sphereM = distanceM(members.lon[i], members.lat[i], endLon[i], endLat[i]);
    if (Number.isFinite(sphereM)) {
      site.sphereM.push(sphereM);
      site.sphereMember.push(i);
    }
    if (!Number.isNaN(endTSec[i])) site.flightHours.push(Math.abs(endTSec[i] - members.launchTSec[i]) / 3600);
  }
  return bySite.map((b) => {
    const order = Uint32Array.from(b.sphereM.keys()).sort((x, y) => b.sphereM[x] - b.sphereM[y]);
    const sphereM = new Float64Array(order.length);
    const sphereMember = new Uint32Array(order.length);
    for (let r = 0; r < order.length; r++) {
      sphereM[r] = b.sphereM[order[r]];
      sphereMember[r] = b.sphereMember[order[r]];
    }
    return {
      members: b.members,
      statusCount: b.statusCount,
      statusFirst: b.statusFirst,
      lon: sortedOf(b.lon),
      lat: sortedOf(b.lat),
      flightHours: sortedOf(b.flightHours),
      sphereM,
      sphereMember,
      ellipsoidM: premeasured(sphereM, SITE_QUANTILES, (r) => {
        const i = sphereMember[r];
        return ellipsoidDistanceM(members.lon[i], members.lat[i], endLon[i], endLat[i]);
      }),
    };
  });
}

/** Stays of a visit as zoneCounts forms them (an open one runs on to ±∞): [start, end]. */
function stayOf(observer: RunObserver, v: number, forward: boolean): [number, number] {
  const visits = observer.visits;
  const a = visits.startTSec[v];
  const b = visits.endTSec[v];
  if (Number.isNaN(b)) return forward ? [a, Number.POSITIVE_INFINITY] : [Number.NEGATIVE_INFINITY, a];
  return a <= b ? [a, b] : [b, a];
}

/** The risk-table rows' aggregates of a run's or part's members (see GroupAggregate). */
export function groupAggregates(
  input: SiteInput & { observer: RunObserver },
  forward: boolean,
): GroupAggregate[] {
  const { prepared, observer } = input;
  const zc = observer.zoneCount;
  const launchCount = Math.max(1, prepared.launchTimesSec.length);
  const index = new Map<number, number>();
  const groups: {
    key: number;
    first: number;
    members: number;
    crossed: number;
    zones: { entered: number; earliest: number; starts: number[]; ends: number[] }[];
  }[] = [];
  const groupOf = new Int32Array(observer.count);
  for (let i = 0; i < observer.count; i++) {
    const key = prepared.memberSite[i] * launchCount + prepared.memberLaunch[i];
    let g = index.get(key);
    if (g === undefined) {
      g = groups.length;
      index.set(key, g);
      groups.push({
        key,
        first: i,
        members: 0,
        crossed: 0,
        zones: Array.from({ length: zc }, () => ({
          entered: 0,
          earliest: Number.POSITIVE_INFINITY,
          starts: [],
          ends: [],
        })),
      });
    }
    groupOf[i] = g;
    const group = groups[g];
    group.members++;
    if (!Number.isNaN(observer.borderTSec[i])) group.crossed++;
    for (let z = 0; z < zc; z++) {
      const entry = observer.entryTSec[i * zc + z];
      if (Number.isNaN(entry)) continue;
      group.zones[z].entered++;
      group.zones[z].earliest = Math.min(group.zones[z].earliest, entry);
    }
  }
  const visits = observer.visits;
  for (let v = 0; v < visits.count; v++) {
    const [a, b] = stayOf(observer, v, forward);
    if (!(b > a)) continue;
    const cell = groups[groupOf[visits.member[v]]].zones[visits.zone[v]];
    cell.starts.push(a);
    cell.ends.push(b);
  }
  return groups.map((g) => ({
    key: g.key,
    first: g.first,
    members: g.members,
    crossed: g.crossed,
    zones: g.zones.map((c) => ({
      entered: c.entered,
      earliest: c.earliest,
      seenStarts: Float64Array.from(c.starts).sort(),
      seenEnds: Float64Array.from(c.ends).sort(),
    })),
  }));
}

/** Border crossing times and landing points, sorted (see RunAggregates). */
function borderAndLandings(
  input: SiteInput & { observer: RunObserver },
): Pick<RunAggregates, 'borderTimes' | 'landedLon' | 'landedLat'> {
  const times: number[] = [];
  const lon: number[] = [];
  const lat: number[] = [];
  const border = input.observer.borderTSec;
  for (let i = 0; i < input.status.length; i++) {
    if (!Number.isNaN(border[i])) times.push(border[i]);
    if (input.status[i] !== MemberStatus.landed) continue;
    lon.push(input.endLon[i]);
    lat.push(input.endLat[i]);
  }
  return { borderTimes: sortedOf(times), landedLon: sortedOf(lon), landedLat: sortedOf(lat) };
}

/** The aggregates of a finished run or part (a worker computes its part's: see mergeAggregates). */
export function runAggregates(
  result: SiteInput & {
    observer: RunObserver;
  },
  forward: boolean,
): RunAggregates {
  return {
    zones: zoneAggregates(result.observer, forward),
    sites: siteAggregates(result),
    groups: groupAggregates(result, forward),
    ...borderAndLandings(result),
    ...landingCountries(result.observer.targets, result.status, result.endLon, result.endLat),
  };
}

/** Sorted arrays merged into one, ascending; with payloads, each value's payload follows it. */
export function mergeSorted(
  lists: Float64Array[],
  payloads?: Uint32Array[],
): { values: Float64Array; payload: Uint32Array | null } {
  let items = lists.map((values, k) => ({ values, payload: payloads?.[k] ?? null }));
  if (items.length === 0)
    return { values: new Float64Array(0), payload: payloads ? new Uint32Array(0) : null };
  // Pairwise, in rounds: O(n log k) for k lists.
  while (items.length > 1) {
    const next: typeof items = [];
    for (let p = 0; p < items.length; p += 2) {
      const a = items[p];
      const b = items[p + 1];
      if (!b) {
        next.push(a);
        continue;
      }
      const values = new Float64Array(a.values.length + b.values.length);
      const payload = a.payload && b.payload ? new Uint32Array(values.length) : null;
      let i = 0;
      let j = 0;
      let o = 0;
      while (i < a.values.length && j < b.values.length) {
        if (b.values[j] < a.values[i]) {
          if (payload) payload[o] = b.payload![j];
          values[o++] = b.values[j++];
        } else {
          if (payload) payload[o] = a.payload![i];
          values[o++] = a.values[i++];
        }
      }
      for (; i < a.values.length; i++) {
        if (payload) payload[o] = a.payload![i];
        values[o++] = a.values[i];
      }
      for (; j < b.values.length; j++) {
        if (payload) payload[o] = b.payload![j];
        values[o++] = b.values[j];
      }
      next.push({ values, payload });
    }
    items = next;
  }
  return { values: items[0].values, payload: items[0].payload };
}

/**
 * The aggregates of the whole from those of its parts: part p's member m is member ids[p][m] of the
 * whole (`count` members). Null when a part has none (it came from elsewhere: the summary then
 * computes them from the merged records).
 */
export function mergeAggregates(
  parts: readonly (RunAggregates | undefined)[],
  ids: readonly ArrayLike<number>[],
  count: number,
  closestM: Float64Array,
  zoneCount: number,
): RunAggregates | null {
  if (parts.length === 0 || parts.some((p) => !p)) return null;
  const all = parts as RunAggregates[];
  const landingCountry = new Int16Array(count);
  const landingInHome = new Uint8Array(count);
  all.forEach((part, p) => {
    const map = ids[p];
    for (let m = 0; m < map.length; m++) {
      landingCountry[map[m]] = part.landingCountry[m];
      landingInHome[map[m]] = part.landingInHome[m];
    }
  });
  const zones = Array.from({ length: zoneCount }, (_, z): ZoneAggregate => {
    const of = all.map((part) => part.zones[z]);
    const closest = mergeRanked(
      of.map((a) => a.closestSphereM),
      of.map((a, p) => mapped(a.closestMember, ids[p])),
      of.map((a) => a.closestEllipsoidM),
    );
    // The least separation; among equals the first member (as a scan in member order finds it).
    let best = -1;
    of.forEach((a, p) => {
      if (a.closestBest < 0) return;
      const i = ids[p][a.closestBest];
      if (best < 0) best = i;
      else {
        const mine = closestM[i * zoneCount + z];
        const theirs = closestM[best * zoneCount + z];
        if (mine < theirs || (mine === theirs && i < best)) best = i;
      }
    });
    return {
      entries: mergeSorted(of.map((a) => a.entries)).values,
      minutesInside: mergeSorted(of.map((a) => a.minutesInside)).values,
      seenStarts: mergeSorted(of.map((a) => a.seenStarts)).values,
      seenEnds: mergeSorted(of.map((a) => a.seenEnds)).values,
      seenMin: Math.min(...of.map((a) => a.seenMin)),
      seenMax: Math.max(...of.map((a) => a.seenMax)),
      closestSphereM: closest.values,
      closestMember: closest.member,
      closestEllipsoidM: closest.measured,
      closestBest: best,
    };
  });
  const sites = all[0].sites.map((_, k): SiteAggregate => {
    const of = all.map((part) => part.sites[k]);
    const statusCount = new Uint32Array(STATUS_NAMES.length);
    const statusFirst = new Int32Array(STATUS_NAMES.length).fill(-1);
    of.forEach((a, p) => {
      for (let c = 0; c < statusCount.length; c++) {
        statusCount[c] += a.statusCount[c];
        if (a.statusFirst[c] < 0) continue;
        const i = ids[p][a.statusFirst[c]];
        if (statusFirst[c] < 0 || i < statusFirst[c]) statusFirst[c] = i;
      }
    });
    const sphere = mergeRanked(
      of.map((a) => a.sphereM),
      of.map((a, p) => mapped(a.sphereMember, ids[p])),
      of.map((a) => a.ellipsoidM),
    );
    return {
      members: of.reduce((sum, a) => sum + a.members, 0),
      statusCount,
      statusFirst,
      lon: mergeSorted(of.map((a) => a.lon)).values,
      lat: mergeSorted(of.map((a) => a.lat)).values,
      flightHours: mergeSorted(of.map((a) => a.flightHours)).values,
      sphereM: sphere.values,
      sphereMember: sphere.member,
      ellipsoidM: sphere.measured,
    };
  });
  // Rows by key, each from the parts that have members in it, in the order of their first members.
  const rows = new Map<number, GroupAggregate[]>();
  const firsts = new Map<number, number>();
  all.forEach((part, p) => {
    for (const g of part.groups) {
      const first = ids[p][g.first];
      const list = rows.get(g.key);
      if (list) list.push(g);
      else rows.set(g.key, [g]);
      firsts.set(g.key, Math.min(firsts.get(g.key) ?? first, first));
    }
  });
  const groups = [...rows.entries()]
    .map(
      ([key, of]): GroupAggregate => ({
        key,
        first: firsts.get(key)!,
        members: of.reduce((sum, g) => sum + g.members, 0),
        crossed: of.reduce((sum, g) => sum + g.crossed, 0),
        zones: Array.from({ length: zoneCount }, (_, z) => ({
          entered: of.reduce((sum, g) => sum + g.zones[z].entered, 0),
          earliest: Math.min(...of.map((g) => g.zones[z].earliest)),
          seenStarts: mergeSorted(of.map((g) => g.zones[z].seenStarts)).values,
          seenEnds: mergeSorted(of.map((g) => g.zones[z].seenEnds)).values,
        })),
      }),
    )
    .sort((a, b) => a.first - b.first);
  return {
    zones,
    sites,
    groups,
    borderTimes: mergeSorted(all.map((a) => a.borderTimes)).values,
    landedLon: mergeSorted(all.map((a) => a.landedLon)).values,
    landedLat: mergeSorted(all.map((a) => a.landedLat)).values,
    landingCountry,
    landingInHome,
  };
}

/** The quantiles the summary reports of the closest approaches' and the sites' distances. */
export const CLOSEST_QUANTILES = [0.5] as const;
export const SITE_QUANTILES = [0.5, 0.9, 1] as const;

/**
 * The costly values of the ranks quantilesViaSortedProxy will measure for `qs` (of these proxies
 * alone), NaN for the rest: measured where the part is (a worker), not by the summary.
 */
function premeasured(
  sorted: Float64Array,
  qs: readonly number[],
  value: (r: number) => number,
): Float64Array {
  const out = new Float64Array(sorted.length).fill(Number.NaN);
  for (const [from, to] of proxyWindows(sorted, qs, ELLIPSOID_OVER_SPHERE))
    for (let r = from; r < to; r++) if (Number.isNaN(out[r])) out[r] = value(r);
  return out;
}

/** Ranked values of parts merged, each with its member and its value measured beforehand (or NaN). */
function mergeRanked(
  lists: Float64Array[],
  members: Uint32Array[],
  measured: Float64Array[],
): { values: Float64Array; member: Uint32Array; measured: Float64Array } {
  if (lists.length === 1) return { values: lists[0], member: members[0], measured: measured[0] };
  // Each value's place in the parts' arrays laid end to end, merged along with it.
  const offsets: number[] = [];
  let total = 0;
  for (const list of lists) {
    offsets.push(total);
    total += list.length;
  }
  const places = lists.map((list, k) => {
    const out = new Uint32Array(list.length);
    for (let r = 0; r < out.length; r++) out[r] = offsets[k] + r;
    return out;
  });
  const { values, payload } = mergeSorted(lists, places);
  const allMembers = new Uint32Array(total);
  const allMeasured = new Float64Array(total);
  lists.forEach((_, k) => {
    allMembers.set(members[k], offsets[k]);
    allMeasured.set(measured[k], offsets[k]);
  });
  const member = new Uint32Array(total);
  const measuredOut = new Float64Array(total);
  for (let r = 0; r < total; r++) {
    member[r] = allMembers[payload![r]];
    measuredOut[r] = allMeasured[payload![r]];
  }
  return { values, member, measured: measuredOut };
}

/** Part indices as the whole's (a loop: Uint32Array.from with a mapping function goes through an iterator, ~10× slower). */
function mapped(local: Uint32Array, map: ArrayLike<number>): Uint32Array {
  const out = new Uint32Array(local.length);
  for (let r = 0; r < out.length; r++) out[r] = map[local[r]];
  return out;
}

/** Every typed array of some aggregates (to transfer them between threads). */
export function aggregateArrays(a: RunAggregates): ArrayBufferView[] {
  return [
    a.landingCountry,
    a.landingInHome,
    ...a.zones.flatMap((z) => [
      z.entries,
      z.minutesInside,
      z.seenStarts,
      z.seenEnds,
      z.closestSphereM,
      z.closestMember,
      z.closestEllipsoidM,
    ]),
    a.borderTimes,
    a.landedLon,
    a.landedLat,
    ...a.groups.flatMap((g) => g.zones.flatMap((z) => [z.seenStarts, z.seenEnds])),
    ...a.sites.flatMap((s) => [
      s.statusCount,
      s.statusFirst,
      s.lon,
      s.lat,
      s.flightHours,
      s.sphereM,
      s.sphereMember,
      s.ellipsoidM,
    ]),
  ];
}
