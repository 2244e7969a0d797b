/**
 * The backward half of a back-track: members start at the last detection (perturbed by its
 * uncertainties), float back through the whole launch window, and are weighted by how well they pass
 * the earlier detections; from points along each member's float path (every `candidateEverySec`)
 * the ascent is traced down to the ground, giving launch points and times, each a sample of the
 * posterior once weighted by the priors (launch region, launch window, float altitude).
 *
 * Every float-end time along a path is one candidate, spaced evenly: a uniform prior over the
 * launch time. Under a uniform prior over the region's area that is the posterior too, because the
 * horizontal flow nearly preserves area: the launch points that reach a detection from any launch
 * time cover about the same area, so no launch time is favoured but by the priors.
 */
import { M_PER_DEG, RAD_PER_DEG } from '../earth.js';
import { gaussian, memberRng, RngStream, uniform } from '../ensemble/random.js';
import { MemberSet } from '../solver/members.js';
import { Simulation, type SolverMethod } from '../solver/simulation.js';
import { MemberStatus } from '../solver/status.js';
import type { WindField } from '../wind/wind-field.js';
import type { Detection, FloatAltitudes } from './backtrack-altitude.js';
import type { LaunchSamples } from './backtrack-cells.js';
import { type LaunchRegion, type LaunchWindow, nearRegion } from './backtrack-priors.js';

/** What both halves of a back-track share: the wind, the detections, the priors and the solver. */
export interface BacktrackSetup {
  wind: WindField;
  /** Sorted by time. */
  detections: Detection[];
  region: LaunchRegion | null;
  window: LaunchWindow;
  /** The longest float before the first detection (s); Infinity: the window alone bounds it. */
  maxFloatSec: number;
  altitudes: FloatAltitudes;
  ascentRateMps: number;
  ascentRateFraction: number;
  windSigmaMps: number;
  windCorrelationSec: number;
  method: SolverMethod;
  dtSec: number;
  groundElevationM: number;
  seed: number;
  /** The smallest σ a detection's position is matched with (m). */
  matchFloorM: number;
}

/** Member ids of the wind-error streams, distinct per stage so no two stages share draws. */
export const WIND_IDS = { paths: 0, ascents: 0x1000_0000, forward: 0x2000_0000 } as const;

/**
 * The largest mean wind (m/s) over an ascent from the ground to the float altitude (1–5 km): it
 * bounds how far from the region an ascent can start. Winds averaged over the lowest 5 km stay well
 * below this; the jet stream blows higher.
 */
const MAX_ASCENT_WIND_MPS = 30;
/** At most this many ascents are traced down (memory and time); the spacing widens beyond. */
const MAX_CANDIDATES = 250_000;
/** Float ends of one Simulation of ascents lie within this span (s): see the ascents below. */
const CHUNK_SEC = 1800;

/** A member's position and altitude drawn at a detection (its uncertainties) and its ascent rate. */
export interface MemberDraw {
  lon: number;
  lat: number;
  tSec: number;
  floatAltM: number;
  ascentRateMps: number;
}

/** Draws member i's start at a detection: position, time and float altitude, and its ascent rate. */
export function drawAtDetection(setup: BacktrackSetup, d: Detection, i: number): MemberDraw {
  const rng = memberRng(setup.seed, RngStream.launch, i);
  const c = setup.wind.coverage;
  const sigmaPos = d.sigmaPositionM ?? 0;
  const dNorth = gaussian(rng) * sigmaPos;
  const dEast = gaussian(rng) * sigmaPos;
  const tSec = Math.min(c.tMaxSec, Math.max(c.tMinSec, d.tSec + gaussian(rng) * (d.sigmaTimeSec ?? 0)));
  const floatAltM = setup.altitudes.draw(rng);
  const ascentRateMps = setup.ascentRateMps * Math.max(0.2, 1 + gaussian(rng) * setup.ascentRateFraction);
  return {
    lon: d.lon + dEast / (M_PER_DEG * Math.cos(d.lat * RAD_PER_DEG)),
    lat: d.lat + dNorth / M_PER_DEG,
    tSec,
    floatAltM,
    ascentRateMps,
  };
}

