import { describe, expect, it } from 'vitest';
import { clearBox, emptyBox, fillSquare, rgbOf } from './heads.js';

const buffer = (width: number, height: number) => ({
  data: new Uint8ClampedArray(4 * width * height),
  width,
  height,
});
const pixel = (b: ReturnType<typeof buffer>, i: number, j: number) => [
  ...b.data.subarray(4 * (j * b.width + i), 4 * (j * b.width + i) + 4),
];

describe('fillSquare: an anti-aliased square by area coverage', () => {
  it('a 2 × 2 square on pixel edges covers four pixels fully and nothing else', () => {
    const b = buffer(6, 6);
    const box = emptyBox();
    fillSquare(b, 3, 3, 2, [10, 20, 30], box);
    expect(box).toEqual({ x0: 2, y0: 2, x1: 4, y1: 4 });
    for (const [i, j] of [
      [2, 2],
      [3, 2],
      [2, 3],
      [3, 3],
    ])
      expect(pixel(b, i, j)).toEqual([10, 20, 30, 255]);
    expect(pixel(b, 1, 2)).toEqual([0, 0, 0, 0]);
    expect(pixel(b, 4, 3)).toEqual([0, 0, 0, 0]);
  });

  it('a square shifted by half a pixel covers its edge pixels by half and its corners by a quarter', () => {
    const b = buffer(6, 6);
    // Side 2 centred on (3.5, 3.5): spans [2.5, 4.5] in x and y.
    fillSquare(b, 3.5, 3.5, 2, [200, 100, 50], emptyBox());
    expect(pixel(b, 3, 3)).toEqual([200, 100, 50, 255]);
    expect(pixel(b, 2, 3)).toEqual([200, 100, 50, Math.round(0.5 * 255)]);
    expect(pixel(b, 3, 4)).toEqual([200, 100, 50, Math.round(0.5 * 255)]);
    expect(pixel(b, 2, 2)).toEqual([200, 100, 50, Math.round(0.25 * 255)]);
    expect(pixel(b, 4, 4)).toEqual([200, 100, 50, Math.round(0.25 * 255)]);
  });

  it('blends source over what is below: half a white pixel over opaque black is mid grey, opaque', () => {
    const b = buffer(4, 1);
    fillSquare(b, 1, 0.5, 1, [0, 0, 0], emptyBox()); // pixel 0.5…1.5: covers pixel 0 and 1 by half
    fillSquare(b, 1, 0.5, 2, [0, 0, 0], emptyBox()); // pixels 0 and 1 fully: opaque black
    fillSquare(b, 2, 0.5, 1, [255, 255, 255], emptyBox()); // half of pixel 1 and half of pixel 2
    expect(pixel(b, 1, 0)).toEqual([128, 128, 128, 255]);
    // Over a transparent pixel the colour stays white and the alpha is the coverage.
    expect(pixel(b, 2, 0)).toEqual([255, 255, 255, 128]);
  });

  it('clips to the buffer and clearBox makes the written box transparent again', () => {
    const b = buffer(4, 4);
    const box = emptyBox();
    fillSquare(b, 0, 0, 3, [1, 2, 3], box);
    fillSquare(b, 10, 10, 3, [1, 2, 3], box);
    expect(box).toEqual({ x0: 0, y0: 0, x1: 2, y1: 2 });
    clearBox(b, box);
    expect(b.data.every((v) => v === 0)).toBe(true);
  });
});

describe('rgbOf', () => {
  it('reads the two forms the colour scales give, and names a colour it cannot read', () => {
    expect(rgbOf('#4e79a7')).toEqual([0x4e, 0x79, 0xa7]);
    expect(rgbOf('rgb(35, 171, 216)')).toEqual([35, 171, 216]);
    expect(() => rgbOf('steelblue')).toThrow(/"steelblue"/);
  });
});
