/// <reference lib="dom" />
/**
 * An overview: a drawing of a layer's whole extent at one zoom that fits it in a canvas the size
 * of the layer's own, drawn under a gesture's scaled sharp drawing (tracks.ts, frequency.ts) where
 * that drawing does not reach. Zooming out or panning moves the sharp drawing off part of the view;
 * without the overview that part stayed blank until the gesture ended. It is made once per content
 * (the first gesture after the data changed), not per zoom, and is soft where it is enlarged.
 */

/** Base-projection points x0 ≤ x < x1, y0 ≤ y < y1 (empty when x1 < x0). */
export interface Extent {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export const emptyExtent = (): Extent => ({
  x0: Number.POSITIVE_INFINITY,
  y0: Number.POSITIVE_INFINITY,
  x1: Number.NEGATIVE_INFINITY,
  y1: Number.NEGATIVE_INFINITY,
});

/** Grows `extent` by the points of `xy` (x, y pairs; NaN pairs skipped). */
export function extendBy(extent: Extent, xy: ArrayLike<number>): void {
  for (let i = 0; i < xy.length; i += 2) {
    const x = xy[i];
    const y = xy[i + 1];
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    if (x < extent.x0) extent.x0 = x;
    if (x > extent.x1) extent.x1 = x;
    if (y < extent.y0) extent.y0 = y;
    if (y > extent.y1) extent.y1 = y;
  }
}

/**
 * The zoom (device pixels per base unit, and offset) that fits `extent` in width × height device
 * pixels with `marginPx` round it (room for symbols drawn at the extent's edge). Null when empty.
 */
export function fitExtent(
  extent: Extent,
  width: number,
  height: number,
  marginPx: number,
): { k: number; x: number; y: number } | null {
  if (!(extent.x1 >= extent.x0 && extent.y1 >= extent.y0) || width <= 2 * marginPx || height <= 2 * marginPx)
    return null;
  const spanX = Math.max(extent.x1 - extent.x0, 1e-6);
  const spanY = Math.max(extent.y1 - extent.y0, 1e-6);
  const k = Math.min((width - 2 * marginPx) / spanX, (height - 2 * marginPx) / spanY);
  return {
    k,
    x: (width - k * (extent.x0 + extent.x1)) / 2,
    y: (height - k * (extent.y0 + extent.y1)) / 2,
  };
}

/** A drawing of a whole extent: device pixel p of `canvas` shows base point (p − (x, y)) / k. */
export interface Overview {
  canvas: HTMLCanvasElement;
  k: number;
  x: number;
  y: number;
}

/** Whether `covered` (device pixels) holds every pixel of a width × height canvas. */
export const coversCanvas = (covered: Extent, width: number, height: number) =>
  covered.x0 <= 0 && covered.y0 <= 0 && covered.x1 >= width && covered.y1 >= height;

/**
 * Draws the overview placed for the view (base point b at device pixel ratio · (k · b + t)) on
 * `ctx`, except inside `covered` (device pixels [x0, x1) × [y0, y1) of ctx's canvas: where the
 * scaled sharp drawing goes, so the two never show the same tracks twice).
 */
export function drawOverviewAround(
  ctx: CanvasRenderingContext2D,
  overview: Overview,
  view: { k: number; x: number; y: number },
  ratio: number,
  covered: Extent,
): void {
  const { width, height } = ctx.canvas;
  if (coversCanvas(covered, width, height)) return;
  const scale = (ratio * view.k) / overview.k;
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  const outside = new Path2D();
  outside.rect(0, 0, width, height);
  outside.rect(covered.x0, covered.y0, covered.x1 - covered.x0, covered.y1 - covered.y0);
  ctx.clip(outside, 'evenodd');
  ctx.setTransform(
    scale,
    0,
    0,
    scale,
    ratio * view.x - scale * overview.x,
    ratio * view.y - scale * overview.y,
  );
  ctx.drawImage(overview.canvas, 0, 0);
  ctx.restore();
}