/** The σ (m) a member's position is matched to a detection with, moving at `speedMps`. */
export function matchSigmaM(setup: BacktrackSetup, d: Detection, speedMps: number): number {
  const sp = d.sigmaPositionM ?? 0;
  const st = (d.sigmaTimeSec ?? 0) * speedMps;
  return Math.sqrt(sp * sp + st * st + setup.matchFloorM * setup.matchFloorM);
}

/** Local flat distance (m) between two nearby points: the likelihoods need no more. */
export function flatDistanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dx = (lon2 - lon1) * M_PER_DEG * Math.cos(0.5 * (lat1 + lat2) * RAD_PER_DEG);
  const dy = (lat2 - lat1) * M_PER_DEG;
  return Math.hypot(dx, dy);
}

export interface BackwardResult {
  samples: LaunchSamples;
  members: number;
  /** Ascents traced down (candidates), those that reached the ground, those inside the priors. */
  candidates: number;
  reachedGround: number;
  plausible: number;
  /** Members whose float path ended (left the wind's box or its times) before the window opened. */
  pathsCutShort: number;
  /** The members' float altitudes and log-weights (the altitude and the earlier detections). */
  floatAltM: Float64Array;
  logWeight: Float64Array;
  /** Per earlier detection: the smallest misfit of any member, in σ. */
  bestMisfitSigma: number[];
}

/** Runs a Simulation to its end, keeping every member's position after each step (NaN when not flying). */
function recordPaths(sim: Simulation): { lon: Float32Array; lat: Float32Array; steps: number } {
  const n = sim.count;
  const steps = sim.stepCount;
  const lon = new Float32Array(n * (steps + 1)).fill(Number.NaN);
  const lat = new Float32Array(n * (steps + 1)).fill(Number.NaN);
  const keep = (s: number) => {
    const base = s * n;
    for (let i = 0; i < n; i++)
      if (sim.status[i] === MemberStatus.active) {
        lon[base + i] = sim.lon[i];
        lat[base + i] = sim.lat[i];
      }
  };
  keep(0);
  while (!sim.done) {
    sim.step();
    keep(sim.stepsTaken);
  }
  return { lon, lat, steps };
}

