/// <reference lib="dom" />
/**
 * Trajectories of thousands of members on canvases. SVG paths per member would be thousands of DOM
 * nodes laid out again on every zoom; a canvas redraw is a few typed-array loops.
 *
 * Two canvases, stacked:
 *   trails  every segment from launch to the frame shown, and the border-crossing markers up to
 *           its time. Drawn incrementally while the frame shown moves forward (streaming,
 *           replay): only the new frame's segments and markers are added. Drawn in full after a
 *           zoom, a seek backwards, a change of colours or of size.
 *   heads   what changes every frame: current positions and the hovered member. Drawn every
 *           time: the squares written into a pixel buffer and put in one call (heads.ts).
 *
 * Speed (measured by bench.ts, Skia without GPU):
 * - each frame is projected once, when it arrives, to the base projection (zoom 1); the zoom is
 *   applied as the canvas transform, so no redraw calls the projection;
 * - a frame's segments (from the previous frame) never change, so they are kept as one Path2D per
 *   colour class, built on first use: a redraw only strokes them;
 * - lines are exactly one device pixel wide, which Skia strokes as "hairlines", more than ten
 *   times faster than any other width;
 * - one stroke holds one frame's segments (one fill, one frame's markers): short and rarely
 *   crossing each other. A large path that overlaps itself costs far more (it is rasterised as one
 *   shape): 1 000 markers filled at once took 6 ms, a frame's worth a fraction of one.
 * - zoomed in, a frame's segments that reach past the canvas are stroked only by the tiles (TILE)
 *   that meet it: Skia's cost per segment is paid for segments off the canvas too;
 * - during a zoom or pan gesture a large ensemble is not redrawn: the last sharp drawing is scaled
 *   (draw's `quick`), with an overview of all the tracks (overview.ts) where it does not reach,
 *   and redrawn sharp when the gesture ends.
 * The full and the incremental drawing stroke the same paths in the same order (frame by frame),
 * so they give the same pixels (tracks.browser.test.ts).
 */
import { ALTITUDE_COLOURS, altitudeClass, SITE_COLOURS } from './colours.js';
import { FORECAST_COLOURS } from './forecast-colours.js';
import { clearBox, emptyBox, fillSquare, type PixelBox, rgbOf } from './heads.js';
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

/** What the renderer needs of the map: the base projection, the zoom, the device pixel ratio. */
export interface TrackView {
  projection(point: [number, number]): [number, number] | null;
  readonly transform: { k: number; x: number; y: number };
  readonly pixelRatio: number;
}

export type ColourMode = 'altitude' | 'site' | 'forecast';

interface TrackFrame {
  tSec: number;
  /** lon, lat, alt per member; NaN where the member is not flying. */
  positions: Float32Array;
  /** x, y per member in the base projection (CSS pixels at zoom 1); NaN where not flying. */
  xy: Float32Array;
  /** Altitude class per member (colours.ts). */
  altClass: Uint8Array;
  /** Segments from the previous frame to this one, a Path2D per colour class (null: none), per mode. */
  segments: Record<ColourMode, (Path2D | null)[] | null>;
  /**
   * The same segments split by tile of the base projection (by their start), with each tile's box,
   * in colour order; built the first time a zoomed-in view shows only part of them (see tilesOf).
   */
  tiles: Record<ColourMode, SegmentTile[] | null>;
  /** The box of the segments leading to this frame (set with them by segmentsOf). */
  segmentBox?: Extent;
}

/** A frame's segments of one colour class starting in one tile, and the box of their points. */
interface SegmentTile {
  colour: number;
  path: Path2D;
  box: Extent;
}

/** Tiles' side in base-projection units (CSS pixels at zoom 1): about 10 × 8 across the map. */
const TILE = 128;

/** A point drawn over the tracks from the time it happens (border crossings). */
export interface Marker {
  lon: number;
  lat: number;
  tSec: number;
}

/** What the trails canvas holds, to know whether the next frame can be added to it. */
interface TrailsState {
  upTo: number;
  mode: ColourMode;
  k: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** A quick draw: the canvas holds an earlier sharp drawing scaled to this zoom (see draw). */
  preview: boolean;
}

/**
 * Segments (members × frames) from which a redraw is slow enough to be replaced by a scaled bitmap
 * during a gesture: 100 000 took about 10 ms in bench:viewer on the CPU.
 */
export const QUICK_MIN_SEGMENTS = 100_000;

/**
 * Segments stroked in one step of the sharp redraw after a gesture (settle.ts): whole frames, at
 * least this many (1–2 ms of Skia's hairlines each in bench:viewer, quiet).
 */
const SETTLE_STEP_SEGMENTS = 10_000;

