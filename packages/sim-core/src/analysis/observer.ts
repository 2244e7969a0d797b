import { M_PER_DEG, RAD_PER_DEG } from '../earth.js';
import type { MemberSet } from '../solver/members.js';
import { MemberStatus } from '../solver/status.js';

/** An airspace zone as the analysis sees it: a horizontal test plus vertical limits (m AMSL). */
export interface ZoneTarget {
  id: string;
  name: string;
  kind: string;
  lowerM: number;
  upperM: number;
  /** Horizontal test, cheap enough to call for every member and step (see AreaMask). */
  contains(lon: number, lat: number): boolean;
  /** The airport the zone protects: closest approach is measured to its reference point. */
  airport?: { icao: string; lon: number; lat: number };
}

/** A country as the analysis sees it: its id and name from the geography, and an area test. */
export interface CountryTarget {
  /** The geography's id (e.g. LT) and the name the summaries print (e.g. "Lithuania"). */
  id: string;
  name: string;
  contains(lon: number, lat: number): boolean;
}

/** What a run is analysed against: zones, and the border crossed from `origin` into `home`. */
export interface AnalysisTargets {
  zones: ZoneTarget[];
  /** Country the balloons come from (Belarus) and the one they enter (Lithuania). */
  origin?: CountryTarget;
  home?: CountryTarget;
}

/** A RunObserver's per-member arrays (see RunObserver for their meaning). */
export interface ObserverRecords {
  borderTSec: Float64Array;
  borderLon: Float64Array;
  borderLat: Float64Array;
  borderAltM: Float64Array;
  entryTSec: Float64Array;
  exitTSec: Float64Array;
  insideSec: Float64Array;
  closestM: Float64Array;
  closestTSec: Float64Array;
  closestAltM: Float64Array;
  closestLon: Float64Array;
  closestLat: Float64Array;
  inside: Uint8Array;
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
 * Watches a run step by step and records, per member: the border crossing (time and point), for each
 * zone the first entry, last exit and time inside (vertical limits respected), and the closest
 * approach to each zone's airport. A transition is located on the straight segment between the
 * member's positions at the start and end of the step, by bisection. A zone crossed entirely within
 * one step (< 2 km at balloon speeds and dt = 60 s) would be missed; zones are kilometres wide.
 */
export class RunObserver {
  readonly count: number;
  readonly zoneCount: number;
  /** Border crossing per member (NaN: none). */
  readonly borderTSec: Float64Array;
  readonly borderLon: Float64Array;
  readonly borderLat: Float64Array;
  readonly borderAltM: Float64Array;
  /** Per member and zone, index member·zoneCount + zone: first entry, last exit (or landing inside). */
  readonly entryTSec: Float64Array;
  readonly exitTSec: Float64Array;
  readonly insideSec: Float64Array;
  /**
   * Closest approach to the zone's airport: the distance found step by step (m, on the sphere: see
   * approach), when, at what altitude and where (degrees). Summaries report the distance from that
   * point on the ellipsoid.
   */
  readonly closestM: Float64Array;
  readonly closestTSec: Float64Array;
  readonly closestAltM: Float64Array;
  readonly closestLon: Float64Array;
  readonly closestLat: Float64Array;

  private readonly inside: Uint8Array;
  private readonly country: Uint8Array;
  private readonly prevLon: Float64Array;
  private readonly prevLat: Float64Array;
  private readonly prevAlt: Float64Array;
  private readonly prevT: Float64Array;
  private readonly finished: Uint8Array;
  private pending: AnalysisEvent[] = [];

  constructor(
    readonly targets: AnalysisTargets,
    private readonly members: MemberSet,
  ) {
    const n = members.count;
    const z = targets.zones.length;
    this.count = n;
    this.zoneCount = z;
    const nan = (size: number) => new Float64Array(size).fill(Number.NaN);
    this.borderTSec = nan(n);
    this.borderLon = nan(n);
    this.borderLat = nan(n);
    this.borderAltM = nan(n);
    this.entryTSec = nan(n * z);
    this.exitTSec = nan(n * z);
    this.insideSec = new Float64Array(n * z);
    this.closestM = new Float64Array(n * z).fill(Number.POSITIVE_INFINITY);
    this.closestTSec = nan(n * z);
    this.closestAltM = nan(n * z);
    this.closestLon = nan(n * z);
    this.closestLat = nan(n * z);
    this.inside = new Uint8Array(n * z);
    this.country = new Uint8Array(n);
    this.prevLon = nan(n);
    this.prevLat = nan(n);
    this.prevAlt = nan(n);
    this.prevT = nan(n);
    this.finished = new Uint8Array(n);
  }

