/**
 * The forward cross-check of a back-track, selection as OpenDrift does it: balloons are launched
 * forward from candidate launch points and times, float at candidate altitudes, and are kept when
 * they pass every detection within its uncertainty. The kept launches are a second estimate of the
 * launch distribution, made with the forward model alone (no trajectory is run backward).
 *
 * Candidates drawn from the whole prior (region × window × altitudes) would almost never pass a
 * detection (a few in ten thousand), so they are drawn round the backward posterior's launches —
 * a point within `radiusM`, a time within ±`timeSpreadSec` of one of them, an altitude from the
 * back-track's altitude proposal — and each kept launch is weighted by prior / proposal density, so
 * the kept set estimates the posterior under the same priors wherever the proposal reaches.
 */
import { M_PER_DEG, RAD_PER_DEG } from '../earth.js';
import { gaussian, memberRng, RngStream, uniform } from '../ensemble/random.js';
import { invalid } from '../errors.js';
import { MemberSet } from '../solver/members.js';
import { Simulation } from '../solver/simulation.js';
import { MemberStatus } from '../solver/status.js';
import { FloatAltitudes } from './backtrack-altitude.js';
import { type BacktrackSetup, flatDistanceM, matchSigmaM, WIND_IDS } from './backtrack-backward.js';
import type { LaunchSamples } from './backtrack-cells.js';

export interface ForwardOptions {
  /** Candidate launches drawn. */
  members: number;
  /** A candidate lies within this of a backward launch point (m) … */
  radiusM: number;
  /** … and within ± this of its launch time (s). */
  timeSpreadSec: number;
  /** Kept when within this many σ of every detection, in position and in altitude. */
  acceptSigmas: number;
  /** Keep a bounded sample of the forward tracks (off when absent: nothing is recorded). */
  tracks?: ForwardTrackOptions;
}

/** Which forward tracks a cross-check keeps for drawing, and how coarsely. */
export interface ForwardTrackOptions {
  /** At most this many tracks of kept launches (default 40) … */
  kept?: number;
  /** … and of rejected ones (default 40), spread evenly over the draws. */
  rejected?: number;
  /** Spacing of a track's points (s, default 600), widened so that no track has more than maxPoints. */
  strideSec?: number;
  /** Points of a track at most (default 120), its launch and the detections' times included. */
  maxPoints?: number;
}

export const FORWARD_TRACK_DEFAULTS = Object.freeze({
  kept: 40,
  rejected: 40,
  strideSec: 600,
  maxPoints: 120,
});

/**
 * One forward track: its launch point on the ground, its position every stride while it flies, and
 * its position at each detection's time (the very point its misfit was measured at), in time order.
 * Coordinates are rounded to 1e-5° (about 1 m) and 0.1 m so the answer stays small.
 */
export interface ForwardTrack {
  kept: boolean;
  /** Its largest misfit over the detections (σ); null when it stopped before one (no misfit). */
  misfitSigma: number | null;
  lon: number[];
  lat: number[];
  altM: number[];
  tSec: number[];
}

/** The sample of forward tracks, with what a reader needs to check them against the detections. */
export interface ForwardTracks {
  /** Launches kept and rejected in all (the tracks are a sample of them). */
  keptTotal: number;
  rejectedTotal: number;
  strideSec: number;
  /** A kept launch passed each detection within acceptSigmas × σ, σ = √(σpos² + (σt·speed)² + matchFloorM²). */
  acceptSigmas: number;
  matchFloorM: number;
  tracks: ForwardTrack[];
}

export interface ForwardResult {
  samples: LaunchSamples;
  /** Candidates drawn, those outside the priors (not run), those run, those kept. */
  proposed: number;
  outsidePriors: number;
  run: number;
  kept: number;
  /** Present when options.tracks asked for them. */
  tracks?: ForwardTracks;
}

const empty = (): LaunchSamples => ({
  lon: new Float64Array(0),
  lat: new Float64Array(0),
  tSec: new Float64Array(0),
  floatAltM: new Float64Array(0),
  weight: new Float64Array(0),
});

