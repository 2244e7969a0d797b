import { isaAltitudeM } from '../atmosphere.js';
import { DEG_PER_RAD, EARTH_RADIUS_M, RAD_PER_DEG } from '../earth.js';
import { gaussian, memberRng, type Rng, RngStream } from '../ensemble/random.js';
import { invalid } from '../errors.js';
import { descentSpeedFactor, Stage } from '../flight/profile.js';
import type { WindField } from '../wind/wind-field.js';
import type { MemberSet } from './members.js';
import { MemberStatus, type SimEvent, type SimEventKind } from './status.js';

export type SolverMethod = 'euler' | 'heun' | 'rk4';
export const SOLVER_METHODS: readonly SolverMethod[] = ['euler', 'heun', 'rk4'];

export interface SimulationOptions {
  wind: WindField;
  members: MemberSet;
  method: SolverMethod;
  /** Step length (s, > 0); the direction sets its sign. */
  dtSec: number;
  direction: 'forward' | 'backward';
  /** Run length (s, > 0), a whole number of steps. */
  durationSec: number;
  /** Start of the run (s since the Unix epoch); default: the first launch (forward) or last (backward). */
  startSec?: number;
  /** Ground elevation (m AMSL) where the wind field carries no orography. Default 0. */
  groundElevationM?: number;
  /** Stochastic wind error: AR(1) per member and component, σ (m/s) and correlation time (s). */
  windError?: { sigmaMps: number; correlationSec: number; seed: number };
  /**
   * Each member's index in the whole run, which seeds its random wind error. A run split across
   * workers or shards passes the global indices of its part, so every member draws the same numbers
   * whichever part it runs in. Default: 0, 1, 2…
   */
  memberIds?: Uint32Array;
}

/** Positions of every member at one time: lon, lat, alt interleaved; NaN where not flying. */
export interface Frame {
  tSec: number;
  positions: Float32Array;
}

/** Degrees of arc per metre along a meridian. */
const DEG_PER_M = DEG_PER_RAD / EARTH_RADIUS_M;
/** Event location: stop when the event function is this close to zero (m) or the bracket this short (s). */
const EVENT_TOLERANCE_M = 1e-9;
const EVENT_TOLERANCE_SEC = 1e-7;
/**
 * Butcher tableaus of the explicit methods, all with one non-zero entry per row of A (aᵢ on the
 * sub-diagonal): nodes c, weights b, and a (a[0] unused). Index = SOLVER_METHODS order.
 */
const TABLEAUS = [
  { c: [0], a: [0], b: [1] }, // Euler
  { c: [0, 1], a: [0, 1], b: [0.5, 0.5] }, // Heun (explicit trapezoid)
  { c: [0, 0.5, 0.5, 1], a: [0, 0.5, 0.5, 1], b: [1 / 6, 1 / 3, 1 / 3, 1 / 6] }, // classic RK4
];

/**
 * Members integrated together. The batch arrays (≈ 100 kB) then sit in the L2 cache, and each wind
 * call and stage loop is long enough that its set-up no longer counts: on drift-bench 1024 ran 3 %
 * faster than 512 and 5 % faster than 128; 2048 gained nothing more.
 */
const BATCH_SIZE = 1024;
/** A step is split at most this many times by events (launch, float, release, landing…). */
const MAX_EVENTS_PER_STEP = 8;
/** The largest double below 180: longitudes are kept in [−180, 180). */
const LARGEST_BELOW_180 = 180 - 2 ** -45;

/**
 * Packed working arrays for integrating a set of members together: member indices, start state,
 * evaluation point, the running RK sum and the wind samples. Allocated once per run.
 */
class Batch {
  readonly idx: Int32Array;
  readonly x0: Float64Array;
  readonly y0: Float64Array;
  readonly z0: Float64Array;
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly zs: Float64Array;
  readonly sx: Float64Array;
  readonly sy: Float64Array;
  readonly sz: Float64Array;
  readonly u: Float64Array;
  readonly v: Float64Array;
  readonly cosLat: Float64Array;
  /** Whether a member of the batch is ascending or descending (else all float: altitude is held). */
  vertical = false;
  constructor(size: number) {
    this.idx = new Int32Array(size);
    const f = () => new Float64Array(size);
    this.x0 = f();
    this.y0 = f();
    this.z0 = f();
    this.xs = f();
    this.ys = f();
    this.zs = f();
    this.sx = f();
    this.sy = f();
    this.sz = f();
    this.u = f();
    this.v = f();
    this.cosLat = f();
  }
}

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
 */