  /** Events found since the last call. */
  drainEvents(): AnalysisEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Looks at every member after a step of `sim` that ended at sim.tSec. */
  observe(sim: ObservedRun): void {
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
        if (status === MemberStatus.landed || status === MemberStatus.launchPoint) this.grounded(i, t1);
      }
    }
  }

  /**
   * A member that reached the ground at t left the airspace of any zone it was in then: its last
   * moment inside is t, not the end of the run. (A payload lying in a zone's polygon below its upper
   * limit would otherwise keep the zone's closure window open for the rest of the run.) Members that
   * stop in the air (wind data ended, left the data, non-finite) stay inside: where they went is unknown.
   */
  private grounded(i: number, t: number): void {
    for (let z = 0; z < this.zoneCount; z++) {
      const k = i * this.zoneCount + z;
      if (!this.inside[k]) continue;
      this.exitTSec[k] = t;
      this.inside[k] = 0;
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
      this.inside[k] = this.inZone(zones[z], lon, lat, alt) ? 1 : 0;
      if (this.inside[k]) this.entryTSec[k] = t;
      this.approach(k, zones[z], lon, lat, alt, t);
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

  /**
   * Closest approach to the zone's airport: equirectangular distance on the sphere, < 0.1 % off the
   * great circle within 100 km, cheap enough for every step; it picks the closest point, whose
   * distance summaries then measure on the ellipsoid.
   */
  private approach(k: number, zone: ZoneTarget, lon: number, lat: number, alt: number, t: number): void {
    const a = zone.airport;
    if (!a) return;
    const dx = (lon - a.lon) * Math.cos(((lat + a.lat) / 2) * RAD_PER_DEG);
    const dy = lat - a.lat;
    const d = Math.sqrt(dx * dx + dy * dy) * M_PER_DEG;
    if (d < this.closestM[k]) {
      this.closestM[k] = d;
      this.closestTSec[k] = t;
      this.closestAltM[k] = alt;
      this.closestLon[k] = lon;
      this.closestLat[k] = lat;
    }
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
  ): number {
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
    return tSec;
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
        const t = this.emit(i, now ? 'zone-entry' : 'zone-exit', f, t1, lon1, lat1, alt1, zone.id);
        if (now) {
          if (Number.isNaN(this.entryTSec[k])) this.entryTSec[k] = t;
          this.insideSec[k] += Math.abs(t1 - t);
        } else {
          this.exitTSec[k] = t;
          this.insideSec[k] += Math.abs(t - t0);
        }
        this.inside[k] = now;
      } else if (now) {
        this.insideSec[k] += Math.abs(t1 - t0);
      }
      this.approach(k, zone, lon1, lat1, alt1, t1);
    }
    this.prevLon[i] = lon1;
    this.prevLat[i] = lat1;
    this.prevAlt[i] = alt1;
    this.prevT[i] = t1;
  }

  /** The per-member records, in a form that crosses threads (typed arrays only). */
  records(): ObserverRecords {
    return {
      borderTSec: this.borderTSec,
      borderLon: this.borderLon,
      borderLat: this.borderLat,
      borderAltM: this.borderAltM,
      entryTSec: this.entryTSec,
      exitTSec: this.exitTSec,
      insideSec: this.insideSec,
      closestM: this.closestM,
      closestTSec: this.closestTSec,
      closestAltM: this.closestAltM,
      closestLon: this.closestLon,
      closestLat: this.closestLat,
      inside: this.inside,
    };
  }

  /** Takes the records of another observer whose member p is member ids[p] here (merging parts of a run). */
  absorb(part: ObserverRecords, ids: ArrayLike<number>): void {
    const z = this.zoneCount;
    for (let p = 0; p < ids.length; p++) {
      const i = ids[p];
      for (const key of ['borderTSec', 'borderLon', 'borderLat', 'borderAltM'] as const)
        this[key][i] = part[key][p];
      for (let k = 0; k < z; k++) {
        for (const key of [
          'entryTSec',
          'exitTSec',
          'insideSec',
          'closestM',
          'closestTSec',
          'closestAltM',
          'closestLon',
          'closestLat',
        ] as const)
          this[key][i * z + k] = part[key][p * z + k];
        this.inside[i * z + k] = part.inside[p * z + k];
      }
    }
  }

  /**
   * Members still inside a zone at the end of the run (flying there, or stopped in the air there) have
   * no exit; their last time is the run's end. One that came down inside left at its landing (exitTSec).
   */
  isInside(member: number, zone: number): boolean {
    return this.inside[member * this.zoneCount + zone] === 1;
  }
}
