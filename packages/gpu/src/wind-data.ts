/**
 * A wind field as the kernel reads it: which sampler (kernel.ts), one float32 buffer holding the
 * grid's parts (u and v interleaved, geopotential heights, orography, level altitudes, times), and
 * the uniform values that locate points in it. Only the fields whose interpolation the kernel
 * repeats exactly are taken; any other (a user's own WindField) is refused with the reason, and the
 * caller runs on the CPU.
 */
import {
  AltitudeGridWind,
  EARTH_RADIUS_M,
  LinearShearWind,
  OscillatingWind,
  PressureGridWind,
  SolidBodyRotationWind,
  SoundingWind,
  UniformWind,
  type WindField,
} from '@balloon-sim/sim-core';
import type { GpuWindKind } from './kernel.js';
import { MISSING, type RunUniforms } from './layout.js';

/** The kernel cannot run this: the reason, for the message that the CPU runs instead. */
export class GpuUnsupportedError extends Error {
  constructor(readonly reason: string) {
    super(`the GPU path cannot run this: ${reason}`);
    this.name = 'GpuUnsupportedError';
  }
}

export type WindUniforms = Pick<
  RunUniforms,
  | 'gLon0'
  | 'gInvDLon'
  | 'gMaxFx'
  | 'gLonSpan'
  | 'gNLon'
  | 'gWraps'
  | 'gLat0'
  | 'gInvDLat'
  | 'gMaxFy'
  | 'gNLat'
  | 'gNz'
  | 'gNt'
  | 'gLevelStride'
  | 'gTimeStride'
  | 'gUniformTimes'
  | 'gT0'
  | 'gInvDt'
  | 'oUV'
  | 'oGH'
  | 'oOro'
  | 'oLevels'
  | 'oInvDz'
  | 'oTimes'
  | 'a0'
  | 'a1'
  | 'a2'
  | 'a3'
  | 'a4'
  | 'a5'
>;

export interface GpuWind {
  kind: GpuWindKind;
  /** The grid buffer's contents (at least one entry: a binding cannot be empty). */
  data: Float32Array;
  uniforms: WindUniforms;
  /** Whether the solver takes the ground from the wind (FlightStages.hasOrography). */
  hasOrography: boolean;
  /** The field places pressure surfaces by its geopotential heights (a pressure grid). */
  hasSurfaces: boolean;
}

const NO_GRID: WindUniforms = {
  gLon0: 0,
  gInvDLon: 0,
  gMaxFx: 0,
  gLonSpan: 0,
  gNLon: 1,
  gWraps: 0,
  gLat0: 0,
  gInvDLat: 0,
  gMaxFy: 0,
  gNLat: 1,
  gNz: 1,
  gNt: 1,
  gLevelStride: 1,
  gTimeStride: 1,
  gUniformTimes: 1,
  gT0: 0,
  gInvDt: 0,
  oUV: 0,
  oGH: 0,
  oOro: 0,
  oLevels: 0,
  oInvDz: 0,
  oTimes: 0,
  a0: 0,
  a1: 0,
  a2: 0,
  a3: 0,
  a4: 0,
  a5: 0,
};

/** Reason the kernel cannot sample this field, or null. */
export function windUnsupported(wind: WindField): string | null {
  const known = [
    AltitudeGridWind,
    PressureGridWind,
    UniformWind,
    LinearShearWind,
    SolidBodyRotationWind,
    OscillatingWind,
    SoundingWind,
  ];
  if (!known.some((kind) => wind instanceof kind))
    return `its wind (${wind.description}) is not one of the engine's gridded or analytic fields`;
  if (wind instanceof AltitudeGridWind || wind instanceof PressureGridWind) {
    const g = wind.gridNodes();
    // The CPU stops a member that meets a missing value as "non-finite"; a GPU may assume no NaN.
    if (!allFinite(g.uv))
      return `its wind (${wind.description}) has missing (NaN) values, which only the CPU path handles`;
    if (g.geopotentialHeightM && !allFinite(g.geopotentialHeightM))
      return `its wind (${wind.description}) has missing (NaN) geopotential heights, which only the CPU path handles`;
  }
  return null;
}

function allFinite(values: Float32Array): boolean {
  for (let e = 0; e < values.length; e++) if (!Number.isFinite(values[e])) return false;
  return true;
}

/**
 * The field for the kernel, times relative to the run's start `startSec` (float32 seconds: a grid's
 * times stay exact to a few milliseconds over a month). Throws GpuUnsupportedError.
 */
