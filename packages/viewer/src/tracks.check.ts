/// <reference lib="dom" />
/**
 * Browser-side halves of tracks.browser.test.ts (the tracks, and the probability map drawn with
 * them), loaded into Chromium through Vite's dev server
 * (tracks.check.html). Each check draws with TrackLayer and with an independent way to the same
 * picture, and returns how the pixels differ; the test asserts on that.
 */
import { ALTITUDE_COLOURS } from './colours.js';
import { FrequencyLayer, MARKER_KINDS, strokeMarkerSymbols, trajectoryFrequency } from './frequency.js';
import { fitRegion, regionProjection } from './map.js';
import { overviewSettler, Settler, sharedSettler } from './settle.js';
import { syntheticFrames } from './synthetic-tracks.js';
import { TrackLayer } from './tracks.js';

export const WIDTH = 1280;
export const HEIGHT = 720;

export interface PixelDiff {
  /** Pixels where some channel (colours premultiplied by alpha) differs by more than the threshold. */
  differing: number;
  /** The largest difference of one channel (0–255; colours premultiplied by alpha) anywhere. */
  maxChannelDiff: number;
  /** Pixels that are not fully transparent in the first image (the amount drawn). */
  painted: number;
  /** The sum of alpha (0–1) over each image: how much is drawn, however it is spread. */
  inkA: number;
  inkB: number;
}

function pixels(canvas: HTMLCanvasElement): Uint8ClampedArray {
  return canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
}

/** Device pixels x0 ≤ x < x1, y0 ≤ y < y1. */
interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

type Zoom = { k: number; x: number; y: number };

/**
 * Where a quick draw put the earlier sharp drawing (made at zoom `from`) when zoomed to `to`, less
 * `inset` pixels round it: inside it the picture is that drawing's; outside, the overview's.
 */
function placedRect(to: Zoom, inset: number, from: Zoom = { k: 1, x: 0, y: 0 }): Rect {
  const s = to.k / from.k;
  const x0 = to.x - s * from.x;
  const y0 = to.y - s * from.y;
  return { x0: x0 + inset, y0: y0 + inset, x1: x0 + s * WIDTH - inset, y1: y0 + s * HEIGHT - inset };
}

const within = (r: Rect, x: number, y: number) => x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1;

/** The pixels of a and b compared, all of them or those `only` accepts (by column, row). */
function diff(
  a: HTMLCanvasElement,
  b: HTMLCanvasElement,
  threshold = 0,
  only?: (x: number, y: number) => boolean,
): PixelDiff {
  const pa = pixels(a);
  const pb = pixels(b);
  let differing = 0;
  let maxChannelDiff = 0;
  let painted = 0;
  let inkA = 0;
  let inkB = 0;
  for (let k = 0; k < pa.length; k += 4) {
    if (only && !only((k / 4) % a.width, Math.floor(k / 4 / a.width))) continue;
    if (pa[k + 3] > 0) painted++;
    inkA += pa[k + 3] / 255;
    inkB += pb[k + 3] / 255;
    // Colours as they show: premultiplied by alpha (the colour of a nearly transparent pixel is
    // not seen, and the canvas keeps it only roughly).
    let worst = Math.abs(pa[k + 3] - pb[k + 3]);
    for (let c = 0; c < 3; c++)
      worst = Math.max(worst, Math.abs(pa[k + c] * pa[k + 3] - pb[k + c] * pb[k + 3]) / 255);
    if (worst > threshold) differing++;
    maxChannelDiff = Math.max(maxChannelDiff, worst);
  }
  return { differing, maxChannelDiff, painted, inkA, inkB };
}

function canvases(attach = false): [HTMLCanvasElement, HTMLCanvasElement] {
  const make = () => {
    const canvas = document.createElement('canvas');
    canvas.width = WIDTH;
    canvas.height = HEIGHT;
    if (attach) document.body.append(canvas);
    return canvas;
  };
  return [make(), make()];
}

