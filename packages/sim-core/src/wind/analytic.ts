import { DEG_PER_RAD, EARTH_RADIUS_M, RAD_PER_DEG } from '../earth.js';
import { invalid } from '../errors.js';
import type { WindFieldSource } from './source.js';
import { EVERYWHERE, type WindCoverage, type WindField } from './wind-field.js';

/**
 * Analytic wind fields: exact truths for tests, and simple demos. They cover every place and time.
 */

/** The same wind everywhere: u east, v north (m/s). */
export class UniformWind implements WindField {
  readonly coverage: WindCoverage = EVERYWHERE;
  readonly description: string;
  constructor(
    readonly uMps: number,
    readonly vMps: number,
  ) {
    this.description = `uniform wind u=${uMps} m/s, v=${vMps} m/s`;
  }
  sample(_lon: number, _lat: number, _altM: number, _tSec: number, out: Float64Array): void {
    out[0] = this.uMps;
    out[1] = this.vMps;
  }
}

/** Wind growing linearly with altitude: u = u0 + dudz·alt, v = v0 + dvdz·alt (m/s, shear in 1/s). */
export class LinearShearWind implements WindField {
  readonly coverage: WindCoverage = EVERYWHERE;
  readonly description: string;
  constructor(
    readonly u0Mps: number,
    readonly v0Mps: number,
    readonly duDzPerSec: number,
    readonly dvDzPerSec: number,
  ) {
    this.description = `linear shear u=${u0Mps}+${duDzPerSec}·z, v=${v0Mps}+${dvDzPerSec}·z`;
  }
  sample(_lon: number, _lat: number, altM: number, _tSec: number, out: Float64Array): void {
    out[0] = this.u0Mps + this.duDzPerSec * altM;
    out[1] = this.v0Mps + this.dvDzPerSec * altM;
  }
}

/**
 * Solid-body rotation of the sphere about the axis through a centre point (counter-clockwise seen from
 * above when the period is positive). Every point moves on a small circle around the centre and is back
 * at its start after one period, which makes it an exact test of the integrators on the sphere.
 */
export class SolidBodyRotationWind implements WindField {
  readonly coverage: WindCoverage = EVERYWHERE;
  readonly description: string;
  private readonly ax: number;
  private readonly ay: number;
  private readonly az: number;
  private readonly omega: number;
  constructor(
    readonly centerLon: number,
    readonly centerLat: number,
    readonly periodSec: number,
  ) {
    if (!(periodSec !== 0 && Number.isFinite(periodSec)))
      invalid('periodSec', 'must be finite and non-zero', periodSec);
    const lonR = centerLon * RAD_PER_DEG;
    const latR = centerLat * RAD_PER_DEG;
    this.ax = Math.cos(latR) * Math.cos(lonR);
    this.ay = Math.cos(latR) * Math.sin(lonR);
    this.az = Math.sin(latR);
    this.omega = (2 * Math.PI) / periodSec;
    this.description = `solid-body rotation about ${centerLon}°, ${centerLat}° with period ${periodSec} s`;
  }
  sample(lon: number, lat: number, _altM: number, _tSec: number, out: Float64Array): void {
    // velocity = ω (a × r) on the unit sphere, projected on the local east and north unit vectors
    const lonR = lon * RAD_PER_DEG;
    const latR = lat * RAD_PER_DEG;
    const cosLat = Math.cos(latR);
    const sinLat = Math.sin(latR);
    const cosLon = Math.cos(lonR);
    const sinLon = Math.sin(lonR);
    const rx = cosLat * cosLon;
    const ry = cosLat * sinLon;
    const rz = sinLat;
    const vx = this.ay * rz - this.az * ry;
    const vy = this.az * rx - this.ax * rz;
    const vz = this.ax * ry - this.ay * rx;
    const scale = this.omega * EARTH_RADIUS_M;
    out[0] = scale * (-sinLon * vx + cosLon * vy);
    out[1] = scale * (-sinLat * cosLon * vx - sinLat * sinLon * vy + cosLat * vz);
  }
}

/**
 * A time-varying field: a mean wind plus a rotating component of amplitude `amplitudeMps` turning once
 * per `periodSec` (an inertial oscillation), u = u0 + A·cos(ωt), v = v0 + A·sin(ωt) with t measured from
 * `epochSec`. Smooth in time, so it tests the time interpolation order of the integrators.
 */
