import { isaAltitudeM } from '../atmosphere.js';
import { invalid } from '../errors.js';
import { descentSpeedFactor, Stage } from '../flight/profile.js';
import type { WindField } from '../wind/wind-field.js';
import type { MemberState } from './member-state.js';
import type { MemberSet } from './members.js';
import { MemberStatus } from './status.js';

/**
 * The flight-stage machine of a run's members: where a member starts (its launch point, altitude and
 * first stage), the vertical speed in each stage, the conditions that end a stage and what follows
 * each end. Forward: ascent → float at the float altitude (or pressure surface) → descent after the
 * float time → landing; an ascent may instead burst and descend, and a payload release timer sends
 * the payload down from any stage. Backward (from a detection): float → the ascent traced down (when
 * the member has an ascent rate) → the launch point on the ground. Meeting the ground ends any stage.
 * When inside a step an end happens is the solver's part (simulation.ts): timed ends exactly, the
 * altitude conditions by regula falsi on `altitudeEvent`.
 */
export class FlightStages {
  /** Absolute time at which the current timed stage ends (float end), NaN if none. */
  readonly stageEndTSec: Float64Array;
  /** Absolute payload release time, NaN if none. */
  readonly releaseTSec: Float64Array;
  /** Whether the wind carries the ground elevation (else the ground is flat at groundM). */
  readonly hasOrography: boolean;
  /** True when some member floats on a pressure surface. */
  readonly hasSurfaceFloats: boolean;
  private readonly hasPressureLevels: boolean;
  private readonly lon: Float64Array;
  private readonly lat: Float64Array;
  private readonly altM: Float64Array;
  private readonly stage: Uint8Array;
  private readonly status: Uint8Array;

  /**
   * @param sign +1 forward, −1 backward in time
   * @param groundM ground elevation (m AMSL) where the wind carries no orography
   */
  constructor(
    private readonly m: MemberSet,
    private readonly state: MemberState,
    private readonly wind: WindField,
    private readonly sign: number,
    private readonly groundM: number,
  ) {
    this.hasOrography =
      typeof wind.groundElevationM === 'function' && !Number.isNaN(wind.groundElevationM(0, 0));
    this.hasPressureLevels = typeof wind.pressureLevelAltitudeM === 'function';
    this.hasSurfaceFloats = m.floatPressureHpa.some((p) => !Number.isNaN(p));
    this.stageEndTSec = new Float64Array(m.count).fill(Number.NaN);
    this.releaseTSec = new Float64Array(m.count).fill(Number.NaN);
    this.lon = state.lon;
    this.lat = state.lat;
    this.altM = state.altM;
    this.stage = state.stage;
    this.status = state.status;
  }

  /** Member i starts at its launch time: launch point, altitude and first stage. */
  launch(i: number): void {
    const m = this.m;
    const t = m.launchTSec[i];
    const lon = m.lon[i];
    const lat = m.lat[i];
    this.lon[i] = lon;
    this.lat[i] = lat;
    this.status[i] = MemberStatus.active;
    this.releaseTSec[i] = this.sign > 0 ? t + m.releaseAfterSec[i] : Number.NaN;
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
    this.state.emit(i, 'launch', t);
    // A launch already at or above its float altitude floats at once.
    if (
      this.stage[i] === Stage.ascent &&
      this.altitudeEvent(i, Stage.ascent, lon, lat, this.altM[i], t) >= 0
    ) {
      this.endAscent(i, t);
    }
  }

  /**
   * The altitude condition that ends a stage, as a function that is < 0 before the event and ≥ 0 at
   * and after it: reaching the float (or burst) altitude in ascent, reaching the ground otherwise.
   */
  altitudeEvent(i: number, stage: number, lon: number, lat: number, alt: number, t: number): number {
    if (stage === Stage.ascent && this.sign > 0) return alt - this.ascentTarget(i, lon, lat, t);
    return this.groundAt(lon, lat) - alt;
  }

  /** Stage change when the altitude condition is met at time t (state already committed). */
  altitudeTransition(i: number, stage: number, t: number): void {
    if (stage === Stage.ascent && this.sign > 0) {
      this.endAscent(i, t);
      return;
    }
    this.altM[i] = this.groundAt(this.lon[i], this.lat[i]);
    if (this.sign > 0) this.state.finish(i, MemberStatus.landed, 'landing', t);
    else this.state.finish(i, MemberStatus.launchPoint, 'launch-point', t);
  }

  /** The timed end of a stage (stageEndTSec) reached at time t. */
  timedStageEnd(i: number, stage: number, t: number): void {
    if (stage !== Stage.float) return;
    if (this.sign > 0) {
      this.stage[i] = Stage.descent;
      this.state.emit(i, 'descent', t);
      this.requireDescent(i);
    } else if (!Number.isNaN(this.m.ascentRateMps[i])) {
      // Backward: before its float the balloon was ascending; trace that ascent down to the ground.
      this.stage[i] = Stage.ascent;
      this.state.emit(i, 'float', t);
    }
  }

  /** The payload release (releaseTSec) reached at time t: the payload descends. */
  release(i: number, t: number): void {
    this.stage[i] = Stage.descent;
    this.releaseTSec[i] = Number.NaN;
    this.state.emit(i, 'release', t);
    this.requireDescent(i);
  }

  /** Ground elevation (m AMSL) at a point: the wind's orography, else the run's flat ground. */
  groundAt(lon: number, lat: number): number {
    if (this.hasOrography) {
      const z = this.wind.groundElevationM!(lon, lat);
      return Number.isNaN(z) ? this.groundM : z;
    }
    return this.groundM;
  }

  /** Float altitude of member i at a point: its fixed altitude or the height of its pressure surface. */
  floatAltitude(i: number, lon: number, lat: number, t: number): number {
    const p = this.m.floatPressureHpa[i];
    if (Number.isNaN(p)) return this.m.floatAltM[i];
    return this.hasPressureLevels ? this.wind.pressureLevelAltitudeM!(lon, lat, p, t) : isaAltitudeM(p * 100);
  }

  /** Vertical speed (m/s) of member i in a stage at an altitude; 0 while floating. */
  verticalSpeed(i: number, stage: number, alt: number): number {
    if (stage === Stage.ascent) return this.m.ascentRateMps[i];
    if (stage === Stage.descent) return -this.m.descentRateMps[i] * descentSpeedFactor(alt);
    return 0;
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
      this.state.emit(i, 'burst', t);
      this.requireDescent(i);
    } else {
      this.stage[i] = Stage.float;
      this.stageEndTSec[i] = t + m.floatDurationSec[i];
      this.state.emit(i, 'float', t);
    }
  }

  /** Ascent ends at the float altitude or the burst altitude, whichever is lower. */
  private ascentTarget(i: number, lon: number, lat: number, t: number): number {
    const burst = this.m.burstAltM[i];
    const hasFloat = !Number.isNaN(this.m.floatAltM[i]) || !Number.isNaN(this.m.floatPressureHpa[i]);
    const float = hasFloat ? this.floatAltitude(i, lon, lat, t) : Number.POSITIVE_INFINITY;
    return Number.isNaN(burst) ? float : Math.min(burst, float);
  }

  private requireDescent(i: number): void {
    if (Number.isNaN(this.m.descentRateMps[i]))
      invalid(`members[${i}].descentRateMps`, 'is needed to descend', Number.NaN);
  }
}