/** The sharp redraw after a gesture being made offscreen (settle.ts). */
interface TrailsSettle extends SettleJob {
  /** What it draws; `upTo` grows when frames are shown during the slices. */
  state: TrailsState;
  version: number;
  /** The offscreen canvas it draws on. */
  canvas: HTMLCanvasElement;
}

export class TrackLayer {
  members = 0;
  mode: ColourMode = 'altitude';
  /** Index of the frame shown: tracks are drawn from the launch up to it. */
  shown = 0;
  /** Member drawn highlighted (hovered), or −1. */
  highlight = -1;
  private frames: TrackFrame[] = [];
  private siteClass = new Uint8Array(0);
  /** Colour class per member by its forecast member (forecast-colours.ts); all 0 for one wind. */
  private forecastClass = new Uint8Array(0);
  /** Markers in time order, with their base-projection position. */
  private markers: (Marker & { x: number; y: number })[] = [];
  private trailsState: TrailsState | null = null;
  /** The sharp drawing a gesture's quick draws scale, with what it holds; valid while previewing. */
  private snapshot: { canvas: HTMLCanvasElement; state: TrailsState } | null = null;
  /** The sharp redraw that ends a gesture, made offscreen in slices (settle.ts), or null. */
  private settling: TrailsSettle | null = null;
  /** A canvas the size of the trails' for the next settle to draw into (the last snapshot's). */
  private spare: HTMLCanvasElement | null = null;
  /**
   * Every track up to frame `upTo` drawn at a zoom that fits them all (overview.ts), drawn under a
   * quick draw where the scaled sharp drawing does not reach; made in slices after a full sharp
   * drawing (startOverview), for the content it shows (`version`: see contentVersion).
   */
  private overview: (Overview & { upTo: number; mode: ColourMode; version: number }) | null = null;
  /** The overview being made in slices (startOverview), or null. */
  private overviewJob:
    | (SettleJob & { canvas: HTMLCanvasElement; upTo: number; mode: ColourMode; version: number })
    | null = null;
  /** A canvas for the next overview to draw into (the one it replaced, or a cancelled job's). */
  private overviewSpare: HTMLCanvasElement | null = null;
  /** Counts changes of what is drawn other than frames appended (reset, reproject, markers, colours). */
  private contentVersion = 0;
  private readonly trails: CanvasRenderingContext2D;
  private readonly heads: CanvasRenderingContext2D;
  /** The heads' pixels (heads.ts), the size of the heads canvas, and the box last written in it. */
  private headsImage: ImageData | null = null;
  private headsBox: PixelBox = emptyBox();
  /** Whether the heads canvas holds nothing but the heads' buffer (no highlight drawn over it). */
  private headsClean = false;

  constructor(
    trailsCanvas: HTMLCanvasElement,
    headsCanvas: HTMLCanvasElement,
    private readonly view: TrackView,
    private readonly settler: Settler = sharedSettler,
    private readonly overviews: Settler = overviewSettler,
  ) {
    this.trails = trailsCanvas.getContext('2d')!;
    this.heads = headsCanvas.getContext('2d')!;
  }

  /** Forgets the previous run. `memberSite[i]` is member i's launch site (for colour by site). */
  reset(members: number, memberSite: ArrayLike<number>): void {
    this.members = members;
    this.frames = [];
    this.markers = [];
    this.shown = 0;
    this.highlight = -1;
    this.trailsState = null;
    this.contentVersion++;
    this.cancelSettle();
    this.cancelOverview();
    this.siteClass = new Uint8Array(members);
    for (let i = 0; i < members; i++) this.siteClass[i] = memberSite[i] % SITE_COLOURS.length;
    this.forecastClass = new Uint8Array(members);
  }

  /** Each member's colour class when coloured by forecast member (forecastColourClasses), after reset. */
  setForecastClasses(classes: Uint8Array<ArrayBuffer>): void {
    this.forecastClass = classes;
    this.trailsState = null;
    this.contentVersion++;
    this.cancelSettle();
    this.cancelOverview();
    for (const frame of this.frames)
      if (frame) {
        frame.segments.forecast = null;
        frame.tiles.forecast = null;
      }
  }

  /** The colour key of the current mode: the colours, and each member's class (null: by altitude). */
  private colourKey(): { colours: readonly string[]; perMember: Uint8Array | null } {
    if (this.mode === 'site') return { colours: SITE_COLOURS, perMember: this.siteClass };
    if (this.mode === 'forecast') return { colours: FORECAST_COLOURS, perMember: this.forecastClass };
    return { colours: ALTITUDE_COLOURS, perMember: null };
  }

  /** Frames received (the highest index + 1). */
  get frameCount(): number {
    return this.frames.length;
  }

