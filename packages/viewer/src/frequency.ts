/// <reference lib="dom" />
/**
 * The probability map: the share of members whose track passes through each cell of a lon/lat
 * grid, HYSPLIT's "trajectory frequency" — each member is counted once per cell however long it
 * stays or however often it comes back, so a cell's value reads as "P(a balloon passes here)".
 * Between two frames a track is walked in steps of at most a third of a cell, so a fast member
 * does not skip the cells between its positions. Drawn on a canvas under the tracks, in classes
 * with a legend; and the launch, burst and landing points as markers above them.
 */
import * as d3 from 'd3';
import { clearBox, emptyBox, type PixelBox, rgbOf } from './heads.js';
import {
  coversCanvas,
  drawOverviewAround,
  type Extent,
  emptyExtent,
  extendBy,
  fitExtent,
  type Overview,
} from './overview.js';
import { overviewSettler, type SettleJob, type Settler, sharedSettler } from './settle.js';
import { type AlphaMask, placeMask, SUBPIXEL_STEPS, stampMask } from './stamps.js';

/** The grid: 0.1° of longitude by 0.06° of latitude, about 6.5 × 6.7 km at 54.5° N. */
export const CELL_LON_DEG = 0.1;
export const CELL_LAT_DEG = 0.06;

export interface FrequencyGrid {
  lon0: number;
  lat0: number;
  dLon: number;
  dLat: number;
  nx: number;
  ny: number;
  /** Members passing each cell, index j·nx + i (row j from lat0 northwards). */
  counts: Uint32Array;
  /** Members the shares are of: every member of the run. */
  members: number;
}

/**
 * Counts, per cell, the members passing through it. `position(m, f)` is member m's [lon, lat] at
 * frame f, or null when it is not flying (before launch, after landing).
 */
export function trajectoryFrequency(
  members: number,
  frames: number,
  position: (member: number, frame: number) => readonly [number, number, ...number[]] | null,
): FrequencyGrid | null {
  // The box of every position, in whole cells.
  let lonMin = Infinity;
  let lonMax = -Infinity;
  let latMin = Infinity;
  let latMax = -Infinity;
  for (let f = 0; f < frames; f++)
    for (let m = 0; m < members; m++) {
      const p = position(m, f);
      if (!p) continue;
      if (p[0] < lonMin) lonMin = p[0];
      if (p[0] > lonMax) lonMax = p[0];
      if (p[1] < latMin) latMin = p[1];
      if (p[1] > latMax) latMax = p[1];
    }
  if (!Number.isFinite(lonMin)) return null;
  const lon0 = Math.floor(lonMin / CELL_LON_DEG) * CELL_LON_DEG;
  const lat0 = Math.floor(latMin / CELL_LAT_DEG) * CELL_LAT_DEG;
  const nx = Math.floor((lonMax - lon0) / CELL_LON_DEG) + 1;
  const ny = Math.floor((latMax - lat0) / CELL_LAT_DEG) + 1;
  const counts = new Uint32Array(nx * ny);
  // The member that last marked each cell: a cell is counted once per member.
  const markedBy = new Int32Array(nx * ny).fill(-1);
  const mark = (m: number, lon: number, lat: number) => {
    const i = Math.min(nx - 1, Math.max(0, Math.floor((lon - lon0) / CELL_LON_DEG)));
    const j = Math.min(ny - 1, Math.max(0, Math.floor((lat - lat0) / CELL_LAT_DEG)));
    const k = j * nx + i;
    if (markedBy[k] !== m) {
      markedBy[k] = m;
      counts[k]++;
    }
  };
  for (let m = 0; m < members; m++) {
    let prev: readonly number[] | null = null;
    for (let f = 0; f < frames; f++) {
      const p = position(m, f);
      if (!p) {
        prev = null;
        continue;
      }
      if (prev) {
        const steps = Math.ceil(
          3 * Math.max(Math.abs(p[0] - prev[0]) / CELL_LON_DEG, Math.abs(p[1] - prev[1]) / CELL_LAT_DEG),
        );
        for (let s = 1; s < steps; s++)
          mark(m, prev[0] + ((p[0] - prev[0]) * s) / steps, prev[1] + ((p[1] - prev[1]) * s) / steps);
      }
      mark(m, p[0], p[1]);
      prev = [p[0], p[1]];
    }
  }
  return { lon0, lat0, dLon: CELL_LON_DEG, dLat: CELL_LAT_DEG, nx, ny, counts, members };
}

