/**
 * A back-track through a wind of several forecast members: each member is back-tracked on its own
 * (its own field, the same detections, priors and seed), and the members' posteriors are combined
 * as a mixture with the members' weights:
 *
 *   P(launch in cell c) = Σₘ sₘ · Pₘ(launch in c | detections),  sₘ = wₘ / Σ wₖ,
 *
 * the sum over the members whose posterior holds a launch inside the priors (k in that same set).
 * The combined probability is the chance of a launch in the cell if each forecast member is the
 * true weather with the probability its weight gives, the detections being used to place the
 * launch under each member but not to judge which member is right (a member that carries a balloon
 * past every detection weighs no more than one that barely does). A member whose posterior is empty
 * (no launch inside the priors) places none of the mass: its share goes to the others, and a
 * warning names it.
 */
import { ellipsoidDistanceM } from '../geo/ellipsoid.js';
import { isoTimeOrNull } from '../time.js';
import type { ForecastEnsemble } from '../wind/forecast-members.js';
import {
  type Agreement,
  AREA_RADIUS_KM,
  agreementOf,
  effectiveSampleSize,
  type LaunchArea,
  type LaunchCell,
  type LaunchSamples,
  launchAreas,
  rankCells,
  weightedQuantile,
} from './backtrack-cells.js';
import type { ForwardTracks } from './backtrack-forward.js';
import { rounded } from './stats.js';

/** One forecast member's back-track, as the combined answer reports it. */
export interface BacktrackForecastMember {
  /** The member as outputs name it ("ecmwf-ens 2025102400 member 3"). */
  label: string;
  /** Its weight as given, and its share of the weights (0–1). */
  weight: number;
  weightShare: number;
  /**
   * Its share of the combined posterior mass (0–1): its weight share among the members that place a
   * launch inside the priors; 0 when it places none.
   */
  share: number;
  /** Backward members flown through it (the back-track's members split by weight, as a run splits them). */
  members: number;
  /** Its launch candidates inside the priors, and Kish's effective number of its samples. */
  plausible: number;
  effectiveSamples: number;
  /** Its posterior median float altitude (m) and launch time. */
  floatAltitudeM: number;
  medianLaunch: string | null;
  /** Its best estimate (its first launch area) and its most likely cell; null when it places no launch. */
  best: LaunchArea | null;
  bestCell: LaunchCell | null;
}

/** How the forecast members of a back-track agree on where the balloon was launched. */
export interface BacktrackForecast {
  members: BacktrackForecastMember[];
  /** The largest distance between two members' best estimates (km on WGS 84); null with fewer than two. */
  spreadKm: number | null;
  /**
   * True when two members or more (or the only one there is) place a launch and every best estimate
   * lies within AREA_RADIUS_KM of every other's: one member alone among several agrees with nobody.
   */
  agree: boolean;
  /** One plain sentence: do the members send a patrol to one place, or to several? */
  sentence: string;
}

/** What one member's back-track gives the combination. */
export interface MemberBacktrack {
  samples: LaunchSamples;
  members: number;
  candidates: number;
  reachedGround: number;
  plausible: number;
  effectiveSamples: number;
  floatAltitudeM: number;
  medianLaunch: string | null;
  areas: LaunchArea[];
  mostLikely: LaunchCell[];
  forward: {
    proposed: number;
    outsidePriors: number;
    run: number;
    kept: number;
    samples: LaunchSamples;
    tracks?: ForwardTracks;
  } | null;
  warnings: string[];
}

const total = (w: Float64Array) => w.reduce((a, b) => a + Math.max(b, 0), 0);

/**
 * The members' samples in one set, each member's weights scaled so that they sum to its share
 * (`shares`, summing to 1 over the members that have any weight).
 */
export function mixSamples(list: readonly LaunchSamples[], shares: readonly number[]): LaunchSamples {
  const n = list.reduce((a, s) => a + s.weight.length, 0);
  const out: LaunchSamples = {
    lon: new Float64Array(n),
    lat: new Float64Array(n),
    tSec: new Float64Array(n),
    floatAltM: new Float64Array(n),
    weight: new Float64Array(n),
  };
  let at = 0;
  list.forEach((s, m) => {
    const sum = total(s.weight);
    const scale = sum > 0 ? shares[m] / sum : 0;
    out.lon.set(s.lon, at);
    out.lat.set(s.lat, at);
    out.tSec.set(s.tSec, at);
    out.floatAltM.set(s.floatAltM, at);
    for (let p = 0; p < s.weight.length; p++) out.weight[at + p] = s.weight[p] > 0 ? s.weight[p] * scale : 0;
    at += s.weight.length;
  });
  return out;
}