  timeOf(index: number): number {
    return this.frames[index]?.tSec ?? Number.NaN;
  }

  addFrame(index: number, tSec: number, positions: Float32Array): void {
    const n = positions.length / 3;
    const frame: TrackFrame = {
      tSec,
      positions,
      xy: new Float32Array(2 * n),
      altClass: new Uint8Array(n),
      segments: { altitude: null, site: null, forecast: null },
      tiles: { altitude: null, site: null, forecast: null },
    };
    this.project(frame);
    for (let i = 0; i < n; i++) frame.altClass[i] = altitudeClass(positions[3 * i + 2]);
    this.frames[index] = frame;
    // A frame arriving below what the trails canvas holds (out of order) makes it stale.
    if (this.trailsState && index <= this.trailsState.upTo) this.trailsState = null;
    if (this.settling && index <= this.settling.state.upTo) this.cancelSettle();
    if (this.overview && index <= this.overview.upTo) this.contentVersion++;
    // The overview being made shows it (it is of frames up to the sharp drawing's): made again.
    if (this.overviewJob && index <= this.overviewJob.upTo) {
      this.contentVersion++;
      this.cancelOverview();
    }
  }

  addMarkers(markers: Marker[]): void {
    if (markers.length === 0) return;
    for (const m of markers) {
      const p = this.view.projection([m.lon, m.lat]);
      if (p) this.markers.push({ ...m, x: p[0], y: p[1] });
    }
    this.markers.sort((a, b) => a.tSec - b.tSec);
    // Markers may belong to frames already drawn (events come just before their frame).
    this.trailsState = null;
    this.contentVersion++;
    this.cancelSettle();
    this.cancelOverview();
  }

  /** After the projection changed (the map was resized): project every stored frame again. */
  reproject(): void {
    for (const frame of this.frames) {
      if (!frame) continue;
      this.project(frame);
      frame.segments = { altitude: null, site: null, forecast: null };
      frame.tiles = { altitude: null, site: null, forecast: null };
    }
    for (const m of this.markers) {
      const p = this.view.projection([m.lon, m.lat]);
      if (p) [m.x, m.y] = p;
    }
    this.trailsState = null;
    this.contentVersion++;
    this.cancelSettle();
    this.cancelOverview();
  }

  /** Position of a member at a frame: [lon, lat, altM], or null when it is not flying. */
  position(member: number, index: number): [number, number, number] | null {
    const p = this.frames[index]?.positions;
    if (!p || Number.isNaN(p[3 * member])) return null;
    return [p[3 * member], p[3 * member + 1], p[3 * member + 2]];
  }

  /** Makes the next draw a full one (as after a zoom). */
  invalidate(): void {
    this.trailsState = null;
    this.cancelSettle();
  }

  /**
   * Draws the tracks from the launch to frame `shown` (clamped to the frames received).
   *
   * `quick` (during a zoom or pan gesture): when the trails were last drawn at another zoom and
   * redrawing them all would take long (QUICK_MIN_SEGMENTS), the last sharp drawing is scaled to
   * the new zoom instead (one drawImage: blurred when zoomed in, blank where it did not reach) and
   * only the segments added since are stroked; the next draw without `quick` (when the gesture
   * ends) draws everything sharp again: offscreen, in slices of bounded work per animation frame
   * (settle.ts), the quick picture staying on screen until the sharp one is complete and swapped
   * in (`settling` says whether one is being made). The heads are always drawn exactly.
   */
  draw(options: { quick?: boolean } = {}): void {
    const last = Math.min(this.shown, this.frames.length - 1);
    this.drawTrails(last, options.quick === true);
    this.drawHeads(last);
  }

  /** Whether the trails canvas shows a scaled bitmap (a quick draw) that the next full draw replaces. */
  get previewing(): boolean {
    return this.trailsState?.preview === true;
  }

  /** Whether the sharp redraw that ends a gesture is being made offscreen (settle.ts). */
  get settlingNow(): boolean {
    return this.settling !== null;
  }

  /**
   * The member whose track passes nearest a screen point (within `radiusPx`), with the frame of
   * its nearest vertex; null if none. Looks at every drawn vertex: 10⁵ take about a millisecond.
   */
  pick(sx: number, sy: number, radiusPx = 7): { member: number; frame: number } | null {
    const t = this.view.transform;
    const bx = (sx - t.x) / t.k;
    const by = (sy - t.y) / t.k;
    let best = (radiusPx / t.k) ** 2;
    let found: { member: number; frame: number } | null = null;
    const last = Math.min(this.shown, this.frames.length - 1);
    for (let f = 0; f <= last; f++) {
      const xy = this.frames[f]?.xy;
      if (!xy) continue;
      for (let m = 0; m < this.members; m++) {
        const dx = xy[2 * m] - bx;
        const dy = xy[2 * m + 1] - by;
        const d2 = dx * dx + dy * dy;
        if (d2 < best) {
          best = d2;
          found = { member: m, frame: f };
        }
      }
    }
    return found;
  }

