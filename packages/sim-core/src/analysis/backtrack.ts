/**
 * Back-tracking: from radar detections of one balloon, where and when was it launched? The answer is
 * a posterior over launch cells and times under three priors — a launch region, a launch-time window
 * and a float-altitude density (backtrack-priors.ts) — computed by backward members weighted by the
 * priors and by how well they pass every detection (backtrack-backward.ts), and cross-checked by
 * forward selection (backtrack-forward.ts); the two are summarised and compared cell by cell
 * (backtrack-cells.ts).
 */
import { invalid } from '../errors.js';
import { SCENARIO_DEFAULTS } from '../scenario/defaults.js';
import type { SolverMethod } from '../solver/simulation.js';
import { isoTimeOrNull, isoTimeText } from '../time.js';
import { type ForecastEnsemble, forecastMemberCounts, forecastMembersOf } from '../wind/forecast-members.js';
import { coversLonLat, type WindField } from '../wind/wind-field.js';
import { type AltitudeFit, type Detection, FloatAltitudes, fitFloatAltitude } from './backtrack-altitude.js';
import { type BacktrackSetup, backwardPosterior } from './backtrack-backward.js';
import {
  type Agreement,
  agreementOf,
  effectiveSampleSize,
  type LaunchArea,
  type LaunchCell,
  type LaunchSamples,
  launchAreas,
  rankCells,
  weightedQuantile,
} from './backtrack-cells.js';
import {
  FORWARD_TRACK_DEFAULTS,
  type ForwardTrackOptions,
  type ForwardTracks,
  forwardSelection,
} from './backtrack-forward.js';
import { type BacktrackForecast, combineMemberBacktracks } from './backtrack-members.js';
import {
  type AltitudeBand,
  AltitudePrior,
  checkWindow,
  DEFAULT_FLOAT_ALTITUDES,
  type LaunchRegion,
  type LaunchWindow,
  NIGHT_WINDOW_DEFAULTS,
  nightWindowBefore,
} from './backtrack-priors.js';
import type { DensityGrid } from './ensemble-stats.js';
import { rounded } from './stats.js';

export { type AltitudeFit, type Detection, fitFloatAltitude } from './backtrack-altitude.js';
export {
  type Agreement,
  AREA_RADIUS_KM,
  type LaunchArea,
  type LaunchCell,
  type LaunchSamples,
} from './backtrack-cells.js';
export {
  FORWARD_TRACK_DEFAULTS,
  type ForwardTrack,
  type ForwardTrackOptions,
  type ForwardTracks,
} from './backtrack-forward.js';
export type { BacktrackForecast, BacktrackForecastMember } from './backtrack-members.js';

/**
 * Defaults of a back-track's own options. The solver, step, seed, wind-error correlation and ground
 * default to the scenario's (SCENARIO_DEFAULTS), so a back-track and a forward run agree.
 */
export const BACKTRACK_DEFAULTS = Object.freeze({
  /** Backward members: float paths from the last detection. */
  members: 500,
  /** Launch candidates of the forward cross-check. */
  forwardMembers: 2000,
  ascentRateMps: 3,
  ascentRateFraction: 0.15,
  windSigmaMps: 1,
  /** Cells of the posterior (degrees; 0.05° is 5.6 km north–south, 3.3 km east–west at 54° N). */
  cellDeg: 0.05,
  /** Spacing of the float ends along a path from which the ascent is traced down (s): 3 km at 10 m/s. */
  candidateEverySec: 300,
  /**
   * The smallest σ a member is matched to a detection's position with (m): with fewer than a few
   * thousand members an exact position would be passed by none; 300 m is well under the spread the
   * wind error gives a member in 10 minutes (≈ 600 m at σ 1 m/s).
   */
  matchFloorM: 300,
  /** The forward check's candidates: within this (m) and ± this (s) of a backward launch. */
  forwardRadiusM: 3000,
  forwardTimeSpreadSec: 600,
  /** Kept when within this many σ of every detection. */
  acceptSigmas: 3,
  /** Cells listed, most probable first, and launch areas (places to look) listed. */
  topCells: 5,
  areas: 5,
});