/** A layer on its own canvases with `members` synthetic tracks of `frames` frames and a marker each. */
function ensemble(
  members: number,
  frames: number,
  attach = false,
  markers = true,
  settler: Settler = sharedSettler,
  overviews: Settler = overviewSettler,
) {
  const projection = regionProjection();
  fitRegion(projection, WIDTH, HEIGHT);
  const view = {
    projection: (p: [number, number]) => projection(p),
    transform: { k: 1, x: 0, y: 0 },
    pixelRatio: 1,
  };
  const [trails, heads] = canvases(attach);
  const layer = new TrackLayer(trails, heads, view, settler, overviews);
  layer.reset(
    members,
    Uint16Array.from({ length: members }, (_, i) => i % 3),
  );
  const data = syntheticFrames(members, frames);
  for (let f = 0; f < frames; f++) layer.addFrame(f, f * 600, data[f]);
  const crossing = data[Math.min(frames - 1, 20)];
  if (markers)
    layer.addMarkers(
      Array.from({ length: members }, (_, m) => ({
        lon: crossing[3 * m],
        lat: crossing[3 * m + 1],
        tSec: 20 * 600,
      })),
    );
  return { layer, view, trails, heads, data };
}

/** The trails replayed frame by frame (incrementally) against the same frames drawn in one go. */
export function replayAgainstFull(members: number, frames: number): { trails: PixelDiff; heads: PixelDiff } {
  const replay = ensemble(members, frames);
  for (let f = 0; f < frames; f++) {
    replay.layer.shown = f;
    replay.layer.draw();
  }
  const full = ensemble(members, frames);
  full.layer.shown = frames - 1;
  full.layer.draw();
  return { trails: diff(replay.trails, full.trails), heads: diff(replay.heads, full.heads) };
}

/**
 * The heads (written by heads.ts) against the canvas's own fill of the same squares: one Path2D of
 * 2.6-pixel rectangles per altitude colour, filled in colour order, the way they were drawn before.
 */
export function headsAgainstCanvas(
  members: number,
  frame: number,
  transform: { k: number; x: number; y: number },
  threshold: number,
): PixelDiff {
  const { layer, view, heads, data } = ensemble(members, frame + 1);
  view.transform = transform;
  layer.shown = frame;
  layer.draw();
  const [reference] = canvases();
  const ctx = reference.getContext('2d')!;
  const paths = ALTITUDE_COLOURS.map(() => new Path2D());
  const t = transform;
  for (let m = 0; m < members; m++) {
    const p = view.projection([data[frame][3 * m], data[frame][3 * m + 1]]);
    if (!p) continue;
    paths[altitudeClassOf(data[frame][3 * m + 2])].rect(
      t.k * p[0] + t.x - 1.3,
      t.k * p[1] + t.y - 1.3,
      2.6,
      2.6,
    );
  }
  paths.forEach((path, c) => {
    ctx.fillStyle = ALTITUDE_COLOURS[c];
    ctx.fill(path);
  });
  return diff(heads, reference, threshold);
}

/** The altitude class by the colour scale's edges, written out again here (not colours.ts's). */
function altitudeClassOf(altM: number): number {
  const edges = [500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 5000];
  const k = edges.findIndex((e) => altM < e);
  return k < 0 ? edges.length : k;
}

/**
 * A zoom gesture's quick draw and the full draw at its end, from a drawing made in one go or
 * replayed frame by frame. The quick draw is compared with the
 * earlier sharp drawing (zoom 1) drawn into the rectangle the new zoom puts it in (drawImage's
 * destination rectangle: the same picture reached another way); the full draw with a layer that
 * only ever drew sharp at the new zoom.
 */
export async function quickThenSettle(
  members: number,
  frames: number,
  to: { k: number; x: number; y: number },
  replayed = false,
): Promise<{ previewing: boolean; preview: PixelDiff; settledPreviewing: boolean; settled: PixelDiff }> {
  const gesture = ensemble(members, frames);
  // Drawn in one go (kept aside then), or replayed frame by frame (copied aside when the gesture
  // begins).
  for (let f = replayed ? 0 : frames - 1; f < frames; f++) {
    gesture.layer.shown = f;
    gesture.layer.draw();
  }
  const [before, placed] = canvases();
  before.getContext('2d')!.drawImage(gesture.trails, 0, 0);
  placed.getContext('2d')!.drawImage(before, to.x, to.y, to.k * WIDTH, to.k * HEIGHT);
  gesture.view.transform = to;
  gesture.layer.draw({ quick: true });
  const previewing = gesture.layer.previewing;
  // Inside the rectangle the earlier drawing went to; outside it the overview (edgesDuringGesture).
  const inside = placedRect(to, 1);
  const preview = diff(gesture.trails, placed, 2, (x, y) => within(inside, x, y));

  const sharp = ensemble(members, frames);
  sharp.view.transform = to;
  sharp.layer.shown = frames - 1;
  sharp.layer.draw();
  // The gesture's end: the sharp drawing is made in slices (settle.ts) and swapped in at the end.
  gesture.layer.draw();
  await sharedSettler.whenSettled();
  return {
    previewing,
    preview,
    settledPreviewing: gesture.layer.previewing,
    settled: diff(gesture.trails, sharp.trails),
  };
}

