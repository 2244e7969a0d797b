/**
 * The float altitude of a detected balloon: fitted to a track of detections, and the distribution
 * the back-track's members draw their float altitudes from (an importance-sampling proposal) with the
 * weight that turns those draws into the posterior (prior × the detections' altitudes).
 */
import { gaussian, type Rng, uniform } from '../ensemble/random.js';
import { ellipsoidDistanceM } from '../geo/ellipsoid.js';
import { SCENARIO_DEFAULTS } from '../scenario/defaults.js';
import { MemberSet } from '../solver/members.js';
import { Simulation, type SolverMethod } from '../solver/simulation.js';
import type { WindField } from '../wind/wind-field.js';
import type { AltitudePrior } from './backtrack-priors.js';

/** One radar (or visual) detection of a balloon, with its uncertainties (1 σ). */
export interface Detection {
  lon: number;
  lat: number;
  altM: number;
  /** Time of the detection (s since the Unix epoch). */
  tSec: number;
  /** Missing means 0: the value is exact (position and time within the matching floor, see backtrack). */
  sigmaPositionM?: number;
  sigmaAltM?: number;
  sigmaTimeSec?: number;
}

/** Misfit of one candidate float altitude against the later detections. */
export interface AltitudeFit {
  altM: number;
  /** Root-mean-square distance between predicted and detected positions (km, on the WGS 84 ellipsoid). */
  rmsKm: number;
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

/** The smallest altitude σ used (m): an altitude given as exact is matched to this. */
const MIN_SIGMA_ALT_M = 1;
/** Spread of the proposal round a fitted float altitude (m): about the 100 m step of the fit. */
const FIT_SPREAD_M = 150;

/**
 * Float altitudes for a back-track's members. With a fixed altitude every member floats there. Else
 * the posterior over float altitudes is prior(a) × Π N(altₖ | a, σₖ) (each detection's altitude with
 * its σ); members draw from a mixture q(a) — the Gaussian that product of the detections' altitudes
 * is, a Gaussian round the altitude fitted to a track's positions, and a little of the prior itself,
 * so that none of them is missed — and carry the weight prior·likelihood / q.
 */
export class FloatAltitudes {
  /** The detections' altitudes combined (inverse-variance mean) and its σ (m). */
  readonly centreM: number;
  readonly sigmaM: number;
  private readonly parts: { share: number; mean: number; sd: number }[] = [];
  private readonly priorShare: number;

  constructor(
    private readonly prior: AltitudePrior | null,
    private readonly detections: readonly Detection[],
    private readonly fixedM: number | null,
    fittedM: number | null,
    /** Members above the wind data's top could not be traced: they get no weight. */
    private readonly topM: number,
  ) {
    let sw = 0;
    let swx = 0;
    for (const d of detections) {
      const s = Math.max(d.sigmaAltM ?? 0, MIN_SIGMA_ALT_M);
      sw += 1 / (s * s);
      swx += d.altM / (s * s);
    }
    this.centreM = swx / sw;
    this.sigmaM = 1 / Math.sqrt(sw);
    if (fittedM === null) {
      this.parts.push({ share: 0.9, mean: this.centreM, sd: this.sigmaM });
    } else {
      this.parts.push({ share: 0.6, mean: this.centreM, sd: this.sigmaM });
      this.parts.push({ share: 0.3, mean: fittedM, sd: FIT_SPREAD_M });
    }
    this.priorShare = 0.1;
  }

  /** A float altitude drawn from the proposal (m). */
  draw(rng: Rng): number {
    if (this.fixedM !== null) return this.fixedM;
    const u = uniform(rng);
    const g = gaussian(rng);
    const v = uniform(rng);
    if (!this.prior) return this.centreM + g * this.sigmaM;
    let sum = 0;
    for (const p of this.parts) {
      sum += p.share;
      if (u < sum) return p.mean + g * p.sd;
    }
    return this.prior.sample(v);
  }

  /** log(prior(a) · Π N(altₖ | a, σₖ) / q(a)), up to a constant; −∞ where the prior or the wind excludes a. */
  logWeight(altM: number): number {
    if (this.fixedM !== null) return 0;
    if (!this.prior) return this.excluded(altM) ? Number.NEGATIVE_INFINITY : 0; // q is the likelihood itself
    let logL = 0;
    for (const d of this.detections) {
      const s = Math.max(d.sigmaAltM ?? 0, MIN_SIGMA_ALT_M);
      logL += -0.5 * ((altM - d.altM) / s) ** 2 - Math.log(s);
    }
    return this.logPriorRatio(altM) + logL;
  }

  /** log(prior(a) / q(a)): the weight of a draw when the altitude is matched otherwise (forward selection). */
  logPriorRatio(altM: number): number {
    if (this.fixedM !== null) return 0;
    if (this.excluded(altM)) return Number.NEGATIVE_INFINITY;
    const p = this.prior ? this.prior.density(altM) : 1;
    if (!(p > 0)) return Number.NEGATIVE_INFINITY;
    let q = this.prior ? this.priorShare * p : 0;
    if (this.prior)
      for (const part of this.parts) q += part.share * gaussianDensity(altM, part.mean, part.sd);
    else q = gaussianDensity(altM, this.centreM, this.sigmaM);
    return Math.log(p) - Math.log(q);
  }

  /** The smallest σ (m) an altitude is matched with. */
  static sigmaOf(d: Detection): number {
    return Math.max(d.sigmaAltM ?? 0, MIN_SIGMA_ALT_M);
  }

  private excluded(altM: number): boolean {
    return !(altM > 0 && altM <= this.topM);
  }
}

function gaussianDensity(x: number, mean: number, sd: number): number {
  const z = (x - mean) / sd;
  return Math.exp(-0.5 * z * z) / (sd * Math.sqrt(2 * Math.PI));
}