/** The classes' lower bounds (share of members) and colours, low to high (yellow to dark red). */
export const FREQUENCY_CLASSES: readonly { min: number; label: string; colour: string }[] = [
  { min: 0, label: '< 1 %', colour: '#5b6b3a' },
  { min: 0.01, label: '1–5 %', colour: '#c9b63b' },
  { min: 0.05, label: '5–10 %', colour: '#f2a33a' },
  { min: 0.1, label: '10–25 %', colour: '#ea6a2f' },
  { min: 0.25, label: '25–50 %', colour: '#d7301f' },
  { min: 0.5, label: '≥ 50 %', colour: '#ff5ccd' },
];

/** The class of a share of members (> 0). */
export function frequencyClass(share: number): number {
  let k = 0;
  while (k + 1 < FREQUENCY_CLASSES.length && share >= FREQUENCY_CLASSES[k + 1].min) k++;
  return k;
}

export type MarkerKind = 'launch' | 'burst' | 'landing';
export const MARKER_KINDS: readonly { kind: MarkerKind; label: string; colour: string }[] = [
  { kind: 'launch', label: 'launch', colour: '#7ee787' },
  { kind: 'burst', label: 'burst', colour: '#ffa657' },
  { kind: 'landing', label: 'landing', colour: '#f0f6fc' },
];

/** A marker symbol of `size` px centred at (x, y): triangle (launch), star (burst), cross (landing). */
function symbol(ctx: CanvasRenderingContext2D, kind: MarkerKind, x: number, y: number, size: number): void {
  const r = size / 2;
  if (kind === 'launch') {
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r, y + r * 0.8);
    ctx.lineTo(x - r, y + r * 0.8);
    ctx.closePath();
  } else if (kind === 'burst') {
    for (let a = 0; a < 4; a++) {
      const t = (a * Math.PI) / 4;
      ctx.moveTo(x - r * Math.cos(t), y - r * Math.sin(t));
      ctx.lineTo(x + r * Math.cos(t), y + r * Math.sin(t));
    }
  } else {
    ctx.moveTo(x - r * 0.7, y - r * 0.7);
    ctx.lineTo(x + r * 0.7, y + r * 0.7);
    ctx.moveTo(x + r * 0.7, y - r * 0.7);
    ctx.lineTo(x - r * 0.7, y + r * 0.7);
  }
}

/** Draws a symbol into a legend swatch (a small canvas). */
export function markerSwatch(kind: MarkerKind): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  const ratio = window.devicePixelRatio || 1;
  canvas.width = 14 * ratio;
  canvas.height = 14 * ratio;
  canvas.style.width = '14px';
  canvas.style.height = '14px';
  canvas.className = 'marker-swatch';
  canvas.setAttribute('aria-hidden', 'true');
  const ctx = canvas.getContext('2d')!;
  ctx.scale(ratio, ratio);
  const colour = MARKER_KINDS.find((k) => k.kind === kind)!.colour;
  stroke(ctx, kind, colour, () => symbol(ctx, kind, 7, 7, 10));
  return canvas;
}

/**
 * Strokes the symbols of `kind` at the points (CSS pixels of the context's current transform, one
 * path for all of them): the way markers were drawn before they were stamped, kept for the masks
 * and for the browser test that compares the two.
 */
export function strokeMarkerSymbols(
  ctx: CanvasRenderingContext2D,
  kind: MarkerKind,
  points: readonly (readonly [number, number])[],
): void {
  const colour = MARKER_KINDS.find((k) => k.kind === kind)!.colour;
  stroke(ctx, kind, colour, () => {
    for (const [x, y] of points) symbol(ctx, kind, x, y, markerSizePx(kind));
  });
}

/** A symbol's size on the map, CSS pixels. */
const markerSizePx = (kind: MarkerKind) => (kind === 'landing' ? 7 : 9);

/** A marker canvas's pixel buffer (its size) and the box last written in it. */
interface MarkerPixels {
  image: ImageData | null;
  box: PixelBox;
}

/** One pass of a kind's symbols: its halo, or its coloured stroke and fill. */
interface MarkerPass {
  rgb: [number, number, number];
  /** By sub-pixel offset (stamps.ts placeMask's variant). */
  masks: AlphaMask[];
}

/**
 * Each kind's symbol rendered by the canvas once per sub-pixel offset, as two masks: the dark halo
 * (lineWidth 3, 90 % opaque) and the coloured stroke with its fill, each one colour.
 */