export interface BacktrackOptions {
  wind: WindField;
  /** One detection, or several of the same balloon (any order). */
  detections: Detection[];
  /** Backward members (default 500). */
  members?: number;
  /** Seed of the members' random streams (default: the scenario default). */
  seed?: number;
  /**
   * Where launches are possible (launchRegion of backtrack-priors.ts): launches outside weigh 0.
   * Default: anywhere. The command line and the server default to the bundled Belarusian border
   * strip, 2–30 km inside Belarus.
   */
  region?: LaunchRegion | null;
  /**
   * When launches are possible (s since the epoch). Default: the night before the first detection,
   * from `windowStartHourLocal` (16:00) local time in `timeZone` (Europe/Vilnius) to the detection.
   */
  launchWindow?: LaunchWindow;
  timeZone?: string;
  windowStartHourLocal?: number;
  /** Float-altitude prior: bands of relative density (default 1–5 km, denser at 3–4 km); null: none. */
  floatAltitudes?: readonly AltitudeBand[] | null;
  /** A known float altitude (m): every member floats there; overrides the prior and the fit. */
  floatAltitudeM?: number;
  /** The balloon floated at most this long before the first detection (s). Default: the window bounds it. */
  maxFloatSec?: number;
  /** Ascent rate of the balloon after launch (m/s, default 3) and its relative spread (default 0.15). */
  ascentRateMps?: number;
  ascentRateFraction?: number;
  /** Stochastic wind error of the members (default σ 1 m/s; correlation: the scenario default, 1 h). */
  windSigmaMps?: number;
  windCorrelationSec?: number;
  /** Solver, step (s) and ground elevation (m AMSL, where the wind has no terrain): scenario defaults. */
  method?: SolverMethod;
  dtSec?: number;
  groundElevationM?: number;
  /** Grid cell of the launch posterior (degrees, default 0.05). */
  cellDeg?: number;
  /** Spacing of float ends along each member's path (s, default 300). */
  candidateEverySec?: number;
  /** Smallest σ of the match to a detection's position (m, default 300). */
  matchFloorM?: number;
  /**
   * The forward cross-check (on by default); false turns it off. `tracks` keeps a bounded sample of
   * its forward tracks for drawing (off by default: nothing is recorded).
   */
  forward?:
    | false
    | {
        members?: number;
        radiusM?: number;
        timeSpreadSec?: number;
        acceptSigmas?: number;
        tracks?: ForwardTrackOptions;
      };
}

/** The priors a back-track ran with, as outputs state them. */
export interface BacktrackPriors {
  region: { id: string; name: string } | null;
  launchWindow: { start: string; end: string; rule: string };
  floatAltitudes: AltitudeBand[] | null;
  floatAltitudeM: number | null;
  maxFloatSec: number | null;
}

/** The forward cross-check's figures. */
export interface ForwardSummary {
  /** Candidate launches drawn, those outside the priors, those run, those kept. */
  proposed: number;
  outsidePriors: number;
  run: number;
  kept: number;
  effectiveSamples: number;
  medianLaunch: string | null;
  floatAltitudeM: number | null;
  areas: LaunchArea[];
  mostLikely: LaunchCell[];
  /** A sample of the forward tracks, only when `forward.tracks` asked for it. */
  tracks?: ForwardTracks;
}

