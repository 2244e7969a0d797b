import { M_PER_DEG, RAD_PER_DEG } from '../earth.js';
import type { MemberSet } from '../solver/members.js';
import { MemberStatus } from '../solver/status.js';
import { type Box, DistanceRaster } from './distance-raster.js';

/** An airspace zone as the analysis sees it: a horizontal test plus vertical limits (m AMSL). */
export interface ZoneTarget {
  id: string;
  name: string;
  kind: string;
  lowerM: number;
  upperM: number;
  /** Horizontal test, cheap enough to call for every member and step (see AreaMask). */
  contains(lon: number, lat: number): boolean;
  /**
   * The horizontal area's distances, for the closest approach to the zone and for what members that
   * left the wind's coverage could still reach. Absent (a bare area test): neither is known, and a
   * member that left the coverage counts as able to reach the zone at once.
   */
  geometry?: ZoneGeometry;
  /** The airport the zone protects, when it protects one. */
  airport?: { icao: string; lon: number; lat: number };
}

/** Distances to a zone's horizontal area (0 inside it). */
export interface ZoneGeometry {
  /** The area's bounding box (degrees). */
  box: Box;
  /** Distance (m) on the sphere of EARTH_RADIUS_M: what per-step and per-member work uses. */
  distanceM(lon: number, lat: number): number;
  /** Distance (m) on the WGS 84 ellipsoid: what summaries report. */
  ellipsoidDistanceM(lon: number, lat: number): number;
}

/** A country as the analysis sees it: its id and name from the geography, and an area test. */
export interface CountryTarget {
  /** The geography's id (e.g. LT) and the name the summaries print (e.g. "Lithuania"). */
  id: string;
  name: string;
  contains(lon: number, lat: number): boolean;
}

/** What a run is analysed against: zones, the border crossed from `origin` into `home`, countries. */
export interface AnalysisTargets {
  zones: ZoneTarget[];
  /** Country the balloons come from (Belarus) and the one they enter (Lithuania). */
  origin?: CountryTarget;
  home?: CountryTarget;
  /** Every country of the geography, for counting landings per country (home and origin among them). */
  countries?: CountryTarget[];
}

/** A RunObserver's records (see RunObserver for their meaning): typed arrays, cheap to send between threads. */
export interface ObserverRecords {
  borderTSec: Float64Array;
  borderLon: Float64Array;
  borderLat: Float64Array;
  borderAltM: Float64Array;
  entryTSec: Float64Array;
  insideSec: Float64Array;
  closestM: Float64Array;
  closestTSec: Float64Array;
  closestAltM: Float64Array;
  closestLon: Float64Array;
  closestLat: Float64Array;
  visitMember: Uint32Array;
  visitZone: Uint32Array;
  visitStartTSec: Float64Array;
  visitEndTSec: Float64Array;
  /** See RunObserver.closestHorizontalM: present when the part's worker computed it. */
  closestHorizontalM?: Float64Array;
}

/**
 * The state an observer reads after each step: the run's time, and per member its status, position
 * (its end position once it stopped) and the time it stopped. A Simulation is one; a run stepped
 * elsewhere (the GPU path, @balloon-sim/gpu) hands the observer the same arrays, step by step.
 */
export interface ObservedRun {
  readonly tSec: number;
  readonly status: ArrayLike<number>;
  readonly lon: ArrayLike<number>;
  readonly lat: ArrayLike<number>;
  readonly altM: ArrayLike<number>;
  readonly endTSec: ArrayLike<number>;
}

/** What the analysis finds happening to a member (the simulation's own kinds are EVENT_KINDS). */
export const ANALYSIS_EVENT_KINDS = ['border-crossing', 'zone-entry', 'zone-exit'] as const;
export type AnalysisEventKind = (typeof ANALYSIS_EVENT_KINDS)[number];

/** Something the analysis found, at the time it happened (located inside the step). */
export interface AnalysisEvent {
  member: number;
  kind: AnalysisEventKind;
  zone?: string;
  tSec: number;
  lon: number;
  lat: number;
  altM: number;
}

