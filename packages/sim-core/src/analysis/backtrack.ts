import { maxOf, minOf } from '../arrays.js';
import { M_PER_DEG, RAD_PER_DEG } from '../earth.js';
import { gaussian, memberRng, RngStream, uniform } from '../ensemble/random.js';
import { invalid } from '../errors.js';
import { ellipsoidDistanceM } from '../geo/ellipsoid.js';
import { initialBearingDeg } from '../geo/sphere.js';
import { SCENARIO_DEFAULTS } from '../scenario/defaults.js';
import { MemberSet } from '../solver/members.js';
import { Simulation, type SolverMethod } from '../solver/simulation.js';
import { MemberStatus } from '../solver/status.js';
import { isoTimeOrNull, isoTimeText } from '../time.js';
import { coversLonLat, type WindField } from '../wind/wind-field.js';
import { type DensityGrid, densityGrid } from './ensemble-stats.js';
import { median, rounded } from './stats.js';

/** One radar (or visual) detection of a balloon, with its uncertainties (1 σ). */
export interface Detection {
  lon: number;
  lat: number;
  altM: number;
  /** Time of the detection (s since the Unix epoch). */
  tSec: number;
  sigmaPositionM?: number;
  sigmaAltM?: number;
  sigmaTimeSec?: number;
}

/**
 * Defaults of a back-track's own options. The solver, step, seed, wind-error correlation and ground
 * default to the scenario's (SCENARIO_DEFAULTS), so a back-track and a forward run agree.
 */
export const BACKTRACK_DEFAULTS = Object.freeze({
  members: 500,
  maxFloatSec: 8 * 3600,
  ascentRateMps: 3,
  ascentRateFraction: 0.15,
  windSigmaMps: 1,
  cellDeg: 0.05,
});

export interface BacktrackOptions {
  wind: WindField;
  /** One detection, or several of the same balloon (any order). */
  detections: Detection[];
  /** Backward members (default 500). */
  members?: number;
  /** Seed of the members' random streams (default: the scenario default). */
  seed?: number;
  /** The balloon floated for up to this long before the (first) detection: a uniform prior (default 8 h). */
  maxFloatSec?: number;
  /** Ascent rate of the balloon after launch (m/s, default 3) and its relative spread (default 0.15). */
  ascentRateMps?: number;
  ascentRateFraction?: number;
  /** Float altitude: default the detection's, or the best fit when there are several detections. */
  floatAltitudeM?: number;
  /** Stochastic wind error of the members (default σ 1 m/s; correlation: the scenario default, 1 h). */
  windSigmaMps?: number;
  windCorrelationSec?: number;
  /** Solver, step (s) and ground elevation (m AMSL, where the wind has no terrain): scenario defaults. */
  method?: SolverMethod;
  dtSec?: number;
  groundElevationM?: number;
  /** Where launches are plausible (e.g. Belarus): others are reported but not counted. */
  plausible?: (lon: number, lat: number) => boolean;
  /** Grid cell of the launch-area probability grid (degrees, default 0.05). */
  cellDeg?: number;
}

/** Misfit of one candidate float altitude against the later detections. */
export interface AltitudeFit {
  altM: number;
  /** Root-mean-square distance between predicted and detected positions (km, on the WGS 84 ellipsoid). */
  rmsKm: number;
}

export interface LaunchCell {
  /** The cell's centre (degrees). */
  lon: number;
  lat: number;
  probability: number;
  medianLaunch: string | null;
  /** From the (first) detection to the cell's centre: the geodesic on WGS 84 (km, 0.1 km). */
  distanceKm: number;
  /**
   * The initial bearing of that line (whole degrees clockwise from true north, 0–359). geolib gives
   * bearings on the sphere only; at these latitudes the WGS 84 azimuth differs by < 0.1° (checked
   * against Vincenty's inverse azimuth), well under the degree reported.
   */
  bearingDeg: number;
}

