/**
 * The WGSL kernel: one invocation per member, all of a dispatch's steps inside it. It is the CPU
 * solver (sim-core's solver/simulation.ts, integrator.ts, flight-stages.ts) written again for a GPU,
 * in the same order of operations: the same time grid, the same fast path for members without an
 * event in the step, the same event location (timed ends exactly, altitude conditions by Illinois
 * regula falsi from the step's start), the same stage machine, the same interpolation of the wind
 * (wind/grid-altitude.ts `sample`, wind/grid-pressure.ts `samplePoint`, analytic.ts).
 *
 * What differs is precision. The GPU computes in float32: positions are kept as two floats (an
 * unevaluated sum hi + lo, "double-single"), so the position itself loses nothing over thousands of
 * steps; increments, wind samples and the grid's weights are float32 (relative error ~1e-7, a few
 * centimetres over 12 h). Times are a step index and an offset within the step (float32 seconds), so
 * a run of any length keeps its events to the microsecond. cos, sin and the ISA are polynomials and
 * formulas written here, not the GPU's builtins, whose WGSL error bounds are loose (cos: 2⁻¹¹
 * absolute). A GPU may assume no NaN (WGSL allows it), so the CPU's NaN-for-"none" is a flag here and
 * missing wind values are refused before a run (support.ts).
 */
import type { Tableau } from '@balloon-sim/sim-core';
import { EARTH_RADIUS_M } from '@balloon-sim/sim-core';
import {
  EVENT_WORDS,
  Flag,
  KIND,
  MAX_EVENTS_PER_MEMBER,
  MEMBER_BITS,
  MISSING,
  NONE_STEP,
  PARAM_WORDS,
  runStructWgsl,
  STAGE,
  STATE_WORDS,
  STATUS,
} from './layout.js';

/** The kinds of wind field the kernel samples. */
export type GpuWindKind =
  | 'altitude'
  | 'pressure'
  | 'uniform'
  | 'shear'
  | 'rotation'
  | 'oscillating'
  | 'sounding';

export interface KernelConfig {
  wind: GpuWindKind;
  tableau: Tableau;
}

/** Invocations per workgroup. */
export const WORKGROUP_SIZE = 64;