const COUNTRY_OTHER = 0;
const COUNTRY_ORIGIN = 1;
const COUNTRY_HOME = 2;
/** Bisection steps locating a crossing on a step's segment: 2⁻²⁰ of a step (60 µs for dt = 60 s). */
const BISECTIONS = 20;
/**
 * Within this horizontal distance (m) of a zone the closest approach is measured exactly at every
 * step, not interpolated (DistanceRaster): the interpolation is least accurate right by the outline.
 */
const EXACT_WITHIN_M = 3000;

/** End states in which a member is on the ground: it is in no airspace from then on. */
export function onGround(status: number): boolean {
  return status === MemberStatus.landed || status === MemberStatus.launchPoint;
}

/**
 * Watches a run step by step and records, per member: the border crossing (time and point); for
 * each zone its visits (entry and exit times of every stay inside, vertical limits respected), the
 * first entry and the time inside; and the closest approach to the zone's volume. A transition is
 * located on the straight segment between the member's positions at the start and end of the step,
 * by bisection. A zone crossed entirely within one step (< 2 km at balloon speeds and dt = 60 s)
 * would be missed; zones are kilometres wide.
 *
 * Airspace is air: a member that reaches the ground leaves every zone it was in at its landing time
 * (a zone-exit event there), so a payload lying in a zone that starts at the surface holds nothing
 * open. A member that stops in the air (it left the wind's box, outlived the wind's times, or its
 * state turned non-finite) ends its visit at its stop time without an exit event: where it went is
 * unknown, and the summary bounds what it may have done (see summary.ts, coverage).
 */
export class RunObserver {
  readonly count: number;
  readonly zoneCount: number;
  /** Border crossing per member (NaN: none). */
  readonly borderTSec: Float64Array;
  readonly borderLon: Float64Array;
  readonly borderLat: Float64Array;
  readonly borderAltM: Float64Array;
  /** Per member and zone, index member·zoneCount + zone: first entry (NaN: never), time inside (s). */
  readonly entryTSec: Float64Array;
  readonly insideSec: Float64Array;
  /**
   * Closest approach to the zone's volume (a prism: its area between its limits): the separation
   * found step by step (m; horizontal part on the sphere, interpolated away from the zone: see
   * DistanceRaster), and when, at what altitude and where (degrees) it was. The separation is
   * √(h² + v²), h the horizontal distance to the area (0 over or under it) and v the vertical
   * distance to the limits (0 between them); 0 once the member entered. Summaries measure the point
   * again exactly, on the ellipsoid. Infinity where the zone has no geometry or the member never flew.
   */
  readonly closestM: Float64Array;
  readonly closestTSec: Float64Array;
  readonly closestAltM: Float64Array;
  readonly closestLon: Float64Array;
  readonly closestLat: Float64Array;

  /** Visits, in the order found: member, zone, entry and exit (NaN: still inside when the run ended). */
  private visitCount = 0;
  private visitMember: Uint32Array = new Uint32Array(64);
  private visitZone: Uint32Array = new Uint32Array(64);
  private visitStartTSec: Float64Array = new Float64Array(64);
  private visitEndTSec: Float64Array = new Float64Array(64);

  private readonly inside: Uint8Array;
  /** Index of the member's open visit of a zone (member·zoneCount + zone), −1 when outside. */
  private readonly openVisit: Int32Array;
  private readonly country: Uint8Array;
  private readonly prevLon: Float64Array;
  private readonly prevLat: Float64Array;
  private readonly prevAlt: Float64Array;
  private readonly prevT: Float64Array;
  private readonly finished: Uint8Array;
  /** Per zone: its interpolated distance (null: no geometry) and its box's prefilter constants. */
  private readonly rasters: (DistanceRaster | null)[];
  private readonly boxCos: Float64Array;
  private pending: AnalysisEvent[] = [];
  /** See closestHorizontalM; null until computed, or when parts absorbed came without it. */
  private horizontalM: Float64Array | null = null;
  private horizontalKnown = true;

