/// <reference lib="dom" />
/**
 * Frame-time benchmark of the track renderer (bench.html; driven by bench/frame-time.ts, which
 * prints the result). Replays an ensemble — by default 1 000 members × 12 h at 10 min = 73 frames —
 * through TrackLayer.draw, one frame per animation frame, on a 1280 × 800 canvas in the map's
 * projection, the way the page's Play button does.
 *
 * Two figures: `…FrameMs`, the replay as the page does it (each step adds the new frame's segments
 * to the trails canvas and redraws positions and markers); and `fullRedraw…Ms`, every step drawn
 * from scratch, the cost of a zoom, pan or seek at that frame. Times include the rasterisation,
 * forced by reading a pixel back from each canvas (a canvas otherwise records its drawing and
 * paints it later). The first pass warms up the JIT and is not counted.
 *
 * Tracks are synthetic, from a seeded generator, so every run times the same work: every member
 * flies in every frame (the worst case) from the Belarusian border area towards the north-north-west
 * at ~10 m/s with its own wiggles, ascending at 3 m/s to ~3.5 km; a border-crossing marker each.
 */
import { fitRegion, regionProjection } from './map.js';
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
  /** A zoom step (×1.6 in or out about the centre) with `zoomMembers` whole tracks drawn. */
  zoomMembers: number;
  zoomStepMeanMs: number;
  zoomStepP95Ms: number;
  zoomStepMaxMs: number;
}

/** mulberry32: a tiny seeded generator (uniform in [0, 1)). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Synthetic frames: lon, lat, alt per member (the stream's layout), 10 min apart. */
export function syntheticFrames(members: number, frames: number, seed = 2025): Float32Array[] {
  const rand = random(seed);
  const out: Float32Array[] = [];
  const lon = new Float64Array(members);
  const lat = new Float64Array(members);
  const headingRad = new Float64Array(members);
  const floatAltM = new Float64Array(members);
  for (let m = 0; m < members; m++) {
    lon[m] = 23.6 + 2.8 * rand();
    lat[m] = 53.7 + 0.8 * rand();
    headingRad[m] = (-30 + 20 * (rand() - 0.5)) * (Math.PI / 180); // from north, clockwise
    floatAltM[m] = 3500 + 400 * (rand() - 0.5);
  }
  const stepSec = 600;
  const mPerDeg = 111_195; // on the sphere of radius 6 371 008.8 m
  for (let f = 0; f < frames; f++) {
    const positions = new Float32Array(3 * members);
    for (let m = 0; m < members; m++) {
      if (f > 0) {
        headingRad[m] += 0.15 * (rand() - 0.5);
        const distM = (8 + 4 * rand()) * stepSec;
        lat[m] += (distM * Math.cos(headingRad[m])) / mPerDeg;
        lon[m] += (distM * Math.sin(headingRad[m])) / (mPerDeg * Math.cos((lat[m] * Math.PI) / 180));
      }
      positions[3 * m] = lon[m];
      positions[3 * m + 1] = lat[m];
      positions[3 * m + 2] = Math.min(floatAltM[m], 150 + 3 * stepSec * f);
    }
    out.push(positions);
  }
  return out;
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
  const canvases = [...document.querySelectorAll<HTMLCanvasElement>('canvas')];
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
        flush();
        const ms = performance.now() - t0;
        if (round > 0) (fullRedraw ? full : replay).push(ms);
      }
    }
  }
  const a = stats(replay);
  const b = stats(full);

  // Zoom steps: `zoomMembers` whole tracks (every frame shown), the view scaled by 1.6 about the
  // centre, in four steps and out again, each drawn from scratch as the page does after a zoom.
  const zoomLayer = new TrackLayer(canvases[0], canvases[1], view);
  zoomLayer.reset(
    zoomMembers,
    Uint16Array.from({ length: zoomMembers }, (_, i) => i % 3),
  );
  const zoomData = syntheticFrames(zoomMembers, frames, 7);
  for (let f = 0; f < frames; f++) zoomLayer.addFrame(f, f * 600, zoomData[f]);
  zoomLayer.shown = frames - 1;
  const steps = [1, 1.6, 1.6 ** 2, 1.6 ** 3, 1.6 ** 4, 1.6 ** 3, 1.6 ** 2, 1.6, 1];
  const zoom: number[] = [];
  for (let round = 0; round < rounds; round++)
    for (const k of steps) {
      await nextFrame();
      const t0 = performance.now();
      view.transform = { k, x: (width / 2) * (1 - k), y: (height / 2) * (1 - k) };
      zoomLayer.invalidate();
      zoomLayer.draw();
      flush();
      if (round > 0) zoom.push(performance.now() - t0);
    }
  view.transform = { k: 1, x: 0, y: 0 };
  const z = stats(zoom);
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