export interface BacktrackResult {
  floatAltitudeM: number;
  /** Present when the float altitude was fitted to several detections. */
  altitudeFit: AltitudeFit[] | null;
  members: number;
  /** Members traced back to the ground within the prior float time, and of those the plausible ones. */
  reachedGround: number;
  plausible: number;
  /** Launch point and time per member (NaN when it did not reach the ground or left the wind data). */
  launchLon: Float64Array;
  launchLat: Float64Array;
  launchTSec: Float64Array;
  plausibleMember: Uint8Array;
  /** Launch-area probability: counts of plausible launch points per cell. */
  grid: DensityGrid | null;
  /** The most likely launch cells, best first (probability = share of plausible members). */
  mostLikely: LaunchCell[];
  medianLaunch: string | null;
}

function checkDetection(d: Detection, k: number, wind: WindField): void {
  const at = `detections[${k}]`;
  if (!(d.lon >= -180 && d.lon <= 360)) invalid(`${at}.lon`, 'must be a longitude in degrees', d.lon);
  if (!(d.lat >= -90 && d.lat <= 90)) invalid(`${at}.lat`, 'must be a latitude in degrees', d.lat);
  if (!Number.isFinite(d.altM)) invalid(`${at}.altM`, 'must be a finite altitude in m', d.altM);
  if (!Number.isFinite(d.tSec)) invalid(`${at}.tSec`, 'must be a finite time', d.tSec);
  for (const key of ['sigmaPositionM', 'sigmaAltM', 'sigmaTimeSec'] as const) {
    const v = d[key];
    if (v !== undefined && !(v >= 0)) invalid(`${at}.${key}`, 'must be >= 0', v);
  }
  const c = wind.coverage;
  if (!coversLonLat(c, d.lon, d.lat)) invalid(at, 'lies outside the wind data', { lon: d.lon, lat: d.lat });
  if (d.tSec < c.tMinSec || d.tSec > c.tMaxSec)
    invalid(`${at}.tSec`, "must lie inside the wind data's times", isoTimeText(d.tSec));
  if (d.altM > c.altMaxM)
    invalid(`${at}.altM`, `is above the top of the wind data (${c.altMaxM.toFixed(0)} m)`, d.altM);
}

/**
 * Fits the float altitude to several detections of one balloon: for each candidate altitude a
 * balloon floating there is carried from the first detection, and its positions at the later
 * detection times are compared with the detections (RMS distance). All candidates run at once.
 */
export function fitFloatAltitude(
  wind: WindField,
  detections: Detection[],
  candidatesM: number[],
  options: { method?: SolverMethod; dtSec?: number } = {},
): AltitudeFit[] {
  const sorted = [...detections].sort((a, b) => a.tSec - b.tSec);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const dtSec = options.dtSec ?? SCENARIO_DEFAULTS.dtSec;
  const members = new MemberSet(candidatesM.length);
  candidatesM.forEach((alt, i) => {
    members.lon[i] = first.lon;
    members.lat[i] = first.lat;
    members.launchTSec[i] = first.tSec;
    members.floatAltM[i] = alt;
  });
  const span = last.tSec - first.tSec;
  const sim = new Simulation({
    wind,
    members,
    method: options.method ?? SCENARIO_DEFAULTS.method,
    dtSec,
    direction: 'forward',
    durationSec: Math.max(dtSec, Math.ceil(span / dtSec) * dtSec),
  });
  const squared = new Float64Array(candidatesM.length);
  const prevLon = Float64Array.from(sim.lon);
  const prevLat = Float64Array.from(sim.lat);
  let next = 1;
  let tPrev = sim.tSec;
  while (!sim.done && next < sorted.length) {
    sim.step();
    const tNow = sim.tSec;
    while (next < sorted.length && sorted[next].tSec <= tNow) {
      // Linear between the two steps around the detection time. Once per candidate and detection, not
      // per step: the ellipsoid's iterative distance costs nothing here.
      const d = sorted[next];
      const f = (d.tSec - tPrev) / (tNow - tPrev);
      for (let i = 0; i < candidatesM.length; i++) {
        const lon = prevLon[i] + f * (sim.lon[i] - prevLon[i]);
        const lat = prevLat[i] + f * (sim.lat[i] - prevLat[i]);
        squared[i] += Number.isFinite(lon)
          ? ellipsoidDistanceM(lon, lat, d.lon, d.lat) ** 2
          : Number.POSITIVE_INFINITY;
      }
      next++;
    }
    prevLon.set(sim.lon);
    prevLat.set(sim.lat);
    tPrev = tNow;
  }
  const later = sorted.length - 1;
  return candidatesM.map((altM, i) => ({ altM, rmsKm: Math.sqrt(squared[i] / later) / 1000 }));
}

