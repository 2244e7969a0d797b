import { invalid } from '../errors.js';
import { Stage } from '../flight/profile.js';
import { BATCH_SIZE, Batch } from './batch.js';
import { FlightStages } from './flight-stages.js';
import { Integrator } from './integrator.js';
import { type Frame, MemberState } from './member-state.js';
import type { MemberSet } from './members.js';
import { checkOptions, runStartSec, type SimulationOptions } from './options.js';
import { MemberStatus, type SimEvent } from './status.js';
import { type SolverMethod, tableauOf } from './tableaus.js';
import { WindError } from './wind-error.js';

export type { Frame } from './member-state.js';
export type { SimulationOptions } from './options.js';
export { SOLVER_METHODS, type SolverMethod } from './tableaus.js';

/** Event location: stop when the event function is this close to zero (m) or the bracket this short (s). */
const EVENT_TOLERANCE_M = 1e-9;
const EVENT_TOLERANCE_SEC = 1e-7;
/** A step is split at most this many times by events (launch, float, release, landing…). */
const MAX_EVENTS_PER_STEP = 8;
/** The largest double below 180: longitudes are kept in [−180, 180). */
const LARGEST_BELOW_180 = 180 - 2 ** -45;

/**
 * A fixed-step run of many members through one wind field. All members share the time grid
 * t₀ + n·dt and are stepped together; an event (launch, float altitude reached, burst, release, landing)
 * is located inside its step — exactly for timed events, by Illinois regula falsi on the altitude
 * condition otherwise (exact in one iteration when altitude is linear in time) — and the rest of the
 * step continues in the next stage.
 *
 * Members without an event in a step are integrated together, one batch wind call per integrator stage
 * (the field can then locate the time once); a member with an event is integrated on its own.
 * State is a struct of typed arrays; scratch arrays are allocated once; nothing is allocated per step
 * except event records.
 *
 * This file is the run itself: the time grid, gathering members into batches, committing their
 * steps, the domain and wind-end checks, and locating events inside a step. Its parts, one per file:
 * options.ts (the options and their checks), batch.ts (the batch arrays), integrator.ts with
 * tableaus.ts (one RK step of a batch; Euler, Heun, RK4), flight-stages.ts (launch, stage ends and
 * what follows them), wind-error.ts (the AR(1) wind error), member-state.ts (the live state, its
 * events and frames).
 */
export class Simulation {
  readonly count: number;
  readonly method: SolverMethod;
  readonly dtSec: number;
  readonly stepCount: number;
  readonly startSec: number;
  /** Live state (see MemberState). */
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  readonly altM: Float64Array;
  readonly stage: Uint8Array;
  readonly status: Uint8Array;
  /** Time of the member's end (landing, leaving the domain…); NaN while flying. */
  readonly endTSec: Float64Array;
  private stepIndex = 0;

  private readonly m: MemberSet;
  private readonly sign: number;
  private readonly state: MemberState;
  private readonly flight: FlightStages;
  private readonly windError: WindError;
  private readonly integrator: Integrator;
  private readonly hasOrography: boolean;
  /** True when some member floats on a pressure surface. */
  private readonly hasSurfaceFloats: boolean;
  /** Absolute time at which the current timed stage ends (float end), NaN if none. */
  private readonly stageEndTSec: Float64Array;
  /** Absolute payload release time, NaN if none. */
  private readonly releaseTSec: Float64Array;
  /** Whether members carry a stochastic wind error (drawn at launch, updated every step). */
  private readonly noisy: boolean;
  /** The wind's lon/lat box (see WindCoverage) and time range, copied out for the per-step checks. */
  private readonly lonMin: number;
  private readonly lonSpan: number;
  private readonly wrapsLon: boolean;
  private readonly latMin: number;
  private readonly latMax: number;
  private readonly windStartSec: number;
  private readonly windEndSec: number;
  /**
   * The box's longitudes as one interval inside [−180, 180), for the batch's quick "still inside" test;
   * NaN (the test always fails, `endOfStep` decides) when they are not one, as for 0..360 grids.
   */
  private readonly quickWest: number;
  private readonly quickEast: number;

  /* Scratch: all members' batch, a one-member batch for events, the result of `integrate`. */
  private readonly batch: Batch;
  private readonly single = new Batch(1);
  private nLon = 0;
  private nLat = 0;
  private nAlt = 0;

