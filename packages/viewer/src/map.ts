/// <reference lib="dom" />
/**
 * The map's frame: a conformal projection of the border region, the SVG and canvas layers stacked
 * in one box, and d3.zoom for pan and zoom. Other modules draw into its layers and listen to its
 * `zoom` and `resize` events; nothing here knows what is drawn.
 *
 * Layers, bottom to top:
 *   svg#map-base     `zoomed` group: countries, zones, wind, contours, scaled by the zoom transform
 *                    (strokes keep their width with vector-effect: non-scaling-stroke)
 *   canvas#tracks    trajectories (redrawn on zoom, see tracks.ts)
 *   svg#map-overlay  `pins` group: labels and markers placed at toScreen(lon, lat) on every zoom,
 *                    so text keeps its size; `fixed` group: the scale bar. Takes every pointer event.
 */
import * as d3 from 'd3';

/** The region the map covers: the border area, Vilnius and Kaunas with room round them. */
export const REGION = { lonMin: 21, lonMax: 29, latMin: 52.5, latMax: 56.8 };

/**
 * The view the page opens on (and ⟲ returns to): the Belarusian launch strip along the border
 * (23.5–27.3° E, 53.6–55.8° N) and both airports, EYVI (25.29° E 54.63° N) and EYKA (23.92° E
 * 54.96° N), with little else — the duty is there. Zooming out shows the whole REGION.
 */
export const DUTY_VIEW = { lonMin: 23.3, lonMax: 27.3, latMin: 53.5, latMax: 55.9 };

type Box = typeof REGION;

/**
 * Fits a projection to REGION in a box of width × height CSS pixels, with a small margin. The
 * region's outline is sampled along its parallels (curved in a conic projection), so the fit
 * includes the bulge of the northern edge.
 */
export function fitRegion(
  projection: d3.GeoProjection,
  width: number,
  height: number,
  box: Box = REGION,
): void {
  const outline: [number, number][] = [];
  const { lonMin, lonMax, latMin, latMax } = box;
  for (let lon = lonMin; lon <= lonMax + 1e-9; lon += 0.25) outline.push([lon, latMin], [lon, latMax]);
  projection.fitExtent(
    [
      [12, 12],
      [width - 12, height - 12],
    ],
    { type: 'MultiPoint', coordinates: outline },
  );
}

/** The projection of the map: see MapView.projection. */
export const regionProjection = () => d3.geoConicConformal().parallels([53.5, 56]).rotate([-25, 0]);

type Listener = () => void;

/** The datum of a `g.pin` in the overlay: a marker or label that stays at a point, at its own size. */
export interface Pin {
  lon: number;
  lat: number;
}

export class MapView {
  readonly base: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  readonly zoomed: d3.Selection<SVGGElement, unknown, null, undefined>;
  readonly overlay: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  readonly pins: d3.Selection<SVGGElement, unknown, null, undefined>;
  readonly fixed: d3.Selection<SVGGElement, unknown, null, undefined>;
  readonly canvas: HTMLCanvasElement;
  /**
   * Lambert conformal conic with standard parallels 53.5° N and 56° N, central meridian 25° E: the
   * region lies between them, so the scale is within 0.2 % of true everywhere on it and shapes are
   * kept (conformal), which makes one scale bar at the centre honest for the whole view.
   */
  readonly projection = regionProjection();
  readonly path = d3.geoPath(this.projection);
  transform: d3.ZoomTransform = d3.zoomIdentity;
  width = 0;
  height = 0;
  pixelRatio = 1;
  private readonly zoom: d3.ZoomBehavior<SVGSVGElement, unknown>;
  private readonly listeners = {
    zoom: [] as Listener[],
    zoomend: [] as Listener[],
    resize: [] as Listener[],
  };

  constructor(private readonly container: HTMLElement) {
    this.base = d3.select(container.querySelector<SVGSVGElement>('#map-base')!);
    this.overlay = d3.select(container.querySelector<SVGSVGElement>('#map-overlay')!);
    this.canvas = container.querySelector<HTMLCanvasElement>('#tracks')!;
    this.base.append('rect').attr('class', 'sea').attr('width', '100%').attr('height', '100%');
    this.zoomed = this.base.append('g').attr('class', 'zoomed');
    this.pins = this.overlay.append('g').attr('class', 'pins');
    this.fixed = this.overlay.append('g').attr('class', 'fixed');

    this.zoom = d3
      .zoom<SVGSVGElement, unknown>()
      // Down to 0.4: the whole REGION round the duty view.
      .scaleExtent([0.4, 40])
      .on('zoom', (event: d3.D3ZoomEvent<SVGSVGElement, unknown>) => {
        this.transform = event.transform;
        this.zoomed.attr('transform', this.transform.toString());
        this.placePins();
        this.emit('zoom');
      })
      // The gesture is over (d3 waits 150 ms after the last wheel event): layers that drew a
      // quick approximation during it draw properly now.
      .on('end', () => this.emit('zoomend'));
    this.overlay.call(this.zoom);
    this.resize();
    new ResizeObserver(() => this.resize()).observe(container);
  }