  /** Sets the canvas transform for drawing in base-projection coordinates; returns one CSS pixel there. */
  private begin(ctx: CanvasRenderingContext2D): number {
    const t = this.view.transform;
    const ratio = this.view.pixelRatio;
    ctx.setTransform(ratio * t.k, 0, 0, ratio * t.k, ratio * t.x, ratio * t.y);
    return 1 / t.k;
  }

  private clear(ctx: CanvasRenderingContext2D): void {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  }

  private drawTrails(last: number, quick: boolean): void {
    const ctx = this.trails;
    const t = this.view.transform;
    const state: TrailsState = {
      upTo: last,
      mode: this.mode,
      k: t.k,
      x: t.x,
      y: t.y,
      width: ctx.canvas.width,
      height: ctx.canvas.height,
      preview: false,
    };
    const held = this.trailsState;
    const sameView = (a: TrailsState) =>
      a.mode === state.mode &&
      a.k === state.k &&
      a.x === state.x &&
      a.y === state.y &&
      a.width === state.width &&
      a.height === state.height;
    // What a quick draw scales: the sharp drawing the canvas holds, or the one kept when the
    // gesture began (the canvas then holds a preview).
    const sharp = held?.preview ? this.snapshot?.state : held;
    // The gesture has ended (a draw without `quick` over a preview): the sharp drawing is made
    // offscreen in slices, the preview (placed for this view, with the frames since) shown meanwhile.
    if (
      !quick &&
      held?.preview &&
      sharp &&
      sharp.mode === state.mode &&
      sharp.width === state.width &&
      sharp.height === state.height &&
      sharp.upTo <= last &&
      this.members * last >= QUICK_MIN_SEGMENTS
    ) {
      const job = this.settling;
      if (job && job.version === this.contentVersion && sameView(job.state) && job.state.upTo <= last) {
        // Frames shown during the slices (streaming, replay): the job strokes them too.
        if (job.state.upTo < last) {
          job.state = state;
          this.settler.resume(job);
          this.drawPreview(sharp, state);
        }
        return;
      }
      this.cancelSettle();
      if (!sameView(held) || held.upTo !== last) this.drawPreview(sharp, state);
      this.startSettle(state);
      return;
    }
    this.cancelSettle();
    if (
      quick &&
      held &&
      sharp &&
      !(sameView(held) && !held.preview) &&
      sharp.mode === state.mode &&
      sharp.width === state.width &&
      sharp.height === state.height &&
      sharp.upTo <= last &&
      this.members * last >= QUICK_MIN_SEGMENTS
    ) {
      this.drawPreview(sharp, state);
      return;
    }
    const same = held !== null && !held.preview && sameView(held) && held.upTo <= last;
    let from = 0;
    if (same) from = held.upTo + 1;
    else this.clear(ctx);
    this.trailsState = state;
    this.strokeFrames(ctx, from, last, t, this.view.pixelRatio);
    if (from === 0 && this.members * last >= QUICK_MIN_SEGMENTS) this.startOverview(state);
    // Not copied aside here (5–15 ms of the sharp redraw that ends a gesture): the first quick
    // draw of the next gesture copies it, the canvas still holding it then.
  }

  /** Drops the sharp redraw being made, if any; what the screen shows stays. */
  private cancelSettle(): void {
    if (!this.settling) return;
    this.settler.cancel(this.settling);
    // Its canvas serves the next one.
    this.spare = this.settling.canvas;
    this.settling = null;
  }

  /**
   * Starts the sharp drawing of `state` on a canvas of its own, a few frames per step; when every
   * layer's is complete (settle.ts) it replaces the preview in one drawImage and becomes the
   * snapshot the next gesture scales (so that gesture need not copy it aside).
   */
  private startSettle(state: TrailsState): void {
    const canvas = this.spare ?? document.createElement('canvas');
    this.spare = null;
    canvas.width = state.width;
    canvas.height = state.height;
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const ratio = this.view.pixelRatio;
    const perFrame = Math.max(1, this.members);
    let next = 0;
    const job: TrailsSettle = {
      state,
      version: this.contentVersion,
      canvas,
      step: () => {
        if (job.version !== this.contentVersion) return true;
        const last = Math.min(job.state.upTo, next + Math.ceil(SETTLE_STEP_SEGMENTS / perFrame) - 1);
        this.strokeFrames(ctx, next, last, job.state, ratio);
        next = last + 1;
        // Rasterised now (settle.ts): one pixel read makes the canvas play what it recorded.
        ctx.getImageData(0, 0, 1, 1);
        return next > job.state.upTo;
      },
      swap: () => {
        this.settling = null;
        if (job.version !== this.contentVersion) return;
        const screen = this.trails;
        this.clear(screen);
        screen.drawImage(canvas, 0, 0);
        this.trailsState = job.state;
        if (this.snapshot) this.spare = this.snapshot.canvas;
        this.snapshot = { canvas, state: job.state };
        this.startOverview(job.state);
      },
    };
    this.settling = job;
    this.settler.start(job);
  }