/** Whether a quick draw of a small ensemble (below QUICK_MIN_SEGMENTS) draws sharp at once. */
export function smallQuickIsSharp(
  members: number,
  frames: number,
): { previewing: boolean; settled: PixelDiff } {
  const small = ensemble(members, frames);
  small.layer.shown = frames - 1;
  small.layer.draw();
  const to = { k: 2, x: -WIDTH / 2, y: -HEIGHT / 2 };
  small.view.transform = to;
  small.layer.draw({ quick: true });
  const sharp = ensemble(members, frames);
  sharp.view.transform = to;
  sharp.layer.shown = frames - 1;
  sharp.layer.draw();
  return { previewing: small.layer.previewing, settled: diff(small.trails, sharp.trails) };
}

/**
 * For the screenshots: `members` tracks replayed to the last frame on canvases in the page; then
 * `zoom` makes a quick draw at a zoom (what a gesture shows) and `settle` the full draw after it.
 */
export function showcase(members: number, frames: number) {
  document.body.style.background = '#11161d';
  const shown = ensemble(members, frames, true);
  for (const canvas of [shown.trails, shown.heads]) canvas.style.cssText = 'position:absolute;left:0;top:0';
  for (let f = 0; f < frames; f++) {
    shown.layer.shown = f;
    shown.layer.draw();
  }
  return {
    zoom(k: number) {
      shown.view.transform = { k, x: (WIDTH / 2) * (1 - k), y: (HEIGHT / 2) * (1 - k) };
      shown.layer.draw({ quick: true });
      return shown.layer.previewing;
    },
    async settle() {
      shown.layer.draw();
      await sharedSettler.whenSettled();
      // And the overview made after it (the zoom out that follows shows it at the edges).
      await overviewSettler.whenSettled();
      return shown.layer.previewing;
    },
  };
}

/** A probability-map layer of `members` synthetic tracks with launch, burst and landing markers. */
function frequencyEnsemble(
  members: number,
  frames: number,
  settler: Settler = sharedSettler,
  overviews: Settler = overviewSettler,
) {
  const projection = regionProjection();
  fitRegion(projection, WIDTH, HEIGHT);
  const view = {
    projection: (p: [number, number]) => projection(p),
    transform: { k: 1, x: 0, y: 0 },
    pixelRatio: 1,
    width: WIDTH,
    height: HEIGHT,
  };
  const [map, marks] = canvases();
  const layer = new FrequencyLayer(view, map, marks, settler, overviews);
  const d = syntheticFrames(members, frames, 7);
  const at = (f: number) =>
    Array.from({ length: members }, (_, m) => ({ lon: d[f][3 * m], lat: d[f][3 * m + 1] }));
  layer.grid = trajectoryFrequency(members, frames, (m, f) => [d[f][3 * m], d[f][3 * m + 1]]);
  layer.markers = { launch: at(0), burst: at(Math.floor(frames / 2)), landing: [] };
  return { layer, view, map, marks, landings: at(frames - 1) };
}

/**
 * The probability map through a zoom: a draw with nothing changed leaves the canvases alone, a
 * gesture's quick draw is the earlier drawing in the zoomed rectangle, and the draw after it (with
 * landings added meanwhile, projected incrementally) is what a fresh layer draws at that zoom.
 */