  on(event: 'zoom' | 'zoomend' | 'resize', listener: Listener): void {
    this.listeners[event].push(listener);
  }

  /** Moves pins (all by default) to their points under the current projection and zoom. */
  placePins<D extends Pin, P extends d3.BaseType, PD>(selection?: d3.Selection<SVGGElement, D, P, PD>): void {
    const place = (d: Pin) => {
      const [x, y] = this.toScreen(d.lon, d.lat);
      return `translate(${x.toFixed(1)},${y.toFixed(1)})`;
    };
    if (selection) selection.attr('transform', place);
    else this.pins.selectAll<SVGGElement, Pin>('g.pin').attr('transform', place);
    this.declutter();
  }

  /**
   * Keeps labels from covering each other or a marker: in order of importance (airports, sites and
   * detections, back-track cells, zones, countries), each label stays where it is, or moves a line
   * up or down, or is hidden (class `decluttered`) if every place is taken. Markers themselves are
   * never moved or hidden. One layout read for all labels: the shifted boxes are computed.
   */
  declutter(): void {
    const pins = [...this.pins.node()!.querySelectorAll<SVGGElement>('g.pin')];
    const rank = (g: SVGGElement) => {
      const c = g.classList;
      if (c.contains('airport')) return 0;
      if (c.contains('site') || c.contains('detection')) return 1;
      if (c.contains('likely')) return 2;
      if (c.contains('zone-label')) return 3;
      if (c.contains('country-label')) return 5;
      return 4;
    };
    pins.sort((a, b) => rank(a) - rank(b));
    const texts = pins.map((g) => g.querySelector('text'));
    for (const text of texts) {
      text?.removeAttribute('transform');
      text?.classList.remove('decluttered');
    }
    // Reads, after every write.
    const boxes = texts.map((t) => (t?.textContent ? t.getBoundingClientRect() : null));
    const taken: { l: number; t: number; r: number; b: number }[] = pins.flatMap((g) =>
      [...g.children]
        .filter((c) => c.tagName !== 'text' && c.tagName !== 'title')
        .map((c) => {
          const r = c.getBoundingClientRect();
          return { l: r.left, t: r.top, r: r.right, b: r.bottom };
        }),
    );
    const pad = 1;
    const free = (b: { l: number; t: number; r: number; b: number }) =>
      taken.every((o) => b.r + pad <= o.l || b.l - pad >= o.r || b.b + pad <= o.t || b.t - pad >= o.b);
    texts.forEach((text, k) => {
      const box = boxes[k];
      if (!text || !box || box.width === 0) return;
      for (const dy of [0, -(box.height + 1), box.height + 1]) {
        const b = { l: box.left, t: box.top + dy, r: box.right, b: box.bottom + dy };
        if (free(b)) {
          taken.push(b);
          if (dy !== 0) text.setAttribute('transform', `translate(0,${dy.toFixed(1)})`);
          return;
        }
      }
      text.classList.add('decluttered');
    });
  }

  /** Screen position (CSS pixels in the map box) of a point, under the current zoom. */
  toScreen(lon: number, lat: number): [number, number] {
    const p = this.projection([lon, lat])!;
    return this.transform.apply(p);
  }

  /** The point under a screen position, or null outside the projection's domain. */
  toLonLat(x: number, y: number): [number, number] | null {
    const p = this.projection.invert?.(this.transform.invert([x, y]));
    return p && Number.isFinite(p[0]) && Number.isFinite(p[1]) ? [p[0], p[1]] : null;
  }

  zoomBy(factor: number): void {
    this.overlay.transition().duration(250).call(this.zoom.scaleBy, factor);
  }

  resetZoom(): void {
    this.overlay.transition().duration(250).call(this.zoom.transform, d3.zoomIdentity);
  }

  /** Centres the view on a point (keeping the zoom), e.g. a site added from the keyboard. */
  centreOn(lon: number, lat: number): void {
    const p = this.projection([lon, lat])!;
    this.overlay.transition().duration(250).call(this.zoom.translateTo, p[0], p[1]);
  }

  /** Moves the view to a zoom transform, e.g. one that fits a back-track's answer (backtrack-view.ts). */
  zoomTo(transform: d3.ZoomTransform): void {
    this.overlay.transition().duration(250).call(this.zoom.transform, transform);
  }

  private resize(): void {
    const box = this.container.getBoundingClientRect();
    const width = Math.max(200, Math.round(box.width));
    const height = Math.max(200, Math.round(box.height));
    if (width === this.width && height === this.height) return;
    this.width = width;
    this.height = height;
    this.pixelRatio = window.devicePixelRatio || 1;
    for (const svg of [this.base, this.overlay]) svg.attr('width', width).attr('height', height);
    this.canvas.width = Math.round(width * this.pixelRatio);
    this.canvas.height = Math.round(height * this.pixelRatio);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    fitRegion(this.projection, width, height, DUTY_VIEW);
    this.zoom.extent([
      [0, 0],
      [width, height],
    ]);
    this.placePins();
    this.emit('resize');
  }

  private emit(event: 'zoom' | 'zoomend' | 'resize'): void {
    for (const listener of this.listeners[event]) listener();
  }
}