  /** Copies the trails canvas aside as the sharp drawing of `state`. */
  private keep(state: TrailsState): { canvas: HTMLCanvasElement; state: TrailsState } {
    const canvas = this.snapshot?.canvas ?? document.createElement('canvas');
    canvas.width = state.width;
    canvas.height = state.height;
    const copy = canvas.getContext('2d')!;
    copy.clearRect(0, 0, state.width, state.height);
    copy.drawImage(this.trails.canvas, 0, 0);
    this.snapshot = { canvas, state };
    return this.snapshot;
  }

  /**
   * The quick draw: the sharp drawing `sharp` (copied aside first unless it already is) scaled and
   * moved from its zoom to the current one, and the frames after it stroked over it.
   */
  private drawPreview(sharp: TrailsState, state: TrailsState): void {
    const ctx = this.trails;
    const snapshot = this.snapshot?.state === sharp ? this.snapshot : this.keep(sharp);
    // A device pixel p of the sharp drawing shows base point (p / ratio − t₀) / k₀, which is now at
    // ratio · (k · that + t): scale s = k / k₀, offset ratio · (t − s · t₀).
    const ratio = this.view.pixelRatio;
    const scale = state.k / sharp.k;
    this.clear(ctx);
    ctx.setTransform(
      scale,
      0,
      0,
      scale,
      ratio * (state.x - scale * sharp.x),
      ratio * (state.y - scale * sharp.y),
    );
    ctx.drawImage(snapshot.canvas, 0, 0);
    // Where the scaled drawing does not reach (a zoom out, a pan): the overview, softer.
    const x0 = ratio * (state.x - scale * sharp.x);
    const y0 = ratio * (state.y - scale * sharp.y);
    const covered = { x0, y0, x1: x0 + scale * sharp.width, y1: y0 + scale * sharp.height };
    if (!coversCanvas(covered, sharp.width, sharp.height)) {
      // Only when made (startOverview): never built here, in the gesture's step.
      const overview = this.overviewFor(sharp);
      if (overview) drawOverviewAround(ctx, overview, state, ratio, covered);
    }
    this.trailsState = { ...state, preview: true };
    this.strokeFrames(ctx, sharp.upTo + 1, state.upTo, state, ratio);
  }

  /**
   * Starts making the overview of the full drawing `state` (unless the one kept shows it) in
   * slices (settle.ts: the overview settler, after any sharp redraw), so that the gesture that
   * zooms out from it finds it made; until it is complete, quick draws leave the edges blank.
   */
  private startOverview(state: TrailsState): void {
    if (this.overviewFor(state)) return;
    const job0 = this.overviewJob;
    if (job0 && job0.upTo === state.upTo && job0.mode === state.mode && job0.version === this.contentVersion)
      return;
    this.cancelOverview();
    const canvas = this.overviewSpare ?? document.createElement('canvas');
    this.overviewSpare = null;
    const version = this.contentVersion;
    const perFrame = Math.max(1, this.members);
    let fit: { k: number; x: number; y: number } | null = null;
    let next = -1;
    const job = {
      canvas,
      upTo: state.upTo,
      mode: state.mode,
      version,
      step: (): boolean => {
        // Drawn in the colours of the mode it was started for (strokeFrames draws in the current one).
        if (version !== this.contentVersion || this.mode !== state.mode) {
          fit = null;
          return true;
        }
        if (next < 0) {
          // The first unit: the extent of every track (one pass over the positions) and the canvas.
          const extent = emptyExtent();
          for (let f = 0; f <= state.upTo; f++) {
            const xy = this.frames[f]?.xy;
            if (xy) extendBy(extent, xy);
          }
          // The canvas's own size (at half of it, tried, the edges came out visibly blurred when
          // zoomed in; the whole extent in it is already coarser than the view when zoomed in).
          fit = fitExtent(extent, state.width, state.height, 8);
          if (!fit) return true;
          canvas.width = state.width;
          canvas.height = state.height;
          const ctx = canvas.getContext('2d')!;
          ctx.setTransform(1, 0, 0, 1, 0, 0);
          ctx.clearRect(0, 0, canvas.width, canvas.height);
          next = 0;
          return false;
        }
        if (!fit) return true;
        const ctx = canvas.getContext('2d')!;
        const last = Math.min(state.upTo, next + Math.ceil(SETTLE_STEP_SEGMENTS / perFrame) - 1);
        // Without the border-crossing diamonds: the overview only fills a gesture's edges, and
        // their paths at its zoom would replace the view's cached ones (10 000 of them: ~370 ms
        // to make again at the next replay frame that shows them, measured by bench:viewer).
        this.strokeFrames(ctx, next, last, fit, 1, false);
        next = last + 1;
        // Rasterised now (settle.ts), not by the quick draw that first shows it.
        ctx.getImageData(0, 0, 1, 1);
        return next > state.upTo;
      },
      swap: () => {
        if (this.overviewJob !== job) return;
        this.overviewJob = null;
        if (!fit || version !== this.contentVersion) {
          this.overviewSpare = canvas;
          return;
        }
        if (this.overview) this.overviewSpare = this.overview.canvas;
        this.overview = { canvas, ...fit, upTo: state.upTo, mode: state.mode, version };
      },
    };
    this.overviewJob = job;
    this.overviews.start(job);
  }