export interface BacktrackResult {
  priors: BacktrackPriors;
  /** The posterior median float altitude (m); the detections' altitude when nothing is in the priors. */
  floatAltitudeM: number;
  /** Present when there are several detections: the misfit of each float altitude to the track. */
  altitudeFit: AltitudeFit[] | null;
  members: number;
  /** Launch candidates traced down, those that reached the ground, and those inside the priors. */
  candidates: number;
  reachedGround: number;
  plausible: number;
  /** Kish's effective number of the posterior's samples. */
  effectiveSamples: number;
  /** The posterior's samples: launch point, time, float altitude and weight per candidate. */
  samples: LaunchSamples;
  /** Posterior mass per cell ("counts" hold masses that sum to 1). */
  grid: DensityGrid | null;
  /**
   * Where to look, in order (launchAreas): the first is the best estimate of the launch point (the
   * posterior's medoid), each next one adds the most posterior mass within its radius.
   */
  areas: LaunchArea[];
  /** The most likely launch cells, by posterior mass. */
  mostLikely: LaunchCell[];
  /** Launch time over the whole posterior: median, 5 % and 95 %. */
  medianLaunch: string | null;
  launchFrom: string | null;
  launchTo: string | null;
  forward: (ForwardSummary & { samples: LaunchSamples }) | null;
  agreement: Agreement | null;
  /**
   * Present when the wind has several forecast members: each member's best estimate and share of the
   * mass, and whether they agree. The figures above are then the members' weight mixture
   * (backtrack-members.ts says exactly what its probabilities mean); null for one wind.
   */
  forecast: BacktrackForecast | null;
  /** What the figures do not show: an empty posterior, members cut short, detections no member passes. */
  warnings: string[];
}

function checkDetection(d: Detection, k: number, wind: WindField): void {
  const at = `detections[${k}]`;
  if (!(d.lon >= -180 && d.lon <= 360)) invalid(`${at}.lon`, 'must be a longitude in degrees', d.lon);
  if (!(d.lat >= -90 && d.lat <= 90)) invalid(`${at}.lat`, 'must be a latitude in degrees', d.lat);
  if (!Number.isFinite(d.altM)) invalid(`${at}.altM`, 'must be a finite altitude in m', d.altM);
  if (!Number.isFinite(d.tSec)) invalid(`${at}.tSec`, 'must be a finite time', d.tSec);
  for (const key of ['sigmaPositionM', 'sigmaAltM', 'sigmaTimeSec'] as const) {
    const v = d[key];
    if (v !== undefined && !(v >= 0 && Number.isFinite(v))) invalid(`${at}.${key}`, 'must be >= 0', v);
  }
  const c = wind.coverage;
  if (!coversLonLat(c, d.lon, d.lat)) invalid(at, 'lies outside the wind data', { lon: d.lon, lat: d.lat });
  if (d.tSec < c.tMinSec || d.tSec > c.tMaxSec)
    invalid(`${at}.tSec`, "must lie inside the wind data's times", isoTimeText(d.tSec));
  if (d.altM > c.altMaxM)
    invalid(`${at}.altM`, `is above the top of the wind data (${c.altMaxM.toFixed(0)} m)`, d.altM);
}

function positive(name: string, value: number | undefined, fallback: number, orZero = false): number {
  const v = value ?? fallback;
  if (!(Number.isFinite(v) && (orZero ? v >= 0 : v > 0)))
    invalid(name, orZero ? 'must be >= 0' : 'must be > 0', v);
  return v;
}

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  const v = value ?? fallback;
  if (!(Number.isInteger(v) && v >= min && v <= 1_000_000))
    invalid(name, `must be an integer from ${min} to 1000000`, v);
  return v;
}

const km = (m: number) => `${(m / 1000).toFixed(1)} km`;

/**
 * Traces a detected balloon back to where and when it was probably launched (see the file's head).
 * Throws an InputError naming the option or detection that is wrong; an answer the priors leave
 * empty is no error: it comes with a warning saying so.
 */
export function backtrack(options: BacktrackOptions): BacktrackResult {
  const ensemble = forecastMembersOf(options.wind);
  return ensemble ? backtrackMembers(options, ensemble) : backtrackOne(options, options.wind);
}

