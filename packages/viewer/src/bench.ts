/// <reference lib="dom" />
/**
 * Frame-time benchmark of the track renderer (bench.html; driven by bench/frame-time.ts, which
 * prints the result). Replays an ensemble — by default 1 000 members × 12 h at 10 min = 73 frames —
 * through TrackLayer.draw, one frame per animation frame, on a 1280 × 800 canvas in the map's
 * projection, the way the page's Play button does.
 *
 * Figures: `…FrameMs`, the replay as the page does it (each step adds the new frame's segments
 * to the trails canvas and redraws positions and markers; the probability map and its markers are
 * asked to draw too, and are not redrawn as nothing they show changed); `fullRedraw…Ms`, every step drawn
 * from scratch, the cost of a seek at that frame; `zoomStep…Ms`, a zoom step during the gesture
 * (the last sharp drawing scaled, see TrackLayer.draw; the first step of a gesture copies the
 * sharp drawing aside, and a zoom out or pan draws the overview at the edges once it is made) and `zoomSettle…`, the sharp redraw that
 * follows when the gesture ends, made in slices (settle.ts): its longest task and the time until
 * it is on screen. Times include the rasterisation,
 * forced by reading a pixel back from each canvas (a canvas otherwise records its drawing and
 * paints it later). The first pass warms up the JIT and is not counted.
 *
 * Tracks are synthetic (synthetic-tracks.ts), so every run times the same work; a border-crossing
 * marker each.
 */
import { FrequencyLayer, trajectoryFrequency } from './frequency.js';
import { fitRegion, regionProjection } from './map.js';
import { overviewSettler, sharedSettler } from './settle.js';
import { syntheticFrames } from './synthetic-tracks.js';
import { TrackLayer } from './tracks.js';

export interface BenchResult {
  members: number;
  frames: number;
  meanFrameMs: number;
  p95FrameMs: number;
  maxFrameMs: number;
  fullRedrawMeanMs: number;
  fullRedrawP95Ms: number;
  fullRedrawMaxMs: number;
  /**
   * A zoom step (×1.6 in or out about the centre) with `zoomMembers` whole tracks, their
   * probability map and launch, burst and landing markers: what is drawn while the gesture lasts
   * (the last sharp drawings scaled, the heads exact; TrackLayer.draw, FrequencyLayer.draw)…
   */
  zoomMembers: number;
  zoomStepMeanMs: number;
  zoomStepP95Ms: number;
  zoomStepMaxMs: number;
  /**
   * …and the sharp redraw of all of it at that zoom when the gesture ends, made offscreen in
   * slices, one per animation frame (settle.ts): the longest main-thread task of a settle (the
   * draw calls that start it, or one slice, incl. rasterising what it drew and, in the last, the
   * swap onto the screen canvases read back), over all settles: max and p95 of the per-settle
   * longest…
   */
  zoomSettleLongestTaskMs: number;
  zoomSettleLongestTaskP95Ms: number;
  zoomSettleLongestTaskMeanMs: number;
  /** The slice that swaps the sharp picture in (the last), longest over all settles. */
  zoomSettleSwapSliceMaxMs: number;
  /** …the time from the gesture's end (the draw calls) until the sharp picture is on screen… */
  zoomSettleToSharpMeanMs: number;
  zoomSettleToSharpP95Ms: number;
  zoomSettleToSharpMaxMs: number;
  /** …the main-thread work of a settle (its tasks summed), and how many slices it took. */
  zoomSettleWorkMeanMs: number;
  zoomSettleSlicesMean: number;
  /**
   * The other two parts of that sharp redraw, each timed on its own at the same zooms (a layer
   * drawing only the probability map, one drawing only the launch, burst and landing markers).
   */
  zoomSettleMapMeanMs: number;
  zoomSettleMapP95Ms: number;
  zoomSettleMarkersMeanMs: number;
  zoomSettleMarkersP95Ms: number;
  /**
   * The first zoom-out step (×1/1.6) right after the content changed and was drawn, before the
   * overviews' slices ran: the scaled drawings without the overviews (overview.ts; the edges stay
   * blank for that step, the step never makes them)…
   */
  zoomOutFirstStepMeanMs: number;
  zoomOutFirstStepMaxMs: number;
  /** …and the same step once the overviews are made (drawn at the edges). */
  zoomOutWithOverviewMeanMs: number;
  zoomOutWithOverviewMaxMs: number;
  /**
   * The overviews made in slices after that sharp drawing (settle.ts: overviewSettler): the
   * longest slice (a main-thread task), over all rounds…
   */
  overviewLongestTaskMs: number;
  /** …and the time from the sharp drawing until they are complete (mean, max). */
  overviewReadyMeanMs: number;
  overviewReadyMaxMs: number;
}

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