  /** Drops the overview being made, if any (what it shows changed); the one kept stays. */
  private cancelOverview(): void {
    const job = this.overviewJob;
    if (!job) return;
    this.overviews.cancel(job);
    this.overviewSpare = job.canvas;
    this.overviewJob = null;
  }

  /** The overview kept if it shows the tracks up to `sharp.upTo` in its mode, as they are now. */
  private overviewFor(sharp: TrailsState): Overview | null {
    const held = this.overview;
    return held &&
      held.upTo === sharp.upTo &&
      held.mode === sharp.mode &&
      held.version === this.contentVersion
      ? held
      : null;
  }

  /**
   * Whether the overview of the sharp drawing shown (or, during a gesture, of the one it scales)
   * is made, so that a quick draw can put it at the edges.
   */
  get overviewReady(): boolean {
    const state = this.trailsState;
    const sharp = state?.preview ? this.snapshot?.state : state;
    return !!sharp && this.overviewFor(sharp) !== null;
  }

  /** Whether an overview is being made in slices (startOverview). */
  get overviewBuilding(): boolean {
    return this.overviewJob !== null;
  }

  /**
   * Strokes frames from..last (segments and markers) over what `ctx` holds, base point b at device
   * pixel ratio · (t.k · b + t) (the trails canvas: the view's zoom; an overview: its own).
   */
  private strokeFrames(
    ctx: CanvasRenderingContext2D,
    from: number,
    last: number,
    t: { k: number; x: number; y: number },
    ratio: number,
    withMarkers = true,
  ): void {
    if (last < from || this.members === 0) return;
    ctx.setTransform(ratio * t.k, 0, 0, ratio * t.k, ratio * t.x, ratio * t.y);
    // Exactly one device pixel: Skia's hairline stroke (see the top of this file).
    const hairline = 1 / (t.k * ratio);
    // Many members overlap: translucent lines show where they crowd.
    const n = this.members;
    const alpha = n > 2000 ? 0.25 : n > 300 ? 0.4 : 0.75;
    const { colours } = this.colourKey();
    // The base-projection box the canvas shows, and a hairline more: a frame's segments wholly in it
    // are stroked as one path per colour; of one reaching past it (zoomed in), only the tiles that
    // meet it — Skia's per-segment cost is paid even for segments off the canvas.
    const pad = 2 / (t.k * ratio);
    const shows: Extent = {
      x0: -t.x / t.k - pad,
      y0: -t.y / t.k - pad,
      x1: (ctx.canvas.width / ratio - t.x) / t.k + pad,
      y1: (ctx.canvas.height / ratio - t.y) / t.k + pad,
    };
    for (let f = from; f <= last; f++) {
      const paths = this.segmentsOf(f);
      ctx.globalAlpha = alpha;
      ctx.lineWidth = hairline;
      const box = this.frames[f]?.segmentBox;
      if (box && !inside(box, shows)) {
        for (const tile of this.tilesOf(f)) {
          if (!meets(tile.box, shows)) continue;
          ctx.strokeStyle = colours[tile.colour];
          ctx.stroke(tile.path);
        }
      } else
        for (let c = 0; c < paths.length; c++) {
          const path = paths[c];
          if (!path) continue;
          ctx.strokeStyle = colours[c];
          ctx.stroke(path);
        }
      // Border crossings of this frame's interval: white diamonds with a dark hairline edge.
      if (withMarkers) this.drawDiamonds(ctx, f, t, ratio);
    }
    ctx.globalAlpha = 1;
  }