export class OscillatingWind implements WindField {
  readonly coverage: WindCoverage = EVERYWHERE;
  readonly description: string;
  private readonly omega: number;
  constructor(
    readonly u0Mps: number,
    readonly v0Mps: number,
    readonly amplitudeMps: number,
    readonly periodSec: number,
    readonly epochSec = 0,
  ) {
    if (!(periodSec > 0 && Number.isFinite(periodSec))) invalid('periodSec', 'must be > 0', periodSec);
    this.omega = (2 * Math.PI) / periodSec;
    this.description = `oscillating wind (${u0Mps}, ${v0Mps}) m/s ± ${amplitudeMps} m/s every ${periodSec} s`;
  }
  sample(_lon: number, _lat: number, _altM: number, tSec: number, out: Float64Array): void {
    const phase = this.omega * (tSec - this.epochSec);
    out[0] = this.u0Mps + this.amplitudeMps * Math.cos(phase);
    out[1] = this.v0Mps + this.amplitudeMps * Math.sin(phase);
  }
}

/** One level of a sounding: altitude (m AMSL), direction the wind blows FROM (degrees), speed (m/s). */
export interface SoundingLevel {
  altM: number;
  directionDeg: number;
  speedMps: number;
}

/** u, v (m/s) of a meteorological wind given as direction it blows from (degrees) and speed. */
export function windFromDirection(directionDeg: number, speedMps: number): [number, number] {
  const r = directionDeg * RAD_PER_DEG;
  return [-speedMps * Math.sin(r), -speedMps * Math.cos(r)];
}

/** Direction (degrees, the wind blows FROM, 0..360) and speed (m/s) of u, v. */
export function directionOfWind(uMps: number, vMps: number): { directionDeg: number; speedMps: number } {
  const directionDeg = (Math.atan2(-uMps, -vMps) * DEG_PER_RAD + 360) % 360;
  return { directionDeg, speedMps: Math.hypot(uMps, vMps) };
}

/**
 * A horizontally uniform, steady wind profile from a sounding. u and v (not direction and speed) are
 * interpolated linearly in altitude, so a wind turning through north does not swing the long way round.
 * Below the lowest and above the highest level the end values hold.
 */
export class SoundingWind implements WindField {
  readonly coverage: WindCoverage;
  readonly description: string;
  /** Where the profile came from (a decoded sounding's file and station); absent for a scenario's. */
  readonly source?: WindFieldSource;
  /** Levels' altitudes (m AMSL, ascending) and their u, v (m/s): read them, never write. */
  readonly altsM: Float64Array;
  readonly u: Float64Array;
  readonly v: Float64Array;
  constructor(levels: readonly SoundingLevel[], description = 'sounding profile', source?: WindFieldSource) {
    if (levels.length === 0) invalid('levels', 'must hold at least one level', levels);
    const sorted = [...levels].sort((a, b) => a.altM - b.altM);
    sorted.forEach((level, i) => {
      for (const key of ['altM', 'directionDeg', 'speedMps'] as const) {
        if (!Number.isFinite(level[key]))
          invalid(`levels[${i}].${key}`, 'must be a finite number', level[key]);
      }
      if (level.speedMps < 0) invalid(`levels[${i}].speedMps`, 'must be >= 0', level.speedMps);
      if (i > 0 && level.altM === sorted[i - 1].altM)
        invalid(`levels[${i}].altM`, 'must not repeat', level.altM);
    });
    this.altsM = Float64Array.from(sorted, (l) => l.altM);
    this.u = new Float64Array(sorted.length);
    this.v = new Float64Array(sorted.length);
    sorted.forEach((l, i) => {
      [this.u[i], this.v[i]] = windFromDirection(l.directionDeg, l.speedMps);
    });
    this.coverage = { ...EVERYWHERE, altMinM: this.altsM[0], altMaxM: this.altsM[this.altsM.length - 1] };
    this.description = description;
    if (source) this.source = source;
  }
  sample(_lon: number, _lat: number, altM: number, _tSec: number, out: Float64Array): void {
    const z = this.altsM;
    const n = z.length;
    if (n === 1 || altM <= z[0]) {
      out[0] = this.u[0];
      out[1] = this.v[0];
      return;
    }
    if (altM >= z[n - 1]) {
      out[0] = this.u[n - 1];
      out[1] = this.v[n - 1];
      return;
    }
    let k = 0;
    while (z[k + 1] <= altM) k++;
    const w = (altM - z[k]) / (z[k + 1] - z[k]);
    out[0] = this.u[k] + w * (this.u[k + 1] - this.u[k]);
    out[1] = this.v[k] + w * (this.v[k + 1] - this.v[k]);
  }
}