export function forwardSelection(
  setup: BacktrackSetup,
  backward: LaunchSamples,
  options: ForwardOptions,
): ForwardResult {
  const { detections, window, region, dtSec } = setup;
  // The backward launches that carry weight, by time (for the proposal density), with their weights.
  const idx: number[] = [];
  let total = 0;
  for (let p = 0; p < backward.weight.length; p++)
    if (backward.weight[p] > 0) {
      idx.push(p);
      total += backward.weight[p];
    }
  const trackOptions = options.tracks && checkTrackOptions(options.tracks);
  const noTracks = (): { tracks?: ForwardTracks } =>
    trackOptions
      ? {
          tracks: {
            keptTotal: 0,
            rejectedTotal: 0,
            strideSec: trackOptions.strideSec,
            acceptSigmas: options.acceptSigmas,
            matchFloorM: setup.matchFloorM,
            tracks: [],
          },
        }
      : {};
  if (idx.length === 0 || options.members === 0)
    return { samples: empty(), proposed: 0, outsidePriors: 0, run: 0, kept: 0, ...noTracks() };
  idx.sort((a, b) => backward.tSec[a] - backward.tSec[b]);
  const bLon = Float64Array.from(idx, (p) => backward.lon[p]);
  const bLat = Float64Array.from(idx, (p) => backward.lat[p]);
  const bT = Float64Array.from(idx, (p) => backward.tSec[p]);
  const bW = Float64Array.from(idx, (p) => backward.weight[p] / total);
  const cumulative = new Float64Array(idx.length);
  let sum = 0;
  for (let q = 0; q < idx.length; q++) {
    sum += bW[q];
    cumulative[q] = sum;
  }

  // ---- draw candidates ----
  const { radiusM: R, timeSpreadSec: tau } = options;
  const lon: number[] = [];
  const lat: number[] = [];
  const tLaunch: number[] = [];
  const alt: number[] = [];
  const rate: number[] = [];
  const ids: number[] = [];
  let outsidePriors = 0;
  for (let j = 0; j < options.members; j++) {
    const rng = memberRng(setup.seed, RngStream.sampling, WIND_IDS.forward + j);
    const u = uniform(rng) * sum;
    let a = 0;
    let b = cumulative.length - 1;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (cumulative[mid] < u) a = mid + 1;
      else b = mid;
    }
    const r = R * Math.sqrt(uniform(rng));
    const theta = 2 * Math.PI * uniform(rng);
    const y = bLat[a] + (r * Math.cos(theta)) / M_PER_DEG;
    const x = bLon[a] + (r * Math.sin(theta)) / (M_PER_DEG * Math.cos(bLat[a] * RAD_PER_DEG));
    const t = bT[a] + (2 * uniform(rng) - 1) * tau;
    const floatAltM = setup.altitudes.draw(rng);
    const ascent = setup.ascentRateMps * Math.max(0.2, 1 + gaussian(rng) * setup.ascentRateFraction);
    if (!(t >= window.startSec && t <= window.endSec && (!region || region.contains(x, y)))) {
      outsidePriors++;
      continue;
    }
    lon.push(x);
    lat.push(y);
    tLaunch.push(t);
    alt.push(floatAltM);
    rate.push(ascent);
    ids.push(WIND_IDS.forward + j);
  }
  const m = lon.length;
  if (m === 0)
    return { samples: empty(), proposed: options.members, outsidePriors, run: 0, kept: 0, ...noTracks() };

  // ---- run them forward past the last detection, noting where each is at every detection ----
  const set = new MemberSet(m);
  let startSec = Number.POSITIVE_INFINITY;
  for (let k = 0; k < m; k++) {
    set.lon[k] = lon[k];
    set.lat[k] = lat[k];
    set.launchTSec[k] = tLaunch[k];
    set.ascentRateMps[k] = rate[k];
    set.floatAltM[k] = alt[k];
    startSec = Math.min(startSec, tLaunch[k]);
  }
  const last = detections[detections.length - 1];
  const steps = Math.max(1, Math.ceil((last.tSec - startSec) / dtSec));
  const sim = new Simulation({
    wind: setup.wind,
    members: set,
    method: setup.method,
    dtSec,
    direction: 'forward',
    durationSec: steps * dtSec,
    startSec,
    groundElevationM: setup.groundElevationM,
    windError:
      setup.windSigmaMps > 0
        ? { sigmaMps: setup.windSigmaMps, correlationSec: setup.windCorrelationSec, seed: setup.seed }
        : undefined,
    memberIds: Uint32Array.from(ids),
  });
  const nd = detections.length;
  const misfit = new Float64Array(m); // the largest misfit over the detections, in σ
  const prevLon = new Float64Array(m).fill(Number.NaN);
  const prevLat = new Float64Array(m).fill(Number.NaN);
  const prevAlt = new Float64Array(m).fill(Number.NaN);
  const keepPrev = () => {
    for (let k = 0; k < m; k++) {
      const active = sim.status[k] === MemberStatus.active;
      prevLon[k] = active ? sim.lon[k] : Number.NaN;
      prevLat[k] = active ? sim.lat[k] : Number.NaN;
      prevAlt[k] = active ? sim.altM[k] : Number.NaN;
    }
  };
  // The tracks, when asked: every member's position at each stride and at each detection's time
  // (kept or not is known only at the end), as frames in time order; NaN where it is not flying.
  const frames: Frame[] = [];
  let strideSec = 0;
  let nextFrameSec = Number.POSITIVE_INFINITY;
  if (trackOptions) {
    const durationSec = steps * dtSec;
    // Room for the launch and the detections; the stride is a whole number of steps.
    const room = Math.max(1, trackOptions.maxPoints - nd - 1);
    strideSec = Math.max(trackOptions.strideSec, durationSec / room);
    strideSec = Math.max(1, Math.ceil(strideSec / dtSec)) * dtSec;
    nextFrameSec = startSec + strideSec;
  }
  const frameOf = (
    tSec: number,
    x: (k: number) => number,
    y: (k: number) => number,
    z: (k: number) => number,
  ) => {
    const f: Frame = { tSec, lon: new Float32Array(m), lat: new Float32Array(m), altM: new Float32Array(m) };
    for (let k = 0; k < m; k++) {
      const flying = sim.status[k] === MemberStatus.active;
      f.lon[k] = flying ? x(k) : Number.NaN;
      f.lat[k] = flying ? y(k) : Number.NaN;
      f.altM[k] = flying ? z(k) : Number.NaN;
    }
    frames.push(f);
  };
  const strideFrame = (tNow: number) => {
    if (tNow + 1e-6 < nextFrameSec) return;
    frameOf(
      tNow,
      (k) => sim.lon[k],
      (k) => sim.lat[k],
      (k) => sim.altM[k],
    );
    while (nextFrameSec <= tNow + 1e-6) nextFrameSec += strideSec;
  };
  let next = 0;
  let tPrev = sim.tSec;
  const compare = (tNow: number) => {
    while (next < nd && detections[next].tSec <= tNow) {
      const d = detections[next];
      const f = tNow > tPrev ? (d.tSec - tPrev) / (tNow - tPrev) : 1;
      const sigmaAlt = FloatAltitudes.sigmaOf(d);
      const at = trackOptions
        ? { lon: new Float32Array(m), lat: new Float32Array(m), altM: new Float32Array(m) }
        : null;
      at?.lon.fill(Number.NaN);
      at?.lat.fill(Number.NaN);
      at?.altM.fill(Number.NaN);
      for (let k = 0; k < m; k++) {
        if (sim.status[k] !== MemberStatus.active) {
          misfit[k] = Number.POSITIVE_INFINITY;
          continue;
        }
        // Launched inside this step: its position at the step's end stands for the step.
        const x0 = Number.isNaN(prevLon[k]) ? sim.lon[k] : prevLon[k];
        const y0 = Number.isNaN(prevLat[k]) ? sim.lat[k] : prevLat[k];
        const z0 = Number.isNaN(prevAlt[k]) ? sim.altM[k] : prevAlt[k];
        const x = x0 + f * (sim.lon[k] - x0);
        const y = y0 + f * (sim.lat[k] - y0);
        const z = z0 + f * (sim.altM[k] - z0);
        const speed = tNow > tPrev ? flatDistanceM(x0, y0, sim.lon[k], sim.lat[k]) / (tNow - tPrev) : 0;
        const zPos = flatDistanceM(x, y, d.lon, d.lat) / matchSigmaM(setup, d, speed);
        const zAlt = Math.abs(z - d.altM) / sigmaAlt;
        misfit[k] = Math.max(misfit[k], zPos, zAlt);
        if (at) {
          at.lon[k] = x;
          at.lat[k] = y;
          at.altM[k] = z;
        }
      }
      if (at) frames.push({ tSec: d.tSec, ...at });
      next++;
    }
  };
  compare(tPrev);
  while (!sim.done && next < nd) {
    keepPrev();
    sim.step();
    compare(sim.tSec);
    if (trackOptions) strideFrame(sim.tSec);
    tPrev = sim.tSec;
  }
  // The wind's data ended before the last detection: no one can be said to pass it.
  if (next < nd) misfit.fill(Number.POSITIVE_INFINITY);

  // ---- the kept ones, weighted by prior / proposal ----
  const kept: number[] = [];
  for (let k = 0; k < m; k++) if (misfit[k] <= options.acceptSigmas) kept.push(k);
  const samples: LaunchSamples = {
    lon: Float64Array.from(kept, (k) => lon[k]),
    lat: Float64Array.from(kept, (k) => lat[k]),
    tSec: Float64Array.from(kept, (k) => tLaunch[k]),
    floatAltM: Float64Array.from(kept, (k) => alt[k]),
    weight: new Float64Array(kept.length),
  };
  const area = Math.PI * R * R;
  kept.forEach((k, q) => {
    // Proposal density of (x, t): Σ wₚ · 1[|x − xₚ| ≤ R]/(πR²) · 1[|t − tₚ| ≤ τ]/(2τ); the
    // backward launches are sorted by time, so only those within ±τ are visited.
    let lo = 0;
    let hi = bT.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (bT[mid] < tLaunch[k] - tau) lo = mid + 1;
      else hi = mid;
    }
    let density = 0;
    for (let p = lo; p < bT.length && bT[p] <= tLaunch[k] + tau; p++)
      if (flatDistanceM(bLon[p], bLat[p], lon[k], lat[k]) <= R) density += bW[p];
    density /= area * 2 * tau;
    const ratio = Math.exp(setup.altitudes.logPriorRatio(alt[k]));
    samples.weight[q] = density > 0 && Number.isFinite(ratio) ? ratio / density : 0;
  });
  const result: ForwardResult = {
    samples,
    proposed: options.members,
    outsidePriors,
    run: m,
    kept: kept.length,
  };
  if (trackOptions) {
    const rejected: number[] = [];
    for (let k = 0; k < m; k++) if (!(misfit[k] <= options.acceptSigmas)) rejected.push(k);
    const ground = (x: number, y: number) => {
      const z = setup.wind.groundElevationM?.(x, y) ?? Number.NaN;
      return Number.isNaN(z) ? setup.groundElevationM : z;
    };
    const trackOf = (k: number, isKept: boolean): ForwardTrack => {
      const t: ForwardTrack = {
        kept: isKept,
        misfitSigma: Number.isFinite(misfit[k]) ? Math.round(misfit[k] * 100) / 100 : null,
        lon: [round(lon[k], 1e5)],
        lat: [round(lat[k], 1e5)],
        altM: [round(ground(lon[k], lat[k]), 10)],
        tSec: [tLaunch[k]],
      };
      for (const f of frames) {
        if (f.tSec < tLaunch[k] || Number.isNaN(f.lon[k])) continue;
        t.lon.push(round(f.lon[k], 1e5));
        t.lat.push(round(f.lat[k], 1e5));
        t.altM.push(round(f.altM[k], 10));
        t.tSec.push(f.tSec);
      }
      return t;
    };
    result.tracks = {
      keptTotal: kept.length,
      rejectedTotal: rejected.length,
      strideSec,
      acceptSigmas: options.acceptSigmas,
      matchFloorM: setup.matchFloorM,
      tracks: [
        ...spread(kept, trackOptions.kept).map((k) => trackOf(k, true)),
        ...spread(rejected, trackOptions.rejected).map((k) => trackOf(k, false)),
      ],
    };
  }
  return result;
}