  /**
   * `sharedWith`: an observer of the same targets whose distance rasters this one uses too (the
   * forecast members' groups of one run): their values are a pure function of the corner, so
   * sharing them changes no result, only saves computing each corner once per group.
   */
  constructor(
    readonly targets: AnalysisTargets,
    private readonly members: MemberSet,
    sharedWith?: RunObserver,
    /**
     * Records only (see ofParts): no member is observed stepping; true: records left unset (0),
     * records given: these, taken as they are (not copied).
     */
    recordsOnly: boolean | ObserverRecords = false,
  ) {
    const n = members.count;
    const z = targets.zones.length;
    this.count = n;
    this.zoneCount = z;
    const nan = (size: number) =>
      recordsOnly ? new Float64Array(size) : new Float64Array(size).fill(Number.NaN);
    if (recordsOnly) {
      const given = recordsOnly === true ? null : recordsOnly;
      this.borderTSec = given?.borderTSec ?? nan(n);
      this.borderLon = given?.borderLon ?? nan(n);
      this.borderLat = given?.borderLat ?? nan(n);
      this.borderAltM = given?.borderAltM ?? nan(n);
      this.entryTSec = given?.entryTSec ?? nan(n * z);
      this.insideSec = given?.insideSec ?? new Float64Array(n * z);
      this.closestM = given?.closestM ?? new Float64Array(n * z);
      this.closestTSec = given?.closestTSec ?? nan(n * z);
      this.closestAltM = given?.closestAltM ?? nan(n * z);
      this.closestLon = given?.closestLon ?? nan(n * z);
      this.closestLat = given?.closestLat ?? nan(n * z);
      if (given) {
        this.visitCount = given.visitMember.length;
        this.visitMember = given.visitMember;
        this.visitZone = given.visitZone;
        this.visitStartTSec = given.visitStartTSec;
        this.visitEndTSec = given.visitEndTSec;
        this.horizontalM = given.closestHorizontalM ?? null;
      }
      this.inside = new Uint8Array(0);
      this.openVisit = new Int32Array(0);
      this.country = new Uint8Array(0);
      this.prevLon = nan(0);
      this.prevLat = nan(0);
      this.prevAlt = nan(0);
      this.prevT = nan(0);
      this.finished = new Uint8Array(0);
      this.rasters = [];
      this.boxCos = new Float64Array(0);
      return;
    }
    this.borderTSec = nan(n);
    this.borderLon = nan(n);
    this.borderLat = nan(n);
    this.borderAltM = nan(n);
    this.entryTSec = nan(n * z);
    this.insideSec = new Float64Array(n * z);
    this.closestM = new Float64Array(n * z).fill(Number.POSITIVE_INFINITY);
    this.closestTSec = nan(n * z);
    this.closestAltM = nan(n * z);
    this.closestLon = nan(n * z);
    this.closestLat = nan(n * z);
    this.inside = new Uint8Array(n * z);
    this.openVisit = new Int32Array(n * z).fill(-1);
    this.country = new Uint8Array(n);
    this.prevLon = nan(n);
    this.prevLat = nan(n);
    this.prevAlt = nan(n);
    this.prevT = nan(n);
    this.finished = new Uint8Array(n);
    this.rasters =
      sharedWith && sharedWith.targets === targets
        ? sharedWith.rasters
        : targets.zones.map((zone) =>
            zone.geometry
              ? new DistanceRaster((lon, lat) => zone.geometry!.distanceM(lon, lat), zone.geometry.box)
              : null,
          );
    // The box prefilter's east–west scale: cos of the highest latitude within 10° of the box (a
    // point farther in latitude is bounded by its latitude difference alone).
    this.boxCos = Float64Array.from(targets.zones, (zone) => {
      const b = zone.geometry?.box;
      if (!b) return 0;
      const highest = Math.min(90, Math.max(Math.abs(b.latMin), Math.abs(b.latMax)) + 10);
      return Math.cos(highest * RAD_PER_DEG);
    });
  }

  /** Events found since the last call. */
  drainEvents(): AnalysisEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Looks at every member after a step of `sim` that ended at sim.tSec. */
  observe(sim: ObservedRun): void {
    // Closest approaches may change: distances computed before are stale.
    this.horizontalM = null;
    const tNow = sim.tSec;
    const n = this.count;
    for (let i = 0; i < n; i++) {
      const status = sim.status[i];
      if (status === MemberStatus.pending || this.finished[i]) continue;
      const t1 = status === MemberStatus.active ? tNow : sim.endTSec[i];
      const lon1 = sim.lon[i];
      const lat1 = sim.lat[i];
      const alt1 = sim.altM[i];
      if (Number.isNaN(this.prevT[i])) {
        // Launched during this step: the segment starts at the launch point.
        this.start(i, this.members.lon[i], this.members.lat[i], alt1, this.members.launchTSec[i]);
      }
      this.segment(i, t1, lon1, lat1, alt1);
      if (status !== MemberStatus.active) {
        this.finished[i] = 1;
        this.stopped(i, t1, onGround(status), lon1, lat1, alt1);
      }
    }
  }