export async function frequencyThroughZoom(
  members: number,
  frames: number,
  to: { k: number; x: number; y: number },
): Promise<{ untouched: boolean; previewing: boolean; preview: PixelDiff[]; settled: PixelDiff[] }> {
  const shown = frequencyEnsemble(members, frames);
  shown.layer.draw();
  // A pixel painted behind its back survives a draw that has nothing new to show.
  const ctx = shown.marks.getContext('2d')!;
  ctx.fillStyle = '#010203';
  ctx.fillRect(0, 0, 1, 1);
  shown.layer.draw();
  const untouched = ctx.getImageData(0, 0, 1, 1).data[2] === 3;
  ctx.clearRect(0, 0, 1, 1);

  const placed = [shown.map, shown.marks].map((source) => {
    const [before, into] = canvases();
    before.getContext('2d')!.drawImage(source, 0, 0);
    into.getContext('2d')!.drawImage(before, to.x, to.y, to.k * WIDTH, to.k * HEIGHT);
    return into;
  });
  shown.view.transform = to;
  shown.layer.draw({ quick: true });
  const previewing = shown.layer.previewing;
  const inside = placedRect(to, 1);
  const preview = [shown.map, shown.marks].map((canvas, i) =>
    diff(canvas, placed[i], 2, (x, y) => within(inside, x, y)),
  );

  shown.layer.markers.landing.push(...shown.landings);
  shown.layer.draw();
  await sharedSettler.whenSettled();
  const fresh = frequencyEnsemble(members, frames);
  fresh.layer.markers.landing.push(...fresh.landings);
  fresh.view.transform = to;
  fresh.layer.draw();
  return {
    untouched,
    previewing,
    preview,
    settled: [diff(shown.map, fresh.map), diff(shown.marks, fresh.marks)],
  };
}

/**
 * The launch, burst and landing markers as the layer draws them (masks stamped into a pixel
 * buffer, stamps.ts) against the canvas stroking the same symbols as one path per kind, halos
 * first, at zoom `transform`.
 */
export function markersAgainstPaths(
  members: number,
  frames: number,
  transform: { k: number; x: number; y: number },
  threshold: number,
): PixelDiff {
  const shown = frequencyEnsemble(members, frames);
  shown.layer.showMap = false;
  shown.layer.markers.landing.push(...shown.landings);
  shown.view.transform = transform;
  shown.layer.draw();
  const [reference] = canvases();
  const ctx = reference.getContext('2d')!;
  const t = transform;
  for (const { kind } of MARKER_KINDS) {
    const points = shown.layer.markers[kind].flatMap((m) => {
      const p = shown.view.projection([m.lon, m.lat]);
      return p ? [[t.k * p[0] + t.x, t.k * p[1] + t.y] as const] : [];
    });
    strokeMarkerSymbols(ctx, kind, points);
  }
  return diff(shown.marks, reference, threshold);
}

/** How a quick draw's picture outside the scaled sharp drawing compares with the sharp picture there. */
export interface EdgeCoverage {
  /** Pixels outside the scaled drawing where the sharp picture has something. */
  sharpPainted: number;
  /** Of those, the share with something in the quick picture within `radius` pixels. */
  covered: number;
  /** Pixels painted outside in the quick picture, and the share with nothing sharp within `radius`. */
  quickPainted: number;
  stray: number;
}

function edgeCoverage(
  quick: HTMLCanvasElement,
  sharp: HTMLCanvasElement,
  outside: Rect,
  radius: number,
): EdgeCoverage {
  const q = pixels(quick);
  const p = pixels(sharp);
  const w = quick.width;
  const h = quick.height;
  const near = (data: Uint8ClampedArray, x: number, y: number) => {
    for (let j = Math.max(0, y - radius); j <= Math.min(h - 1, y + radius); j++)
      for (let i = Math.max(0, x - radius); i <= Math.min(w - 1, x + radius); i++)
        if (data[4 * (j * w + i) + 3] > 0) return true;
    return false;
  };
  let sharpPainted = 0;
  let covered = 0;
  let quickPainted = 0;
  let stray = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      if (within(outside, x, y)) continue;
      const k = 4 * (y * w + x);
      if (p[k + 3] > 0) {
        sharpPainted++;
        if (near(q, x, y)) covered++;
      }
      if (q[k + 3] > 0) {
        quickPainted++;
        if (!near(p, x, y)) stray++;
      }
    }
  return {
    sharpPainted,
    covered: sharpPainted ? covered / sharpPainted : 0,
    quickPainted,
    stray: quickPainted ? stray / quickPainted : 0,
  };
}

/**
 * A gesture that zooms out or pans from a sharp drawing at zoom `from`: the quick draw's pixels
 * outside the rectangle the sharp drawing was scaled to (the overview's) against a sharp drawing
 * at `to`, for the tracks, the probability map and its markers.
 */