/**
 * The back-track through each forecast member (backtrack-members.ts): the backward members and the
 * forward launches are split among the forecast members by weight, as a run splits its trajectory
 * members (forecastMemberCounts), every member with the same detections, priors and seed; the
 * answer is their weight mixture, with each member's best estimate and its share of the mass.
 */
function backtrackMembers(options: BacktrackOptions, ensemble: ForecastEnsemble): BacktrackResult {
  const m = ensemble.members.length;
  const weights = ensemble.members.map((x) => x.weight);
  // Every forecast member needs backward members of its own, or its weight would place nothing.
  const members = count('members', options.members, BACKTRACK_DEFAULTS.members, 1);
  if (members < m)
    invalid(
      'members',
      `must be at least the number of forecast members (${m}) so that each is back-tracked`,
      members,
    );
  const counts = forecastMemberCounts(members, weights);
  const none = counts.indexOf(0);
  if (none >= 0)
    invalid(
      'members',
      `must give every forecast member at least one backward member: split by the weights (${weights.join(', ')}), ${members} give none to ${ensemble.members[none].label}`,
      members,
    );
  const f = options.forward === false ? false : (options.forward ?? {});
  const forwardCounts =
    f === false
      ? null
      : forecastMemberCounts(
          count('forward.members', f.members, BACKTRACK_DEFAULTS.forwardMembers, 0),
          weights,
        );
  // Forward tracks to draw: the sample's bound is the whole answer's, split like the launches.
  const keptTracks =
    f !== false && f.tracks
      ? forecastMemberCounts(f.tracks.kept ?? FORWARD_TRACK_DEFAULTS.kept, weights)
      : null;
  const rejectedTracks =
    f !== false && f.tracks
      ? forecastMemberCounts(f.tracks.rejected ?? FORWARD_TRACK_DEFAULTS.rejected, weights)
      : null;
  const each = ensemble.fields.map((field, k) =>
    backtrackOne(
      {
        ...options,
        members: counts[k],
        forward:
          f === false
            ? false
            : {
                ...f,
                members: forwardCounts![k],
                ...(f.tracks
                  ? { tracks: { ...f.tracks, kept: keptTracks![k], rejected: rejectedTracks![k] } }
                  : {}),
              },
      },
      field,
    ),
  );
  const first = [...options.detections].sort((a, b) => a.tSec - b.tSec)[0];
  const combined = combineMemberBacktracks(ensemble, each, {
    cellDeg: options.cellDeg ?? BACKTRACK_DEFAULTS.cellDeg,
    from: first,
    topCells: BACKTRACK_DEFAULTS.topCells,
    areas: BACKTRACK_DEFAULTS.areas,
  });
  return {
    priors: each[0].priors,
    floatAltitudeM: combined.floatAltitudeM ?? each[0].floatAltitudeM,
    // Each member fits its own float altitude to the track; the members' fits are not one curve.
    altitudeFit: null,
    members: combined.members,
    candidates: combined.candidates,
    reachedGround: combined.reachedGround,
    plausible: combined.plausible,
    effectiveSamples: combined.effectiveSamples,
    samples: combined.samples,
    grid: combined.grid,
    areas: combined.areas,
    mostLikely: combined.mostLikely,
    medianLaunch: combined.medianLaunch,
    launchFrom: combined.launchFrom,
    launchTo: combined.launchTo,
    forward: combined.forward,
    agreement: combined.agreement,
    forecast: combined.forecast,
    warnings: combined.warnings,
  };
}