  /**
   * A member's flight ended at t. On the ground it left the airspace of every zone it was in then
   * (its last moment inside is t, with an exit event); stopped in the air, its visit ends at t as far
   * as anything is known, without an exit.
   */
  private stopped(i: number, t: number, grounded: boolean, lon: number, lat: number, alt: number): void {
    for (let z = 0; z < this.zoneCount; z++) {
      const k = i * this.zoneCount + z;
      if (!this.inside[k]) continue;
      this.visitEndTSec[this.openVisit[k]] = t;
      this.openVisit[k] = -1;
      this.inside[k] = 0;
      if (grounded) {
        const event: AnalysisEvent = {
          member: i,
          kind: 'zone-exit',
          zone: this.targets.zones[z].id,
          tSec: t,
          lon,
          lat,
          altM: alt,
        };
        this.pending.push(event);
      }
    }
  }

  /** A member's first position: its country and zones there, without events. */
  private start(i: number, lon: number, lat: number, alt: number, t: number): void {
    this.prevLon[i] = lon;
    this.prevLat[i] = lat;
    this.prevAlt[i] = alt;
    this.prevT[i] = t;
    this.country[i] = this.countryAt(lon, lat);
    const zones = this.targets.zones;
    for (let z = 0; z < zones.length; z++) {
      const k = i * this.zoneCount + z;
      if (this.inZone(zones[z], lon, lat, alt)) this.enter(i, z, k, t, lon, lat, alt);
      else this.approach(k, z, lon, lat, alt, t);
    }
  }

  private countryAt(lon: number, lat: number): number {
    if (this.targets.home?.contains(lon, lat)) return COUNTRY_HOME;
    if (this.targets.origin?.contains(lon, lat)) return COUNTRY_ORIGIN;
    return COUNTRY_OTHER;
  }

  private inZone(zone: ZoneTarget, lon: number, lat: number, alt: number): boolean {
    return alt >= zone.lowerM && alt <= zone.upperM && zone.contains(lon, lat);
  }

  /** Member i entered zone z (record k) at t, at (lon, lat, alt): a visit opens. */
  private enter(i: number, z: number, k: number, t: number, lon: number, lat: number, alt: number): void {
    if (Number.isNaN(this.entryTSec[k])) this.entryTSec[k] = t;
    this.inside[k] = 1;
    this.openVisit[k] = this.addVisit(i, z, t);
    if (this.closestM[k] > 0 && this.rasters[z]) this.closest(k, 0, lon, lat, alt, t);
  }

  private addVisit(i: number, z: number, t: number): number {
    if (this.visitCount === this.visitMember.length) {
      const grow = <A extends Uint32Array | Float64Array>(a: A): A => {
        const b = new (a.constructor as new (n: number) => A)(Math.max(64, 2 * a.length));
        b.set(a);
        return b;
      };
      this.visitMember = grow(this.visitMember);
      this.visitZone = grow(this.visitZone);
      this.visitStartTSec = grow(this.visitStartTSec);
      this.visitEndTSec = grow(this.visitEndTSec);
    }
    const v = this.visitCount++;
    this.visitMember[v] = i;
    this.visitZone[v] = z;
    this.visitStartTSec[v] = t;
    this.visitEndTSec[v] = Number.NaN;
    return v;
  }

  private closest(k: number, separationM: number, lon: number, lat: number, alt: number, t: number): void {
    this.closestM[k] = separationM;
    this.closestTSec[k] = t;
    this.closestAltM[k] = alt;
    this.closestLon[k] = lon;
    this.closestLat[k] = lat;
  }