export async function edgesDuringGesture(
  members: number,
  frames: number,
  from: Zoom,
  to: Zoom,
): Promise<{
  previewing: boolean;
  ready: boolean[];
  tracks: EdgeCoverage;
  map: EdgeCoverage;
  marks: EdgeCoverage;
}> {
  // The overviews are made in slices after the sharp drawings (settle.ts), on a settler of their own
  // here; the gesture begins once they are complete.
  const overviews = new Settler();
  overviews.yieldsTo = sharedSettler;
  const gesture = ensemble(members, frames, false, true, sharedSettler, overviews);
  gesture.view.transform = from;
  gesture.layer.shown = frames - 1;
  gesture.layer.draw();
  const freq = frequencyEnsemble(members, frames, sharedSettler, overviews);
  freq.layer.markers.landing.push(...freq.landings);
  freq.view.transform = from;
  freq.layer.draw();
  await overviews.whenSettled();
  const ready = [gesture.layer.overviewReady, freq.layer.overviewReady];
  gesture.view.transform = to;
  gesture.layer.draw({ quick: true });
  const sharp = ensemble(members, frames);
  sharp.view.transform = to;
  sharp.layer.shown = frames - 1;
  sharp.layer.draw();

  freq.view.transform = to;
  freq.layer.draw({ quick: true });
  const fresh = frequencyEnsemble(members, frames);
  fresh.layer.markers.landing.push(...fresh.landings);
  fresh.view.transform = to;
  fresh.layer.draw();
  // A pixel more round the rectangle: its edge pixels are shared by both pictures.
  const outside = placedRect(to, -1, from);
  return {
    previewing: gesture.layer.previewing && freq.layer.previewing,
    ready,
    tracks: edgeCoverage(gesture.trails, sharp.trails, outside, 2),
    map: edgeCoverage(freq.map, fresh.map, outside, 2),
    marks: edgeCoverage(freq.marks, fresh.marks, outside, 2),
  };
}

/**
 * For a screenshot: the probability map (at 60 % opacity, as the page shows it) and the launch,
 * burst and landing markers of `members` synthetic tracks, on canvases in the page, at zoom `to`.
 */
export function frequencyShowcase(members: number, frames: number, to: Zoom): void {
  document.body.replaceChildren();
  document.body.style.background = '#11161d';
  const shown = frequencyEnsemble(members, frames);
  shown.layer.markers.landing.push(...shown.landings);
  shown.view.transform = to;
  shown.layer.draw();
  shown.map.style.cssText = 'position:absolute;left:0;top:0;opacity:0.6';
  shown.marks.style.cssText = 'position:absolute;left:0;top:0';
  document.body.append(shown.map, shown.marks);
}

/**
 * Tracks zoomed in to `to` (no crossing markers), where only the tiles of segments that meet the
 * canvas are stroked, against every frame's segments stroked whole, one path per altitude colour
 * in colour order (the way TrackLayer drew before it had tiles), written out here.
 */
export function tilesAgainstWhole(members: number, frames: number, to: Zoom): PixelDiff {
  const zoomed = ensemble(members, frames, false, false);
  zoomed.view.transform = to;
  zoomed.layer.shown = frames - 1;
  zoomed.layer.draw();
  const [reference] = canvases();
  const ctx = reference.getContext('2d')!;
  ctx.setTransform(to.k, 0, 0, to.k, to.x, to.y);
  ctx.lineWidth = 1 / to.k;
  ctx.globalAlpha = members > 2000 ? 0.25 : members > 300 ? 0.4 : 0.75;
  const { data, view } = zoomed;
  for (let f = 1; f < frames; f++) {
    const paths = ALTITUDE_COLOURS.map(() => null as Path2D | null);
    for (let m = 0; m < members; m++) {
      const a = view.projection([data[f - 1][3 * m], data[f - 1][3 * m + 1]]);
      const b = view.projection([data[f][3 * m], data[f][3 * m + 1]]);
      if (!a || !b) continue;
      const c = altitudeClassOf(data[f][3 * m + 2]);
      paths[c] ??= new Path2D();
      paths[c].moveTo(Math.fround(a[0]), Math.fround(a[1]));
      paths[c].lineTo(Math.fround(b[0]), Math.fround(b[1]));
    }
    paths.forEach((path, c) => {
      if (!path) return;
      ctx.strokeStyle = ALTITUDE_COLOURS[c];
      ctx.stroke(path);
    });
  }
  return diff(zoomed.trails, reference, 2);
}

/**
 * The overviews made in slices after a sharp drawing (settle.ts), on a settler of their own whose
 * slices are one unit each: whether the tracks' and the map's are ready right after the drawing
 * (`before`), after one animation frame (`afterOneFrame`: a slice does not make a whole one), and
 * once the settler is idle (`after`), and how many slices that took.
 */