function markerMasks(ratio: number): Record<MarkerKind, MarkerPass[]> {
  const byKind = {} as Record<MarkerKind, MarkerPass[]>;
  for (const { kind, colour } of MARKER_KINDS) {
    // Room for the symbol, its halo and the halo's mitred corners (up to 3.1 px past a tip).
    const half = Math.ceil((markerSizePx(kind) / 2 + 5) * ratio) + 1;
    const side = 2 * half + 1;
    const canvas = document.createElement('canvas');
    canvas.width = side;
    canvas.height = side;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    const render = (sx: number, sy: number, pass: 'halo' | 'colour'): AlphaMask => {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, side, side);
      ctx.setTransform(ratio, 0, 0, ratio, half + sx / SUBPIXEL_STEPS, half + sy / SUBPIXEL_STEPS);
      ctx.beginPath();
      symbol(ctx, kind, 0, 0, markerSizePx(kind));
      if (pass === 'halo') {
        ctx.lineWidth = 3;
        ctx.strokeStyle = 'rgba(13, 17, 23, 0.9)';
        ctx.stroke();
      } else {
        ctx.lineWidth = kind === 'burst' ? 1.5 : 1.6;
        ctx.strokeStyle = colour;
        ctx.stroke();
        if (kind === 'launch') {
          ctx.fillStyle = `${colour}55`;
          ctx.fill();
        }
      }
      return trimmedMask(ctx.getImageData(0, 0, side, side), half, half);
    };
    byKind[kind] = (['halo', 'colour'] as const).map((pass) => {
      const masks: AlphaMask[] = [];
      for (let sy = 0; sy < SUBPIXEL_STEPS; sy++)
        for (let sx = 0; sx < SUBPIXEL_STEPS; sx++) masks.push(render(sx, sy, pass));
      return { rgb: pass === 'halo' ? ([13, 17, 23] as [number, number, number]) : rgbOf(colour), masks };
    });
  }
  return byKind;
}

/** The alpha of `image` cut to the box of its non-transparent pixels; (cx, cy) moved with it. */
function trimmedMask(image: ImageData, cx: number, cy: number): AlphaMask {
  const { width, height, data } = image;
  let x0 = width;
  let y0 = height;
  let x1 = 0;
  let y1 = 0;
  for (let j = 0; j < height; j++)
    for (let i = 0; i < width; i++)
      if (data[4 * (j * width + i) + 3] > 0) {
        x0 = Math.min(x0, i);
        x1 = Math.max(x1, i + 1);
        y0 = Math.min(y0, j);
        y1 = Math.max(y1, j + 1);
      }
  if (x1 <= x0) return { width: 0, height: 0, alpha: new Uint8Array(0), cx: 0, cy: 0 };
  const alpha = new Uint8Array((x1 - x0) * (y1 - y0));
  for (let j = y0; j < y1; j++)
    for (let i = x0; i < x1; i++) alpha[(j - y0) * (x1 - x0) + (i - x0)] = data[4 * (j * width + i) + 3];
  return { width: x1 - x0, height: y1 - y0, alpha, cx: cx - x0, cy: cy - y0 };
}

function stroke(ctx: CanvasRenderingContext2D, kind: MarkerKind, colour: string, path: () => void): void {
  ctx.beginPath();
  path();
  ctx.lineWidth = 3;
  ctx.strokeStyle = 'rgba(13, 17, 23, 0.9)';
  ctx.stroke();
  ctx.lineWidth = kind === 'burst' ? 1.5 : 1.6;
  ctx.strokeStyle = colour;
  ctx.stroke();
  if (kind === 'launch') {
    ctx.fillStyle = `${colour}55`;
    ctx.fill();
  }
}

/** What the layer needs of the map (MapView has it all). */
export interface FrequencyView {
  projection(point: [number, number]): [number, number] | null;
  readonly transform: { k: number; x: number; y: number };
  readonly pixelRatio: number;
  /** CSS pixels. */
  readonly width: number;
  readonly height: number;
}

/** What the canvases show, to know whether a draw would change anything. */
interface Drawn {
  k: number;
  x: number;
  y: number;
  width: number;
  height: number;
  grid: FrequencyGrid | null;
  markers: FrequencyLayer['markers'];
  markerCount: number;
  showMap: boolean;
  showMarkers: boolean;
  /** A quick draw: the canvases hold the snapshot scaled (see draw). */
  preview: boolean;
}