  /**
   * Closest approach to zone z's volume from a point outside it (record k). Cheap for most members
   * and steps: a member already closer before, or farther in altitude alone, or farther from the
   * zone's box alone, is passed by; otherwise the horizontal distance comes from the zone's
   * DistanceRaster, exact within EXACT_WITHIN_M of the zone.
   */
  private approach(k: number, z: number, lon: number, lat: number, alt: number, t: number): void {
    const best = this.closestM[k];
    if (best === 0) return;
    const raster = this.rasters[z];
    if (!raster) return;
    const zone = this.targets.zones[z];
    const v = alt < zone.lowerM ? zone.lowerM - alt : alt > zone.upperM ? alt - zone.upperM : 0;
    if (v >= best) return;
    const box = zone.geometry!.box;
    // A lower bound of the horizontal distance from the box: the latitude gap (a meridian arc), or
    // the longitude gap at the smallest east–west scale near the box (0.99: the great circle between
    // two points of one latitude runs a little poleward of the parallel, ≤ 0.5 % shorter within 20°).
    const dLat = lat < box.latMin ? box.latMin - lat : lat > box.latMax ? lat - box.latMax : 0;
    const dLon = lon < box.lonMin ? box.lonMin - lon : lon > box.lonMax ? lon - box.lonMax : 0;
    const gapDeg = dLat > 10 || dLon > 20 ? dLat : Math.max(dLat, 0.99 * dLon * this.boxCos[z]);
    const lb = gapDeg * M_PER_DEG;
    const best2 = best * best;
    if (lb * lb + v * v >= best2) return;
    let h = zone.contains(lon, lat) ? 0 : raster.at(lon, lat);
    if (h > 0 && h < EXACT_WITHIN_M) h = zone.geometry!.distanceM(lon, lat);
    const s2 = h * h + v * v;
    if (s2 < best2) this.closest(k, Math.sqrt(s2), lon, lat, alt, t);
  }

  /** Fraction f in (0, 1] of the segment where `test` first differs from its value at the start. */
  private locate(
    i: number,
    lon1: number,
    lat1: number,
    alt1: number,
    test: (lon: number, lat: number, alt: number) => boolean,
  ): number {
    const lon0 = this.prevLon[i];
    const lat0 = this.prevLat[i];
    const alt0 = this.prevAlt[i];
    const before = test(lon0, lat0, alt0);
    let lo = 0;
    let hi = 1;
    for (let b = 0; b < BISECTIONS; b++) {
      const mid = 0.5 * (lo + hi);
      if (test(lon0 + mid * (lon1 - lon0), lat0 + mid * (lat1 - lat0), alt0 + mid * (alt1 - alt0)) === before)
        lo = mid;
      else hi = mid;
    }
    return hi;
  }

  private emit(
    i: number,
    kind: AnalysisEvent['kind'],
    f: number,
    t1: number,
    lon1: number,
    lat1: number,
    alt1: number,
    zone?: string,
  ): AnalysisEvent {
    const t0 = this.prevT[i];
    const tSec = t0 + f * (t1 - t0);
    const event: AnalysisEvent = {
      member: i,
      kind,
      tSec,
      lon: this.prevLon[i] + f * (lon1 - this.prevLon[i]),
      lat: this.prevLat[i] + f * (lat1 - this.prevLat[i]),
      altM: this.prevAlt[i] + f * (alt1 - this.prevAlt[i]),
    };
    if (zone !== undefined) event.zone = zone;
    this.pending.push(event);
    if (kind === 'border-crossing') {
      this.borderTSec[i] = tSec;
      this.borderLon[i] = event.lon;
      this.borderLat[i] = event.lat;
      this.borderAltM[i] = event.altM;
    }
    return event;
  }

