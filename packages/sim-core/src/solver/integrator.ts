import { DEG_PER_RAD, EARTH_RADIUS_M, RAD_PER_DEG } from '../earth.js';
import { Stage } from '../flight/profile.js';
import type { WindField } from '../wind/wind-field.js';
import type { Batch } from './batch.js';
import type { FlightStages } from './flight-stages.js';
import type { MemberSet } from './members.js';
import type { Tableau } from './tableaus.js';
import type { WindError } from './wind-error.js';

/** Degrees of arc per metre along a meridian. */
const DEG_PER_M = DEG_PER_RAD / EARTH_RADIUS_M;

/**
 * One explicit Runge–Kutta step of a batch of members through the wind: horizontal motion on the
 * sphere, dlon/dt = u / (R·cos lat), dlat/dt = v / R (radians, converted to degrees), plus each
 * member's wind error, and the vertical speed of its stage; each evaluation at its own latitude and
 * time.
 */
export class Integrator {
  private readonly hasBatchSampler: boolean;
  private readonly windOut = new Float64Array(2);
  private readonly noisy: boolean;
  private readonly hasSurfaceFloats: boolean;

  constructor(
    private readonly tableau: Tableau,
    private readonly wind: WindField,
    private readonly m: MemberSet,
    /** The members' live stages. */
    private readonly stage: Uint8Array,
    private readonly flight: FlightStages,
    private readonly windError: WindError,
  ) {
    this.hasBatchSampler = typeof wind.sampleMany === 'function';
    this.noisy = windError.sigmaMps > 0;
    this.hasSurfaceFloats = flight.hasSurfaceFloats;
  }

  /**
   * Integrates the first `count` members of a batch over h seconds (signed) from (x0, y0, z0) at time t,
   * each in its current stage, with the run's method; the result is left in (xs, ys, zs).
   *
   * Euler, Heun and classic RK4 are all explicit Runge–Kutta methods whose stage i is evaluated at
   * y₀ + aᵢ·h·kᵢ₋₁ and time t + cᵢ·h, so one loop per stage serves the three: it evaluates k at the
   * stage point, adds bᵢ·k to the running sum and places the next stage point.
   */
  integrate(b: Batch, count: number, t: number, h: number): void {
    const { idx, x0, y0, z0, xs, ys, zs, sx, sy, sz, u, v, cosLat } = b;
    const tableau = this.tableau;
    const noiseU = this.windError.u;
    const noiseV = this.windError.v;
    const stage = this.stage;
    const flight = this.flight;
    // Most batches are all floating members without wind error: their altitude stays and their
    // derivative needs no per-member lookups, so those parts of the stage loop are skipped.
    const noisy = this.noisy;
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
          const kz = sg === Stage.float ? 0 : flight.verticalSpeed(i, sg, zs[p]);
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
        b.zs[p] = this.flight.floatAltitude(i, b.xs[p], b.ys[p], t);
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
}
