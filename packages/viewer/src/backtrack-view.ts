/**
 * The pure parts of the back-track view (backtrack.ts draws them): the priors' form controls made
 * into the request's `region`, `launchWindow` and `floatAltitudes`; distances and bearings written
 * for the duty officer; the box holding the answer and the zoom that fits the map to it; the forward
 * cross-check's line. No DOM.
 */

import type { backtrackSummary } from '@balloon-sim/sim-core';
import * as d3 from 'd3';
import type { CountGrid } from './contours.js';
import { percent } from './results.js';
import { vilniusFields } from './time.js';

// ---- distance and bearing --------------------------------------------------------------------

/** The 16 points of the compass, clockwise from north. */
const POINTS = [
  'N',
  'NNE',
  'NE',
  'ENE',
  'E',
  'ESE',
  'SE',
  'SSE',
  'S',
  'SSW',
  'SW',
  'WSW',
  'W',
  'WNW',
  'NW',
  'NNW',
];

/** The compass point (of 16) nearest a bearing in degrees true: 0 → N, 130 → SE, 350 → N. */
export function compassPoint(bearingDeg: number): string {
  if (!Number.isFinite(bearingDeg))
    throw new RangeError(`bearingDeg must be a finite angle, got ${bearingDeg}`);
  const k = Math.round((((bearingDeg % 360) + 360) % 360) / 22.5) % 16;
  return POINTS[k];
}

/** "42.3 km, 127° true (SE)": a geodesic distance and the initial bearing, as the answer gives them. */
export function distanceBearingText(distanceKm: number, bearingDeg: number): string {
  const deg = ((Math.round(bearingDeg) % 360) + 360) % 360;
  return `${distanceKm.toFixed(1)} km, ${String(deg).padStart(3, '0')}° true (${compassPoint(bearingDeg)})`;
}

// ---- the priors -------------------------------------------------------------------------------

/** The priors' controls as typed: launch area, window in Vilnius local time, float band in km. */
export interface PriorControls {
  /** The bundled Belarusian border strip, or anywhere the wind's box reaches. */
  area: 'by-border-strip' | 'anywhere';
  /** Local (Europe/Vilnius) wall-clock times, "HH:MM" 24-hour. */
  fromLocal: string;
  toLocal: string;
  floatFromKm: number;
  floatToKm: number;
}

/** What the controls add to POST /api/backtrack. */
export interface PriorRequest {
  region: 'by-border-strip' | 'anywhere';
  launchWindow: { start: string; end: string };
  floatAltitudes: { fromM: number; toM: number; weight: number }[];
}

/** Minutes after midnight of a 24-hour "HH:MM" (or "H:MM"), or null when it is not one. */
export function parseLocalClock(text: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h <= 23 && min <= 59 ? h * 60 + min : null;
}

/** The instant (ms) a Vilnius wall-clock time (ms of a UTC calendar) happens: two passes settle a change of offset. */
function instantOfVilnius(wallMs: number): number {
  let t = wallMs - vilniusFields(wallMs).offsetH * 3_600_000;
  t = wallMs - vilniusFields(t).offsetH * 3_600_000;
  return t;
}

const isoSeconds = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/**
 * The launch window the controls mean for a first detection at `firstIso`: it opens at the last
 * `from` (Vilnius local time) before the detection and closes at the next `to` after that (a `to`
 * equal to `from` is 24 h later); the server clips it at the detection, since a launch after the
 * first sighting is no launch of that balloon. So 16:00–06:00 with a detection at 23:30 local is
 * that evening from 16:00, and with one at 03:00 local the evening before. At most 24 h, as the
 * server takes.
 */
export function launchWindowFor(
  firstIso: string,
  fromLocal: string,
  toLocal: string,
): { start: string; end: string } {
  const detectionMs = Date.parse(firstIso);
  if (!Number.isFinite(detectionMs))
    throw new RangeError(`the first detection's time must be an instant, got "${firstIso}"`);
  const from = parseLocalClock(fromLocal);
  const to = parseLocalClock(toLocal);
  if (from === null)
    throw new RangeError(`the window's start must be a 24-hour time HH:MM, got "${fromLocal}"`);
  if (to === null) throw new RangeError(`the window's end must be a 24-hour time HH:MM, got "${toLocal}"`);
  const f = vilniusFields(detectionMs);
  const wallDetection = Date.parse(`${f.date}T${f.hms}Z`);
  const midnight = Date.parse(`${f.date}T00:00:00Z`);
  let startWall = midnight + from * 60_000;
  if (startWall >= wallDetection) startWall -= 86_400_000;
  let endWall = startWall - from * 60_000 + to * 60_000;
  if (endWall <= startWall) endWall += 86_400_000;
  return { start: isoSeconds(instantOfVilnius(startWall)), end: isoSeconds(instantOfVilnius(endWall)) };
}