  constructor(options: SimulationOptions) {
    const { wind, members, method, dtSec } = options;
    const { sign, stepCount, groundM } = checkOptions(options);
    this.m = members;
    this.count = members.count;
    this.method = method;
    this.sign = sign;
    this.dtSec = sign * dtSec;
    this.stepCount = stepCount;
    const n = members.count;
    const state = new MemberState(n);
    this.state = state;
    this.lon = state.lon;
    this.lat = state.lat;
    this.altM = state.altM;
    this.stage = state.stage;
    this.status = state.status;
    this.endTSec = state.endTSec;
    this.flight = new FlightStages(members, state, wind, sign, groundM);
    this.hasOrography = this.flight.hasOrography;
    this.hasSurfaceFloats = this.flight.hasSurfaceFloats;
    this.stageEndTSec = this.flight.stageEndTSec;
    this.releaseTSec = this.flight.releaseTSec;
    const c = wind.coverage;
    this.lonMin = c.lonMin;
    this.lonSpan = c.lonMax - c.lonMin;
    this.wrapsLon = c.wrapsLon;
    this.latMin = c.latMin;
    this.latMax = c.latMax;
    this.windStartSec = c.tMinSec;
    this.windEndSec = c.tMaxSec;
    const simpleBox = !c.wrapsLon && c.lonMin >= -180 && c.lonMax < 180;
    this.quickWest = c.wrapsLon ? -180 : simpleBox ? c.lonMin : Number.NaN;
    this.quickEast = c.wrapsLon ? LARGEST_BELOW_180 : simpleBox ? c.lonMax : Number.NaN;

    this.batch = new Batch(Math.min(n, BATCH_SIZE));
    const start = runStartSec(options.startSec, members, sign);
    this.startSec = start;
    this.windError = new WindError(options.windError, dtSec, n, options.memberIds);
    this.noisy = this.windError.sigmaMps > 0;
    this.integrator = new Integrator(
      tableauOf(method),
      wind,
      members,
      state.stage,
      this.flight,
      this.windError,
    );

    for (let i = 0; i < n; i++) {
      const t = members.launchTSec[i];
      if (!Number.isFinite(t)) invalid(`members[${i}].launchTSec`, 'must be a finite time', t);
      if (this.sign * (t - start) < 0)
        invalid(`members[${i}].launchTSec`, 'must not be before the start of the run', t);
      if (t === start) this.launch(i);
    }
  }

  /** Current time of the run (s since the Unix epoch). */
  get tSec(): number {
    return this.startSec + this.stepIndex * this.dtSec;
  }

  get stepsTaken(): number {
    return this.stepIndex;
  }

  get done(): boolean {
    return this.stepIndex >= this.stepCount;
  }

  /** Events since the last call, in the order they happened within each step. */
  drainEvents(): SimEvent[] {
    return this.state.drainEvents();
  }

  /** Current positions (a copy): lon, lat, alt per member, NaN for members not flying. */
  frame(): Frame {
    return this.state.frame(this.tSec);
  }

