/**
 * The tracks' current positions (heads) rasterised in JavaScript into an RGBA buffer, put on the
 * canvas in one putImageData.
 *
 * Why not the canvas: 10 000 small anti-aliased squares filled as one Path2D took 11.6 ms a frame
 * in bench:viewer (Skia on the CPU scan-converts the path's 40 000 edges together), most of a
 * replay frame; written here they take well under 1 ms. The picture is the same: an axis-aligned
 * square covers a pixel by the product of its overlaps in x and in y, which is what Skia's
 * anti-aliased rectangle fill computes, and the colour is blended "source over" as the canvas does
 * (tracks.browser.test.ts compares the two pixel by pixel).
 */

/** A straight-alpha RGBA buffer (ImageData's layout) and the box of pixels written since cleared. */
export interface RgbaBuffer {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** The pixels touched: columns x0 ≤ x < x1, rows y0 ≤ y < y1 (empty when x1 ≤ x0). */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export const emptyBox = (): PixelBox => ({
  x0: Number.POSITIVE_INFINITY,
  y0: Number.POSITIVE_INFINITY,
  x1: 0,
  y1: 0,
});

/** Parses a CSS colour of the forms the colour scales give ("#rrggbb", "rgb(r, g, b)") to 0–255 channels. */
export function rgbOf(colour: string): [number, number, number] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (hex) return [Number.parseInt(hex[1], 16), Number.parseInt(hex[2], 16), Number.parseInt(hex[3], 16)];
  const rgb = /^rgb\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(colour);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  throw new Error(`rgbOf: colour ${JSON.stringify(colour)} is neither #rrggbb nor rgb(r, g, b)`);
}

/**
 * Fills an opaque square of side `side` device pixels centred on (cx, cy) (device pixels, pixel
 * (i, j) spanning [i, i+1) × [j, j+1)), anti-aliased by area coverage, blended over what the buffer
 * holds; clipped to the buffer. Grows `box` by the pixels written.
 */
export function fillSquare(
  buffer: RgbaBuffer,
  cx: number,
  cy: number,
  side: number,
  rgb: readonly [number, number, number],
  box: PixelBox,
): void {
  const { data, width, height } = buffer;
  const left = cx - side / 2;
  const right = cx + side / 2;
  const top = cy - side / 2;
  const bottom = cy + side / 2;
  const i0 = Math.max(0, Math.floor(left));
  const i1 = Math.min(width, Math.ceil(right));
  const j0 = Math.max(0, Math.floor(top));
  const j1 = Math.min(height, Math.ceil(bottom));
  if (i1 <= i0 || j1 <= j0) return;
  if (i0 < box.x0) box.x0 = i0;
  if (i1 > box.x1) box.x1 = i1;
  if (j0 < box.y0) box.y0 = j0;
  if (j1 > box.y1) box.y1 = j1;
  const r = rgb[0];
  const g = rgb[1];
  const b = rgb[2];
  for (let j = j0; j < j1; j++) {
    const coverY = Math.min(bottom, j + 1) - Math.max(top, j);
    let k = 4 * (j * width + i0);
    for (let i = i0; i < i1; i++, k += 4) {
      const a = coverY * (Math.min(right, i + 1) - Math.max(left, i));
      const below = data[k + 3];
      if (a >= 1 || below === 0) {
        // Nothing below, or all of the pixel covered: the square's colour at its coverage.
        data[k] = r;
        data[k + 1] = g;
        data[k + 2] = b;
        data[k + 3] = a * 255;
        continue;
      }
      // Source over, straight alpha: the destination keeps (1 − a) of its own alpha.
      const keep = (below / 255) * (1 - a);
      const outA = a + keep;
      data[k] = (r * a + data[k] * keep) / outA;
      data[k + 1] = (g * a + data[k + 1] * keep) / outA;
      data[k + 2] = (b * a + data[k + 2] * keep) / outA;
      data[k + 3] = outA * 255;
    }
  }
}

/** Makes the pixels of `box` transparent again (cheaper than clearing the whole buffer). */
export function clearBox(buffer: RgbaBuffer, box: PixelBox): void {
  if (box.x1 <= box.x0 || box.y1 <= box.y0) return;
  for (let j = box.y0; j < box.y1; j++)
    buffer.data.fill(0, 4 * (j * buffer.width + box.x0), 4 * (j * buffer.width + box.x1));
}