/**
 * The float-altitude prior over a band typed in km: uniform per metre except 3–4 km, three times as
 * dense, where most reports put these balloons — the core's default shape (sim-core
 * DEFAULT_FLOAT_ALTITUDES: 1–3 km ×1, 3–4 km ×3, 4–5 km ×1) cut to the band typed.
 */
export const DENSE_BAND_M = { fromM: 3000, toM: 4000, weight: 3 } as const;

export function floatAltitudeBands(fromKm: number, toKm: number): PriorRequest['floatAltitudes'] {
  if (!(Number.isFinite(fromKm) && Number.isFinite(toKm) && toKm > fromKm))
    throw new RangeError(
      `the float band must run from a lower to a higher altitude, got ${fromKm}–${toKm} km`,
    );
  const lo = Math.round(fromKm * 1000);
  const hi = Math.round(toKm * 1000);
  const { fromM: d0, toM: d1, weight } = DENSE_BAND_M;
  const bands = [
    { fromM: lo, toM: Math.min(hi, d0), weight: 1 },
    { fromM: Math.max(lo, d0), toM: Math.min(hi, d1), weight },
    { fromM: Math.max(lo, d1), toM: hi, weight: 1 },
  ];
  return bands.filter((b) => b.toM > b.fromM);
}

/** The request's priors from the controls, for a first detection at `firstIso`. */
export function priorRequest(controls: PriorControls, firstIso: string): PriorRequest {
  return {
    region: controls.area,
    launchWindow: launchWindowFor(firstIso, controls.fromLocal, controls.toLocal),
    floatAltitudes: floatAltitudeBands(controls.floatFromKm, controls.floatToKm),
  };
}

/** "2025-10-24 16:00 LT (13:00Z)": an instant in Vilnius local time with UTC beside it. */
export function localWithUtc(iso: string): string {
  const ms = Date.parse(iso);
  const f = vilniusFields(ms);
  return `${f.date} ${f.hm} LT (${new Date(ms).toISOString().slice(11, 16)}Z)`;
}

// ---- the map's fit ----------------------------------------------------------------------------