export function gpuWind(wind: WindField, startSec: number): GpuWind {
  const reason = windUnsupported(wind);
  if (reason) throw new GpuUnsupportedError(reason);
  const hasOrography =
    typeof wind.groundElevationM === 'function' && !Number.isNaN(wind.groundElevationM(0, 0));
  if (wind instanceof AltitudeGridWind || wind instanceof PressureGridWind)
    return gridData(wind, startSec, hasOrography);
  const u = { ...NO_GRID };
  let data = new Float32Array(1);
  let kind: GpuWindKind;
  if (wind instanceof UniformWind) {
    kind = 'uniform';
    u.a0 = wind.uMps;
    u.a1 = wind.vMps;
  } else if (wind instanceof LinearShearWind) {
    kind = 'shear';
    u.a0 = wind.u0Mps;
    u.a1 = wind.v0Mps;
    u.a2 = wind.duDzPerSec;
    u.a3 = wind.dvDzPerSec;
  } else if (wind instanceof SolidBodyRotationWind) {
    kind = 'rotation';
    // The rotation axis and ω·R, as analytic.ts computes them.
    const lonR = (wind.centerLon * Math.PI) / 180;
    const latR = (wind.centerLat * Math.PI) / 180;
    u.a0 = Math.cos(latR) * Math.cos(lonR);
    u.a1 = Math.cos(latR) * Math.sin(lonR);
    u.a2 = Math.sin(latR);
    u.a3 = ((2 * Math.PI) / wind.periodSec) * EARTH_RADIUS_M;
  } else if (wind instanceof OscillatingWind) {
    kind = 'oscillating';
    const omega = (2 * Math.PI) / wind.periodSec;
    u.a0 = wind.u0Mps;
    u.a1 = wind.v0Mps;
    u.a2 = wind.amplitudeMps;
    u.a3 = omega;
    // The phase at the run's start in float64, reduced to one turn: the kernel adds ω·t in float32.
    const phase = omega * (startSec - wind.epochSec);
    u.a4 = phase - 2 * Math.PI * Math.floor(phase / (2 * Math.PI));
  } else {
    const s = wind as SoundingWind;
    kind = 'sounding';
    const n = s.altsM.length;
    data = new Float32Array(3 * n);
    for (let k = 0; k < n; k++) {
      data[2 * k] = s.u[k];
      data[2 * k + 1] = s.v[k];
      data[2 * n + k] = s.altsM[k];
    }
    u.gNz = n;
    u.oUV = 0;
    u.oLevels = 2 * n;
  }
  return { kind, data, uniforms: u, hasOrography: false, hasSurfaces: false };
}

function gridData(
  wind: AltitudeGridWind | PressureGridWind,
  startSec: number,
  hasOrography: boolean,
): GpuWind {
  const g = wind.gridNodes();
  const pressure = wind instanceof PressureGridWind;
  const nz = g.nLevels;
  const nt = g.timesSec.length;
  const parts: Float32Array[] = [];
  let length = 0;
  const add = (values: ArrayLike<number>): number => {
    const at = length;
    const part = Float32Array.from(values);
    parts.push(part);
    length += part.length;
    return at;
  };
  const oUV = add(g.uv);
  const oGH = pressure && g.geopotentialHeightM ? add(g.geopotentialHeightM) : 0;
  let oOro = 0;
  if (hasOrography && g.orography) {
    const oro = Float32Array.from(g.orography, (z) => (Number.isNaN(z) ? MISSING : z));
    oOro = add(oro);
  }
  let oLevels = 0;
  let oInvDz = 0;
  if (wind instanceof AltitudeGridWind) {
    const alts = wind.altitudesM;
    oLevels = add(alts);
    oInvDz = add(Array.from(alts, (z, k) => (k + 1 < alts.length ? 1 / (alts[k + 1] - z) : 0)));
  }
  const oTimes = add(Array.from(g.timesSec, (t) => t - startSec));
  const data = new Float32Array(Math.max(1, length));
  let at = 0;
  for (const part of parts) {
    data.set(part, at);
    at += part.length;
  }
  // The uniform-times test of grid-time-axis.ts, the same expression.
  const t0 = g.timesSec[0];
  const dt = nt > 1 ? (g.timesSec[nt - 1] - t0) / (nt - 1) : 1;
  const uniform = g.timesSec.every((t, n) => Math.abs(t - (t0 + n * dt)) < 1e-6 * Math.max(1, dt));
  return {
    kind: pressure ? 'pressure' : 'altitude',
    data,
    hasOrography: hasOrography && g.orography !== null,
    hasSurfaces: pressure,
    uniforms: {
      ...NO_GRID,
      gLon0: g.lon0,
      gInvDLon: g.invDLon,
      gMaxFx: g.maxFx,
      gLonSpan: g.lonSpan,
      gNLon: g.nLon,
      gWraps: g.wrapsLon ? 1 : 0,
      gLat0: g.lat0,
      gInvDLat: g.invDLat,
      gMaxFy: g.maxFy,
      gNLat: g.nLat,
      gNz: nz,
      gNt: nt,
      gLevelStride: g.levelStride,
      gTimeStride: g.timeStride,
      gUniformTimes: uniform ? 1 : 0,
      gT0: t0 - startSec,
      gInvDt: 1 / dt,
      oUV,
      oGH,
      oOro,
      oLevels,
      oInvDz,
      oTimes,
    },
  };
}