/** Each member's weight share among those whose samples hold any weight (0 for the others). */
export function mixtureShares(weights: readonly number[], samples: readonly LaunchSamples[]): number[] {
  const placed = samples.map((s) => total(s.weight) > 0);
  const sum = weights.reduce((a, w, m) => a + (placed[m] ? w : 0), 0);
  return weights.map((w, m) => (placed[m] && sum > 0 ? w / sum : 0));
}

const pct = (x: number) => `${Math.round(100 * x)} %`;

/** The sentence of BacktrackForecast: agreement, or where each member sends the patrol. */
function membersSentence(
  members: readonly BacktrackForecastMember[],
  spreadKm: number | null,
  agree: boolean,
  firstAreaProbability: number | null,
): string {
  const placing = members.filter((m) => m.best);
  const none = members.filter((m) => !m.best);
  const noneText =
    none.length === 0
      ? ''
      : ` ${none.length} of ${members.length} members (${none
          .slice(0, 3)
          .map((m) => m.label)
          .join('; ')}${none.length > 3 ? '; …' : ''}) place no launch inside the priors.`;
  if (placing.length === 0)
    return `None of the ${members.length} forecast members places a launch inside the priors.`;
  if (placing.length === 1)
    return `Only one forecast member (${placing[0].label}) places a launch inside the priors: the answer rests on it alone.${noneText}`;
  if (agree)
    return `The ${placing.length} forecast members agree: their best estimates lie within ${spreadKm!.toFixed(1)} km of each other.${noneText}`;
  const shown = [...placing].sort((a, b) => b.share - a.share).slice(0, 4);
  const where = shown
    .map(
      (m) =>
        `${m.label} at ${m.best!.lon.toFixed(3)}, ${m.best!.lat.toFixed(3)} (${pct(m.share)} of the mass)`,
    )
    .join('; ');
  return `The forecast members disagree on where it was launched: their best estimates lie up to ${spreadKm!.toFixed(1)} km apart (${where}${placing.length > shown.length ? '; …' : ''})${firstAreaProbability === null ? '' : `, and the first area holds ${pct(firstAreaProbability)} of the combined mass`}: search each member's area, not one place.${noneText}`;
}

/** A member's warnings about its own forward check: the combined forward check speaks for them. */
const FORWARD_WARNING = /^the forward check kept |^the back-track and the forward check disagree/;

const labelList = (labels: readonly string[]) =>
  `${labels.slice(0, 3).join('; ')}${labels.length > 3 ? '; …' : ''}`;

/**
 * The members' own warnings, one line per kind (the same text with its figures left out): a kind
 * every member gives with the same figures stands alone; otherwise the line says how many members
 * give it, names the first few, and quotes the first member's figures. Warnings about a member's own
 * forward check are left out (the combined check has its own). Fifty members would otherwise give
 * fifty lines saying the same.
 */
export function memberWarnings(labels: readonly string[], lists: readonly string[][]): string[] {
  const kinds = new Map<string, { texts: Set<string>; who: string[]; first: string }>();
  lists.forEach((list, m) => {
    for (const w of list) {
      if (FORWARD_WARNING.test(w)) continue;
      const key = w.replace(/\d+(\.\d+)?/g, '#');
      const kind = kinds.get(key);
      if (kind) {
        kind.texts.add(w);
        if (kind.who.at(-1) !== labels[m]) kind.who.push(labels[m]);
      } else kinds.set(key, { texts: new Set([w]), who: [labels[m]], first: w });
    }
  });
  const all = labels.length;
  return [...kinds.values()].map(({ texts, who, first }) => {
    if (who.length === all)
      return texts.size === 1
        ? `every forecast member: ${first}`
        : `every forecast member (figures differ; the first's): ${first}`;
    const count = `${who.length} of ${all} forecast members`;
    return texts.size === 1
      ? `${count} (${labelList(who)}): ${first}`
      : `${count} (${labelList(who)}; figures differ, ${who[0]}'s): ${first}`;
  });
}