/** The back-track through one wind field (see backtrack). */
function backtrackOne(options: BacktrackOptions, wind: WindField): BacktrackResult {
  const { detections } = options;
  if (!Array.isArray(detections) || detections.length === 0)
    invalid('detections', 'must hold at least one detection', detections);
  for (const [k, d] of detections.entries()) checkDetection(d, k, wind);
  const members = count('members', options.members, BACKTRACK_DEFAULTS.members, 1);
  const ascentRateMps = positive('ascentRateMps', options.ascentRateMps, BACKTRACK_DEFAULTS.ascentRateMps);
  const ascentRateFraction = positive(
    'ascentRateFraction',
    options.ascentRateFraction,
    BACKTRACK_DEFAULTS.ascentRateFraction,
    true,
  );
  const windSigmaMps = positive('windSigmaMps', options.windSigmaMps, BACKTRACK_DEFAULTS.windSigmaMps, true);
  const maxFloatSec = options.maxFloatSec ?? Number.POSITIVE_INFINITY;
  if (!(maxFloatSec > 0)) invalid('maxFloatSec', 'must be > 0', maxFloatSec);
  const cellDeg = options.cellDeg ?? BACKTRACK_DEFAULTS.cellDeg;
  if (!(cellDeg >= 0.001 && cellDeg <= 1)) invalid('cellDeg', 'must be from 0.001 to 1 degree', cellDeg);
  const candidateEverySec = positive(
    'candidateEverySec',
    options.candidateEverySec,
    BACKTRACK_DEFAULTS.candidateEverySec,
  );
  const matchFloorM = positive('matchFloorM', options.matchFloorM, BACKTRACK_DEFAULTS.matchFloorM);
  const method = options.method ?? SCENARIO_DEFAULTS.method;
  const dtSec = options.dtSec ?? SCENARIO_DEFAULTS.dtSec;
  const sorted = [...detections].sort((a, b) => a.tSec - b.tSec);
  const first = sorted[0];

  // ---- the priors ----
  const timeZone = options.timeZone ?? NIGHT_WINDOW_DEFAULTS.timeZone;
  const startHour = options.windowStartHourLocal ?? NIGHT_WINDOW_DEFAULTS.startHourLocal;
  const window = checkWindow(
    options.launchWindow ?? nightWindowBefore(first.tSec, timeZone, startHour),
    first.tSec,
  );
  const rule = options.launchWindow
    ? 'as given'
    : `from ${String(startHour).padStart(2, '0')}:00 ${timeZone} on the evening before the first detection, to the detection`;
  if (
    options.floatAltitudeM !== undefined &&
    !(options.floatAltitudeM > 0 && options.floatAltitudeM <= wind.coverage.altMaxM)
  )
    invalid(
      'floatAltitudeM',
      `must be > 0 and within the wind data (up to ${wind.coverage.altMaxM.toFixed(0)} m)`,
      options.floatAltitudeM,
    );
  const fixedM = options.floatAltitudeM ?? null;
  const bands = options.floatAltitudes === undefined ? DEFAULT_FLOAT_ALTITUDES : options.floatAltitudes;
  const prior = bands === null ? null : new AltitudePrior(bands);

  // Several detections: the float altitude that best carries the balloon along them (a proposal
  // component; the weights then decide).
  let altitudeFit: AltitudeFit[] | null = null;
  let fittedM: number | null = null;
  if (fixedM === null && sorted.length > 1 && sorted[sorted.length - 1].tSec > first.tSec) {
    const lo = Math.max(250, prior ? prior.minM : 250);
    const hi = Math.min(wind.coverage.altMaxM, prior ? prior.maxM : 8000);
    const candidates: number[] = [];
    for (let alt = Math.ceil(lo / 100) * 100; alt <= hi; alt += 100) candidates.push(alt);
    if (candidates.length > 0) {
      altitudeFit = fitFloatAltitude(wind, sorted, candidates, { method, dtSec });
      fittedM = altitudeFit.reduce((best, f) => (f.rmsKm < best.rmsKm ? f : best)).altM;
    }
  }
  const altitudes = new FloatAltitudes(prior, sorted, fixedM, fittedM, wind.coverage.altMaxM);
  const setup: BacktrackSetup = {
    wind,
    detections: sorted,
    region: options.region ?? null,
    window,
    maxFloatSec,
    altitudes,
    ascentRateMps,
    ascentRateFraction,
    windSigmaMps,
    windCorrelationSec: options.windCorrelationSec ?? SCENARIO_DEFAULTS.windCorrelationSec,
    method,
    dtSec,
    groundElevationM: options.groundElevationM ?? SCENARIO_DEFAULTS.groundElevationM,
    seed: options.seed ?? SCENARIO_DEFAULTS.seed,
    matchFloorM,
  };

  // ---- the backward posterior ----
  const backward = backwardPosterior(setup, members, candidateEverySec);
  const top = BACKTRACK_DEFAULTS.topCells;
  const ranked = rankCells(backward.samples, cellDeg, first, top);
  const areas = launchAreas(backward.samples, first, BACKTRACK_DEFAULTS.areas);
  const w = backward.samples.weight;
  const warnings: string[] = [];
  const region = setup.region;
  const windowText = `${isoTimeText(window.startSec, 'minutes')}–${isoTimeText(window.endSec, 'minutes')}`;
  if (ranked.cells.length === 0)
    warnings.push(
      `no launch found inside the priors (region ${region ? region.id : 'anywhere'}, launch window ${windowText}${prior ? `, float altitudes ${prior.minM}–${prior.maxM} m` : ''}): the balloon came from elsewhere or earlier, or the wind data do not reach back far enough; widen the priors to look further`,
    );
  if (backward.pathsCutShort > 0.1 * members)
    warnings.push(
      `${Math.round((100 * backward.pathsCutShort) / members)} % of the backward members left the wind data (its box or its times) before the launch window opened: earlier launches from there are missing`,
    );
  if (window.startSec < wind.coverage.tMinSec)
    warnings.push(
      `the wind data begin at ${isoTimeText(wind.coverage.tMinSec, 'minutes')}, after the launch window opens (${isoTimeText(window.startSec, 'minutes')}): earlier launches are not considered`,
    );
  if (prior && fixedM === null) {
    const s = altitudes.sigmaM;
    if (altitudes.centreM < prior.minM - 2 * s || altitudes.centreM > prior.maxM + 2 * s)
      warnings.push(
        `the detections' altitude (${Math.round(altitudes.centreM)} m) lies outside the float-altitude prior (${prior.minM}–${prior.maxM} m): the posterior keeps to the prior's nearest altitudes`,
      );
  }
  backward.bestMisfitSigma.forEach((z, k) => {
    if (z > 3)
      warnings.push(
        `no backward member passes detection ${k + 1} of ${sorted.length} (${isoTimeText(sorted[k].tSec, 'seconds')}, in time order) within 3 σ (closest ${Number.isFinite(z) ? z.toFixed(1) : '∞'} σ): are they one balloon, and is the wind right?`,
      );
  });
  const ess = effectiveSampleSize(w);
  if (ranked.cells.length > 0 && ess < 30)
    warnings.push(
      `the posterior rests on few samples (effective ${ess.toFixed(0)}): its cells are rough; more members sharpen it`,
    );

  // ---- the forward cross-check ----
  let forward: BacktrackResult['forward'] = null;
  let agreement: Agreement | null = null;
  if (options.forward !== false) {
    const f = options.forward ?? {};
    const selected = forwardSelection(setup, backward.samples, {
      members: count('forward.members', f.members, BACKTRACK_DEFAULTS.forwardMembers, 0),
      radiusM: positive('forward.radiusM', f.radiusM, BACKTRACK_DEFAULTS.forwardRadiusM),
      timeSpreadSec: positive(
        'forward.timeSpreadSec',
        f.timeSpreadSec,
        BACKTRACK_DEFAULTS.forwardTimeSpreadSec,
      ),
      acceptSigmas: positive('forward.acceptSigmas', f.acceptSigmas, BACKTRACK_DEFAULTS.acceptSigmas),
      tracks: f.tracks,
    });
    const fRanked = rankCells(selected.samples, cellDeg, first, top);
    const fAreas = launchAreas(selected.samples, first, BACKTRACK_DEFAULTS.areas);
    const fw = selected.samples.weight;
    forward = {
      proposed: selected.proposed,
      outsidePriors: selected.outsidePriors,
      run: selected.run,
      kept: selected.kept,
      effectiveSamples: rounded(effectiveSampleSize(fw), 1)!,
      medianLaunch: isoTimeOrNull(weightedQuantile(selected.samples.tSec, fw, 0.5)),
      floatAltitudeM: rounded(weightedQuantile(selected.samples.floatAltM, fw, 0.5), -1),
      areas: fAreas,
      mostLikely: fRanked.cells,
      samples: selected.samples,
      ...(selected.tracks ? { tracks: selected.tracks } : {}),
    };
    agreement = agreementOf({ cells: ranked, areas }, { cells: fRanked, areas: fAreas });
    if (ranked.cells.length > 0 && selected.kept < 20)
      warnings.push(
        `the forward check kept ${selected.kept} of ${selected.run} launches run: too few to confirm or refute the back-track`,
      );
    else if (agreement && !agreement.agree)
      warnings.push(
        `the back-track and the forward check disagree: their best estimates lie ${km(agreement.bestDistanceKm * 1000)} apart`,
      );
  }

  const medianAlt = weightedQuantile(backward.samples.floatAltM, w, 0.5);
  return {
    priors: {
      region: region ? { id: region.id, name: region.name } : null,
      launchWindow: {
        start: isoTimeText(window.startSec, 'seconds'),
        end: isoTimeText(window.endSec, 'seconds'),
        rule,
      },
      floatAltitudes: prior && fixedM === null ? prior.bands.map((b) => ({ ...b })) : null,
      floatAltitudeM: fixedM,
      maxFloatSec: Number.isFinite(maxFloatSec) ? maxFloatSec : null,
    },
    floatAltitudeM: Math.round(Number.isFinite(medianAlt) ? medianAlt : (fixedM ?? altitudes.centreM)),
    altitudeFit,
    members: backward.members,
    candidates: backward.candidates,
    reachedGround: backward.reachedGround,
    plausible: backward.plausible,
    effectiveSamples: rounded(ess, 1)!,
    samples: backward.samples,
    grid: ranked.grid,
    areas,
    mostLikely: ranked.cells,
    medianLaunch: isoTimeOrNull(weightedQuantile(backward.samples.tSec, w, 0.5)),
    launchFrom: isoTimeOrNull(weightedQuantile(backward.samples.tSec, w, 0.05)),
    launchTo: isoTimeOrNull(weightedQuantile(backward.samples.tSec, w, 0.95)),
    forward,
    agreement,
    forecast: null,
    warnings,
  };
}

/**
 * What a back-track tells, without the per-sample arrays: the command line's --json, the server's
 * answer. `version` 2: the posterior under priors (earlier answers had no `version`; their fields
 * keep their names and meaning, except that `grid.counts` now holds posterior mass).
 */
export function backtrackSummary(result: BacktrackResult) {
  const { samples: _, ...forward } = result.forward ?? { samples: null };
  return {
    version: 2 as const,
    priors: result.priors,
    floatAltitudeM: result.floatAltitudeM,
    altitudeFit: result.altitudeFit,
    members: result.members,
    candidates: result.candidates,
    reachedGround: result.reachedGround,
    plausible: result.plausible,
    effectiveSamples: result.effectiveSamples,
    medianLaunch: result.medianLaunch,
    launchFrom: result.launchFrom,
    launchTo: result.launchTo,
    areas: result.areas,
    mostLikely: result.mostLikely,
    grid: result.grid,
    forward: result.forward ? (forward as ForwardSummary) : null,
    agreement: result.agreement,
    forecast: result.forecast,
    warnings: result.warnings,
  };
}