export async function overviewInSlices(
  members: number,
  frames: number,
): Promise<{
  before: boolean[];
  afterOneFrame: boolean[];
  building: boolean[];
  after: boolean[];
  slices: number;
}> {
  const overviews = new Settler();
  overviews.sliceBudgetMs = 0;
  overviews.yieldsTo = sharedSettler;
  let slices = 0;
  overviews.onSlice = () => slices++;
  const tracks = ensemble(members, frames, false, true, sharedSettler, overviews);
  tracks.layer.shown = frames - 1;
  tracks.layer.draw();
  const freq = frequencyEnsemble(members, frames, sharedSettler, overviews);
  freq.layer.markers.landing.push(...freq.landings);
  freq.layer.draw();
  const ready = () => [tracks.layer.overviewReady, freq.layer.overviewReady];
  const before = ready();
  await new Promise((resolve) => requestAnimationFrame(resolve));
  const afterOneFrame = ready();
  const building = [tracks.layer.overviewBuilding, freq.layer.overviewBuilding];
  await overviews.whenSettled();
  return { before, afterOneFrame, building, after: ready(), slices };
}

/**
 * A zoom-out step right after new content was drawn sharp (before the overviews' slices ran): whether
 * the quick draw found the overviews ready (`atStep`: it must not make them then), whether they were
 * being made in slices, and whether they are ready once the slices are done (`after`).
 */
export async function zoomOutRightAfterContent(
  members: number,
  frames: number,
): Promise<{
  previewing: boolean;
  atStep: boolean[];
  building: boolean[];
  edgeInk: number[];
  after: boolean[];
}> {
  const overviews = new Settler();
  overviews.yieldsTo = sharedSettler;
  const tracks = ensemble(members, frames, false, true, sharedSettler, overviews);
  const freq = frequencyEnsemble(members, frames, sharedSettler, overviews);
  freq.layer.markers.landing.push(...freq.landings);
  const from = { k: 2.56, x: -640 * 1.56, y: -360 * 1.56 };
  const to = { k: 1.6, x: -640 * 0.6, y: -360 * 0.6 };
  tracks.view.transform = from;
  tracks.layer.shown = frames - 1;
  tracks.layer.draw();
  freq.view.transform = from;
  freq.layer.draw();
  // New content (the markers' colours by forecast member), drawn sharp, then at once a zoom out.
  tracks.layer.setForecastClasses(Uint8Array.from({ length: members }, (_, m) => m % 2));
  tracks.layer.draw();
  freq.layer.markers.landing.push(...freq.landings.slice(0, 10));
  freq.layer.draw();
  tracks.view.transform = to;
  tracks.layer.draw({ quick: true });
  freq.view.transform = to;
  freq.layer.draw({ quick: true });
  const atStep = [tracks.layer.overviewReady, freq.layer.overviewReady];
  const building = [tracks.layer.overviewBuilding, freq.layer.overviewBuilding];
  const previewing = tracks.layer.previewing && freq.layer.previewing;
  // Painted pixels outside the rectangle the sharp drawing was scaled to (a pixel more round it):
  // where the overview would go.
  const outside = placedRect(to, -1, from);
  const edgeInk = [tracks.trails, freq.map, freq.marks].map((canvas) => {
    const p = pixels(canvas);
    let painted = 0;
    for (let k = 0; k < p.length; k += 4)
      if (p[k + 3] > 0 && !within(outside, (k / 4) % canvas.width, Math.floor(k / 4 / canvas.width)))
        painted++;
    return painted;
  });
  await overviews.whenSettled();
  return {
    previewing,
    atStep,
    building,
    edgeInk,
    after: [tracks.layer.overviewReady, freq.layer.overviewReady],
  };
}

/**
 * New content while the overviews are being made (after the first slice): whether the overview of
 * the old content is dropped (`building` false, not ready, right after the change), made again for
 * the new one when it is drawn, and ready (of the new content) once the slices are done.
 */