export interface LonLatBox {
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

/**
 * The box of the grid cells holding the densest `share` of the mass (the cells the drawn
 * `share` region is made of, before its one-cell smoothing), or null for an empty grid. Far, faint
 * cells do not widen it.
 */
export function massBox(grid: CountGrid, share = 0.9): LonLatBox | null {
  const order = Array.from(grid.counts.keys()).filter((k) => grid.counts[k] > 0);
  if (order.length === 0) return null;
  order.sort((a, b) => grid.counts[b] - grid.counts[a]);
  const total = order.reduce((s, k) => s + grid.counts[k], 0);
  let sum = 0;
  const box = { lonMin: Infinity, lonMax: -Infinity, latMin: Infinity, latMax: -Infinity };
  for (const k of order) {
    const i = k % grid.nx;
    const j = Math.floor(k / grid.nx);
    const lon = grid.lon0 + i * grid.cellDeg;
    const lat = grid.lat0 + j * grid.cellDeg;
    box.lonMin = Math.min(box.lonMin, lon);
    box.lonMax = Math.max(box.lonMax, lon + grid.cellDeg);
    box.latMin = Math.min(box.latMin, lat);
    box.latMax = Math.max(box.latMax, lat + grid.cellDeg);
    sum += grid.counts[k];
    if (sum >= share * total) break;
  }
  return box;
}

/** Room to leave at each edge of the map (CSS pixels): what lies over the map there. */
export interface Padding {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/**
 * The zoom transform that shows every point (map coordinates before zoom: the projection's output)
 * inside a width × height view less `pad` at each edge (the captions, legends and buttons drawn over
 * the map), centred in what is left, at a scale within `scaleExtent` and at most `maxK` (a single
 * point gets `maxK`).
 */
export function fitTransform(
  points: readonly (readonly [number, number])[],
  width: number,
  height: number,
  options: { pad?: number | Padding; scaleExtent?: readonly [number, number]; maxK?: number } = {},
): d3.ZoomTransform {
  const p = options.pad ?? 40;
  const pad = typeof p === 'number' ? { top: p, right: p, bottom: p, left: p } : p;
  const [kMin, kMax] = options.scaleExtent ?? [0.4, 40];
  if (points.length === 0) return d3.zoomIdentity;
  const xs = points.map((q) => q[0]);
  const ys = points.map((q) => q[1]);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const y0 = Math.min(...ys);
  const y1 = Math.max(...ys);
  const roomW = Math.max(1, width - pad.left - pad.right);
  const roomH = Math.max(1, height - pad.top - pad.bottom);
  const fit = Math.min(roomW / Math.max(x1 - x0, 1e-9), roomH / Math.max(y1 - y0, 1e-9));
  const k = Math.max(kMin, Math.min(kMax, options.maxK ?? kMax, fit));
  const cx = pad.left + roomW / 2;
  const cy = pad.top + roomH / 2;
  return d3.zoomIdentity.translate(cx - (k * (x0 + x1)) / 2, cy - (k * (y0 + y1)) / 2).scale(k);
}

/** A box's outline sampled along its edges (parallels curve in the conic map), for fitting. */
export function boxOutline(box: LonLatBox): [number, number][] {
  const out: [number, number][] = [];
  const n = 8;
  for (let s = 0; s <= n; s++) {
    const lon = box.lonMin + ((box.lonMax - box.lonMin) * s) / n;
    const lat = box.latMin + ((box.latMax - box.latMin) * s) / n;
    out.push([lon, box.latMin], [lon, box.latMax], [box.lonMin, lat], [box.lonMax, lat]);
  }
  return out;
}

// ---- the forward cross-check ------------------------------------------------------------------

/** What the forward check's line reads of the answer (sim-core's backtrackSummary). */
export type ForwardFacts = Pick<ReturnType<typeof backtrackSummary>, 'forward' | 'agreement'>;

/**
 * Below this many kept launches the forward check neither confirms nor refutes the back-track: the
 * core's threshold for its own warning (sim-core backtrack.ts, "the forward check kept …").
 */
const FORWARD_MIN_KEPT = 20;

/**
 * The forward cross-check in words: how many of the launches run forward from round the
 * back-track's answer passed every detection, and whether its best estimate agrees.
 */
export function forwardText(answer: ForwardFacts): string {
  const f = answer.forward;
  if (!f) return 'Forward check: not run.';
  if (f.proposed === 0)
    return 'Forward check: nothing to start from: the back-track found no launch inside the priors.';
  if (f.run === 0)
    return `Forward check: none of ${f.proposed} candidate launches lay inside the priors; nothing to compare.`;
  const share = `${f.kept} of ${f.run} launches run forward from round these cells (${percent(f.kept / f.run)}) passed every detection`;
  const a = answer.agreement;
  const verdict =
    f.kept < FORWARD_MIN_KEPT
      ? `too few to confirm or refute the back-track`
      : a
        ? a.agree
          ? `its best estimate lies ${a.bestDistanceKm.toFixed(1)} km from the back-track's: they agree`
          : `its best estimate lies ${a.bestDistanceKm.toFixed(1)} km from the back-track's: they DISAGREE, treat both with care`
        : 'too few passed to compare';
  return `Forward check (diamonds, dashed circle): ${share}; ${verdict}${a ? `; ${a.topCellsShared} of the top ${a.topCellsCompared} cells shared` : ''}.`;
}

/**
 * The forward tracks the view asks for (POST /api/backtrack `forwardTracks`): enough to show where
 * the kept launches went and where the rejected ones strayed, few enough to read (the answer
 * grows by 26 kB for the browser test's detection, at most ≈ 350 kB: 80 tracks of ≤ 120 points).
 */
export const FORWARD_TRACKS_ASKED = Object.freeze({ kept: 40, rejected: 40 });

/** The forward tracks drawn, of how many: "Forward tracks drawn: 40 of 312 kept (solid), …". */
export function forwardTracksText(
  tracks: NonNullable<ForwardFacts['forward']>['tracks'] | undefined,
): string {
  if (!tracks) return '';
  const kept = tracks.tracks.filter((t) => t.kept).length;
  const rejected = tracks.tracks.length - kept;
  return `Forward tracks drawn: ${kept} of ${tracks.keptTotal} kept launches (solid), ${rejected} of ${tracks.rejectedTotal} rejected (faint).`;
}

// ---- forecast members ----------------------------------------------------------------------------

/** The answer's forecast members (a back-track through a wind of several), or null for one wind. */
export type ForecastFacts = Pick<ReturnType<typeof backtrackSummary>, 'forecast'>;

/**
 * One row per forecast member for the result panel's table: its label, its share of the combined
 * mass, its best cell (lon, lat and its own mass there) and its best estimate's distance and bearing
 * from the first detection; "no launch inside the priors" where it places none. Empty for one wind.
 */
export function forecastMemberRows(answer: ForecastFacts): string[][] {
  const f = answer.forecast;
  if (!f) return [];
  return f.members.map((m) => [
    m.label,
    percent(m.share),
    m.bestCell
      ? `${m.bestCell.lon.toFixed(2)} E, ${m.bestCell.lat.toFixed(2)} N (${percent(m.bestCell.probability)} of its own)`
      : 'no launch inside the priors',
    m.best ? distanceBearingText(m.best.distanceKm, m.best.bearingDeg) : '–',
  ]);
}

/** The table's column titles (forecastMemberRows' order). */
export const FORECAST_MEMBER_COLUMNS = Object.freeze([
  'Forecast member',
  'Share of the answer',
  'Its best cell',
  'Its best estimate from the first detection',
]);