  /** Advances every member by one step. */
  step(): void {
    if (this.done) return;
    const t = this.tSec;
    let tEnd = this.startSec + (this.stepIndex + 1) * this.dtSec;
    // The wind's time range ends inside this step: go to its end, then stop whoever is still flying.
    const windEnd = this.sign > 0 ? this.windEndSec : this.windStartSec;
    const windEnds = this.sign * (tEnd - windEnd) > 0;
    if (windEnds) tEnd = windEnd;
    if (this.noisy) this.windError.update(this.status);

    // Members with a launch or a timed event inside the step go alone; the rest go as one batch.
    const n = this.count;
    const status = this.status;
    const stage = this.stage;
    const launchT = this.m.launchTSec;
    const sign = this.sign;
    const b = this.batch;
    const { idx, x0, y0, z0 } = b;
    const lon = this.lon;
    const lat = this.lat;
    const alt = this.altM;
    const stageEnd = this.stageEndTSec;
    const release = this.releaseTSec;
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (count === BATCH_SIZE) {
        this.finishBatch(count, t, tEnd, windEnds);
        count = 0;
      }
      const st = status[i];
      if (st === MemberStatus.pending) {
        const tl = launchT[i];
        if (!(sign * (tl - t) > 0 && sign * (tl - tEnd) <= 0)) continue;
        this.launch(i);
        if (status[i] === MemberStatus.active && tl !== tEnd) this.advance(i, tl, tEnd);
        this.endOfStep(i, tEnd, windEnds);
        continue;
      }
      if (st !== MemberStatus.active) continue;
      const sg = stage[i];
      if (sg === Stage.float || sg === Stage.ascent) {
        const te = stageEnd[i];
        const tr = release[i];
        if (
          (sign * (te - t) > 0 && sign * (te - tEnd) <= 0) ||
          (sign * (tr - t) > 0 && sign * (tr - tEnd) <= 0)
        ) {
          this.advance(i, t, tEnd);
          this.endOfStep(i, tEnd, windEnds);
          continue;
        }
      }
      if (sg !== Stage.float) b.vertical = true;
      idx[count] = i;
      x0[count] = lon[i];
      y0[count] = lat[i];
      z0[count] = alt[i];
      count++;
    }
    this.finishBatch(count, t, tEnd, windEnds);
    this.stepIndex = windEnds ? this.stepCount : this.stepIndex + 1;
  }

  /** Integrates the gathered batch over the step and stores the results (or redoes members with events). */
  private finishBatch(count: number, t: number, tEnd: number, windEnds: boolean): void {
    if (count === 0) return;
    const b = this.batch;
    const stage = this.stage;
    this.integrator.integrate(b, count, t, tEnd - t);
    const flatGround = !this.hasOrography;
    // A float at a fixed altitude over flat ground meets no altitude event.
    const allLevel = flatGround && !b.vertical && !this.hasSurfaceFloats;
    const pressure = this.m.floatPressureHpa;
    const { idx, xs, ys, zs } = b;
    const lon = this.lon;
    const lat = this.lat;
    const alt = this.altM;
    const south = this.latMin;
    const north = this.latMax;
    const west = this.quickWest;
    const east = this.quickEast;
    for (let p = 0; p < count; p++) {
      const i = idx[p];
      const level = allLevel || (flatGround && stage[i] === Stage.float && Number.isNaN(pressure[i]));
      if (!level && this.flight.altitudeEvent(i, stage[i], xs[p], ys[p], zs[p], tEnd) >= 0) {
        this.advance(i, t, tEnd); // redo this member alone, locating its event
        this.endOfStep(i, tEnd, windEnds);
        continue;
      }
      const x = xs[p];
      const y = ys[p];
      const z = zs[p];
      // x − x is 0 for every finite number and NaN for NaN and ±∞: one subtraction per coordinate.
      if (!(x - x === 0 && y - y === 0 && z - z === 0)) {
        this.stopNonFinite(i, t); // the state stays that of the step's start, its last finite one
        continue;
      }
      lon[i] = x;
      lat[i] = y;
      alt[i] = z;
      // Most members are still inside the box and the wind goes on: nothing else to do.
      if (windEnds || !(y >= south && y <= north && x >= west && x <= east))
        this.endOfStep(i, tEnd, windEnds);
    }
    b.vertical = false;
  }

  /** After a member's step: wrap its longitude, stop it if it left the domain or the wind ended. */
  private endOfStep(i: number, tEnd: number, windEnds: boolean): void {
    if (this.status[i] !== MemberStatus.active) return;
    const lonMin = this.lonMin;
    const lonSpan = this.lonSpan;
    let lon = this.lon[i];
    if (!(Number.isFinite(lon) && Number.isFinite(this.lat[i]) && Number.isFinite(this.altM[i]))) {
      this.state.finish(i, MemberStatus.nonFinite, 'non-finite', tEnd); // e.g. a launch at a NaN altitude
      return;
    }
    if (!(lon >= -180 && lon < 180)) {
      lon -= 360 * Math.floor((lon + 180) / 360);
      this.lon[i] = lon;
    }
    const lat = this.lat[i];
    let inside = lat >= this.latMin && lat <= this.latMax;
    if (inside && !this.wrapsLon && !(lon >= lonMin && lon <= lonMin + lonSpan)) {
      inside = lon - lonMin - 360 * Math.floor((lon - lonMin) / 360) <= lonSpan; // grids stored as 0..360
    }
    if (!inside) this.state.finish(i, MemberStatus.leftDomain, 'left-domain', tEnd);
    else if (windEnds) this.state.finish(i, MemberStatus.windEnded, 'wind-ended', tEnd);
  }

  // ---- one member ---------------------------------------------------------------------------

  /** Member i starts: its wind error drawn, then its launch point, altitude and first stage. */
  private launch(i: number): void {
    if (this.noisy) this.windError.start(i);
    this.flight.launch(i);
  }

  /** Moves member i from time `from` to `to` through as many stage changes as occur. */
  private advance(i: number, from: number, to: number): void {
    const sign = this.sign;
    let t = from;
    for (let split = 0; split < MAX_EVENTS_PER_STEP; split++) {
      const stage = this.stage[i];
      const lon = this.lon[i];
      const lat = this.lat[i];
      const alt = this.altM[i];
      // The earliest timed event (float end or payload release) inside (t, to].
      let tStop = to;
      let timed = 0; // 0 none, 1 float end, 2 release
      if (stage === Stage.float || stage === Stage.ascent) {
        const te = this.stageEndTSec[i];
        if (sign * (te - t) > 0 && sign * (te - tStop) <= 0) {
          tStop = te;
          timed = 1;
        }
        const tr = this.releaseTSec[i];
        if (sign * (tr - t) > 0 && sign * (tr - tStop) <= 0) {
          tStop = tr;
          timed = 2;
        }
      }
      const h = tStop - t;
      this.integrate(i, lon, lat, alt, t, h);
      if (!(Number.isFinite(this.nLon) && Number.isFinite(this.nLat) && Number.isFinite(this.nAlt))) {
        this.stopNonFinite(i, t);
        return;
      }
      const gEnd = this.flight.altitudeEvent(i, stage, this.nLon, this.nLat, this.nAlt, tStop);
      if (gEnd >= 0) {
        const g0 = this.flight.altitudeEvent(i, stage, lon, lat, alt, t);
        const tau = g0 >= 0 ? 0 : this.locateEvent(i, stage, lon, lat, alt, t, h, g0, gEnd);
        this.integrate(i, lon, lat, alt, t, tau);
        this.commit(i);
        t += tau;
        this.flight.altitudeTransition(i, stage, t);
      } else {
        this.commit(i);
        t = tStop;
        if (timed === 1) this.flight.timedStageEnd(i, stage, t);
        else if (timed === 2) this.flight.release(i, t);
      }
      if (this.status[i] !== MemberStatus.active || t === to) return;
    }
  }

  /**
   * A member whose next state is not finite (NaN or ±∞: a wind or vertical speed with no finite
   * value) stops at its current, last finite state at time t, with its reason: it is never written
   * as a NaN position, and the run's summary counts it.
   */
  private stopNonFinite(i: number, t: number): void {
    this.state.finish(i, MemberStatus.nonFinite, 'non-finite', t);
  }

  private commit(i: number): void {
    this.lon[i] = this.nLon;
    this.lat[i] = this.nLat;
    this.altM[i] = this.nAlt;
  }

  /** Finds τ in (0, h] where the altitude event is first met (Illinois variant of regula falsi). */
  private locateEvent(
    i: number,
    stage: number,
    lon: number,
    lat: number,
    alt: number,
    t: number,
    h: number,
    g0: number,
    gEnd: number,
  ): number {
    let a = 0;
    let ga = g0;
    let b = h;
    let gb = gEnd;
    let side = 0;
    for (let iter = 0; iter < 100; iter++) {
      if (Math.abs(b - a) <= EVENT_TOLERANCE_SEC) break;
      let tau = (a * gb - b * ga) / (gb - ga);
      if (!(tau > Math.min(a, b) && tau < Math.max(a, b))) tau = 0.5 * (a + b);
      this.integrate(i, lon, lat, alt, t, tau);
      const g = this.flight.altitudeEvent(i, stage, this.nLon, this.nLat, this.nAlt, t + tau);
      if (g >= 0) {
        b = tau;
        gb = g;
        if (g <= EVENT_TOLERANCE_M) break;
        if (side === 1) ga /= 2;
        side = 1;
      } else {
        a = tau;
        ga = g;
        if (side === -1) gb /= 2;
        side = -1;
      }
    }
    return b;
  }

  /** Integrates member i alone over h seconds from (lon, lat, alt, t); result in nLon, nLat, nAlt. */
  private integrate(i: number, lon: number, lat: number, alt: number, t: number, h: number): void {
    const b = this.single;
    b.idx[0] = i;
    b.vertical = this.stage[i] !== Stage.float;
    b.x0[0] = lon;
    b.y0[0] = lat;
    b.z0[0] = alt;
    this.integrator.integrate(b, 1, t, h);
    this.nLon = b.xs[0];
    this.nLat = b.ys[0];
    this.nAlt = b.zs[0];
  }
}