  /**
   * The diamonds (3.5 px half-diagonal) of the markers after frame f − 1's time up to frame f's, as
   * squares in a frame turned 45°: one small rectangle each. Why: one path of 10 000 overlapping
   * diamonds took Skia ~370 ms to fill the first time it met it (every new zoom, bench:viewer); the
   * rectangles take a few ms. Leaves the transform as strokeFrames set it.
   */
  private drawDiamonds(
    ctx: CanvasRenderingContext2D,
    f: number,
    t: { k: number; x: number; y: number },
    ratio: number,
  ): void {
    const frame = this.frames[f];
    if (!frame || this.markers.length === 0) return;
    const after = f > 0 ? (this.frames[f - 1]?.tSec ?? Number.NEGATIVE_INFINITY) : Number.NEGATIVE_INFINITY;
    let i0 = 0;
    while (i0 < this.markers.length && this.markers[i0].tSec <= after) i0++;
    let i1 = i0;
    while (i1 < this.markers.length && this.markers[i1].tSec <= frame.tSec) i1++;
    if (i1 === i0) return;
    // Base point p drawn at ratio · (k · p + t); turned: p = R₄₅ q, q = R₄₅ᵀ p.
    const scale = ratio * t.k;
    const c = Math.SQRT1_2;
    ctx.setTransform(scale * c, scale * c, -scale * c, scale * c, ratio * t.x, ratio * t.y);
    const half = (3.5 / t.k) * c;
    ctx.globalAlpha = 1;
    ctx.fillStyle = '#ffffff';
    for (let i = i0; i < i1; i++) {
      const m = this.markers[i];
      ctx.fillRect(c * (m.x + m.y) - half, c * (m.y - m.x) - half, 2 * half, 2 * half);
    }
    ctx.strokeStyle = '#111111';
    for (let i = i0; i < i1; i++) {
      const m = this.markers[i];
      ctx.strokeRect(c * (m.x + m.y) - half, c * (m.y - m.x) - half, 2 * half, 2 * half);
    }
    ctx.setTransform(scale, 0, 0, scale, ratio * t.x, ratio * t.y);
  }

  private drawHeads(last: number): void {
    const ctx = this.heads;
    const { width, height } = ctx.canvas;
    if (this.headsImage?.width !== width || this.headsImage.height !== height) {
      this.headsImage = width > 0 && height > 0 ? ctx.createImageData(width, height) : null;
      this.headsBox = emptyBox();
      this.headsClean = false;
    }
    const image = this.headsImage;
    if (!image) return;
    // The canvas is cleared only when the last draw put a highlight on it (anywhere); otherwise
    // the put below covers every pixel the last heads were written to.
    if (!this.headsClean) {
      this.clear(ctx);
      this.headsClean = true;
    }
    const stale = this.headsBox;
    clearBox(image, stale);
    const box = emptyBox();
    this.headsBox = box;
    const frame = this.frames[last];
    if (frame && this.members > 0) {
      const key = this.colourKey();
      const colours = key.colours.map(rgbOf);
      // Current positions: squares of 2.6 CSS pixels written into the buffer (heads.ts), colour
      // class by colour class, the order in which one path per colour was filled before.
      const t = this.view.transform;
      const ratio = this.view.pixelRatio;
      const side = 2.6 * ratio;
      const { xy, altClass } = frame;
      const classes = key.perMember ?? altClass;
      for (let c = 0; c < colours.length; c++) {
        const rgb = colours[c];
        for (let m = 0; m < this.members; m++) {
          if (classes[m] !== c) continue;
          const x = xy[2 * m];
          if (Number.isNaN(x)) continue;
          fillSquare(image, ratio * (t.k * x + t.x), ratio * (t.k * xy[2 * m + 1] + t.y), side, rgb, box);
        }
      }
    }
    // Both boxes: the new heads, and transparent pixels where the last ones were.
    const x0 = Math.min(stale.x0, box.x0);
    const y0 = Math.min(stale.y0, box.y0);
    const x1 = Math.max(stale.x1, box.x1);
    const y1 = Math.max(stale.y1, box.y1);
    if (x1 > x0 && y1 > y0) ctx.putImageData(image, 0, 0, x0, y0, x1 - x0, y1 - y0);

    if (frame && this.highlight >= 0 && this.highlight < this.members) {
      this.drawHighlight(last, this.begin(ctx));
      this.headsClean = false;
    }
  }