  /** The step's segment from the previous position to (lon1, lat1, alt1) at t1. */
  private segment(i: number, t1: number, lon1: number, lat1: number, alt1: number): void {
    const t0 = this.prevT[i];
    const country = this.countryAt(lon1, lat1);
    if (country !== this.country[i]) {
      // The first entry into the home country from the origin country is the border crossing.
      if (
        country === COUNTRY_HOME &&
        this.country[i] === COUNTRY_ORIGIN &&
        Number.isNaN(this.borderTSec[i])
      ) {
        const home = this.targets.home!;
        const f = this.locate(i, lon1, lat1, alt1, (lon, lat) => home.contains(lon, lat));
        this.emit(i, 'border-crossing', f, t1, lon1, lat1, alt1);
      }
      this.country[i] = country;
    }
    const zones = this.targets.zones;
    for (let z = 0; z < zones.length; z++) {
      const zone = zones[z];
      const k = i * this.zoneCount + z;
      const now = this.inZone(zone, lon1, lat1, alt1) ? 1 : 0;
      const was = this.inside[k];
      if (now !== was) {
        const f = this.locate(i, lon1, lat1, alt1, (lon, lat, alt) => this.inZone(zone, lon, lat, alt));
        const e = this.emit(i, now ? 'zone-entry' : 'zone-exit', f, t1, lon1, lat1, alt1, zone.id);
        if (now) {
          this.enter(i, z, k, e.tSec, e.lon, e.lat, e.altM);
          this.insideSec[k] += Math.abs(t1 - e.tSec);
        } else {
          this.visitEndTSec[this.openVisit[k]] = e.tSec;
          this.openVisit[k] = -1;
          this.inside[k] = 0;
          this.insideSec[k] += Math.abs(e.tSec - t0);
        }
      } else if (now) {
        this.insideSec[k] += Math.abs(t1 - t0);
      }
      if (!now) this.approach(k, z, lon1, lat1, alt1, t1);
    }
    this.prevLon[i] = lon1;
    this.prevLat[i] = lat1;
    this.prevAlt[i] = alt1;
    this.prevT[i] = t1;
  }

  /** Visits found (see records): how many, and each one's member, zone, entry and exit times. */
  get visits(): {
    count: number;
    member: Uint32Array;
    zone: Uint32Array;
    startTSec: Float64Array;
    endTSec: Float64Array;
  } {
    return {
      count: this.visitCount,
      member: this.visitMember,
      zone: this.visitZone,
      startTSec: this.visitStartTSec,
      endTSec: this.visitEndTSec,
    };
  }

  /**
   * Per member and zone (as closestM): the horizontal distance (m, on the sphere: the zone's exact
   * distanceM) from the closest-approach point to the zone's area; NaN where there is no closest
   * approach (never flew) or the zone has no geometry. The summary ranks members by it; it costs a
   * distance to the zone's outline per member and zone, so workers compute it for their members.
   */
  closestHorizontalM(): Float64Array {
    if (this.horizontalM && this.horizontalKnown) return this.horizontalM;
    const z = this.zoneCount;
    const out = new Float64Array(this.count * z).fill(Number.NaN);
    for (let k = 0; k < z; k++) {
      const geometry = this.targets.zones[k].geometry;
      if (!geometry) continue;
      for (let i = 0; i < this.count; i++) {
        const j = i * z + k;
        if (Number.isFinite(this.closestM[j]))
          out[j] = geometry.distanceM(this.closestLon[j], this.closestLat[j]);
      }
    }
    this.horizontalM = out;
    this.horizontalKnown = true;
    return out;
  }

  /** The per-member records, in a form that crosses threads (typed arrays only, visits trimmed). */
  records(): ObserverRecords {
    const v = this.visitCount;
    return {
      ...(this.horizontalM && this.horizontalKnown ? { closestHorizontalM: this.horizontalM } : {}),
      borderTSec: this.borderTSec,
      borderLon: this.borderLon,
      borderLat: this.borderLat,
      borderAltM: this.borderAltM,
      entryTSec: this.entryTSec,
      insideSec: this.insideSec,
      closestM: this.closestM,
      closestTSec: this.closestTSec,
      closestAltM: this.closestAltM,
      closestLon: this.closestLon,
      closestLat: this.closestLat,
      visitMember: this.visitMember.slice(0, v),
      visitZone: this.visitZone.slice(0, v),
      visitStartTSec: this.visitStartTSec.slice(0, v),
      visitEndTSec: this.visitEndTSec.slice(0, v),
    };
  }