export interface CombinedBacktrack {
  samples: LaunchSamples;
  members: number;
  candidates: number;
  reachedGround: number;
  plausible: number;
  effectiveSamples: number;
  floatAltitudeM: number | null;
  grid: ReturnType<typeof rankCells>['grid'];
  areas: LaunchArea[];
  mostLikely: LaunchCell[];
  medianLaunch: string | null;
  launchFrom: string | null;
  launchTo: string | null;
  forward: {
    proposed: number;
    outsidePriors: number;
    run: number;
    kept: number;
    effectiveSamples: number;
    medianLaunch: string | null;
    floatAltitudeM: number | null;
    areas: LaunchArea[];
    mostLikely: LaunchCell[];
    samples: LaunchSamples;
    tracks?: ForwardTracks;
  } | null;
  agreement: Agreement | null;
  forecast: BacktrackForecast;
  warnings: string[];
}

/** The members' samples mixed by weight (mixtureShares), with their ranked cells and launch areas. */
function mixture(
  weights: readonly number[],
  parts: readonly LaunchSamples[],
  options: { cellDeg: number; from: { lon: number; lat: number }; topCells: number; areas: number },
) {
  const shares = mixtureShares(weights, parts);
  const samples = mixSamples(parts, shares);
  return {
    shares,
    samples,
    ranked: rankCells(samples, options.cellDeg, options.from, options.topCells),
    areas: launchAreas(samples, options.from, options.areas),
  };
}

/**
 * Combines the members' back-tracks (in the ensemble's order) into one answer: the weight mixture of
 * the file's head, the members' own best estimates, and whether they agree.
 */
