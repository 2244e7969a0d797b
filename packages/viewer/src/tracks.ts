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
 *   heads   what changes every frame: current positions and the hovered member. Cleared and
 *           drawn every time (≈ 1 000 small squares).
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
 * The full and the incremental drawing stroke the same paths in the same order (frame by frame),
 * so they give the same pixels.
 */
import { ALTITUDE_COLOURS, altitudeClass, SITE_COLOURS } from './colours.js';
import { FORECAST_COLOURS } from './forecast-colours.js';

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
   * Diamonds of the markers after the previous frame's time up to this one's, built for zoom k
   * (their size is in screen pixels); null: not built since the markers changed.
   */
  markers: { k: number; path: Path2D } | null;
}

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
  private readonly trails: CanvasRenderingContext2D;
  private readonly heads: CanvasRenderingContext2D;

  constructor(
    trailsCanvas: HTMLCanvasElement,
    headsCanvas: HTMLCanvasElement,
    private readonly view: TrackView,
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
    this.siteClass = new Uint8Array(members);
    for (let i = 0; i < members; i++) this.siteClass[i] = memberSite[i] % SITE_COLOURS.length;
    this.forecastClass = new Uint8Array(members);
  }

  /** Each member's colour class when coloured by forecast member (forecastColourClasses), after reset. */
  setForecastClasses(classes: Uint8Array<ArrayBuffer>): void {
    this.forecastClass = classes;
    this.trailsState = null;
    for (const frame of this.frames) if (frame) frame.segments.forecast = null;
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
      markers: null,
    };
    this.project(frame);
    for (let i = 0; i < n; i++) frame.altClass[i] = altitudeClass(positions[3 * i + 2]);
    this.frames[index] = frame;
    // A frame arriving below what the trails canvas holds (out of order) makes it stale.
    if (this.trailsState && index <= this.trailsState.upTo) this.trailsState = null;
  }

  addMarkers(markers: Marker[]): void {
    if (markers.length === 0) return;
    for (const m of markers) {
      const p = this.view.projection([m.lon, m.lat]);
      if (p) this.markers.push({ ...m, x: p[0], y: p[1] });
    }
    this.markers.sort((a, b) => a.tSec - b.tSec);
    for (const frame of this.frames) if (frame) frame.markers = null;
    // Markers may belong to frames already drawn (events come just before their frame).
    this.trailsState = null;
  }

  /** After the projection changed (the map was resized): project every stored frame again. */
  reproject(): void {
    for (const frame of this.frames) {
      if (!frame) continue;
      this.project(frame);
      frame.segments = { altitude: null, site: null, forecast: null };
      frame.markers = null;
    }
    for (const m of this.markers) {
      const p = this.view.projection([m.lon, m.lat]);
      if (p) [m.x, m.y] = p;
    }
    this.trailsState = null;
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
  }

  /** Draws the tracks from the launch to frame `shown` (clamped to the frames received). */
  draw(): void {
    const last = Math.min(this.shown, this.frames.length - 1);
    this.drawTrails(last);
    this.drawHeads(last);
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

  private drawTrails(last: number): void {
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
    };
    const held = this.trailsState;
    const same =
      held !== null &&
      held.mode === state.mode &&
      held.k === state.k &&
      held.x === state.x &&
      held.y === state.y &&
      held.width === state.width &&
      held.height === state.height &&
      held.upTo <= last;
    let from = 0;
    if (same) from = held.upTo + 1;
    else this.clear(ctx);
    this.trailsState = state;
    if (last < from || this.members === 0) return;

    this.begin(ctx);
    // Exactly one device pixel: Skia's hairline stroke (see the top of this file).
    const hairline = 1 / (t.k * this.view.pixelRatio);
    // Many members overlap: translucent lines show where they crowd.
    const n = this.members;
    const alpha = n > 2000 ? 0.25 : n > 300 ? 0.4 : 0.75;
    const { colours } = this.colourKey();
    for (let f = from; f <= last; f++) {
      const paths = this.segmentsOf(f);
      ctx.globalAlpha = alpha;
      ctx.lineWidth = hairline;
      for (let c = 0; c < paths.length; c++) {
        const path = paths[c];
        if (!path) continue;
        ctx.strokeStyle = colours[c];
        ctx.stroke(path);
      }
      // Border crossings of this frame's interval: white diamonds with a dark hairline edge.
      const diamonds = this.markersOf(f, t.k);
      if (!diamonds) continue;
      ctx.globalAlpha = 1;
      ctx.fillStyle = '#ffffff';
      ctx.fill(diamonds);
      ctx.strokeStyle = '#111111';
      ctx.stroke(diamonds);
    }
    ctx.globalAlpha = 1;
  }

  /** Diamonds (3.5 px half-diagonal at zoom k) of the markers after frame f − 1's time up to frame f's. */
  private markersOf(f: number, k: number): Path2D | null {
    const frame = this.frames[f];
    if (!frame || this.markers.length === 0) return null;
    if (frame.markers?.k === k) return frame.markers.path;
    const size = 3.5 / k;
    const after = f > 0 ? (this.frames[f - 1]?.tSec ?? Number.NEGATIVE_INFINITY) : Number.NEGATIVE_INFINITY;
    const path = new Path2D();
    for (const m of this.markers) {
      if (m.tSec <= after) continue;
      if (m.tSec > frame.tSec) break;
      path.moveTo(m.x, m.y - size);
      path.lineTo(m.x + size, m.y);
      path.lineTo(m.x, m.y + size);
      path.lineTo(m.x - size, m.y);
      path.closePath();
    }
    frame.markers = { k, path };
    return path;
  }

  private drawHeads(last: number): void {
    const ctx = this.heads;
    this.clear(ctx);
    const frame = this.frames[last];
    if (!frame || this.members === 0) return;
    const px1 = this.begin(ctx);
    const { colours, perMember } = this.colourKey();
    // Current positions: squares, one path per colour (a path of rects fills faster than fillRect
    // calls one by one).
    const dots: (Path2D | null)[] = colours.map(() => null);
    const dot = 2.6 * px1;
    const { xy, altClass } = frame;
    for (let m = 0; m < this.members; m++) {
      const x = xy[2 * m];
      if (Number.isNaN(x)) continue;
      const c = perMember ? perMember[m] : altClass[m];
      let path = dots[c];
      if (!path) {
        path = new Path2D();
        dots[c] = path;
      }
      path.rect(x - dot / 2, xy[2 * m + 1] - dot / 2, dot, dot);
    }
    for (let c = 0; c < colours.length; c++) {
      const path = dots[c];
      if (!path) continue;
      ctx.fillStyle = colours[c];
      ctx.fill(path);
    }

    if (this.highlight >= 0 && this.highlight < this.members) this.drawHighlight(last, px1);
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
    for (let m = 0; m < this.members; m++) {
      const x0 = a[2 * m];
      const x1 = b[2 * m];
      if (Number.isNaN(x0) || Number.isNaN(x1)) continue;
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
    return paths;
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