export class Simulation {
  readonly count: number;
  readonly method: SolverMethod;
  /** 0 Euler, 1 Heun, 2 RK4: compared as a small integer in the step. */
  private readonly order: number;
  readonly dtSec: number;
  readonly stepCount: number;
  readonly startSec: number;
  /** Live state. */
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  readonly altM: Float64Array;
  readonly stage: Uint8Array;
  readonly status: Uint8Array;
  /** Time of the member's end (landing, leaving the domain…); NaN while flying. */
  readonly endTSec: Float64Array;
  /** Events not yet taken by `drainEvents`. */
  private events: SimEvent[] = [];
  private stepIndex = 0;

  private readonly wind: WindField;
  private readonly m: MemberSet;
  private readonly sign: number;
  private readonly groundM: number;
  private readonly hasOrography: boolean;
  private readonly hasPressureLevels: boolean;
  /** True when some member floats on a pressure surface. */
  private readonly hasSurfaceFloats: boolean;
  /** Absolute time at which the current timed stage ends (float end), NaN if none. */
  private readonly stageEndTSec: Float64Array;
  /** Absolute payload release time, NaN if none. */
  private readonly releaseTSec: Float64Array;
  /** AR(1) wind error per member (m/s). */
  private readonly noiseU: Float64Array;
  private readonly noiseV: Float64Array;
  private readonly noiseRngs: Rng[];
  private readonly noisePhi: number;
  private readonly noiseInnovation: number;
  private readonly noiseSigma: number;
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
  private readonly windOut = new Float64Array(2);
  private readonly hasBatchSampler: boolean;
  private nLon = 0;
  private nLat = 0;
  private nAlt = 0;

  constructor(options: SimulationOptions) {
    const { wind, members, method, dtSec, durationSec } = options;
    if (!(dtSec > 0 && Number.isFinite(dtSec))) invalid('dtSec', 'must be > 0', dtSec);
    if (!(durationSec > 0 && Number.isFinite(durationSec)))
      invalid('durationSec', 'must be > 0', durationSec);
    if (!SOLVER_METHODS.includes(method))
      invalid('method', `must be one of ${SOLVER_METHODS.join(', ')}`, method);
    const steps = Math.round(durationSec / dtSec);
    if (Math.abs(steps * dtSec - durationSec) > 1e-9 * durationSec)
      invalid('durationSec', `must be a whole number of steps of ${dtSec} s`, durationSec);
    this.wind = wind;
    this.m = members;
    this.count = members.count;
    this.method = method;
    this.order = SOLVER_METHODS.indexOf(method);
    this.sign = options.direction === 'backward' ? -1 : 1;
    this.dtSec = this.sign * dtSec;
    this.stepCount = steps;
    this.groundM = options.groundElevationM ?? 0;
    if (!Number.isFinite(this.groundM)) invalid('groundElevationM', 'must be a finite number', this.groundM);
    this.hasOrography =
      typeof wind.groundElevationM === 'function' && !Number.isNaN(wind.groundElevationM(0, 0));
    this.hasPressureLevels = typeof wind.pressureLevelAltitudeM === 'function';
    this.hasSurfaceFloats = members.floatPressureHpa.some((p) => !Number.isNaN(p));
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

    const n = members.count;
    this.batch = new Batch(Math.min(n, BATCH_SIZE));
    this.hasBatchSampler = typeof wind.sampleMany === 'function';
    let start = options.startSec;
    if (start === undefined) {
      start = this.sign > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        const t = members.launchTSec[i];
        start = this.sign > 0 ? Math.min(start, t) : Math.max(start, t);
      }
      if (n === 0) start = 0;
    }
    this.startSec = start;
    this.lon = new Float64Array(n).fill(Number.NaN);
    this.lat = new Float64Array(n).fill(Number.NaN);
    this.altM = new Float64Array(n).fill(Number.NaN);
    this.stage = new Uint8Array(n);
    this.status = new Uint8Array(n);
    this.endTSec = new Float64Array(n).fill(Number.NaN);
    this.stageEndTSec = new Float64Array(n).fill(Number.NaN);
    this.releaseTSec = new Float64Array(n).fill(Number.NaN);
    this.noiseU = new Float64Array(n);
    this.noiseV = new Float64Array(n);