/**
 * The probability map and the launch/burst/landing markers, each on its own canvas.
 *
 * Drawn only when something it shows changed (the zoom, the grid, the markers, the switches): the
 * page asks for a draw with every replay frame. Markers are projected once (base projection, like
 * the tracks), not on every draw, and written as stamped masks into a pixel buffer (stamps.ts):
 * stroked as paths, 15 000 symbols took 280 ms.
 */
export class FrequencyLayer {
  grid: FrequencyGrid | null = null;
  markers: Record<MarkerKind, { lon: number; lat: number }[]> = { launch: [], burst: [], landing: [] };
  showMap = true;
  showMarkers = true;
  private drawn: Drawn | null = null;
  /** The sharp drawing a gesture's quick draws scale; valid while `drawn.preview`. */
  private snapshot: { canvases: HTMLCanvasElement[]; drawn: Drawn } | null = null;
  /** Base-projection x, y of each kind's markers, as many as projected so far. */
  private markerXY: Record<MarkerKind, number[]> = { launch: [], burst: [], landing: [] };
  private projectedFrom: FrequencyLayer['markers'] | null = null;
  /** The markers' pixels (stampMarkers), the marker canvas's size, and the box last written in it. */
  private markerPixels: MarkerPixels = { image: null, box: emptyBox() };
  /** Each kind's symbol rendered once per sub-pixel offset, by device pixel ratio. */
  private masks = new Map<number, Record<MarkerKind, MarkerPass[]>>();
  /** The base-projection box of the grid's non-empty cells (set by classPaths). */
  private cellExtent: Extent = emptyExtent();
  /**
   * The map and the markers of the whole extent at a zoom that fits it (overview.ts), drawn under
   * a quick draw where the scaled sharp drawing does not reach; made in slices after a sharp
   * drawing (startOverview) (`of`: the drawing whose content it shows).
   */
  private overview: { of: Drawn | null; views: [Overview, Overview]; pixels: MarkerPixels } | null = null;
  /** The overview being made in slices (startOverview), or null. */
  private overviewJob: (SettleJob & { of: Drawn }) | null = null;
  /** Canvases and pixel buffer for the next overview (the ones it replaced, or a cancelled job's). */
  private overviewSpare: { canvases: HTMLCanvasElement[]; pixels: MarkerPixels } | null = null;
  /** The sharp redraw that ends a gesture, made offscreen in steps (settle.ts), or null. */
  private settling: (SettleJob & { state: Drawn; canvases: HTMLCanvasElement[] }) | null = null;
  /** Canvases the size of the map's for the next settle to draw into (the last snapshot's). */
  private spare: HTMLCanvasElement[] | null = null;

  constructor(
    private readonly view: FrequencyView,
    private readonly mapCanvas: HTMLCanvasElement,
    private readonly markerCanvas: HTMLCanvasElement,
    private readonly settler: Settler = sharedSettler,
    private readonly overviews: Settler = overviewSettler,
  ) {}

  clear(): void {
    this.grid = null;
    this.markers = { launch: [], burst: [], landing: [] };
    this.draw();
  }

  /** Cells of the grid by class: one path per class, in base projection coordinates. */
  private classPaths(): (Path2D | null)[] {
    const grid = this.grid;
    const paths: (Path2D | null)[] = FREQUENCY_CLASSES.map(() => null);
    const extent = emptyExtent();
    this.cellExtent = extent;
    if (!grid) return paths;
    const project = (lon: number, lat: number) => this.view.projection([lon, lat])!;
    for (let j = 0; j < grid.ny; j++)
      for (let i = 0; i < grid.nx; i++) {
        const n = grid.counts[j * grid.nx + i];
        if (n === 0) continue;
        const k = frequencyClass(n / grid.members);
        paths[k] ??= new Path2D();
        const lon = grid.lon0 + i * grid.dLon;
        const lat = grid.lat0 + j * grid.dLat;
        const a = project(lon, lat);
        const b = project(lon + grid.dLon, lat);
        const c = project(lon + grid.dLon, lat + grid.dLat);
        const d = project(lon, lat + grid.dLat);
        const p = paths[k]!;
        extendBy(extent, [...a, ...b, ...c, ...d]);
        p.moveTo(a[0], a[1]);
        p.lineTo(b[0], b[1]);
        p.lineTo(c[0], c[1]);
        p.lineTo(d[0], d[1]);
        p.closePath();
      }
    return paths;
  }

  private cache: (Path2D | null)[] | null = null;

  /** The grid or the projection changed: cells and markers are projected again on the next draw. */
  invalidate(): void {
    this.cache = null;
    this.projectedFrom = null;
    this.drawn = null;
    this.cancelSettle();
    this.cancelOverview();
    // Its canvases and pixel buffer are kept for the next one (allocating them is not free).
    if (this.overview) this.overview.of = null;
  }