interface Frame {
  tSec: number;
  lon: Float32Array;
  lat: Float32Array;
  altM: Float32Array;
}

const round = (v: number, per: number) => Math.round(v * per) / per;

/** At most n of a list, spread evenly over it (the draws are in no order of place or time). */
function spread(list: number[], n: number): number[] {
  if (list.length <= n) return list;
  return Array.from({ length: n }, (_, i) => list[Math.floor((i * list.length) / n)]);
}

function checkTrackOptions(o: ForwardTrackOptions): Required<ForwardTrackOptions> {
  const d = FORWARD_TRACK_DEFAULTS;
  const v = {
    kept: o.kept ?? d.kept,
    rejected: o.rejected ?? d.rejected,
    strideSec: o.strideSec ?? d.strideSec,
    maxPoints: o.maxPoints ?? d.maxPoints,
  };
  for (const key of ['kept', 'rejected'] as const)
    if (!(Number.isInteger(v[key]) && v[key] >= 0 && v[key] <= 10_000))
      invalid(`forward.tracks.${key}`, 'must be an integer from 0 to 10000', v[key]);
  if (!(Number.isFinite(v.strideSec) && v.strideSec > 0))
    invalid('forward.tracks.strideSec', 'must be > 0', v.strideSec);
  if (!(Number.isInteger(v.maxPoints) && v.maxPoints >= 2 && v.maxPoints <= 10_000))
    invalid('forward.tracks.maxPoints', 'must be an integer from 2 to 10000', v.maxPoints);
  return v;
}