function stats(times: number[]): { mean: number; p95: number; max: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    mean: r3(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    p95: r3(sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))]),
    max: r3(sorted[sorted.length - 1]),
  };
}

export async function runBench(
  options: { members?: number; frames?: number; rounds?: number; zoomMembers?: number } = {},
) {
  const members = options.members ?? 10_000;
  const zoomMembers = options.zoomMembers ?? 5_000;
  const frames = options.frames ?? 73;
  const rounds = Math.max(2, options.rounds ?? 3);
  const width = 1280;
  const height = 800;
  const pixelRatio = window.devicePixelRatio || 1;
  const byId = (id: string) => document.querySelector<HTMLCanvasElement>(`#${id}`)!;
  const canvases = ['tracks', 'track-heads', 'freq', 'marks'].map(byId);
  for (const canvas of canvases) {
    canvas.width = width * pixelRatio;
    canvas.height = height * pixelRatio;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const projection = regionProjection();
  fitRegion(projection, width, height);
  const view = {
    projection: (p: [number, number]) => projection(p),
    transform: { k: 1, x: 0, y: 0 },
    pixelRatio,
    width,
    height,
  };
  const layer = new TrackLayer(canvases[0], canvases[1], view);
  layer.reset(
    members,
    Uint16Array.from({ length: members }, (_, i) => i % 3),
  );
  const data = syntheticFrames(members, frames);
  for (let f = 0; f < frames; f++) layer.addFrame(f, f * 600, data[f]);
  const crossing = data[Math.min(frames - 1, 20)];
  layer.addMarkers(
    Array.from({ length: members }, (_, m) => ({
      lon: crossing[3 * m],
      lat: crossing[3 * m + 1],
      tSec: 20 * 600,
    })),
  );
  // The probability map and the launch, burst and landing markers, drawn with the tracks as the page
  // does (all three kinds for every member: the most there can be).
  const ensembleFrequency = (n: number, d: Float32Array[], on = [canvases[2], canvases[3]]) => {
    const layer = new FrequencyLayer(view, on[0], on[1]);
    const at = (f: number) =>
      Array.from({ length: n }, (_, m) => ({ lon: d[f][3 * m], lat: d[f][3 * m + 1] }));
    layer.grid = trajectoryFrequency(n, d.length, (m, f) => [d[f][3 * m], d[f][3 * m + 1]]);
    layer.markers = { launch: at(0), burst: at(Math.floor(d.length / 2)), landing: at(d.length - 1) };
    return layer;
  };
  const frequency = ensembleFrequency(members, data);
  const contexts = canvases.map((c) => c.getContext('2d')!);
  const flush = () => {
    for (const ctx of contexts) ctx.getImageData(0, 0, 1, 1);
  };

  const replay: number[] = [];
  const full: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const fullRedraw of [false, true]) {
      layer.invalidate();
      for (let f = 0; f < frames; f++) {
        await nextFrame();
        const t0 = performance.now();
        if (fullRedraw) layer.invalidate();
        layer.shown = f;
        layer.draw();
        frequency.draw();
        flush();
        const ms = performance.now() - t0;
        if (round > 0) (fullRedraw ? full : replay).push(ms);
      }
    }
  }
  const a = stats(replay);
  const b = stats(full);

  // Zoom steps: `zoomMembers` whole tracks (every frame shown), the view scaled by 1.6 about the
  // centre, in four steps and out again. Each step as the page draws it: first during the gesture
  // (a quick draw), then once the gesture has ended (a full, sharp draw), each timed on its own.
  const zoomLayer = new TrackLayer(canvases[0], canvases[1], view);
  zoomLayer.reset(
    zoomMembers,
    Uint16Array.from({ length: zoomMembers }, (_, i) => i % 3),
  );
  const zoomData = syntheticFrames(zoomMembers, frames, 7);
  for (let f = 0; f < frames; f++) zoomLayer.addFrame(f, f * 600, zoomData[f]);
  zoomLayer.shown = frames - 1;
  const zoomFrequency = ensembleFrequency(zoomMembers, zoomData);
  const steps = [1, 1.6, 1.6 ** 2, 1.6 ** 3, 1.6 ** 4, 1.6 ** 3, 1.6 ** 2, 1.6, 1];
  const zoom: number[] = [];
  const settleLongest: number[] = [];
  const settleToSharp: number[] = [];
  const settleWork: number[] = [];
  const settleSlices: number[] = [];
  const swapSlices: number[] = [];
  // The swap's drawImage onto the screen canvases is rasterised when the page paints them: read
  // back inside the timed slice, as every figure here is.
  sharedSettler.afterSwap = flush;
  zoomLayer.draw();
  zoomFrequency.draw();
  for (let round = 0; round < rounds; round++)
    for (const k of steps.slice(1)) {
      await nextFrame();
      const t0 = performance.now();
      view.transform = { k, x: (width / 2) * (1 - k), y: (height / 2) * (1 - k) };
      zoomLayer.draw({ quick: true });
      zoomFrequency.draw({ quick: true });
      flush();
      const t1 = performance.now();
      await nextFrame();
      // The gesture's end: the draw calls start the slices (settle.ts), timed as a task of their own.
      const t2 = performance.now();
      zoomLayer.draw();
      zoomFrequency.draw();
      flush();
      const first = performance.now() - t2;
      let longest = first;
      let work = first;
      let slices = 0;
      let sharpAt = Number.NaN;
      sharedSettler.onSlice = (ms, swapped) => {
        longest = Math.max(longest, ms);
        work += ms;
        slices++;
        if (swapped) {
          sharpAt = performance.now();
          if (round > 0) swapSlices.push(ms);
        }
      };
      await sharedSettler.whenSettled();
      sharedSettler.onSlice = null;
      if (Number.isNaN(sharpAt)) throw new Error(`the sharp redraw at zoom ${k} was never swapped in`);
      if (round > 0) {
        zoom.push(t1 - t0);
        settleLongest.push(longest);
        settleToSharp.push(sharpAt - t2);
        settleWork.push(work);
        settleSlices.push(slices);
      }
    }
  sharedSettler.afterSwap = null;
  // The probability map and the markers each on their own (on canvases of their own, the same
  // size), at the same zooms, to say which part of the settle costs what.
  const spare = [0, 1].map(() => {
    const canvas = document.createElement('canvas');
    canvas.width = width * pixelRatio;
    canvas.height = height * pixelRatio;
    return canvas;
  });
  const mapOnly = ensembleFrequency(zoomMembers, zoomData, spare);
  mapOnly.showMarkers = false;
  const marksOnly = ensembleFrequency(zoomMembers, zoomData, spare);
  marksOnly.showMap = false;
  const spareContexts = spare.map((c) => c.getContext('2d')!);
  const settleMap: number[] = [];
  const settleMarkers: number[] = [];
  for (let round = 0; round < rounds; round++)
    for (const k of steps.slice(1)) {
      view.transform = { k, x: (width / 2) * (1 - k), y: (height / 2) * (1 - k) };
      for (const [part, times] of [
        [mapOnly, settleMap],
        [marksOnly, settleMarkers],
      ] as const) {
        await nextFrame();
        const t0 = performance.now();
        part.draw();
        for (const ctx of spareContexts) ctx.getImageData(0, 0, 1, 1);
        if (round > 0) times.push(performance.now() - t0);
      }
    }
  const firstOut: number[] = [];
  const withOverview: number[] = [];
  const overviewSlices: number[] = [];
  const overviewReady: number[] = [];
  const centred = (k: number) => ({ k, x: (width / 2) * (1 - k), y: (height / 2) * (1 - k) });
  for (let round = 0; round < rounds; round++)
    for (const waited of [false, true]) {
      // The same data projected again: new content as far as the layers know.
      zoomLayer.reproject();
      zoomFrequency.invalidate();
      view.transform = centred(1.6 ** 2);
      zoomLayer.draw();
      zoomFrequency.draw();
      flush();
      const drawnAt = performance.now();
      // Without waiting, no slice of the overviews can run before the step (same task).
      if (waited) {
        let readyAt = Number.NaN;
        overviewSettler.onSlice = (ms, swapped) => {
          if (round > 0) overviewSlices.push(ms);
          if (swapped) readyAt = performance.now();
        };
        await overviewSettler.whenSettled();
        overviewSettler.onSlice = null;
        if (Number.isNaN(readyAt)) throw new Error('the overviews were never completed');
        if (round > 0) overviewReady.push(readyAt - drawnAt);
        await nextFrame();
      }
      const t0 = performance.now();
      view.transform = centred(1.6);
      zoomLayer.draw({ quick: true });
      zoomFrequency.draw({ quick: true });
      flush();
      if (round > 0) (waited ? withOverview : firstOut).push(performance.now() - t0);
      // The step without them leaves their slices to run: the next round's content cancels them.
    }
  view.transform = { k: 1, x: 0, y: 0 };
  const fo = stats(firstOut);
  const fi = stats(withOverview);
  const or = stats(overviewReady);
  const sm = stats(settleMap);
  const sk = stats(settleMarkers);
  const z = stats(zoom);
  const sl = stats(settleLongest);
  const ss = stats(settleToSharp);
  const sw = stats(settleWork);
  const sn = stats(settleSlices);
  const result: BenchResult = {
    members,
    frames,
    meanFrameMs: a.mean,
    p95FrameMs: a.p95,
    maxFrameMs: a.max,
    fullRedrawMeanMs: b.mean,
    fullRedrawP95Ms: b.p95,
    fullRedrawMaxMs: b.max,
    zoomMembers,
    zoomStepMeanMs: z.mean,
    zoomStepP95Ms: z.p95,
    zoomStepMaxMs: z.max,
    zoomSettleLongestTaskMs: sl.max,
    zoomSettleLongestTaskP95Ms: sl.p95,
    zoomSettleLongestTaskMeanMs: sl.mean,
    zoomSettleSwapSliceMaxMs: stats(swapSlices).max,
    zoomSettleToSharpMeanMs: ss.mean,
    zoomSettleToSharpP95Ms: ss.p95,
    zoomSettleToSharpMaxMs: ss.max,
    zoomSettleWorkMeanMs: sw.mean,
    zoomSettleSlicesMean: sn.mean,
    zoomSettleMapMeanMs: sm.mean,
    zoomSettleMapP95Ms: sm.p95,
    zoomSettleMarkersMeanMs: sk.mean,
    zoomSettleMarkersP95Ms: sk.p95,
    zoomOutFirstStepMeanMs: fo.mean,
    zoomOutFirstStepMaxMs: fo.max,
    zoomOutWithOverviewMeanMs: fi.mean,
    zoomOutWithOverviewMaxMs: fi.max,
    overviewLongestTaskMs: stats(overviewSlices).max,
    overviewReadyMeanMs: or.mean,
    overviewReadyMaxMs: or.max,
  };
  return result;
}

const params = new URLSearchParams(window.location.search);
const num = (key: string) => (params.has(key) ? Number(params.get(key)) : undefined);
runBench({
  members: num('members'),
  frames: num('frames'),
  rounds: num('rounds'),
  zoomMembers: num('zoom-members'),
}).then(
  (result) => {
    document.querySelector('#result')!.textContent = JSON.stringify(result);
    (window as unknown as { benchResult: BenchResult }).benchResult = result;
  },
  (error: unknown) => {
    document.querySelector('#result')!.textContent = `bench failed: ${String(error)}`;
    (window as unknown as { benchError: string }).benchError = String(error);
  },
);