  /** Whether the canvases show a scaled bitmap (a quick draw) that the next full draw replaces. */
  get previewing(): boolean {
    return this.drawn?.preview === true;
  }

  /**
   * Draws the map and the markers if anything they show changed. `quick` (during a zoom or pan
   * gesture): when only the zoom changed, the last sharp drawing is scaled to it instead (one
   * drawImage per canvas; the markers' symbols grow or shrink with it until the draw after the
   * gesture). That draw, when only the zoom changed, makes the sharp drawing offscreen in steps
   * (the map, then the markers: settle.ts) and swaps it in with the tracks' when all are complete.
   */
  draw(options: { quick?: boolean } = {}): void {
    const { view } = this;
    const t = view.transform;
    const state: Drawn = {
      k: t.k,
      x: t.x,
      y: t.y,
      width: this.mapCanvas.width,
      height: this.mapCanvas.height,
      grid: this.showMap ? this.grid : null,
      markers: this.markers,
      markerCount: this.showMarkers
        ? MARKER_KINDS.reduce((n, { kind }) => n + this.markers[kind].length, 0)
        : -1,
      showMap: this.showMap,
      showMarkers: this.showMarkers,
      preview: false,
    };
    const held = this.drawn;
    const sameContent = (a: Drawn) =>
      a.width === state.width &&
      a.height === state.height &&
      a.grid === state.grid &&
      a.markers === state.markers &&
      a.markerCount === state.markerCount &&
      a.showMap === state.showMap &&
      a.showMarkers === state.showMarkers;
    const sameZoom = (a: Drawn) => a.k === state.k && a.x === state.x && a.y === state.y;
    if (held && !held.preview && sameContent(held) && sameZoom(held)) return;
    const job = this.settling;
    if (!options.quick && job && sameContent(job.state) && sameZoom(job.state)) return;
    this.cancelSettle();
    const sharp = held?.preview ? this.snapshot?.drawn : held;
    const empty = state.grid === null && state.markerCount <= 0;
    if (options.quick && held && sharp && sameContent(sharp) && !empty) {
      this.drawPreview(sharp, state);
      return;
    }
    // The gesture has ended: the sharp drawing is made offscreen, the preview shown meanwhile.
    if (held?.preview && sharp && sameContent(sharp) && !empty) {
      if (!sameZoom(held)) this.drawPreview(sharp, state);
      this.startSettle(state);
      return;
    }
    this.drawn = state;
    const ratio = view.pixelRatio;
    for (const canvas of [this.mapCanvas, this.markerCanvas]) {
      const ctx = canvas.getContext('2d')!;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
    }
    if (this.showMap && this.grid) this.fillCells(this.mapCanvas, t, ratio);
    if (this.showMarkers) {
      this.projectMarkers();
      this.stampMarkers(this.markerCanvas, this.markerPixels, t, ratio);
    }
    // Not copied aside here (part of the sharp redraw that ends a gesture): the first quick draw
    // of the next gesture copies it, the canvases still holding it then.
    if (!empty) this.startOverview(state);
  }

  /** Whether the sharp redraw that ends a gesture is being made offscreen (settle.ts). */
  get settlingNow(): boolean {
    return this.settling !== null;
  }

  /** Drops the sharp redraw being made, if any; what the screen shows stays. */
  private cancelSettle(): void {
    if (!this.settling) return;
    this.settler.cancel(this.settling);
    // Its canvases serve the next one.
    this.spare = this.settling.canvases;
    this.settling = null;
  }