export function combineMemberBacktracks(
  ensemble: ForecastEnsemble,
  each: readonly MemberBacktrack[],
  options: { cellDeg: number; from: { lon: number; lat: number }; topCells: number; areas: number },
): CombinedBacktrack {
  const weights = ensemble.members.map((m) => m.weight);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const { shares, samples, ranked, areas } = mixture(
    weights,
    each.map((r) => r.samples),
    options,
  );
  const w = samples.weight;

  const members: BacktrackForecastMember[] = each.map((r, m) => ({
    label: ensemble.members[m].label,
    weight: weights[m],
    weightShare: rounded(weights[m] / weightSum, 4)!,
    share: rounded(shares[m], 4)!,
    members: r.members,
    plausible: r.plausible,
    effectiveSamples: r.effectiveSamples,
    floatAltitudeM: r.floatAltitudeM,
    medianLaunch: r.medianLaunch,
    best: shares[m] > 0 ? (r.areas[0] ?? null) : null,
    bestCell: shares[m] > 0 ? (r.mostLikely[0] ?? null) : null,
  }));
  let spreadM: number | null = null;
  const bests = members.flatMap((m) => (m.best ? [m.best] : []));
  for (let a = 0; a < bests.length; a++)
    for (let b = a + 1; b < bests.length; b++) {
      const d = ellipsoidDistanceM(bests[a].lon, bests[a].lat, bests[b].lon, bests[b].lat);
      spreadM = Math.max(spreadM ?? 0, d);
    }
  const spreadKm = spreadM === null ? null : rounded(spreadM / 1000, 1)!;
  // Agreement needs two members placing a launch (or the only member there is): one member alone
  // among several agrees with nobody.
  const agree =
    bests.length >= Math.min(2, members.length) && (spreadM === null || spreadM / 1000 <= AREA_RADIUS_KM);
  const sentence = membersSentence(members, spreadKm, agree, areas[0]?.probability ?? null);

  // ---- the forward cross-check, mixed the same way ----
  let forward: CombinedBacktrack['forward'] = null;
  let agreement: Agreement | null = null;
  if (each.every((r) => r.forward)) {
    const fs = each.map((r) => r.forward!);
    const {
      samples: fSamples,
      ranked: fRanked,
      areas: fAreas,
    } = mixture(
      weights,
      fs.map((f) => f.samples),
      options,
    );
    const fw = fSamples.weight;
    const sum = (key: 'proposed' | 'outsidePriors' | 'run' | 'kept') => fs.reduce((a, f) => a + f[key], 0);
    const withTracks = fs.filter((f) => f.tracks);
    let tracks: ForwardTracks | undefined;
    if (withTracks.length > 0) {
      const t0 = withTracks[0].tracks!;
      tracks = {
        keptTotal: withTracks.reduce((a, f) => a + f.tracks!.keptTotal, 0),
        rejectedTotal: withTracks.reduce((a, f) => a + f.tracks!.rejectedTotal, 0),
        strideSec: t0.strideSec,
        acceptSigmas: t0.acceptSigmas,
        matchFloorM: t0.matchFloorM,
        tracks: withTracks.flatMap((f) => f.tracks!.tracks),
      };
    }
    forward = {
      proposed: sum('proposed'),
      outsidePriors: sum('outsidePriors'),
      run: sum('run'),
      kept: sum('kept'),
      effectiveSamples: rounded(effectiveSampleSize(fw), 1)!,
      medianLaunch: isoTimeOrNull(weightedQuantile(fSamples.tSec, fw, 0.5)),
      floatAltitudeM: rounded(weightedQuantile(fSamples.floatAltM, fw, 0.5), -1),
      areas: fAreas,
      mostLikely: fRanked.cells,
      samples: fSamples,
      ...(tracks ? { tracks } : {}),
    };
    agreement = agreementOf({ cells: ranked, areas }, { cells: fRanked, areas: fAreas });
  }

  const warnings: string[] = [];
  const empty = members.filter((m) => !m.best);
  if (empty.length > 0 && empty.length < members.length)
    warnings.push(
      `${empty.length} of ${members.length} forecast members (${empty
        .slice(0, 3)
        .map((m) => `${m.label}, ${pct(m.weightShare)} of the weight`)
        .join(
          '; ',
        )}${empty.length > 3 ? '; …' : ''}) place no launch inside the priors: the combined figures are the other members' alone`,
    );
  if (!agree && bests.length > 1) warnings.push(sentence);
  // The combined forward check is shared among the members whose own check kept launches: one that
  // holds back-track mass but kept none (or ran none) would otherwise vanish from it unsaid.
  const unchecked = forward ? members.filter((m, i) => m.share > 0 && each[i].forward!.kept === 0) : [];
  // (When no member's check kept any, the "too few" warning below says it for all.)
  if (unchecked.length > 0 && unchecked.length < members.filter((m) => m.share > 0).length)
    warnings.push(
      `the forward check kept no launch for ${unchecked.length} of ${members.length} forecast members (${unchecked
        .slice(0, 3)
        .map((m) => `${m.label}, ${pct(m.share)} of the back-track's mass`)
        .join(
          '; ',
        )}${unchecked.length > 3 ? '; …' : ''}): the combined forward check speaks for the others only`,
    );
  if (ranked.cells.length > 0 && effectiveSampleSize(w) < 30)
    warnings.push(
      `the combined posterior rests on few samples (effective ${effectiveSampleSize(w).toFixed(0)}): its cells are rough; more members sharpen it`,
    );
  if (forward && ranked.cells.length > 0 && forward.kept < 20)
    warnings.push(
      `the forward check kept ${forward.kept} of ${forward.run} launches run over the forecast members: too few to confirm or refute the back-track`,
    );
  else if (forward && agreement && !agreement.agree)
    warnings.push(
      `the back-track and the forward check disagree (combined over the forecast members): their best estimates lie ${agreement.bestDistanceKm.toFixed(1)} km apart`,
    );
  warnings.push(
    ...memberWarnings(
      members.map((m) => m.label),
      each.map((r) => r.warnings),
    ),
  );

  const medianAlt = weightedQuantile(samples.floatAltM, w, 0.5);
  const add = (key: 'members' | 'candidates' | 'reachedGround' | 'plausible') =>
    each.reduce((a, r) => a + r[key], 0);
  return {
    samples,
    members: add('members'),
    candidates: add('candidates'),
    reachedGround: add('reachedGround'),
    plausible: add('plausible'),
    effectiveSamples: rounded(effectiveSampleSize(w), 1)!,
    floatAltitudeM: Number.isFinite(medianAlt) ? Math.round(medianAlt) : null,
    grid: ranked.grid,
    areas,
    mostLikely: ranked.cells,
    medianLaunch: isoTimeOrNull(weightedQuantile(samples.tSec, w, 0.5)),
    launchFrom: isoTimeOrNull(weightedQuantile(samples.tSec, w, 0.05)),
    launchTo: isoTimeOrNull(weightedQuantile(samples.tSec, w, 0.95)),
    forward,
    agreement,
    forecast: { members, spreadKm, agree, sentence },
    warnings,
  };
}
