import { describe, expect, it } from 'vitest';
import { emptyBox } from './heads.js';
import { placeMask, SUBPIXEL_STEPS, stampMask } from './stamps.js';

const buffer = (width: number, height: number) => ({
  data: new Uint8ClampedArray(4 * width * height),
  width,
  height,
});
const pixel = (b: ReturnType<typeof buffer>, i: number, j: number) => [
  ...b.data.subarray(4 * (j * b.width + i), 4 * (j * b.width + i) + 4),
];

describe('placeMask: the mask rendered nearest a point, and where it goes', () => {
  it('rounds to the nearest quarter pixel', () => {
    expect(SUBPIXEL_STEPS).toBe(4);
    // 10.3 → 10.25: pixel 10, offset 1 of 4; 7.9 → 8.0: pixel 8, offset 0.
    expect(placeMask(10.3, 7.9)).toEqual({ variant: 0 * 4 + 1, left: 10, top: 8 });
    // 3.6 → 3.5 (offset 2); 5.8 → 5.75 (offset 3).
    expect(placeMask(3.6, 5.8)).toEqual({ variant: 3 * 4 + 2, left: 3, top: 5 });
  });

  it('below zero still finds the pixel to the left and a non-negative offset', () => {
    // −0.3 → −0.25 = pixel −1 + 3/4.
    expect(placeMask(-0.3, 0)).toEqual({ variant: 3, left: -1, top: 0 });
  });
});

describe('stampMask: a coverage mask blended source over', () => {
  const mask = { width: 2, height: 2, alpha: Uint8Array.from([255, 128, 0, 64]), cx: 1, cy: 1 };

  it('writes the colour at the mask coverage on transparent pixels, and nothing where it is 0', () => {
    const b = buffer(4, 4);
    const box = emptyBox();
    stampMask(b, mask, 1, 1, [10, 20, 30], box);
    expect(box).toEqual({ x0: 1, y0: 1, x1: 3, y1: 3 });
    expect(pixel(b, 1, 1)).toEqual([10, 20, 30, 255]);
    expect(pixel(b, 2, 1)).toEqual([10, 20, 30, 128]);
    expect(pixel(b, 1, 2)).toEqual([0, 0, 0, 0]);
    expect(pixel(b, 2, 2)).toEqual([10, 20, 30, 64]);
  });

  it('blends over what is there as the canvas does: out alpha a + (1 − a)·below', () => {
    const b = buffer(2, 2);
    b.data.set([200, 0, 0, 255], 0);
    b.data.set([0, 0, 200, 128], 4);
    const half = { width: 2, height: 1, alpha: Uint8Array.from([51, 51]), cx: 0, cy: 0 };
    stampMask(b, half, 0, 0, [0, 100, 0], emptyBox());
    // a = 0.2 over opaque red: 0.8 of red, 0.2 of green, opaque.
    expect(pixel(b, 0, 0)).toEqual([160, 20, 0, 255]);
    // a = 0.2 over blue at 128/255: out alpha 0.2 + 0.8·0.502 = 0.6016 (153); colours weighted.
    const keep = 0.8 * (128 / 255);
    const out = 0.2 + keep;
    expect(pixel(b, 1, 0)).toEqual([0, Math.round((100 * 0.2) / out), Math.round((200 * keep) / out), 153]);
  });

  it('is clipped to the buffer', () => {
    const b = buffer(2, 2);
    const box = emptyBox();
    stampMask(b, mask, -1, -1, [1, 2, 3], box);
    expect(box).toEqual({ x0: 0, y0: 0, x1: 1, y1: 1 });
    expect(pixel(b, 0, 0)).toEqual([1, 2, 3, 64]);
    stampMask(b, mask, 5, 5, [1, 2, 3], box);
    expect(box).toEqual({ x0: 0, y0: 0, x1: 1, y1: 1 });
  });
});
