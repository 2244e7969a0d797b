/**
 * Many copies of one small anti-aliased shape (a map marker) written into an RGBA buffer, put on
 * the canvas in one call, as heads.ts does for the tracks' heads.
 *
 * Why: the probability map's launch, burst and landing symbols, 15 000 of them for 5 000 members,
 * stroked as paths with a halo took 280 ms to rasterise in bench:viewer (Skia on the CPU); a mask
 * of each symbol rendered once by the canvas itself and copied per marker takes a few ms. The mask
 * is rendered at a quarter-pixel offset nearest the marker's position, so a copy stands at most
 * 1/8 pixel from where the path would have been drawn (tracks.browser.test.ts compares the two).
 */
import type { PixelBox, RgbaBuffer } from './heads.js';

/** Coverage (0–255) of a shape in a small box, row by row; the shape's centre at (cx, cy) in it. */
export interface AlphaMask {
  readonly width: number;
  readonly height: number;
  readonly alpha: Uint8Array;
  /** Where in the mask (pixel edges, not centres) the point it marks lies. */
  readonly cx: number;
  readonly cy: number;
}

/** Offsets within a pixel at which masks are rendered: 4 per axis. */
export const SUBPIXEL_STEPS = 4;

/**
 * Which of a shape's masks to use for a point at device pixel position (x, y), and where its
 * top-left corner goes: masks[sy · SUBPIXEL_STEPS + sx] is rendered with the point at
 * (cx + sx / SUBPIXEL_STEPS, cy + sy / SUBPIXEL_STEPS) of its box.
 */
export function placeMask(x: number, y: number): { variant: number; left: number; top: number } {
  const qx = Math.round(x * SUBPIXEL_STEPS);
  const qy = Math.round(y * SUBPIXEL_STEPS);
  const ix = Math.floor(qx / SUBPIXEL_STEPS);
  const iy = Math.floor(qy / SUBPIXEL_STEPS);
  return {
    variant: (qy - iy * SUBPIXEL_STEPS) * SUBPIXEL_STEPS + (qx - ix * SUBPIXEL_STEPS),
    left: ix,
    top: iy,
  };
}

/**
 * Blends `rgb` at the mask's coverage "source over" (straight alpha, as the canvas composites)
 * into the buffer with the mask's top-left pixel at (left, top); clipped to the buffer. Grows `box`
 * by the pixels written.
 */
export function stampMask(
  buffer: RgbaBuffer,
  mask: AlphaMask,
  left: number,
  top: number,
  rgb: readonly [number, number, number],
  box: PixelBox,
): void {
  const { data, width, height } = buffer;
  const i0 = Math.max(0, left);
  const i1 = Math.min(width, left + mask.width);
  const j0 = Math.max(0, top);
  const j1 = Math.min(height, top + mask.height);
  if (i1 <= i0 || j1 <= j0) return;
  if (i0 < box.x0) box.x0 = i0;
  if (i1 > box.x1) box.x1 = i1;
  if (j0 < box.y0) box.y0 = j0;
  if (j1 > box.y1) box.y1 = j1;
  const r = rgb[0];
  const g = rgb[1];
  const b = rgb[2];
  const alpha = mask.alpha;
  for (let j = j0; j < j1; j++) {
    let m = (j - top) * mask.width + (i0 - left);
    let k = 4 * (j * width + i0);
    for (let i = i0; i < i1; i++, k += 4, m++) {
      const a255 = alpha[m];
      if (a255 === 0) continue;
      const below = data[k + 3];
      if (a255 === 255 || below === 0) {
        data[k] = r;
        data[k + 1] = g;
        data[k + 2] = b;
        data[k + 3] = a255;
        continue;
      }
      // Source over, straight alpha: the destination keeps (1 − a) of its own alpha.
      const a = a255 / 255;
      const keep = (below / 255) * (1 - a);
      const outA = a + keep;
      data[k] = (r * a + data[k] * keep) / outA;
      data[k + 1] = (g * a + data[k + 1] * keep) / outA;
      data[k + 2] = (b * a + data[k + 2] * keep) / outA;
      data[k + 3] = outA * 255;
    }
  }
}