  /**
   * Starts the sharp drawing of `state` on canvases of their own, the map's cells in one step and
   * the markers' stamps in another; when every layer's is complete (settle.ts) it replaces the
   * preview (one drawImage per canvas) and becomes the snapshot the next gesture scales.
   */
  private startSettle(state: Drawn): void {
    const targets = [this.mapCanvas, this.markerCanvas];
    const canvases = this.spare ?? targets.map(() => document.createElement('canvas'));
    this.spare = null;
    targets.forEach((target, i) => {
      canvases[i].width = target.width;
      canvases[i].height = target.height;
      const ctx = canvases[i].getContext('2d')!;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, target.width, target.height);
    });
    const ratio = this.view.pixelRatio;
    // Each step draws on one canvas, then rasterises it (settle.ts): one pixel read makes the
    // canvas play what it recorded.
    const steps: { on: HTMLCanvasElement; draw: () => void }[] = [];
    if (state.showMap && state.grid)
      steps.push({ on: canvases[0], draw: () => this.fillCells(canvases[0], state, ratio) });
    if (state.showMarkers) {
      this.projectMarkers();
      for (const draw of this.markerSteps(canvases[1], this.markerPixels, state, ratio))
        steps.push({ on: canvases[1], draw });
    }
    let next = 0;
    const job = {
      state,
      canvases,
      step: () => {
        const step = steps[next++];
        if (step) {
          step.draw();
          step.on.getContext('2d')!.getImageData(0, 0, 1, 1);
        }
        return next >= steps.length;
      },
      swap: () => {
        this.settling = null;
        targets.forEach((target, i) => {
          const ctx = target.getContext('2d')!;
          ctx.setTransform(1, 0, 0, 1, 0, 0);
          ctx.clearRect(0, 0, target.width, target.height);
          ctx.drawImage(canvases[i], 0, 0);
        });
        this.drawn = state;
        if (this.snapshot) this.spare = this.snapshot.canvases;
        this.snapshot = { canvases, drawn: state };
        this.startOverview(state);
      },
    };
    this.settling = job;
    this.settler.start(job);
  }

  /**
   * Whether the overviews of the sharp drawing shown (or, during a gesture, of the one it scales)
   * are made, so that a quick draw can put them at the edges.
   */
  get overviewReady(): boolean {
    const drawn = this.drawn;
    const sharp = drawn?.preview ? this.snapshot?.drawn : drawn;
    return !!sharp && this.overviewFor(sharp) !== null;
  }

  /** Fills the grid's cells, one path per class, on `canvas`: base point b at ratio · (t.k · b + t). */
  private fillCells(canvas: HTMLCanvasElement, t: { k: number; x: number; y: number }, ratio: number): void {
    this.cache ??= this.classPaths();
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(ratio * t.k, 0, 0, ratio * t.k, ratio * t.x, ratio * t.y);
    this.cache.forEach((path, k) => {
      if (!path) return;
      ctx.fillStyle = FREQUENCY_CLASSES[k].colour;
      ctx.fill(path);
    });
  }

  /**
   * Writes every kind's symbols into a pixel buffer and puts it on `canvas` (cleared) in one call,
   * base point b at CSS pixel t.k · b + t: for each kind, first all the halos, then all the
   * coloured strokes, the order in which one path per kind was stroked before (stamps.ts says why
   * and how close).
   */
  private stampMarkers(
    canvas: HTMLCanvasElement,
    pixels: MarkerPixels,
    t: { k: number; x: number; y: number },
    ratio: number,
  ): void {
    for (const step of this.markerSteps(canvas, pixels, t, ratio)) step();
  }

  /**
   * stampMarkers in steps, to be run in order: each kind's halos, each kind's coloured symbols
   * (about 3 ms each for 5 000 of them), then the buffer put on the canvas. The buffer is made
   * ready (sized, cleared) when the first step runs.
   */
  private markerSteps(
    canvas: HTMLCanvasElement,
    pixels: MarkerPixels,
    t: { k: number; x: number; y: number },
    ratio: number,
  ): (() => void)[] {
    if (canvas.width === 0 || canvas.height === 0) return [];
    const ctx = canvas.getContext('2d')!;
    let byKind = this.masks.get(ratio);
    if (!byKind) {
      byKind = markerMasks(ratio);
      this.masks.set(ratio, byKind);
    }
    const box = emptyBox();
    const ready = () => {
      if (pixels.image?.width !== canvas.width || pixels.image.height !== canvas.height)
        pixels.image = ctx.createImageData(canvas.width, canvas.height);
      else clearBox(pixels.image, pixels.box);
      pixels.box = box;
    };
    const width = canvas.width / ratio;
    const height = canvas.height / ratio;
    const steps: (() => void)[] = [ready];
    for (const { kind } of MARKER_KINDS)
      for (const pass of byKind[kind])
        steps.push(() => {
          const image = pixels.image!;
          const xy = this.markerXY[kind];
          for (let i = 0; i < xy.length; i += 2) {
            if (Number.isNaN(xy[i])) continue;
            const x = t.k * xy[i] + t.x;
            const y = t.k * xy[i + 1] + t.y;
            if (x < -10 || y < -10 || x > width + 10 || y > height + 10) continue;
            const at = placeMask(ratio * x, ratio * y);
            const mask = pass.masks[at.variant];
            stampMask(image, mask, at.left - mask.cx, at.top - mask.cy, pass.rgb, box);
          }
        });
    steps.push(() => {
      if (box.x1 > box.x0 && box.y1 > box.y0)
        ctx.putImageData(pixels.image!, 0, 0, box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0);
    });
    return steps;
  }

  /** Projects the markers added since the last draw (all of them after invalidate or clear). */
  private projectMarkers(): void {
    if (this.projectedFrom !== this.markers) {
      this.markerXY = { launch: [], burst: [], landing: [] };
      this.projectedFrom = this.markers;
    }
    for (const { kind } of MARKER_KINDS) {
      const list = this.markers[kind];
      const xy = this.markerXY[kind];
      for (let i = xy.length / 2; i < list.length; i++) {
        const p = this.view.projection([list[i].lon, list[i].lat]);
        xy.push(p ? p[0] : Number.NaN, p ? p[1] : Number.NaN);
      }
    }
  }

  /** Copies the canvases aside as the sharp drawing of `drawn`. */
  private keep(drawn: Drawn): { canvases: HTMLCanvasElement[]; drawn: Drawn } {
    const targets = [this.mapCanvas, this.markerCanvas];
    const canvases = this.snapshot?.canvases ?? targets.map(() => document.createElement('canvas'));
    targets.forEach((target, i) => {
      canvases[i].width = target.width;
      canvases[i].height = target.height;
      const copy = canvases[i].getContext('2d')!;
      copy.clearRect(0, 0, target.width, target.height);
      copy.drawImage(target, 0, 0);
    });
    this.snapshot = { canvases, drawn };
    return this.snapshot;
  }

  /** The quick draw: the sharp drawing (copied aside first unless it already is) scaled to the current zoom. */
  private drawPreview(sharp: Drawn, state: Drawn): void {
    const targets = [this.mapCanvas, this.markerCanvas];
    const snapshot = this.snapshot?.drawn === sharp ? this.snapshot : this.keep(sharp);
    // As TrackLayer's quick draw: scale k / k₀, offset ratio · (t − scale · t₀).
    const ratio = this.view.pixelRatio;
    const scale = state.k / sharp.k;
    targets.forEach((target, i) => {
      const ctx = target.getContext('2d')!;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, target.width, target.height);
      ctx.setTransform(
        scale,
        0,
        0,
        scale,
        ratio * (state.x - scale * sharp.x),
        ratio * (state.y - scale * sharp.y),
      );
      ctx.drawImage(snapshot.canvases[i], 0, 0);
    });
    // Where the scaled drawing does not reach (a zoom out, a pan): the overview, softer.
    const x0 = ratio * (state.x - scale * sharp.x);
    const y0 = ratio * (state.y - scale * sharp.y);
    const covered = { x0, y0, x1: x0 + scale * sharp.width, y1: y0 + scale * sharp.height };
    // Only when made (startOverview): never built here, in the gesture's step.
    const overview = coversCanvas(covered, sharp.width, sharp.height) ? null : this.overviewFor(sharp);
    if (overview) {
      targets.forEach((target, i) => {
        drawOverviewAround(target.getContext('2d')!, overview[i], state, ratio, covered);
      });
    }
    this.drawn = { ...state, preview: true };
  }

  /** Whether `a` and `b` show the same content (an overview of one serves the other). */
  private static sameContent(a: Drawn, b: Drawn): boolean {
    return (
      a.width === b.width &&
      a.height === b.height &&
      a.grid === b.grid &&
      a.markers === b.markers &&
      a.markerCount === b.markerCount &&
      a.showMap === b.showMap &&
      a.showMarkers === b.showMarkers
    );
  }

  /** The overviews (map, markers) kept, if they show what `sharp` shows. */
  private overviewFor(sharp: Drawn): [Overview, Overview] | null {
    const held = this.overview;
    return held?.of && FrequencyLayer.sameContent(held.of, sharp) ? held.views : null;
  }

  /** Drops the overview being made, if any; the one kept stays. */
  private cancelOverview(): void {
    const job = this.overviewJob;
    if (!job) return;
    this.overviews.cancel(job);
    this.overviewJob = null;
  }

  /**
   * Starts making the overviews (map, markers) of what `sharp` shows, unless kept or being made,
   * in slices (settle.ts: the overview settler, after any sharp redraw): the extent, the map's
   * cells, then the markers' passes (markerSteps), each a unit; quick draws use them only once
   * complete and leave the edges blank until then.
   */
  private startOverview(sharp: Drawn): void {
    if (this.overviewFor(sharp)) return;
    if (this.overviewJob && FrequencyLayer.sameContent(this.overviewJob.of, sharp)) return;
    this.cancelOverview();
    const spare = this.overviewSpare ?? {
      canvases: [document.createElement('canvas'), document.createElement('canvas')],
      pixels: { image: null, box: emptyBox() },
    };
    this.overviewSpare = null;
    const { canvases, pixels } = spare;
    let fit: { k: number; x: number; y: number } | null = null;
    let steps: { on: HTMLCanvasElement; draw: () => void }[] | null = null;
    let next = 0;
    const job = {
      of: sharp,
      step: (): boolean => {
        if (!steps) {
          // The first unit: the extent (the cells, projected when the map was drawn, and the
          // markers), the canvases, and the units after it.
          const extent = emptyExtent();
          if (sharp.showMap && sharp.grid) {
            this.cache ??= this.classPaths();
            extendBy(extent, [
              this.cellExtent.x0,
              this.cellExtent.y0,
              this.cellExtent.x1,
              this.cellExtent.y1,
            ]);
          }
          if (sharp.showMarkers) {
            this.projectMarkers();
            for (const { kind } of MARKER_KINDS) extendBy(extent, this.markerXY[kind]);
          }
          fit = fitExtent(extent, sharp.width, sharp.height, 12);
          steps = [];
          if (!fit) return true;
          const at = fit;
          for (const canvas of canvases) {
            canvas.width = sharp.width;
            canvas.height = sharp.height;
            const ctx = canvas.getContext('2d')!;
            ctx.setTransform(1, 0, 0, 1, 0, 0);
            ctx.clearRect(0, 0, canvas.width, canvas.height);
          }
          if (sharp.showMap && sharp.grid)
            steps.push({ on: canvases[0], draw: () => this.fillCells(canvases[0], at, 1) });
          if (sharp.showMarkers)
            for (const draw of this.markerSteps(canvases[1], pixels, at, 1))
              steps.push({ on: canvases[1], draw });
          return steps.length === 0;
        }
        const step = steps[next++];
        if (step) {
          step.draw();
          // Rasterised now (settle.ts), not by the quick draw that first shows it.
          step.on.getContext('2d')!.getImageData(0, 0, 1, 1);
        }
        return next >= steps.length;
      },
      swap: () => {
        if (this.overviewJob !== job) return;
        this.overviewJob = null;
        if (!fit) {
          this.overviewSpare = spare;
          return;
        }
        const held = this.overview;
        if (held) this.overviewSpare = { canvases: held.views.map((v) => v.canvas), pixels: held.pixels };
        const views = canvases.map((canvas) => ({ canvas, ...fit! })) as [Overview, Overview];
        this.overview = { of: sharp, views, pixels };
      },
    };
    this.overviewJob = job;
    this.overviews.start(job);
  }

  /** Whether an overview is being made in slices (startOverview). */
  get overviewBuilding(): boolean {
    return this.overviewJob !== null;
  }
}