/** A float as a WGSL literal that keeps its float32 value. */
const f = (x: number) => {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite constant: ${x}`);
  const s = Math.fround(x).toPrecision(9);
  return /[.e]/.test(s) ? s : `${s}.0`;
};

/** The kernel's source for a kind of wind and a method. */
export function kernelSource(config: KernelConfig): string {
  const { c, a, b } = config.tableau;
  const stages = b.length;
  return `${runStructWgsl()}

struct Events {
  count: atomic<u32>,
  data: array<u32>,
}

@group(0) @binding(0) var<uniform> run: Run;
@group(0) @binding(1) var<storage, read> params: array<u32>;
@group(0) @binding(2) var<storage, read_write> state: array<u32>;
@group(0) @binding(3) var<storage, read> grid: array<f32>;
@group(0) @binding(4) var<storage, read> noise: array<vec2<f32>>;
@group(0) @binding(5) var<storage, read_write> rec: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read_write> ev: Events;

const STAGES: i32 = ${stages};
const RK_C = array<f32, ${stages}>(${c.map(f).join(', ')});
const RK_A = array<f32, ${stages}>(${a.map(f).join(', ')});
const RK_B = array<f32, ${stages}>(${b.map(f).join(', ')});

const DEG_PER_M: f32 = ${f(180 / Math.PI / EARTH_RADIUS_M)};
const RAD_PER_DEG: f32 = ${f(Math.PI / 180)};
const PI: f32 = ${f(Math.PI)};
const HALF_PI: f32 = ${f(Math.PI / 2)};
const TWO_PI: f32 = ${f(2 * Math.PI)};
const NONE: i32 = ${NONE_STEP};
const HUGE: f32 = 3.0e38;
const MISSING: f32 = ${f(MISSING)};

const PENDING: u32 = ${STATUS.pending}u;
const ACTIVE: u32 = ${STATUS.active}u;
const LANDED: u32 = ${STATUS.landed}u;
const LEFT_DOMAIN: u32 = ${STATUS.leftDomain}u;
const WIND_ENDED: u32 = ${STATUS.windEnded}u;
const LAUNCH_POINT: u32 = ${STATUS.launchPoint}u;

const S_ASCENT: u32 = ${STAGE.ascent}u;
const S_FLOAT: u32 = ${STAGE.float}u;
const S_DESCENT: u32 = ${STAGE.descent}u;
const S_DONE: u32 = ${STAGE.done}u;

const E_LAUNCH: u32 = ${KIND.launch}u;
const E_FLOAT: u32 = ${KIND.float}u;
const E_BURST: u32 = ${KIND.burst}u;
const E_RELEASE: u32 = ${KIND.release}u;
const E_DESCENT: u32 = ${KIND.descent}u;
const E_LANDING: u32 = ${KIND.landing}u;
const E_LEFT_DOMAIN: u32 = ${KIND['left-domain']}u;
const E_WIND_ENDED: u32 = ${KIND['wind-ended']}u;
const E_LAUNCH_POINT: u32 = ${KIND['launch-point']}u;

const F_LAUNCH_ALT: u32 = ${Flag.launchAlt}u;
const F_ASCENT: u32 = ${Flag.ascent}u;
const F_FLOAT: u32 = ${Flag.float}u;
const F_SURFACE: u32 = ${Flag.surface}u;
const F_FLOAT_DURATION: u32 = ${Flag.floatDuration}u;
const F_BURST: u32 = ${Flag.burst}u;
const F_DESCENT: u32 = ${Flag.descent}u;
const F_RELEASE: u32 = ${Flag.release}u;
const F_FLOAT_PRESSURE: u32 = ${Flag.floatPressure}u;

// ---- double-single positions: value = hi + lo, |lo| ≤ ulp(hi) / 2 ------------------------------

struct DS {
  hi: f32,
  lo: f32,
}

/** a + d, with the rounding error of the sum kept in lo (Knuth's two-sum; no product, so no FMA). */
fn dsAdd(a: DS, d: f32) -> DS {
  let s = a.hi + d;
  let bb = s - a.hi;
  let err = (a.hi - (s - bb)) + (d - bb);
  let lo = a.lo + err;
  let hi = s + lo;
  return DS(hi, lo - (hi - s));
}

fn dsVal(a: DS) -> f32 {
  return a.hi + a.lo;
}

// ---- the member: parameters and live state, in private variables --------------------------------

var<private> m: u32;
var<private> k: i32; // the step being taken: it runs from run time k·dt to (k + 1)·dt
var<private> pLon: DS;
var<private> pLat: DS;
var<private> pLaunchAlt: f32;
var<private> pAscent: f32;
var<private> pFloatAlt: f32;
var<private> pFloatDuration: f32;
var<private> pBurst: f32;
var<private> pDescent: f32;
var<private> pRelease: f32;
var<private> pLevelK: i32;
var<private> pLevelW: f32;
var<private> pLaunchStep: i32;
var<private> pLaunchTau: f32;
var<private> pFlags: u32;

var<private> lonS: DS;
var<private> latS: DS;
var<private> altS: f32;
var<private> stage: u32;
var<private> status: u32;
var<private> stageEndStep: i32;
var<private> stageEndTau: f32;
var<private> releaseStep: i32;
var<private> releaseTau: f32;
var<private> endStep: i32;
var<private> endTau: f32;
var<private> noiseUV: vec2<f32>;

/* The result of integrate. */
var<private> nLon: DS;
var<private> nLat: DS;
var<private> nAlt: f32;

fn has(flag: u32) -> bool {
  return (pFlags & flag) != 0u;
}

fn pf(w: u32) -> f32 {
  return bitcast<f32>(params[m * ${PARAM_WORDS}u + w]);
}

fn sf(w: u32) -> f32 {
  return bitcast<f32>(state[m * ${STATE_WORDS}u + w]);
}

fn si(w: u32) -> i32 {
  return bitcast<i32>(state[m * ${STATE_WORDS}u + w]);
}

fn loadMember() {
  let p = m * ${PARAM_WORDS}u;
  pLon = DS(pf(0u), pf(1u));
  pLat = DS(pf(2u), pf(3u));
  pLaunchAlt = pf(4u);
  pAscent = pf(5u);
  pFloatAlt = pf(6u);
  pFloatDuration = pf(7u);
  pBurst = pf(8u);
  pDescent = pf(9u);
  pRelease = pf(10u);
  pLevelK = bitcast<i32>(params[p + 11u]);
  pLevelW = pf(12u);
  pLaunchStep = bitcast<i32>(params[p + 13u]);
  pLaunchTau = pf(14u);
  pFlags = params[p + 15u];
  lonS = DS(sf(0u), sf(1u));
  latS = DS(sf(2u), sf(3u));
  altS = sf(4u);
  let code = state[m * ${STATE_WORDS}u + 5u];
  stage = code & 255u;
  status = code >> 8u;
  stageEndStep = si(6u);
  stageEndTau = sf(7u);
  releaseStep = si(8u);
  releaseTau = sf(9u);
  endStep = si(10u);
  endTau = sf(11u);
}

fn storeMember() {
  let s = m * ${STATE_WORDS}u;
  state[s] = bitcast<u32>(lonS.hi);
  state[s + 1u] = bitcast<u32>(lonS.lo);
  state[s + 2u] = bitcast<u32>(latS.hi);
  state[s + 3u] = bitcast<u32>(latS.lo);
  state[s + 4u] = bitcast<u32>(altS);
  state[s + 5u] = stage | (status << 8u);
  state[s + 6u] = bitcast<u32>(stageEndStep);
  state[s + 7u] = bitcast<u32>(stageEndTau);
  state[s + 8u] = bitcast<u32>(releaseStep);
  state[s + 9u] = bitcast<u32>(releaseTau);
  state[s + 10u] = bitcast<u32>(endStep);
  state[s + 11u] = bitcast<u32>(endTau);
}

/* Events of this dispatch, queued and written once at its end (flushEvents): a member has at most
   ${MAX_EVENTS_PER_MEMBER} in a whole run. One write site rather than one per emit keeps the kernel small
   (an inlined atomic and eight stores at each of a dozen call sites took SwiftShader seconds to compile). */
var<private> queue: array<u32, ${MAX_EVENTS_PER_MEMBER * EVENT_WORDS}>;
var<private> queued: u32;

/** An event of the member now, at τ seconds into step k. */
fn emit(kind: u32, tau: f32) {
  if (queued >= ${MAX_EVENTS_PER_MEMBER}u) {
    return;
  }
  let e = queued * ${EVENT_WORDS}u;
  queue[e] = m | (kind << ${MEMBER_BITS}u);
  queue[e + 1u] = bitcast<u32>(k);
  queue[e + 2u] = bitcast<u32>(tau);
  queue[e + 3u] = bitcast<u32>(lonS.hi);
  queue[e + 4u] = bitcast<u32>(lonS.lo);
  queue[e + 5u] = bitcast<u32>(latS.hi);
  queue[e + 6u] = bitcast<u32>(latS.lo);
  queue[e + 7u] = bitcast<u32>(altS);
  queued = queued + 1u;
}

fn flushEvents() {
  if (queued == 0u) {
    return;
  }
  let first = atomicAdd(&ev.count, queued);
  for (var q = 0u; q < queued; q++) {
    let slot = first + q;
    if (slot >= run.eventCapacity) {
      return; // counted: the host sees the overflow and says so
    }
    for (var w = 0u; w < ${EVENT_WORDS}u; w++) {
      ev.data[slot * ${EVENT_WORDS}u + w] = queue[q * ${EVENT_WORDS}u + w];
    }
  }
}

// ---- time ------------------------------------------------------------------------------------

/** Seconds since the run's start (signed: negative backward) of the time τ into step k. */
fn realRel(tau: f32) -> f32 {
  return run.sign * (f32(k) * run.dt + tau);
}

struct StepTime {
  step: i32,
  tau: f32,
}

/**
 * τ seconds after the start of step k as (step, offset) with the offset in (0, dt]: a time on a step
 * boundary belongs to the step it ends, as the CPU's "(t, tEnd]" tests place it.
 */
fn stepTime(tau: f32) -> StepTime {
  var n = i32(ceil(tau / run.dt)) - 1;
  var off = tau - f32(n) * run.dt;
  // The division is not correctly rounded in WGSL: put the offset back into (0, dt].
  if (off <= 0.0) {
    n = n - 1;
    off = off + run.dt;
  } else if (off > run.dt) {
    n = n + 1;
    off = off - run.dt;
  }
  return StepTime(k + n, off);
}

// ---- the grid (grid-base.ts, grid-time-axis.ts) ------------------------------------------------

var<private> gCol: i32;
var<private> gDi: i32;
var<private> gDj: i32;
var<private> gWx: f32;
var<private> gWy: f32;
var<private> tBase: i32;
var<private> tDn: i32;
var<private> tWt: f32;

fn foldLon(lon: f32) -> f32 {
  let d = lon - run.gLon0;
  let east = d - 360.0 * floor(d / 360.0);
  if (run.gWraps != 0u || east <= run.gLonSpan) {
    return east * run.gInvDLon;
  }
  return select(0.0, run.gMaxFx, east - run.gLonSpan < 360.0 - east);
}

fn locateColumn(lon: f32, lat: f32) {
  var fx = (lon - run.gLon0) * run.gInvDLon;
  if (!(fx >= 0.0 && fx <= run.gMaxFx)) {
    fx = foldLon(lon);
  }
  var i = i32(floor(fx));
  let nx = run.gNLon;
  if (run.gWraps != 0u) {
    if (i >= nx) {
      i = 0;
      fx = 0.0;
    }
    gDi = select(1, 1 - nx, i == nx - 1);
  } else {
    if (i > nx - 2) {
      i = select(0, nx - 2, nx > 1);
    }
    gDi = select(0, 1, nx > 1);
  }
  gWx = fx - f32(i);
  var fy = min((lat - run.gLat0) * run.gInvDLat, run.gMaxFy);
  if (!(fy >= 0.0)) {
    fy = 0.0;
  }
  var j = i32(floor(fy));
  let ny = run.gNLat;
  if (j > ny - 2) {
    j = select(0, ny - 2, ny > 1);
  }
  gDj = select(0, nx, ny > 1);
  gWy = fy - f32(j);
  gCol = j * nx + i;
}

fn timeIndex(t: f32) -> f32 {
  let o = run.oTimes;
  var lo = 0;
  var hi = run.gNt - 1;
  if (t <= grid[o]) {
    return 0.0;
  }
  if (t >= grid[o + hi]) {
    return f32(hi);
  }
  while (hi - lo > 1) {
    let mid = (lo + hi) >> 1u;
    if (grid[o + mid] <= t) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return f32(lo) + (t - grid[o + lo]) / (grid[o + hi] - grid[o + lo]);
}

fn locateTime(t: f32) {
  let nt = run.gNt;
  var n = 0;
  var ft = 0.0;
  if (nt > 1) {
    if (run.gUniformTimes != 0u) {
      ft = (t - run.gT0) * run.gInvDt;
    } else {
      ft = timeIndex(t);
    }
    if (!(ft >= 0.0)) {
      ft = 0.0;
    } else if (ft > f32(nt - 1)) {
      ft = f32(nt - 1);
    }
    n = i32(floor(ft));
    if (n > nt - 2) {
      n = nt - 2;
    }
  }
  tWt = ft - f32(n);
  tDn = select(0, run.gTimeStride, nt > 1);
  tBase = n * run.gTimeStride;
}

/** Ground elevation (m AMSL): the grid's orography, bilinear; the flat ground where it has none. */
fn groundAt(lon: f32, lat: f32) -> f32 {
  if (run.hasOrography == 0u) {
    return run.groundM;
  }
  locateColumn(lon, lat);
  let o = run.oOro;
  let c = gCol;
  let a0 = grid[o + c];
  let a1 = grid[o + c + gDi];
  let b0 = grid[o + c + gDj];
  let b1 = grid[o + c + gDj + gDi];
  if (a0 == MISSING || a1 == MISSING || b0 == MISSING || b1 == MISSING) {
    return run.groundM;
  }
  let s0 = a0 + gWx * (a1 - a0);
  let s1 = b0 + gWx * (b1 - b0);
  return s0 + gWy * (s1 - s0);
}

${windSource(config.wind)}

// ---- sines, cosines, the ISA -------------------------------------------------------------------

/** (sin y, cos y) for |y| ≤ π/2: Taylor to y¹³ and y¹⁴, error < 1e-9. */
fn sinCosSmall(y: f32) -> vec2<f32> {
  let y2 = y * y;
  let s = y * (1.0 + y2 * (-1.0 / 6.0 + y2 * (1.0 / 120.0 + y2 * (-1.0 / 5040.0 + y2 * (1.0 / 362880.0
    + y2 * (-1.0 / 39916800.0 + y2 * (1.0 / 6227020800.0)))))));
  let c = 1.0 + y2 * (-0.5 + y2 * (1.0 / 24.0 + y2 * (-1.0 / 720.0 + y2 * (1.0 / 40320.0
    + y2 * (-1.0 / 3628800.0 + y2 * (1.0 / 479001600.0 - y2 / 87178291200.0))))));
  return vec2<f32>(s, c);
}

/** (sin x, cos x) for any x. */
fn sinCos(x: f32) -> vec2<f32> {
  var y = x - TWO_PI * round(x / TWO_PI);
  var sgn = 1.0;
  if (y > HALF_PI) {
    y = PI - y;
    sgn = -1.0;
  } else if (y < -HALF_PI) {
    y = -PI - y;
    sgn = -1.0;
  }
  let sc = sinCosSmall(y);
  return vec2<f32>(sc.x, sgn * sc.y);
}

/** cos of a latitude in degrees (|lat| ≤ 90). */
fn cosDeg(lat: f32) -> f32 {
  return sinCosSmall(clamp(lat, -90.0, 90.0) * RAD_PER_DEG).y;
}

/** √(ρ₀ / ρ(z)) of the ISA (atmosphere.ts): how much faster a drag-limited descent is at altitude. */
fn descentFactor(alt: f32) -> f32 {
  let R = 287.05287;
  let G0 = 9.80665;
  var base = 0.0;
  var t0 = 288.15;
  var lapse = -0.0065;
  var p0 = 101325.0;
  if (alt >= 32000.0) {
    base = 32000.0; t0 = 228.65; lapse = 0.0028; p0 = 868.0187;
  } else if (alt >= 20000.0) {
    base = 20000.0; t0 = 216.65; lapse = 0.001; p0 = 5474.889;
  } else if (alt >= 11000.0) {
    base = 11000.0; t0 = 216.65; lapse = 0.0; p0 = 22632.06;
  }
  let dz = alt - base;
  let temp = t0 + lapse * dz;
  var p = 0.0;
  if (lapse == 0.0) {
    p = p0 * exp(-G0 * dz / (R * t0));
  } else {
    p = p0 * pow(temp / t0, -G0 / (R * lapse));
  }
  let rho = p / (R * temp);
  return sqrt(1.225 / rho);
}

// ---- flight stages (flight-stages.ts) ------------------------------------------------------------

fn floatAltitude(lon: f32, lat: f32, t: f32) -> f32 {
  if (has(F_SURFACE)) {
    return surfaceAltitude(lon, lat, t);
  }
  return pFloatAlt;
}

fn ascentTarget(lon: f32, lat: f32, t: f32) -> f32 {
  var goal = HUGE;
  if (has(F_FLOAT)) {
    goal = floatAltitude(lon, lat, t);
  }
  if (has(F_BURST)) {
    goal = min(pBurst, goal);
  }
  return goal;
}

/** < 0 before the stage's altitude condition, ≥ 0 at and after it. */
fn altitudeEvent(stg: u32, lon: f32, lat: f32, alt: f32, t: f32) -> f32 {
  if (stg == S_ASCENT && run.sign > 0.0) {
    return alt - ascentTarget(lon, lat, t);
  }
  return groundAt(lon, lat) - alt;
}

fn verticalSpeed(stg: u32, alt: f32) -> f32 {
  if (stg == S_ASCENT) {
    return pAscent;
  }
  if (stg == S_DESCENT) {
    return -pDescent * descentFactor(alt);
  }
  return 0.0;
}

fn finish(code: u32, kind: u32, tau: f32) {
  status = code;
  stage = S_DONE;
  endStep = k;
  endTau = tau;
  emit(kind, tau);
}

fn setStageEnd(tau: f32) {
  if (has(F_FLOAT_DURATION)) {
    let st = stepTime(tau + pFloatDuration);
    stageEndStep = st.step;
    stageEndTau = st.tau;
  } else {
    stageEndStep = NONE;
  }
}

fn endAscent(tau: f32) {
  let goal = ascentTarget(dsVal(lonS), dsVal(latS), realRel(tau));
  altS = goal;
  if (has(F_BURST) && goal == pBurst) {
    stage = S_DESCENT;
    emit(E_BURST, tau);
  } else {
    stage = S_FLOAT;
    setStageEnd(tau);
    emit(E_FLOAT, tau);
  }
}

fn launch(tau: f32) {
  lonS = pLon;
  latS = pLat;
  status = ACTIVE;
  releaseStep = NONE;
  let lon = dsVal(lonS);
  let lat = dsVal(latS);
  let t = realRel(tau);
  if (run.sign > 0.0) {
    if (has(F_RELEASE)) {
      let st = stepTime(tau + pRelease);
      releaseStep = st.step;
      releaseTau = st.tau;
    }
    altS = select(groundAt(lon, lat), pLaunchAlt, has(F_LAUNCH_ALT));
    if (has(F_ASCENT)) {
      stage = S_ASCENT;
      stageEndStep = NONE;
    } else {
      stage = S_FLOAT;
      setStageEnd(tau);
      if (!has(F_LAUNCH_ALT)) {
        altS = floatAltitude(lon, lat, t);
      }
    }
  } else {
    stage = S_FLOAT;
    setStageEnd(tau);
    altS = select(floatAltitude(lon, lat, t), pLaunchAlt, has(F_LAUNCH_ALT));
  }
  emit(E_LAUNCH, tau);
  if (stage == S_ASCENT && altitudeEvent(S_ASCENT, lon, lat, altS, t) >= 0.0) {
    endAscent(tau);
  }
}

fn altitudeTransition(stg: u32, tau: f32) {
  if (stg == S_ASCENT && run.sign > 0.0) {
    endAscent(tau);
    return;
  }
  altS = groundAt(dsVal(lonS), dsVal(latS));
  if (run.sign > 0.0) {
    finish(LANDED, E_LANDING, tau);
  } else {
    finish(LAUNCH_POINT, E_LAUNCH_POINT, tau);
  }
}

fn timedStageEnd(stg: u32, tau: f32) {
  if (stg != S_FLOAT) {
    return;
  }
  if (run.sign > 0.0) {
    stage = S_DESCENT;
    emit(E_DESCENT, tau);
  } else if (has(F_ASCENT)) {
    stage = S_ASCENT;
    emit(E_FLOAT, tau);
  }
}

fn releasePayload(tau: f32) {
  stage = S_DESCENT;
  releaseStep = NONE;
  emit(E_RELEASE, tau);
}

// ---- one Runge–Kutta step (integrator.ts) ------------------------------------------------------

/**
 * Integrates the member from (x0, y0, z0) at τ0 into step k over h ≥ 0 seconds of run time, in
 * stage stg, with the run's method; the result in nLon, nLat, nAlt. Euler, Heun and RK4 have one
 * non-zero entry per row of A, so one loop serves the three (tableaus.ts): stage s is evaluated at
 * y₀ + aₛ·h·kₛ₋₁ and time τ0 + cₛ·h.
 */
fn integrate(x0: DS, y0: DS, z0: f32, stg: u32, tau0: f32, h: f32) {
  let hr = run.sign * h;
  let surface = has(F_SURFACE) && stg == S_FLOAT;
  let vertical = stg != S_FLOAT;
  var xs = dsVal(x0);
  var ys = dsVal(y0);
  var zs = z0;
  var sx = 0.0;
  var sy = 0.0;
  var sz = 0.0;
  for (var s = 0; s < STAGES; s++) {
    let t = realRel(tau0 + RK_C[s] * h);
    if (s > 0 && surface) {
      zs = floatAltitude(xs, ys, t);
    }
    let uv = wind(xs, ys, zs, t) + noiseUV;
    let kx = (uv.x * DEG_PER_M) / cosDeg(ys);
    let ky = uv.y * DEG_PER_M;
    var kz = 0.0;
    if (vertical) {
      kz = verticalSpeed(stg, zs);
    }
    sx = sx + RK_B[s] * kx;
    sy = sy + RK_B[s] * ky;
    sz = sz + RK_B[s] * kz;
    if (s == STAGES - 1) {
      nLon = dsAdd(x0, hr * sx);
      nLat = dsAdd(y0, hr * sy);
      zs = z0 + hr * sz;
    } else {
      let stepH = RK_A[s + 1] * hr;
      xs = x0.hi + (x0.lo + stepH * kx);
      ys = y0.hi + (y0.lo + stepH * ky);
      zs = z0 + stepH * kz;
    }
  }
  if (surface) {
    zs = floatAltitude(dsVal(nLon), dsVal(nLat), realRel(tau0 + h));
  }
  nAlt = zs;
}

// ---- the step (simulation.ts) ------------------------------------------------------------------

const EVENT_TOLERANCE_M: f32 = 1e-3;

fn commit() {
  lonS = nLon;
  latS = nLat;
  altS = nAlt;
}

/** After the member's step: wrap its longitude, stop it if it left the wind's box or the wind ended. */
fn endOfStep(tEnd: f32, windEnds: bool) {
  if (status != ACTIVE) {
    return;
  }
  var lon = dsVal(lonS);
  if (!(lon >= -180.0 && lon < 180.0)) {
    lonS = dsAdd(lonS, -360.0 * floor((lon + 180.0) / 360.0));
    lon = dsVal(lonS);
  }
  let lat = dsVal(latS);
  var inside = lat >= run.latMin && lat <= run.latMax;
  if (inside && run.wrapsLon == 0u && !(lon >= run.lonMin && lon <= run.lonMin + run.lonSpan)) {
    let d = lon - run.lonMin;
    inside = d - 360.0 * floor(d / 360.0) <= run.lonSpan; // grids stored as 0..360
  }
  if (!inside) {
    finish(LEFT_DOMAIN, E_LEFT_DOMAIN, tEnd);
  } else if (windEnds) {
    finish(WIND_ENDED, E_WIND_ENDED, tEnd);
  }
}

/* Phases of a step. The CPU's step(), advance() and locateEvent() call its integrator from several
   places; here one loop does each integration in turn from one call site, so the kernel holds one
   copy of the integrator and the wind sampler: a GPU compiler inlines every call, and several copies
   made the kernel slow to compile and run. */
const P_FAST: u32 = 0u; // the whole step, for a member without a timed event in it
const P_SUB: u32 = 1u; // advance(): from τ = t to the next timed event or the step's end
const P_LOCATE: u32 = 2u; // locateEvent(): a trial τ of regula falsi
const P_EVENT: u32 = 3u; // to the located altitude event, then its stage change
const P_G0: u32 = 4u; // no integration: the altitude condition at the sub-step's start

/**
 * One step of the member (simulation.ts step(), with advance() and locateEvent()): a launch inside
 * the step, timed events located exactly, altitude events by Illinois regula falsi on the altitude
 * condition from the sub-step's start, the rest of the step continuing in the next stage.
 */
fn takeStep() {
  let windEnds = k == run.windEndStep;
  let tEnd = select(run.dt, run.windEndTau, windEnds);
  var phase = P_FAST;
  var t = 0.0; // advance(): where the member is in the step
  if (status == PENDING) {
    if (!(pLaunchStep == k && pLaunchTau <= tEnd)) {
      return;
    }
    launch(pLaunchTau);
    if (status != ACTIVE || pLaunchTau == tEnd) {
      endOfStep(tEnd, windEnds);
      return;
    }
    phase = P_SUB;
    t = pLaunchTau;
  } else if (status != ACTIVE) {
    return;
  } else if ((stage == S_FLOAT || stage == S_ASCENT)
      && ((stageEndStep == k && stageEndTau <= tEnd) || (releaseStep == k && releaseTau <= tEnd))) {
    phase = P_SUB;
  }
  // A sub-step's start and its timed end (advance()), and the regula falsi bracket (locateEvent()).
  let tolSec = max(1e-7, 4e-7 * run.dt);
  var split = 0;
  var stg = stage;
  var x0 = lonS;
  var y0 = latS;
  var z0 = altS;
  var tStop = tEnd;
  var timed = 0;
  var h = 0.0;
  var a = 0.0;
  var ga = 0.0;
  var b = 0.0;
  var gb = 0.0;
  var side = 0;
  var iter = 0;
  var trial = 0.0;
  var subStart = phase == P_SUB;
  loop {
    if (subStart) {
      // advance(): the earliest timed event (float end or payload release) inside (t, tEnd].
      subStart = false;
      stg = stage;
      x0 = lonS;
      y0 = latS;
      z0 = altS;
      tStop = tEnd;
      timed = 0;
      if (stg == S_FLOAT || stg == S_ASCENT) {
        if (stageEndStep == k && stageEndTau > t && stageEndTau <= tStop) {
          tStop = stageEndTau;
          timed = 1;
        }
        if (releaseStep == k && releaseTau > t && releaseTau <= tStop) {
          tStop = releaseTau;
          timed = 2;
        }
      }
      h = tStop - t;
    }
    // The one integration and the one evaluation of the altitude condition of this pass.
    if (phase == P_FAST) {
      integrate(lonS, latS, altS, stage, 0.0, tEnd);
    } else if (phase == P_SUB) {
      integrate(x0, y0, z0, stg, t, h);
    } else if (phase != P_G0) {
      integrate(x0, y0, z0, stg, t, trial);
    }
    // A float at a fixed altitude over flat ground meets no altitude event.
    let level = phase == P_FAST && run.hasOrography == 0u && stage == S_FLOAT && !has(F_FLOAT_PRESSURE);
    var g = -1.0;
    if (phase != P_EVENT && !level) {
      var at = vec4<f32>(dsVal(nLon), dsVal(nLat), nAlt, realRel(tEnd));
      if (phase == P_SUB) {
        at.w = realRel(tStop);
      } else if (phase == P_LOCATE) {
        at.w = realRel(t + trial);
      } else if (phase == P_G0) {
        at = vec4<f32>(dsVal(x0), dsVal(y0), z0, realRel(t));
      }
      g = altitudeEvent(select(stg, stage, phase == P_FAST), at.x, at.y, at.z, at.w);
    }
    if (phase == P_FAST) {
      if (g >= 0.0) {
        phase = P_SUB; // redo the step alone, locating its event
        subStart = true;
        continue;
      }
      commit();
      break;
    }
    if (phase == P_SUB) {
      if (g >= 0.0) {
        gb = g; // met by the sub-step's end: where was it at its start?
        phase = P_G0;
        continue;
      }
      commit();
      t = tStop;
      if (timed == 1) {
        timedStageEnd(stg, t);
      } else if (timed == 2) {
        releasePayload(t);
      }
      split = split + 1;
      if (status != ACTIVE || t == tEnd || split >= 8) {
        break;
      }
      subStart = true;
      continue;
    }
    if (phase == P_G0) {
      a = 0.0;
      ga = g;
      b = h;
      side = 0;
      iter = 0;
      if (g >= 0.0) {
        b = 0.0; // met at the sub-step's start already
        iter = 64;
      }
    } else if (phase == P_LOCATE) {
      iter = iter + 1;
      if (g >= 0.0) {
        b = trial;
        gb = g;
        if (g <= EVENT_TOLERANCE_M) {
          iter = 64;
        }
        if (side == 1) {
          ga = ga / 2.0;
        }
        side = 1;
      } else {
        a = trial;
        ga = g;
        if (side == -1) {
          gb = gb / 2.0;
        }
        side = -1;
      }
    } else {
      // P_EVENT: integrated to the event at τ = trial; commit, change stage, go on in the new one.
      commit();
      t = t + trial;
      altitudeTransition(stg, t);
      split = split + 1;
      if (status != ACTIVE || t == tEnd || split >= 8) {
        break;
      }
      phase = P_SUB;
      subStart = true;
      continue;
    }
    // locateEvent(): the next trial τ, or the event found (the bracket's end where it is met).
    if (iter >= 64 || abs(b - a) <= tolSec) {
      phase = P_EVENT;
      trial = b;
    } else {
      var tau = (a * gb - b * ga) / (gb - ga);
      if (!(tau > min(a, b) && tau < max(a, b))) {
        tau = 0.5 * (a + b);
      }
      phase = P_LOCATE;
      trial = tau;
    }
  }
  endOfStep(tEnd, windEnds);
}

fn writeRecord(slot: u32) {
  rec[slot] = vec4<f32>(dsVal(lonS), dsVal(latS), altS, f32(status));
}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  m = (wg.y * run.groupsX + wg.x) * ${WORKGROUP_SIZE}u + li;
  if (m >= run.count) {
    return;
  }
  loadMember();
  if (run.init != 0u) {
    // Members whose launch is the run's start are launched before the first step (at the end of step −1).
    k = -1;
    if (status == PENDING && pLaunchStep == -1) {
      launch(run.dt);
    }
    if (run.record != 0u) {
      writeRecord(m);
    }
    storeMember();
    flushEvents();
    return;
  }
  for (var r = 0u; r < run.steps; r++) {
    k = run.firstStep + i32(r);
    if (run.noisy != 0u) {
      noiseUV = noise[r * run.count + m];
    } else {
      noiseUV = vec2<f32>(0.0, 0.0);
    }
    takeStep();
    if (run.record == 2u) {
      writeRecord(r * run.count + m);
    }
  }
  if (run.record == 1u) {
    writeRecord(m);
  }
  storeMember();
  flushEvents();
}
`;
}

/** `wind(lon, lat, alt, t) -> vec2<f32>` (u, v in m/s) and `surfaceAltitude` for a kind of field. */
function windSource(kind: GpuWindKind): string {
  const noSurface = `fn surfaceAltitude(lon: f32, lat: f32, t: f32) -> f32 {
  return pFloatAlt;
}`;
  switch (kind) {
    case 'altitude':
      return `${noSurface}

/** u, v at the time-interpolated node e (rounded to float32, as the CPU's nodes and slabs are). */
fn nodeUV(node: i32) -> vec2<f32> {
  let e0 = run.oUV + 2 * node;
  let e1 = e0 + 2 * tDn;
  let a = vec2<f32>(grid[e0], grid[e0 + 1]);
  let b = vec2<f32>(grid[e1], grid[e1 + 1]);
  return a + tWt * (b - a);
}

/** grid-altitude.ts sample: 16 nodes, time first, then bilinear at two levels, then altitude. */
fn wind(lon: f32, lat: f32, alt: f32, t: f32) -> vec2<f32> {
  locateColumn(lon, lat);
  locateTime(t);
  let nz = run.gNz;
  let lv = run.oLevels;
  var kz = 0;
  var wz = 0.0;
  if (alt >= grid[lv + nz - 1]) {
    kz = select(0, nz - 2, nz > 1);
    wz = 1.0;
  } else if (alt > grid[lv]) {
    while (grid[lv + kz + 1] <= alt) {
      kz = kz + 1;
    }
    wz = (alt - grid[lv + kz]) * grid[run.oInvDz + kz];
  }
  let a = tBase + gCol + kz * run.gLevelStride;
  let b = a + gDi;
  let c = a + gDj;
  let d = c + gDi;
  let dk = select(0, run.gLevelStride, nz > 1);
  let na = nodeUV(a);
  let nb = nodeUV(b);
  let nc = nodeUV(c);
  let nd = nodeUV(d);
  var lo = na + gWx * (nb - na);
  var hi = nc + gWx * (nd - nc);
  let low = lo + gWy * (hi - lo);
  let ua = nodeUV(a + dk);
  let ub = nodeUV(b + dk);
  let uc = nodeUV(c + dk);
  let ud = nodeUV(d + dk);
  lo = ua + gWx * (ub - ua);
  hi = uc + gWx * (ud - uc);
  let high = lo + gWy * (hi - lo);
  return low + wz * (high - low);
}`;
    case 'pressure':
      return `/**
 * grid-pressure.ts samplePoint: each of the 8 columns around the point (2 times × 4 corners) linear in
 * height at the altitude by that column's geopotential heights, then weighted bilinearly and in time.
 */
fn wind(lon: f32, lat: f32, alt: f32, t: f32) -> vec2<f32> {
  locateColumn(lon, lat);
  locateTime(t);
  let stride = run.gLevelStride;
  let nz = run.gNz;
  var sum = vec2<f32>(0.0, 0.0);
  for (var q = 0; q < 8; q++) {
    let later = q >> 2u;
    let east = q & 1;
    let north = q & 2;
    let w = select(1.0 - tWt, tWt, later != 0) * select(1.0 - gWx, gWx, east != 0) * select(1.0 - gWy, gWy, north != 0);
    if (w == 0.0) {
      continue;
    }
    let node = tBase + gCol + later * tDn + select(0, gDi, east != 0) + select(0, gDj, north != 0);
    let top = node + (nz - 1) * stride;
    if (nz == 1 || alt <= grid[run.oGH + node]) {
      sum = sum + w * vec2<f32>(grid[run.oUV + 2 * node], grid[run.oUV + 2 * node + 1]);
    } else if (alt >= grid[run.oGH + top]) {
      sum = sum + w * vec2<f32>(grid[run.oUV + 2 * top], grid[run.oUV + 2 * top + 1]);
    } else {
      var kz = 0;
      while (kz < nz - 2 && grid[run.oGH + node + (kz + 1) * stride] <= alt) {
        kz = kz + 1;
      }
      let lower = node + kz * stride;
      let upper = lower + stride;
      let wz = (alt - grid[run.oGH + lower]) / (grid[run.oGH + upper] - grid[run.oGH + lower]);
      let a = vec2<f32>(grid[run.oUV + 2 * lower], grid[run.oUV + 2 * lower + 1]);
      let b = vec2<f32>(grid[run.oUV + 2 * upper], grid[run.oUV + 2 * upper + 1]);
      sum = sum + w * (a + wz * (b - a));
    }
  }
  return sum;
}

/** grid-pressure.ts onLevel on the heights: the member's pressure surface, its level weight precomputed. */
fn surfaceAltitude(lon: f32, lat: f32, t: f32) -> f32 {
  locateColumn(lon, lat);
  locateTime(t);
  let dk = select(0, run.gLevelStride, run.gNz > 1);
  var sum = 0.0;
  for (var slab = 0; slab < 2; slab++) {
    let wTime = select(1.0 - tWt, tWt, slab == 1);
    if (wTime == 0.0) {
      continue;
    }
    let n = tBase + gCol + slab * tDn + pLevelK * run.gLevelStride;
    // The height of the surface at the four corners: a (south-west), b (east of a), c (north), d.
    var corner = array<f32, 4>(0.0, 0.0, 0.0, 0.0);
    for (var q = 0; q < 4; q++) {
      let e = run.oGH + n + select(0, gDi, (q & 1) != 0) + select(0, gDj, (q & 2) != 0);
      corner[q] = grid[e] + pLevelW * (grid[e + dk] - grid[e]);
    }
    let lo = corner[0] + gWx * (corner[1] - corner[0]);
    let hi = corner[2] + gWx * (corner[3] - corner[2]);
    sum = sum + wTime * (lo + gWy * (hi - lo));
  }
  return sum;
}`;
    case 'uniform':
      return `${noSurface}

fn wind(lon: f32, lat: f32, alt: f32, t: f32) -> vec2<f32> {
  return vec2<f32>(run.a0, run.a1);
}`;
    case 'shear':
      return `${noSurface}

fn wind(lon: f32, lat: f32, alt: f32, t: f32) -> vec2<f32> {
  return vec2<f32>(run.a0 + run.a2 * alt, run.a1 + run.a3 * alt);
}`;
    case 'rotation':
      return `${noSurface}

/** analytic.ts SolidBodyRotationWind: ω (a × r) on the east and north unit vectors. */
fn wind(lon: f32, lat: f32, alt: f32, t: f32) -> vec2<f32> {
  let lo = sinCos(lon * RAD_PER_DEG);
  let la = sinCosSmall(clamp(lat, -90.0, 90.0) * RAD_PER_DEG);
  let rx = la.y * lo.y;
  let ry = la.y * lo.x;
  let rz = la.x;
  let vx = run.a1 * rz - run.a2 * ry;
  let vy = run.a2 * rx - run.a0 * rz;
  let vz = run.a0 * ry - run.a1 * rx;
  let u = run.a3 * (-lo.x * vx + lo.y * vy);
  let v = run.a3 * (-la.x * lo.y * vx - la.x * lo.x * vy + la.y * vz);
  return vec2<f32>(u, v);
}`;
    case 'oscillating':
      return `${noSurface}

/** analytic.ts OscillatingWind; the phase at the run's start (a4) reduced on the host in float64. */
fn wind(lon: f32, lat: f32, alt: f32, t: f32) -> vec2<f32> {
  let sc = sinCos(run.a4 + run.a3 * t);
  return vec2<f32>(run.a0 + run.a2 * sc.y, run.a1 + run.a2 * sc.x);
}`;
    case 'sounding':
      return `${noSurface}

/** analytic.ts SoundingWind: u and v linear in altitude between the levels; the end values beyond. */
fn wind(lon: f32, lat: f32, alt: f32, t: f32) -> vec2<f32> {
  let n = run.gNz;
  let lv = run.oLevels;
  if (n == 1 || alt <= grid[lv]) {
    return vec2<f32>(grid[run.oUV], grid[run.oUV + 1]);
  }
  if (alt >= grid[lv + n - 1]) {
    return vec2<f32>(grid[run.oUV + 2 * (n - 1)], grid[run.oUV + 2 * (n - 1) + 1]);
  }
  var kz = 0;
  while (grid[lv + kz + 1] <= alt) {
    kz = kz + 1;
  }
  let w = (alt - grid[lv + kz]) / (grid[lv + kz + 1] - grid[lv + kz]);
  let a = vec2<f32>(grid[run.oUV + 2 * kz], grid[run.oUV + 2 * kz + 1]);
  let b = vec2<f32>(grid[run.oUV + 2 * kz + 2], grid[run.oUV + 2 * kz + 3]);
  return a + w * (b - a);
}`;
  }
}