export async function overviewRestartsOnNewContent(
  members: number,
  frames: number,
): Promise<{ buildingBefore: boolean[]; afterChange: boolean[]; rebuilding: boolean[]; after: boolean[] }> {
  const overviews = new Settler();
  overviews.sliceBudgetMs = 0;
  overviews.yieldsTo = sharedSettler;
  const tracks = ensemble(members, frames, false, true, sharedSettler, overviews);
  tracks.layer.shown = frames - 1;
  tracks.layer.draw();
  const freq = frequencyEnsemble(members, frames, sharedSettler, overviews);
  freq.layer.draw();
  await new Promise((resolve) => requestAnimationFrame(resolve));
  const buildingBefore = [tracks.layer.overviewBuilding, freq.layer.overviewBuilding];
  tracks.layer.setForecastClasses(Uint8Array.from({ length: members }, (_, m) => m % 2));
  freq.layer.invalidate();
  const afterChange = [
    tracks.layer.overviewBuilding,
    freq.layer.overviewBuilding,
    tracks.layer.overviewReady,
    freq.layer.overviewReady,
  ];
  tracks.layer.draw();
  freq.layer.markers.landing.push(...freq.landings);
  freq.layer.draw();
  const rebuilding = [tracks.layer.overviewBuilding, freq.layer.overviewBuilding];
  await overviews.whenSettled();
  return {
    buildingBefore,
    afterChange,
    rebuilding,
    after: [tracks.layer.overviewReady, freq.layer.overviewReady],
  };
}

export type SettleFrame = 'quick' | 'sharp' | 'mixed';

/**
 * A zoom gesture's end with the tracks, the probability map and its markers, sliced one unit per
 * animation frame (a settler whose budget is 0): after every animation frame until the settler is
 * idle, whether the three canvases show the gesture's quick pictures, the complete sharp ones (those
 * of layers that only ever drew at the final zoom), or anything else. With `second`, a second
 * gesture to `second` begins after `after` frames of slices and ends at once. With `later`, the
 * tracks are shown up to `later` frames before the last, and the rest are shown (a replay going
 * on) after `after` frames of slices.
 */
export async function settleFrames(
  members: number,
  frames: number,
  to: Zoom,
  second: Zoom | null = null,
  after = 3,
  later = 0,
): Promise<SettleFrame[]> {
  const settler = new Settler();
  settler.sliceBudgetMs = 0;
  const tracks = ensemble(members, frames, false, true, settler);
  const freq = frequencyEnsemble(members, frames, settler);
  freq.layer.markers.landing.push(...freq.landings);
  tracks.layer.shown = frames - 1 - later;
  tracks.layer.draw();
  freq.layer.draw();
  const gesture = (zoom: Zoom) => {
    tracks.view.transform = zoom;
    freq.view.transform = zoom;
    tracks.layer.draw({ quick: true });
    freq.layer.draw({ quick: true });
    return shown.map(words);
  };
  const sharpAt = (zoom: Zoom, upTo = frames - 1) => {
    const t = ensemble(members, frames);
    t.view.transform = zoom;
    t.layer.shown = upTo;
    t.layer.draw();
    const f = frequencyEnsemble(members, frames);
    f.layer.markers.landing.push(...f.landings);
    f.view.transform = zoom;
    f.layer.draw();
    return [t.trails, f.map, f.marks];
  };
  const shown = [tracks.trails, freq.map, freq.marks];
  // Byte for byte (a swap is a drawImage at the same place: the very pixels).
  const words = (canvas: HTMLCanvasElement) => new Uint32Array(pixels(canvas).buffer);
  const equal = (a: Uint32Array, b: Uint32Array) => a.length === b.length && a.every((w, i) => w === b[i]);
  const same = (a: Uint32Array[], now: Uint32Array[]) => a.every((w, i) => equal(now[i], w));
  let quick = gesture(to);
  let sharp = sharpAt(to, frames - 1 - later).map(words);
  const seen: SettleFrame[] = [];
  tracks.layer.draw();
  freq.layer.draw();
  let frame = 0;
  do {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const now = shown.map(words);
    seen.push(same(sharp, now) ? 'sharp' : same(quick, now) ? 'quick' : 'mixed');
    frame++;
    if (second && frame === after) {
      quick = gesture(second);
      sharp = sharpAt(second).map(words);
      tracks.layer.draw();
      freq.layer.draw();
      second = null;
    }
    if (later && frame === after) {
      // The frames shown are drawn over the quick picture now; the sharp one must have them too.
      tracks.layer.shown = frames - 1;
      tracks.layer.draw();
      freq.layer.draw();
      quick = shown.map(words);
      sharp = sharpAt(to).map(words);
    }
  } while (settler.busy);
  return seen;
}