/** The probability map's legend: its classes, the marker symbols, and the layers' switches. */
export function frequencyLegend(box: HTMLElement, layer: FrequencyLayer, redraw: () => void): void {
  const root = d3.select(box);
  root.selectAll('*').remove();
  const toggle = (id: string, text: string, checked: boolean, set: (on: boolean) => void) => {
    const row = root.append('div').attr('class', 'check');
    row
      .append('input')
      .attr('type', 'checkbox')
      .attr('id', id)
      .property('checked', checked)
      .on('change', function () {
        set((this as HTMLInputElement).checked);
        redraw();
      });
    row.append('label').attr('for', id).text(text);
  };
  toggle('freq-show', 'Probability map', layer.showMap, (on) => {
    layer.showMap = on;
  });
  root.append('div').attr('class', 'legend-note').text('share of members passing each cell');
  const list = root.append('ul').attr('class', 'swatches two-col');
  for (const c of FREQUENCY_CLASSES) {
    const li = list.append('li');
    li.append('span').attr('class', 'swatch').style('background', c.colour);
    li.append('span').text(c.label);
  }
  toggle('marks-show', 'Launch, burst, landing', layer.showMarkers, (on) => {
    layer.showMarkers = on;
  });
  const marks = root.append('ul').attr('class', 'swatches');
  for (const m of MARKER_KINDS) {
    const li = marks.append('li');
    li.node()!.append(markerSwatch(m.kind));
    li.append('span').text(m.label);
  }
}