export function backwardPosterior(
  setup: BacktrackSetup,
  members: number,
  candidateEverySec: number,
): BackwardResult {
  const { wind, detections, dtSec, window } = setup;
  const anchor = detections[detections.length - 1];
  const first = detections[0];
  const n = members;

  // ---- float paths from the last detection back through the window ----
  const draws: MemberDraw[] = [];
  const set = new MemberSet(n);
  const floatAltM = new Float64Array(n);
  const logWeight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = drawAtDetection(setup, anchor, i);
    draws.push(d);
    set.lon[i] = d.lon;
    set.lat[i] = d.lat;
    set.launchTSec[i] = d.tSec;
    set.launchAltM[i] = d.floatAltM;
    set.floatAltM[i] = d.floatAltM;
    floatAltM[i] = d.floatAltM;
    logWeight[i] = setup.altitudes.logWeight(d.floatAltM);
  }
  let startSec = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) startSec = Math.max(startSec, set.launchTSec[i]);
  // Back to the window's opening (the latest float end that can still hold a launch in it), or to
  // the longest float allowed, whichever comes first.
  const earliestFloatEnd = Math.max(window.startSec, first.tSec - setup.maxFloatSec);
  const steps = Math.max(1, Math.ceil((startSec - earliestFloatEnd) / dtSec));
  const windError =
    setup.windSigmaMps > 0
      ? { sigmaMps: setup.windSigmaMps, correlationSec: setup.windCorrelationSec, seed: setup.seed }
      : undefined;
  const paths = recordPaths(
    new Simulation({
      wind,
      members: set,
      method: setup.method,
      dtSec,
      direction: 'backward',
      durationSec: steps * dtSec,
      startSec,
      groundElevationM: setup.groundElevationM,
      windError,
      memberIds: Uint32Array.from({ length: n }, (_, i) => WIND_IDS.paths + i),
    }),
  );
  const at = (i: number, s: number) => s * n + i;
  const timeOfStep = (s: number) => startSec - s * dtSec;

  // ---- agreement with the earlier detections ----
  const bestMisfitSigma: number[] = [];
  for (let k = 0; k < detections.length - 1; k++) {
    const d = detections[k];
    const f = Math.min(paths.steps, Math.max(0, (startSec - d.tSec) / dtSec));
    const s0 = Math.min(paths.steps - 1, Math.floor(f));
    const frac = f - s0;
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const x0 = paths.lon[at(i, s0)];
      const y0 = paths.lat[at(i, s0)];
      const x1 = paths.lon[at(i, s0 + 1)];
      const y1 = paths.lat[at(i, s0 + 1)];
      // Not yet started at the earlier step (a later perturbed start): its first position stands.
      const xa = Number.isNaN(x0) ? x1 : x0;
      const ya = Number.isNaN(y0) ? y1 : y0;
      const x = xa + frac * (x1 - xa);
      const y = ya + frac * (y1 - ya);
      if (!(Number.isFinite(x) && Number.isFinite(y))) {
        logWeight[i] = Number.NEGATIVE_INFINITY;
        continue;
      }
      const speed = flatDistanceM(xa, ya, x1, y1) / dtSec;
      const sigma = matchSigmaM(setup, d, speed);
      const z = flatDistanceM(x, y, d.lon, d.lat) / sigma;
      best = Math.min(best, z);
      // A 2-D Gaussian: its normalisation 1/σ² varies with the member's speed (time σ).
      logWeight[i] += -0.5 * z * z - 2 * Math.log(sigma);
    }
    bestMisfitSigma.push(best);
  }

  // ---- candidate float ends, and the ascents traced down from them ----
  const margin = (d: MemberDraw) => Math.min(200_000, (d.floatAltM / d.ascentRateMps) * MAX_ASCENT_WIND_MPS);
  let maxMargin = 0;
  for (const d of draws) if (Number.isFinite(margin(d))) maxMargin = Math.max(maxMargin, margin(d));
  const near = setup.region ? nearRegion(setup.region, maxMargin) : () => true;
  let stride = Math.max(1, Math.round(candidateEverySec / dtSec));
  const perMember = Math.ceil((paths.steps + 1) / stride);
  if (n * perMember > MAX_CANDIDATES) stride = Math.ceil((stride * n * perMember) / MAX_CANDIDATES);
  let maxLog = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) maxLog = Math.max(maxLog, logWeight[i]);
  const cMember: number[] = [];
  const cStep: number[] = [];
  let pathsCutShort = 0;
  for (let i = 0; i < n; i++) {
    // Members 30 orders of magnitude below the best would add nothing.
    if (!(logWeight[i] > maxLog - 70)) continue;
    const phase = Math.floor(uniform(memberRng(setup.seed, RngStream.sampling, i)) * stride);
    const ascentSec = draws[i].floatAltM / draws[i].ascentRateMps;
    const marginM = margin(draws[i]);
    let cut = false;
    let lastX = Number.NaN;
    let lastY = Number.NaN;
    for (let s = phase; s <= paths.steps; s += stride) {
      const t = timeOfStep(s);
      if (t > first.tSec) continue; // still after the first detection: it was floating then
      if (first.tSec - t > setup.maxFloatSec) break;
      const x = paths.lon[at(i, s)];
      const y = paths.lat[at(i, s)];
      if (Number.isNaN(x)) {
        if (t > set.launchTSec[i]) continue; // not started yet (a later perturbed detection time)
        // Stopped — it left the wind's box or its times — near the region, before the window opened:
        // launches further back along its path are missing.
        cut = t - ascentSec > window.startSec && !Number.isNaN(lastX) && near(lastX, lastY, marginM);
        break;
      }
      lastX = x;
      lastY = y;
      if (!near(x, y, marginM)) continue;
      cMember.push(i);
      cStep.push(s);
    }
    if (cut) pathsCutShort++;
  }
  const c = cMember.length;
  const samples: LaunchSamples = {
    lon: new Float64Array(c).fill(Number.NaN),
    lat: new Float64Array(c).fill(Number.NaN),
    tSec: new Float64Array(c).fill(Number.NaN),
    floatAltM: new Float64Array(c),
    weight: new Float64Array(c),
  };
  let reached = 0;
  let plausible = 0;
  // The ascents, in chunks of float ends CHUNK_SEC apart at most: each chunk's Simulation lasts its
  // own span plus one ascent, not the whole window, so the solver steps only members that are
  // climbing or about to (a window of 9 h in one Simulation stepped every ascent for 9 h). The
  // chunks' steps lie on the same time grid and each ascent keeps its own wind-error stream, so the
  // answer is the one a single Simulation gives.
  const order = Array.from({ length: c }, (_, k) => k).sort(
    (a, b) => timeOfStep(cStep[a]) - timeOfStep(cStep[b]) || a - b,
  );
  for (let lo = 0; lo < c; ) {
    const tMin = timeOfStep(cStep[order[lo]]);
    let hi = lo;
    while (hi < c && timeOfStep(cStep[order[hi]]) < tMin + CHUNK_SEC) hi++;
    const chunk = order.slice(lo, hi);
    lo = hi;
    const ascents = new MemberSet(chunk.length);
    let tMax = Number.NEGATIVE_INFINITY;
    let longest = 0;
    chunk.forEach((k, q) => {
      const i = cMember[k];
      const s = cStep[k];
      const t = timeOfStep(s);
      ascents.lon[q] = paths.lon[at(i, s)];
      ascents.lat[q] = paths.lat[at(i, s)];
      ascents.launchTSec[q] = t;
      ascents.launchAltM[q] = draws[i].floatAltM;
      ascents.floatAltM[q] = draws[i].floatAltM;
      // Backward, a float of (almost) no length: the ascent starts at once. A float of exactly 0
      // would end at its own start, which a step does not look for.
      ascents.floatDurationSec[q] = 1e-3;
      ascents.ascentRateMps[q] = draws[i].ascentRateMps;
      samples.floatAltM[k] = draws[i].floatAltM;
      tMax = Math.max(tMax, t);
      longest = Math.max(longest, draws[i].floatAltM / draws[i].ascentRateMps);
    });
    // Long enough for the slowest ascent from the earliest float end, with room for ground below 0 m.
    const span = tMax - tMin + 1.2 * longest + 2 * dtSec;
    const sim = new Simulation({
      wind,
      members: ascents,
      method: setup.method,
      dtSec,
      direction: 'backward',
      durationSec: Math.ceil(span / dtSec) * dtSec,
      startSec: tMax,
      groundElevationM: setup.groundElevationM,
      windError,
      memberIds: Uint32Array.from(chunk, (k) => WIND_IDS.ascents + k),
    });
    while (!sim.done) sim.step();
    chunk.forEach((k, q) => {
      if (sim.status[q] !== MemberStatus.launchPoint) return;
      reached++;
      const lon = sim.lon[q];
      const lat = sim.lat[q];
      const t = sim.endTSec[q];
      samples.lon[k] = lon;
      samples.lat[k] = lat;
      samples.tSec[k] = t;
      const inside =
        t >= window.startSec && t <= window.endSec && (!setup.region || setup.region.contains(lon, lat));
      if (!inside) return;
      const w = Math.exp(logWeight[cMember[k]] - maxLog);
      if (w > 0) {
        samples.weight[k] = w;
        plausible++;
      }
    });
  }
  return {
    samples,
    members: n,
    candidates: c,
    reachedGround: reached,
    plausible,
    pathsCutShort,
    floatAltM,
    logWeight,
    bestMisfitSigma,
  };
}