    const err = options.windError;
    this.noiseSigma = err && err.sigmaMps > 0 ? err.sigmaMps : 0;
    if (this.noiseSigma > 0 && err) {
      if (!(err.correlationSec > 0)) invalid('windError.correlationSec', 'must be > 0', err.correlationSec);
      this.noisePhi = Math.exp(-dtSec / err.correlationSec);
      this.noiseInnovation = this.noiseSigma * Math.sqrt(1 - this.noisePhi * this.noisePhi);
      const ids = options.memberIds;
      if (ids && ids.length !== n)
        invalid('memberIds.length', `must equal the member count ${n}`, ids.length);
      this.noiseRngs = Array.from({ length: n }, (_, i) =>
        memberRng(err.seed, RngStream.wind, ids ? ids[i] : i),
      );
    } else {
      this.noisePhi = 0;
      this.noiseInnovation = 0;
      this.noiseRngs = [];
    }

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
    const out = this.events;
    this.events = [];
    return out;
  }

  /** Current positions (a copy): lon, lat, alt per member, NaN for members not flying. */
  frame(): Frame {
    const n = this.count;
    const positions = new Float32Array(3 * n);
    for (let i = 0; i < n; i++) {
      const flying = this.status[i] === MemberStatus.active;
      positions[3 * i] = flying ? this.lon[i] : Number.NaN;
      positions[3 * i + 1] = flying ? this.lat[i] : Number.NaN;
      positions[3 * i + 2] = flying ? this.altM[i] : Number.NaN;
    }
    return { tSec: this.tSec, positions };
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
    if (this.noiseSigma > 0) this.updateWindError();

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
    this.integrateBatch(b, count, t, tEnd - t);
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
      if (!level && this.altitudeEvent(i, stage[i], xs[p], ys[p], zs[p], tEnd) >= 0) {
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
      this.finish(i, MemberStatus.nonFinite, 'non-finite', tEnd); // e.g. a launch at a NaN altitude
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
    if (!inside) this.finish(i, MemberStatus.leftDomain, 'left-domain', tEnd);
    else if (windEnds) this.finish(i, MemberStatus.windEnded, 'wind-ended', tEnd);
  }

  // ---- one member ---------------------------------------------------------------------------

  private launch(i: number): void {
    const m = this.m;
    const t = m.launchTSec[i];
    const lon = m.lon[i];
    const lat = m.lat[i];
    this.lon[i] = lon;
    this.lat[i] = lat;
    this.status[i] = MemberStatus.active;
    this.releaseTSec[i] = this.sign > 0 ? t + m.releaseAfterSec[i] : Number.NaN;
    if (this.noiseSigma > 0) {
      this.noiseU[i] = this.noiseSigma * gaussian(this.noiseRngs[i]);
      this.noiseV[i] = this.noiseSigma * gaussian(this.noiseRngs[i]);
    }
    if (this.sign > 0) {
      const launchAlt = Number.isNaN(m.launchAltM[i]) ? this.groundAt(lon, lat) : m.launchAltM[i];
      this.altM[i] = launchAlt;
      if (!Number.isNaN(m.ascentRateMps[i])) {
        this.stage[i] = Stage.ascent;
        this.stageEndTSec[i] = Number.NaN;
      } else {
        this.stage[i] = Stage.float;
        this.stageEndTSec[i] = t + m.floatDurationSec[i];
        if (Number.isNaN(m.launchAltM[i])) this.altM[i] = this.floatAltitude(i, lon, lat, t);
      }
    } else {
      this.stage[i] = Stage.float;
      this.stageEndTSec[i] = t - m.floatDurationSec[i];
      this.altM[i] = Number.isNaN(m.launchAltM[i]) ? this.floatAltitude(i, lon, lat, t) : m.launchAltM[i];
    }
    this.emit(i, 'launch', t);
    // A launch already at or above its float altitude floats at once.
    if (
      this.stage[i] === Stage.ascent &&
      this.altitudeEvent(i, Stage.ascent, lon, lat, this.altM[i], t) >= 0
    ) {
      this.endAscent(i, t);
    }
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
      const gEnd = this.altitudeEvent(i, stage, this.nLon, this.nLat, this.nAlt, tStop);
      if (gEnd >= 0) {
        const g0 = this.altitudeEvent(i, stage, lon, lat, alt, t);
        const tau = g0 >= 0 ? 0 : this.locateEvent(i, stage, lon, lat, alt, t, h, g0, gEnd);
        this.integrate(i, lon, lat, alt, t, tau);
        this.commit(i);
        t += tau;
        this.altitudeTransition(i, stage, t);
      } else {
        this.commit(i);
        t = tStop;
        if (timed === 1) this.timedStageEnd(i, stage, t);
        else if (timed === 2) this.release(i, t);
      }
      if (this.status[i] !== MemberStatus.active || t === to) return;
    }
  }

  private commit(i: number): void {
    this.lon[i] = this.nLon;
    this.lat[i] = this.nLat;
    this.altM[i] = this.nAlt;
  }

  /**
   * The altitude condition that ends a stage, as a function that is < 0 before the event and ≥ 0 at
   * and after it: reaching the float (or burst) altitude in ascent, reaching the ground otherwise.
   */
  private altitudeEvent(i: number, stage: number, lon: number, lat: number, alt: number, t: number): number {
    if (stage === Stage.ascent && this.sign > 0) return alt - this.ascentTarget(i, lon, lat, t);
    return this.groundAt(lon, lat) - alt;
  }

  /** Ascent ends at the float altitude or the burst altitude, whichever is lower. */
  private ascentTarget(i: number, lon: number, lat: number, t: number): number {
    const burst = this.m.burstAltM[i];
    const hasFloat = !Number.isNaN(this.m.floatAltM[i]) || !Number.isNaN(this.m.floatPressureHpa[i]);
    const float = hasFloat ? this.floatAltitude(i, lon, lat, t) : Number.POSITIVE_INFINITY;
    return Number.isNaN(burst) ? float : Math.min(burst, float);
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
      const g = this.altitudeEvent(i, stage, this.nLon, this.nLat, this.nAlt, t + tau);
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

  /** Stage change when the altitude condition is met at time t (state already committed). */
  private altitudeTransition(i: number, stage: number, t: number): void {
    if (stage === Stage.ascent && this.sign > 0) {
      this.endAscent(i, t);
      return;
    }
    this.altM[i] = this.groundAt(this.lon[i], this.lat[i]);
    if (this.sign > 0) this.finish(i, MemberStatus.landed, 'landing', t);
    else this.finish(i, MemberStatus.launchPoint, 'launch-point', t);
  }

  /** Ascent reached its target: float, or burst and descend. */
  private endAscent(i: number, t: number): void {
    const m = this.m;
    const lon = this.lon[i];
    const lat = this.lat[i];
    const target = this.ascentTarget(i, lon, lat, t);
    this.altM[i] = target;
    const burst = m.burstAltM[i];
    if (!Number.isNaN(burst) && target === burst) {
      this.stage[i] = Stage.descent;
      this.emit(i, 'burst', t);
      this.requireDescent(i);
    } else {
      this.stage[i] = Stage.float;
      this.stageEndTSec[i] = t + m.floatDurationSec[i];
      this.emit(i, 'float', t);
    }
  }

  private timedStageEnd(i: number, stage: number, t: number): void {
    if (stage !== Stage.float) return;
    if (this.sign > 0) {
      this.stage[i] = Stage.descent;
      this.emit(i, 'descent', t);
      this.requireDescent(i);
    } else if (!Number.isNaN(this.m.ascentRateMps[i])) {
      // Backward: before its float the balloon was ascending; trace that ascent down to the ground.
      this.stage[i] = Stage.ascent;
      this.emit(i, 'float', t);
    }
  }

  private release(i: number, t: number): void {
    this.stage[i] = Stage.descent;
    this.releaseTSec[i] = Number.NaN;
    this.emit(i, 'release', t);
    this.requireDescent(i);
  }

  private requireDescent(i: number): void {
    if (Number.isNaN(this.m.descentRateMps[i]))
      invalid(`members[${i}].descentRateMps`, 'is needed to descend', Number.NaN);
  }

  /**
   * A member whose next state is not finite (NaN or ±∞: a wind or vertical speed with no finite
   * value) stops at its current, last finite state at time t, with its reason: it is never written
   * as a NaN position, and the run's summary counts it.
   */
  private stopNonFinite(i: number, t: number): void {
    this.finish(i, MemberStatus.nonFinite, 'non-finite', t);
  }

  private finish(i: number, status: number, kind: SimEventKind, t: number): void {
    this.status[i] = status;
    this.stage[i] = Stage.done;
    this.endTSec[i] = t;
    this.emit(i, kind, t);
  }

  private emit(i: number, kind: SimEventKind, tSec: number): void {
    this.events.push({ member: i, kind, tSec, lon: this.lon[i], lat: this.lat[i], altM: this.altM[i] });
  }

  // ---- physics ------------------------------------------------------------------------------

  private groundAt(lon: number, lat: number): number {
    if (this.hasOrography) {
      const z = this.wind.groundElevationM!(lon, lat);
      return Number.isNaN(z) ? this.groundM : z;
    }
    return this.groundM;
  }

  /** Float altitude of member i at a point: its fixed altitude or the height of its pressure surface. */
  private floatAltitude(i: number, lon: number, lat: number, t: number): number {
    const p = this.m.floatPressureHpa[i];
    if (Number.isNaN(p)) return this.m.floatAltM[i];
    return this.hasPressureLevels ? this.wind.pressureLevelAltitudeM!(lon, lat, p, t) : isaAltitudeM(p * 100);
  }

  /** Vertical speed (m/s) of member i in a stage at an altitude; 0 while floating. */
  private verticalSpeed(i: number, stage: number, alt: number): number {
    if (stage === Stage.ascent) return this.m.ascentRateMps[i];
    if (stage === Stage.descent) return -this.m.descentRateMps[i] * descentSpeedFactor(alt);
    return 0;
  }

  /** Integrates member i alone over h seconds from (lon, lat, alt, t); result in nLon, nLat, nAlt. */
  private integrate(i: number, lon: number, lat: number, alt: number, t: number, h: number): void {
    const b = this.single;
    b.idx[0] = i;
    b.vertical = this.stage[i] !== Stage.float;
    b.x0[0] = lon;
    b.y0[0] = lat;
    b.z0[0] = alt;
    this.integrateBatch(b, 1, t, h);
    this.nLon = b.xs[0];
    this.nLat = b.ys[0];
    this.nAlt = b.zs[0];
  }

  /**
   * Integrates the first `count` members of a batch over h seconds (signed) from (x0, y0, z0) at time t,
   * each in its current stage, with the run's method; the result is left in (xs, ys, zs).
   * Horizontal motion on the sphere: dlon/dt = u / (R·cos lat), dlat/dt = v / R (radians, converted to
   * degrees), each evaluation at its own latitude and time.
   *
   * Euler, Heun and classic RK4 are all explicit Runge–Kutta methods whose stage i is evaluated at
   * y₀ + aᵢ·h·kᵢ₋₁ and time t + cᵢ·h, so one loop per stage serves the three: it evaluates k at the
   * stage point, adds bᵢ·k to the running sum and places the next stage point.
   */
  private integrateBatch(b: Batch, count: number, t: number, h: number): void {
    const { idx, x0, y0, z0, xs, ys, zs, sx, sy, sz, u, v, cosLat } = b;
    const tableau = TABLEAUS[this.order];
    const noiseU = this.noiseU;
    const noiseV = this.noiseV;
    const stage = this.stage;
    // Most batches are all floating members without wind error: their altitude stays and their
    // derivative needs no per-member lookups, so those parts of the stage loop are skipped.
    const noisy = this.noiseSigma > 0;
    const vertical = b.vertical;
    for (let p = 0; p < count; p++) {
      xs[p] = x0[p];
      ys[p] = y0[p];
      zs[p] = z0[p];
    }
    const stages = tableau.b.length;
    for (let s = 0; s < stages; s++) {
      const tStage = t + tableau.c[s] * h;
      if (s > 0) this.followSurfaces(b, count, tStage);
      this.sampleWind(b, count, tStage);
      const weight = tableau.b[s];
      const last = s === stages - 1;
      const step = last ? h : tableau.a[s + 1] * h;
      // cos of each stage latitude first, in a loop of its own: Math.cos is a call that makes the
      // compiled loop save every live double around it.
      for (let p = 0; p < count; p++) cosLat[p] = Math.cos(ys[p] * RAD_PER_DEG);
      for (let p = 0; p < count; p++) {
        let windU = u[p];
        let windV = v[p];
        if (noisy) {
          windU += noiseU[idx[p]];
          windV += noiseV[idx[p]];
        }
        const kx = (windU * DEG_PER_M) / cosLat[p];
        const ky = windV * DEG_PER_M;
        // Running sum Σ bᵢ·kᵢ; after the last stage the new state is y₀ + h·Σ bᵢ·kᵢ.
        const ax = s === 0 ? weight * kx : sx[p] + weight * kx;
        const ay = s === 0 ? weight * ky : sy[p] + weight * ky;
        sx[p] = ax;
        sy[p] = ay;
        xs[p] = x0[p] + step * (last ? ax : kx);
        ys[p] = y0[p] + step * (last ? ay : ky);
      }
      if (vertical) {
        for (let p = 0; p < count; p++) {
          const i = idx[p];
          const sg = stage[i];
          const kz = sg === Stage.float ? 0 : this.verticalSpeed(i, sg, zs[p]);
          const az = s === 0 ? weight * kz : sz[p] + weight * kz;
          sz[p] = az;
          zs[p] = z0[p] + step * (last ? az : kz);
        }
      }
    }
    this.followSurfaces(b, count, t + h);
  }

  /** Members floating on a pressure surface take that surface's height at the evaluation point. */
  private followSurfaces(b: Batch, count: number, t: number): void {
    if (!this.hasSurfaceFloats) return;
    const pressure = this.m.floatPressureHpa;
    for (let p = 0; p < count; p++) {
      const i = b.idx[p];
      if (this.stage[i] === Stage.float && !Number.isNaN(pressure[i]))
        b.zs[p] = this.floatAltitude(i, b.xs[p], b.ys[p], t);
    }
  }

  /** Wind at the evaluation points (xs, ys, zs) into (u, v): one batch call, or a loop over `sample`. */
  private sampleWind(b: Batch, count: number, t: number): void {
    if (this.hasBatchSampler) {
      this.wind.sampleMany!(count, b.xs, b.ys, b.zs, t, b.u, b.v);
      return;
    }
    const out = this.windOut;
    for (let p = 0; p < count; p++) {
      this.wind.sample(b.xs[p], b.ys[p], b.zs[p], t, out);
      b.u[p] = out[0];
      b.v[p] = out[1];
    }
  }

  /** AR(1) update of every flying member's wind error: e ← φ·e + σ·√(1−φ²)·N(0, 1). */
  private updateWindError(): void {
    const phi = this.noisePhi;
    const q = this.noiseInnovation;
    for (let i = 0; i < this.count; i++) {
      if (this.status[i] !== MemberStatus.active) continue;
      const rng = this.noiseRngs[i];
      this.noiseU[i] = phi * this.noiseU[i] + q * gaussian(rng);
      this.noiseV[i] = phi * this.noiseV[i] + q * gaussian(rng);
    }
  }
}