/**
 * Traces a detected balloon back to where it was probably launched. Backward members start at the
 * detection (perturbed by its uncertainties), float back for a time drawn uniformly up to
 * `maxFloatSec`, then trace the ascent back down to the ground: each member gives one launch point
 * and time. The plausible ones (inside the origin country, when given) form the launch-area
 * probability grid.
 */
export function backtrack(options: BacktrackOptions): BacktrackResult {
  const { wind, detections } = options;
  if (!Array.isArray(detections) || detections.length === 0)
    invalid('detections', 'must hold at least one detection', detections);
  for (const [k, d] of detections.entries()) checkDetection(d, k, wind);
  const n = options.members ?? BACKTRACK_DEFAULTS.members;
  if (!(Number.isInteger(n) && n >= 1 && n <= 1_000_000))
    invalid('members', 'must be an integer from 1 to 1000000', n);
  const maxFloatSec = options.maxFloatSec ?? BACKTRACK_DEFAULTS.maxFloatSec;
  if (!(maxFloatSec > 0)) invalid('maxFloatSec', 'must be > 0', maxFloatSec);
  const ascent = options.ascentRateMps ?? BACKTRACK_DEFAULTS.ascentRateMps;
  if (!(ascent > 0)) invalid('ascentRateMps', 'must be > 0', ascent);
  const method = options.method ?? SCENARIO_DEFAULTS.method;
  const dtSec = options.dtSec ?? SCENARIO_DEFAULTS.dtSec;
  const sorted = [...detections].sort((a, b) => a.tSec - b.tSec);
  const first = sorted[0];

  let altitudeFit: AltitudeFit[] | null = null;
  let floatAlt = options.floatAltitudeM ?? first.altM;
  if (options.floatAltitudeM === undefined && sorted.length > 1) {
    const top = Math.min(wind.coverage.altMaxM, 8000);
    const candidates: number[] = [];
    for (let alt = 250; alt <= top; alt += 100) candidates.push(alt);
    altitudeFit = fitFloatAltitude(wind, sorted, candidates, { method, dtSec });
    floatAlt = altitudeFit.reduce((best, f) => (f.rmsKm < best.rmsKm ? f : best)).altM;
  }

  const seed = options.seed ?? SCENARIO_DEFAULTS.seed;
  const members = new MemberSet(n);
  const sigmaPos = first.sigmaPositionM ?? 0;
  const sigmaAlt = first.sigmaAltM ?? 0;
  const sigmaTime = first.sigmaTimeSec ?? 0;
  const fraction = options.ascentRateFraction ?? BACKTRACK_DEFAULTS.ascentRateFraction;
  for (let i = 0; i < n; i++) {
    const rng = memberRng(seed, RngStream.launch, i);
    const dNorth = gaussian(rng) * sigmaPos;
    const dEast = gaussian(rng) * sigmaPos;
    members.lat[i] = first.lat + dNorth / M_PER_DEG;
    members.lon[i] = first.lon + dEast / (M_PER_DEG * Math.cos(first.lat * RAD_PER_DEG));
    members.launchTSec[i] = Math.min(
      wind.coverage.tMaxSec,
      Math.max(wind.coverage.tMinSec, first.tSec + gaussian(rng) * sigmaTime),
    );
    members.floatAltM[i] = Math.min(wind.coverage.altMaxM, Math.max(50, floatAlt + gaussian(rng) * sigmaAlt));
    members.launchAltM[i] = members.floatAltM[i];
    members.floatDurationSec[i] = uniform(rng) * maxFloatSec;
    members.ascentRateMps[i] = ascent * Math.max(0.2, 1 + gaussian(rng) * fraction);
  }
  // Long enough for the longest float plus the slowest ascent from the top of the wind data.
  const slowest = minOf(members.ascentRateMps);
  const needed = maxFloatSec + (floatAlt + 3 * sigmaAlt) / slowest + 3 * sigmaTime;
  const sigmaWind = options.windSigmaMps ?? BACKTRACK_DEFAULTS.windSigmaMps;
  const sim = new Simulation({
    wind,
    members,
    method,
    dtSec,
    direction: 'backward',
    durationSec: Math.ceil(needed / dtSec) * dtSec,
    startSec: maxOf(members.launchTSec),
    groundElevationM: options.groundElevationM ?? SCENARIO_DEFAULTS.groundElevationM,
    windError:
      sigmaWind > 0
        ? {
            sigmaMps: sigmaWind,
            correlationSec: options.windCorrelationSec ?? SCENARIO_DEFAULTS.windCorrelationSec,
            seed,
          }
        : undefined,
  });
  while (!sim.done) sim.step();

  const launchLon = new Float64Array(n).fill(Number.NaN);
  const launchLat = new Float64Array(n).fill(Number.NaN);
  const launchTSec = new Float64Array(n).fill(Number.NaN);
  const plausibleMember = new Uint8Array(n);
  let reached = 0;
  for (let i = 0; i < n; i++) {
    if (sim.status[i] !== MemberStatus.launchPoint) continue;
    reached++;
    launchLon[i] = sim.lon[i];
    launchLat[i] = sim.lat[i];
    launchTSec[i] = sim.endTSec[i];
    plausibleMember[i] = !options.plausible || options.plausible(sim.lon[i], sim.lat[i]) ? 1 : 0;
  }
  const pl = Array.from(plausibleMember).reduce((a, b) => a + b, 0);
  const gLon: number[] = [];
  const gLat: number[] = [];
  const gT: number[] = [];
  for (let i = 0; i < n; i++)
    if (plausibleMember[i]) {
      gLon.push(launchLon[i]);
      gLat.push(launchLat[i]);
      gT.push(launchTSec[i]);
    }
  const cellDeg = options.cellDeg ?? BACKTRACK_DEFAULTS.cellDeg;
  const grid = densityGrid(gLon, gLat, cellDeg);
  const mostLikely: LaunchCell[] = [];
  if (grid) {
    const order = grid.counts
      .map((c, k) => [c, k] as const)
      .filter(([c]) => c > 0)
      .sort((a, b) => b[0] - a[0]);
    for (const [count, k] of order.slice(0, 5)) {
      const i = k % grid.nx;
      const j = Math.floor(k / grid.nx);
      const times = gT.filter(
        (_, p) =>
          Math.min(grid.nx - 1, Math.floor((gLon[p] - grid.lon0) / cellDeg)) === i &&
          Math.min(grid.ny - 1, Math.floor((gLat[p] - grid.lat0) / cellDeg)) === j,
      );
      const lon = rounded(grid.lon0 + (i + 0.5) * cellDeg, 4)!;
      const lat = rounded(grid.lat0 + (j + 0.5) * cellDeg, 4)!;
      mostLikely.push({
        lon,
        lat,
        probability: rounded(count / pl, 4)!,
        medianLaunch: isoTimeOrNull(median(times)),
        distanceKm: rounded(ellipsoidDistanceM(first.lon, first.lat, lon, lat) / 1000, 1)!,
        bearingDeg: Math.round(initialBearingDeg(first.lon, first.lat, lon, lat)) % 360,
      });
    }
  }
  return {
    floatAltitudeM: floatAlt,
    altitudeFit,
    members: n,
    reachedGround: reached,
    plausible: pl,
    launchLon,
    launchLat,
    launchTSec,
    plausibleMember,
    grid,
    mostLikely,
    medianLaunch: isoTimeOrNull(median(gT)),
  };
}

/** What a back-track tells, without the per-member arrays: the command line's --json, the server's answer. */
export function backtrackSummary(result: BacktrackResult) {
  return {
    floatAltitudeM: result.floatAltitudeM,
    altitudeFit: result.altitudeFit,
    members: result.members,
    reachedGround: result.reachedGround,
    plausible: result.plausible,
    medianLaunch: result.medianLaunch,
    mostLikely: result.mostLikely,
    grid: result.grid,
  };
}