  /**
   * An observer holding the records of parts of a run (part p's member m is member parts[p].ids[m]
   * here), as `absorb` into a fresh observer gives them, for a summary: it observes no steps, so
   * none of the stepping state is made, and only members no part brings are set to "nothing
   * recorded" (the records of a 10⁵-member run are tens of MB; setting them all first, then
   * overwriting them with the parts', cost the main thread as much as half its merge).
   */
  static ofParts(
    targets: AnalysisTargets,
    members: MemberSet,
    parts: readonly { records: ObserverRecords; ids: ArrayLike<number> }[],
  ): RunObserver {
    // One part of every member in order (one worker's run): its records are the run's, as they are.
    const [only] = parts;
    if (parts.length === 1 && only.ids.length === members.count) {
      let identity = true;
      for (let p = 0; p < only.ids.length && identity; p++) identity = only.ids[p] === p;
      const r = only.records;
      const sized =
        r.borderTSec.length === members.count &&
        r.entryTSec.length === members.count * targets.zones.length &&
        r.visitMember.length === r.visitEndTSec.length;
      if (identity && sized) return new RunObserver(targets, members, undefined, r);
    }
    const observer = new RunObserver(targets, members, undefined, true);
    const covered = new Uint8Array(observer.count);
    let visits = 0;
    for (const { records, ids } of parts) {
      for (let p = 0; p < ids.length; p++) covered[ids[p]] = 1;
      visits += records.visitMember.length;
    }
    observer.reserveVisits(visits);
    const z = observer.zoneCount;
    for (let i = 0; i < observer.count; i++) {
      if (covered[i]) continue;
      for (const a of [observer.borderTSec, observer.borderLon, observer.borderLat, observer.borderAltM])
        a[i] = Number.NaN;
      for (let k = i * z; k < (i + 1) * z; k++) {
        observer.entryTSec[k] = Number.NaN;
        observer.closestM[k] = Number.POSITIVE_INFINITY;
        observer.closestTSec[k] = Number.NaN;
        observer.closestAltM[k] = Number.NaN;
        observer.closestLon[k] = Number.NaN;
        observer.closestLat[k] = Number.NaN;
      }
    }
    for (const { records, ids } of parts) observer.absorb(records, ids);
    return observer;
  }

  /** Room for `extra` more visits at once (not doubling, visit by visit, while absorbing parts). */
  private reserveVisits(extra: number): void {
    const size = this.visitCount + extra;
    if (size <= this.visitMember.length) return;
    const grow = <A extends Uint32Array | Float64Array>(a: A): A => {
      const b = new (a.constructor as new (n: number) => A)(size);
      b.set(a.subarray(0, this.visitCount));
      return b;
    };
    this.visitMember = grow(this.visitMember);
    this.visitZone = grow(this.visitZone);
    this.visitStartTSec = grow(this.visitStartTSec);
    this.visitEndTSec = grow(this.visitEndTSec);
  }

  /** Takes the records of another observer whose member p is member ids[p] here (merging parts of a run). */
  absorb(part: ObserverRecords, ids: ArrayLike<number>): void {
    const z = this.zoneCount;
    // Parts are usually ranges of members (a worker's chunk): then each array is one copy.
    let range = true;
    for (let p = 1; p < ids.length && range; p++) range = ids[p] === ids[0] + p;
    const copy = (to: Float64Array, from: Float64Array, width: number) => {
      if (range && ids.length > 0) to.set(from.subarray(0, ids.length * width), ids[0] * width);
      else
        for (let p = 0; p < ids.length; p++)
          for (let k = 0; k < width; k++) to[ids[p] * width + k] = from[p * width + k];
    };
    for (const key of ['borderTSec', 'borderLon', 'borderLat', 'borderAltM'] as const)
      copy(this[key], part[key], 1);
    for (const key of [
      'entryTSec',
      'insideSec',
      'closestM',
      'closestTSec',
      'closestAltM',
      'closestLon',
      'closestLat',
    ] as const)
      copy(this[key], part[key], z);
    // The parts' horizontal distances, if every part came with them (else computed when asked).
    if (part.closestHorizontalM && this.horizontalKnown) {
      this.horizontalM ??= new Float64Array(this.count * z).fill(Number.NaN);
      copy(this.horizontalM, part.closestHorizontalM, z);
    } else this.horizontalKnown = false;
    for (let v = 0; v < part.visitMember.length; v++) {
      const w = this.addVisit(ids[part.visitMember[v]], part.visitZone[v], part.visitStartTSec[v]);
      this.visitEndTSec[w] = part.visitEndTSec[v];
    }
  }
}