  private drawHighlight(last: number, px1: number): void {
    const ctx = this.heads;
    const m = this.highlight;
    const line = new Path2D();
    let open = false;
    for (let f = 0; f <= last; f++) {
      const xy = this.frames[f]?.xy;
      const x = xy ? xy[2 * m] : Number.NaN;
      if (!xy || Number.isNaN(x)) {
        open = false;
        continue;
      }
      if (open) line.lineTo(x, xy[2 * m + 1]);
      else line.moveTo(x, xy[2 * m + 1]);
      open = true;
    }
    ctx.lineJoin = 'round';
    ctx.lineWidth = 4 * px1;
    ctx.strokeStyle = '#000000';
    ctx.stroke(line);
    ctx.lineWidth = 2 * px1;
    ctx.strokeStyle = '#ffffff';
    ctx.stroke(line);
  }

  /** The segments leading to frame f, by colour class of the current mode; built once, then kept. */
  private segmentsOf(f: number): (Path2D | null)[] {
    const frame = this.frames[f];
    const before = this.frames[f - 1];
    if (!frame || !before) return [];
    const cached = frame.segments[this.mode];
    if (cached) return cached;
    const { colours, perMember } = this.colourKey();
    const paths: (Path2D | null)[] = colours.map(() => null);
    const a = before.xy;
    const b = frame.xy;
    const box = emptyExtent();
    for (let m = 0; m < this.members; m++) {
      const x0 = a[2 * m];
      const x1 = b[2 * m];
      if (Number.isNaN(x0) || Number.isNaN(x1)) continue;
      grow(box, x0, a[2 * m + 1]);
      grow(box, x1, b[2 * m + 1]);
      const c = perMember ? perMember[m] : frame.altClass[m];
      let path = paths[c];
      if (!path) {
        path = new Path2D();
        paths[c] = path;
      }
      path.moveTo(x0, a[2 * m + 1]);
      path.lineTo(x1, b[2 * m + 1]);
    }
    frame.segments[this.mode] = paths;
    frame.segmentBox = box;
    return paths;
  }

  /** The segments leading to frame f split by tile (TILE) and colour class; built once, then kept. */
  private tilesOf(f: number): SegmentTile[] {
    const frame = this.frames[f];
    const before = this.frames[f - 1];
    if (!frame || !before) return [];
    const cached = frame.tiles[this.mode];
    if (cached) return cached;
    const { perMember } = this.colourKey();
    const byKey = new Map<number, SegmentTile>();
    const a = before.xy;
    const b = frame.xy;
    for (let m = 0; m < this.members; m++) {
      const x0 = a[2 * m];
      const x1 = b[2 * m];
      if (Number.isNaN(x0) || Number.isNaN(x1)) continue;
      const y0 = a[2 * m + 1];
      const y1 = b[2 * m + 1];
      const c = perMember ? perMember[m] : frame.altClass[m];
      // Colour first in the key, so that sorting by it strokes the colours in the order of the
      // whole paths; tiles numbered from a corner far off the map (keys stay positive).
      const key = c * 1e6 + (Math.floor(y0 / TILE) + 500) * 1000 + (Math.floor(x0 / TILE) + 500);
      let tile = byKey.get(key);
      if (!tile) {
        tile = { colour: c, path: new Path2D(), box: emptyExtent() };
        byKey.set(key, tile);
      }
      tile.path.moveTo(x0, y0);
      tile.path.lineTo(x1, y1);
      grow(tile.box, x0, y0);
      grow(tile.box, x1, y1);
    }
    const tiles = [...byKey.entries()].sort((p, q) => p[0] - q[0]).map(([, tile]) => tile);
    frame.tiles[this.mode] = tiles;
    return tiles;
  }

  private project(frame: TrackFrame): void {
    const { positions, xy } = frame;
    const point: [number, number] = [0, 0];
    for (let i = 0; i < xy.length / 2; i++) {
      const lon = positions[3 * i];
      if (Number.isNaN(lon)) {
        xy[2 * i] = Number.NaN;
        xy[2 * i + 1] = Number.NaN;
        continue;
      }
      point[0] = lon;
      point[1] = positions[3 * i + 1];
      const p = this.view.projection(point);
      xy[2 * i] = p ? p[0] : Number.NaN;
      xy[2 * i + 1] = p ? p[1] : Number.NaN;
    }
  }
}

function grow(box: Extent, x: number, y: number): void {
  if (x < box.x0) box.x0 = x;
  if (x > box.x1) box.x1 = x;
  if (y < box.y0) box.y0 = y;
  if (y > box.y1) box.y1 = y;
}

/** Whether box a lies wholly in b. */
const inside = (a: Extent, b: Extent) => a.x0 >= b.x0 && a.x1 <= b.x1 && a.y0 >= b.y0 && a.y1 <= b.y1;

/** Whether boxes a and b share a point. */
const meets = (a: Extent, b: Extent) => a.x0 <= b.x1 && a.x1 >= b.x0 && a.y0 <= b.y1 && a.y1 >= b.y0;
