/**
 * GRIB2 messages written here, to test what the real files do not contain: every scanning mode,
 * templates 4.1 and 4.8, complex packing with missing values (5.2/5.3, orders 0-2, varied group
 * lengths), bit-map reuse, constant fields, boxes across the 0/360° seam, and refusals.
 */

import { describe, expect, it } from 'vitest';
import { rejection } from '../testing/errors.js';
import { decodeGrib2, type Grib2Field } from './decode.js';
import { describeGrib2 } from './describe.js';

// ---- A minimal GRIB2 writer (test only) ------------------------------------------------------------

class Octets {
  readonly bytes: number[] = [];
  u8(v: number) {
    this.bytes.push(v & 0xff);
    return this;
  }
  u16(v: number) {
    return this.u8(v >>> 8).u8(v);
  }
  u32(v: number) {
    return this.u16(Math.floor(v / 65536)).u16(v % 65536);
  }
  /** Sign and magnitude, as GRIB2 writes signed numbers. */
  s8(v: number) {
    return this.u8(v < 0 ? 0x80 | -v : v);
  }
  s16(v: number) {
    return this.u16(v < 0 ? 0x8000 | -v : v);
  }
  s32(v: number) {
    return this.u32(v < 0 ? 0x80000000 + -v : v);
  }
  f32(v: number) {
    const view = new DataView(new ArrayBuffer(4));
    view.setFloat32(0, v);
    return this.u32(view.getUint32(0));
  }
  raw(data: ArrayLike<number>) {
    for (let k = 0; k < data.length; k++) this.bytes.push(data[k]);
    return this;
  }
}

class BitWriter {
  private readonly bits: number[] = [];
  put(value: number, width: number) {
    for (let b = width - 1; b >= 0; b--) this.bits.push(Math.floor(value / 2 ** b) % 2);
    return this;
  }
  align() {
    while (this.bits.length % 8 !== 0) this.bits.push(0);
    return this;
  }
  bytes(): number[] {
    this.align();
    const out: number[] = [];
    for (let k = 0; k < this.bits.length; k += 8) {
      out.push(this.bits.slice(k, k + 8).reduce((a, b) => a * 2 + b, 0));
    }
    return out;
  }
}

const bitsFor = (max: number) => (max <= 0 ? 0 : Math.floor(Math.log2(max)) + 1);

function section(number: number, body: Octets): number[] {
  return new Octets()
    .u32(body.bytes.length + 5)
    .u8(number)
    .raw(body.bytes).bytes;
}

function message(sections: number[][], discipline = 0): Uint8Array {
  const body = sections.flat();
  const total = 16 + body.length + 4;
  const head = new Octets().raw([0x47, 0x52, 0x49, 0x42]).u16(0).u8(discipline).u8(2).u32(0).u32(total);
  return Uint8Array.from([...head.bytes, ...body, 0x37, 0x37, 0x37, 0x37]);
}

const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

/** Section 1; `ids` sets the centre, sub-centre, production status (octet 20) and type of data (21). */
function section1(
  time = { year: 2024, month: 3, day: 1, hour: 6 },
  ids = { centre: 7, subCentre: 0, status: 0, type: 1 },
): number[] {
  return section(
    1,
    new Octets()
      .u16(ids.centre)
      .u16(ids.subCentre)
      .u8(2)
      .u8(1)
      .u8(1)
      .u16(time.year)
      .u8(time.month)
      .u8(time.day)
      .u8(time.hour)
      .u8(0)
      .u8(0)
      .u8(ids.status)
      .u8(ids.type),
  );
}

interface GridSpec {
  ni: number;
  nj: number;
  la1: number;
  lo1: number;
  la2: number;
  lo2: number;
  di: number;
  dj: number;
  scan: number;
  template?: number;
}

const micro = (deg: number) => Math.round(deg * 1e6);

function section3(g: GridSpec): number[] {
  const o = new Octets()
    .u8(0)
    .u32(g.ni * g.nj)
    .u8(0)
    .u8(0)
    .u16(g.template ?? 0);
  o.u8(6).u8(0).u32(0).u8(0).u32(0).u8(0).u32(0); // shape of the earth (octets 15-30)
  o.u32(g.ni).u32(g.nj).u32(0).u32(0xffffffff);
  o.s32(micro(g.la1)).s32(micro(g.lo1)).u8(0x30).s32(micro(g.la2)).s32(micro(g.lo2));
  o.u32(micro(g.di)).u32(micro(g.dj)).u8(g.scan);
  return section(3, o);
}

interface ProductSpec {
  template?: number;
  category?: number;
  number?: number;
  unit?: number;
  forecast?: number;
  levelType?: number;
  levelScale?: number;
  levelValue?: number;
  end?: { year: number; month: number; day: number; hour: number };
  /** Octets 12-14: type of generating process, background process, forecast process (model). */
  process?: [number, number, number];
}

function section4(p: ProductSpec = {}): number[] {
  const template = p.template ?? 0;
  const o = new Octets()
    .u16(0)
    .u16(template)
    .u8(p.category ?? 2)
    .u8(p.number ?? 2)
    .u8(p.process?.[0] ?? 2)
    .u8(p.process?.[1] ?? 0)
    .u8(p.process?.[2] ?? 96);
  o.u16(0)
    .u8(0)
    .u8(p.unit ?? 1)
    .s32(p.forecast ?? 6);
  o.u8(p.levelType ?? 100)
    .s8(p.levelScale ?? 0)
    .u32(p.levelValue ?? 85000)
    .u8(255)
    .u8(255)
    .u32(0xffffffff);
  if (template === 1) o.u8(3).u8(7).u8(20);
  if (template === 8) {
    const e = p.end ?? { year: 2024, month: 3, day: 1, hour: 12 };
    o.u16(e.year).u8(e.month).u8(e.day).u8(e.hour).u8(0).u8(0).u8(1).u32(0);
    o.u8(1).u8(2).u8(1).u32(6).u8(1).u32(0);
  }
  if (template === 15) o.u8(0).u8(0).u8(0); // some template this decoder does not read
  return section(4, o);
}

interface Scaling {
  r: number;
  e: number;
  d: number;
}

/** Template 5.0 + 7.0 from integers X. */
function simple(xs: number[], s: Scaling, width = bitsFor(Math.max(0, ...xs))): number[][] {
  const s5 = new Octets().u32(xs.length).u16(0).f32(s.r).s16(s.e).s16(s.d).u8(width).u8(0);
  const w = new BitWriter();
  for (const x of xs) w.put(x, width);
  return [section(5, s5), section(7, new Octets().raw(w.bytes()))];
}

type Missing = 'primary' | 'secondary';

/**
 * Template 5.2 / 5.3 + 7.2 / 7.3 from integers X (or missing markers), the way an encoder would:
 * spatial differences over the values present, minus their minimum; groups of the given lengths;
 * widths leaving room for the missing-value codes.
 */
function complex(
  xs: (number | Missing)[],
  s: Scaling,
  opts: { order: 0 | 1 | 2; missing: 0 | 1 | 2; lengths: number[]; extraOctets?: number },
): number[][] {
  const present = xs.filter((x): x is number => typeof x === 'number');
  const diffs = present.map((f, k) => {
    if (k < opts.order) return 0;
    if (opts.order === 1) return f - present[k - 1];
    if (opts.order === 2) return f - 2 * present[k - 1] + present[k - 2];
    return f;
  });
  const minimum = opts.order > 0 ? Math.min(...diffs.slice(opts.order), 0) : 0;
  let next = 0;
  const packed = xs.map((x) => {
    if (typeof x !== 'number') return x;
    const k = next++;
    return k < opts.order ? 0 : diffs[k] - minimum;
  });
  const reserve = opts.missing; // codes kept free at the top of each width: 1 or 2
  const groups: { ref: number; width: number; values: (number | Missing)[] }[] = [];
  let at = 0;
  for (const length of opts.lengths) {
    const values = packed.slice(at, at + length);
    at += length;
    const nums = values.filter((v): v is number => typeof v === 'number');
    if (nums.length === 0)
      groups.push({ ref: -1, width: 0, values }); // all missing
    else {
      const ref = Math.min(...nums);
      const range = Math.max(...nums) - ref;
      const hasMissing = nums.length < values.length;
      const width = range === 0 && !hasMissing ? 0 : bitsFor(range + reserve);
      groups.push({ ref, width, values });
    }
  }
  expect(at).toBe(xs.length);
  const refBits = bitsFor(Math.max(...groups.map((g) => g.ref)) + reserve + 1);
  const widthBits = bitsFor(Math.max(...groups.map((g) => g.width)));
  const lengthRef = Math.min(...opts.lengths);
  const lengthBits = bitsFor(Math.max(...opts.lengths.map((l) => l - lengthRef)));
  const template = opts.order > 0 ? 3 : 2;
  const extra = opts.extraOctets ?? 2;
  const s5 = new Octets().u32(xs.length).u16(template).f32(s.r).s16(s.e).s16(s.d).u8(refBits).u8(0);
  s5.u8(1).u8(opts.missing).u32(0).u32(0).u32(groups.length).u8(0).u8(widthBits);
  s5.u32(lengthRef)
    .u8(1)
    .u32(opts.lengths[opts.lengths.length - 1])
    .u8(lengthBits);
  if (template === 3) s5.u8(opts.order).u8(extra);
  const w = new BitWriter();
  if (template === 3) {
    for (let k = 0; k < opts.order; k++) w.put(present[k], extra * 8);
    w.put(minimum < 0 ? 1 : 0, 1).put(Math.abs(minimum), extra * 8 - 1);
  }
  const allOnes = 2 ** refBits - 1;
  for (const g of groups) {
    const missingKind = g.values.find((v) => typeof v !== 'number');
    w.put(g.ref >= 0 ? g.ref : missingKind === 'secondary' ? allOnes - 1 : allOnes, refBits);
  }
  w.align();
  for (const g of groups) w.put(g.width, widthBits);
  w.align();
  for (const length of opts.lengths) w.put(length - lengthRef, lengthBits);
  w.align();
  for (const g of groups) {
    if (g.width === 0) continue;
    const top = 2 ** g.width - 1;
    for (const v of g.values) w.put(v === 'primary' ? top : v === 'secondary' ? top - 1 : v - g.ref, g.width);
  }
  return [section(5, s5), section(7, new Octets().raw(w.bytes()))];
}

function bitmapSection(present: boolean[] | 'none' | 'reuse'): number[] {
  if (present === 'none') return section(6, new Octets().u8(255));
  if (present === 'reuse') return section(6, new Octets().u8(254));
  const w = new BitWriter();
  for (const p of present) w.put(p ? 1 : 0, 1);
  return section(6, new Octets().u8(0).raw(w.bytes()));
}

const expected = (x: number, s: Scaling) => Math.fround((Math.fround(s.r) + x * 2 ** s.e) / 10 ** s.d);
const decode = (bytes: Uint8Array, options = {}) =>
  decodeGrib2(bytes, { source: 'synthetic.grib2', ...options });

/** Value at output node (i, j) and its coordinates. */
const at = (f: Grib2Field, i: number, j: number) => ({
  lon: f.lon.start + i * f.lon.step,
  lat: f.lat.start + j * f.lat.step,
  value: f.values[j * f.lon.count + i],
});

// ---- Tests ----------------------------------------------------------------------------------------

describe('GRIB2 scanning modes (flag table 3.4)', () => {
  // A 5 × 3 grid, 10–14 E, 50–52 N; the value at a point encodes where it is: X = 10·(lon − 10) + (lat − 50).
  const truth = (lon: number, lat: number) => 10 * (lon - 10) + (lat - 50);
  const ni = 5;
  const nj = 3;
  for (let scan = 0; scan < 256; scan += 16) {
    it(`scanning mode ${scan.toString(2).padStart(8, '0')}`, async () => {
      const minusI = (scan & 0x80) !== 0;
      const plusJ = (scan & 0x40) !== 0;
      const byColumns = (scan & 0x20) !== 0;
      const alternate = (scan & 0x10) !== 0;
      const lonAt = (i: number) => (minusI ? 14 - i : 10 + i);
      const latAt = (j: number) => (plusJ ? 50 + j : 52 - j);
      // Points in the order the flags prescribe.
      const xs: number[] = [];
      const [slow, fast] = byColumns ? [ni, nj] : [nj, ni];
      for (let s = 0; s < slow; s++) {
        for (let f0 = 0; f0 < fast; f0++) {
          const f = alternate && s % 2 === 1 ? fast - 1 - f0 : f0;
          const [i, j] = byColumns ? [s, f] : [f, s];
          xs.push(truth(lonAt(i), latAt(j)));
        }
      }
      const grid = {
        ni,
        nj,
        la1: latAt(0),
        lo1: lonAt(0),
        la2: latAt(nj - 1),
        lo2: lonAt(ni - 1),
        di: 1,
        dj: 1,
        scan,
      };
      const s = { r: 0, e: 0, d: 0 };
      const bytes = message([section1(), section3(grid), section4(), ...simpleWithBitmap(xs, s)]);
      const [field] = (await decode(bytes)).fields;
      expect(field.lon).toEqual({ start: lonAt(0), step: minusI ? -1 : 1, count: ni });
      expect(field.lat).toEqual({ start: latAt(0), step: plusJ ? 1 : -1, count: nj });
      for (let j = 0; j < nj; j++) {
        for (let i = 0; i < ni; i++) {
          const p = at(field, i, j);
          expect(p.value).toBe(truth(p.lon, p.lat));
        }
      }
      // The same with a box 11.2–12 E, 51 N: the nodes inside plus one beyond each edge.
      const cropped = (await decode(bytes, { bbox: { lonMin: 11.2, lonMax: 12, latMin: 51, latMax: 51 } }))
        .fields[0];
      expect(cropped.lon.count).toBe(3); // the node 12 E inside the box, and 11 and 13 E beyond its edges
      expect(cropped.lat.count).toBe(3);
      for (let j = 0; j < cropped.lat.count; j++) {
        for (let i = 0; i < cropped.lon.count; i++) {
          const p = at(cropped, i, j);
          expect(p.value).toBe(truth(p.lon, p.lat));
        }
      }
    });
  }

  function simpleWithBitmap(xs: number[], s: Scaling): number[][] {
    const [s5, s7] = simple(xs, s);
    return [s5, bitmapSection('none'), s7];
  }
});

describe('GRIB2 boxes across the 0/360° seam', () => {
  // Global 10° grid, 0…350 E, 3 rows; the value is the longitude.
  const xs: number[] = [];
  for (let j = 0; j < 3; j++) for (let i = 0; i < 36; i++) xs.push(i * 10);
  const grid = { ni: 36, nj: 3, la1: 10, lo1: 0, la2: -10, lo2: 350, di: 10, dj: 10, scan: 0 };
  const [s5, s7] = simple(xs, { r: 0, e: 0, d: 0 });
  const bytes = message([section1(), section3(grid), section4(), s5, bitmapSection('none'), s7]);

  for (const bbox of [
    { lonMin: -25, lonMax: 15, latMin: -5, latMax: 5 },
    { lonMin: 335, lonMax: 15, latMin: -5, latMax: 5 },
  ]) {
    it(`keeps ${bbox.lonMin}…${bbox.lonMax} E with one column beyond each edge`, async () => {
      const [f] = (await decode(bytes, { bbox })).fields;
      expect(f.lon).toEqual({ start: bbox.lonMin < 0 ? -30 : 330, step: 10, count: 6 });
      expect(f.lat).toEqual({ start: 10, step: -10, count: 3 });
      for (let i = 0; i < 6; i++) expect(at(f, i, 1).value).toBe(((at(f, i, 1).lon % 360) + 360) % 360);
    });
  }

  it('keeps the whole circle for a box wider than the grid, and refuses a box off a regional grid', async () => {
    const [f] = (await decode(bytes, { bbox: { lonMin: -180, lonMax: 179.9, latMin: -90, latMax: 90 } }))
      .fields;
    expect(f.lon.count).toBe(36);
    const regional = { ni: 5, nj: 3, la1: 50, lo1: 10, la2: 52, lo2: 14, di: 1, dj: 1, scan: 0x40 };
    const [r5, r7] = simple(new Array(15).fill(1), { r: 0, e: 0, d: 0 });
    const small = message([section1(), section3(regional), section4(), r5, bitmapSection('none'), r7]);
    const error = await rejection(
      decode(small, { bbox: { lonMin: 100, lonMax: 120, latMin: 50, latMax: 52 } }),
    );
    expect(error.part).toBe('section 3 (message 1)');
    expect(error.reason).toContain('does not overlap');
    // A regional box that starts before the grid's first column (west of 10 E, written as 350…11).
    const [g] = (await decode(small, { bbox: { lonMin: 350, lonMax: 11, latMin: 50, latMax: 52 } })).fields;
    expect(g.lon).toEqual({ start: 10, step: 1, count: 3 });
  });
});

describe('GRIB2 complex packing (templates 5.2, 5.3)', () => {
  const grid = { ni: 8, nj: 5, la1: 60, lo1: 20, la2: 56, lo2: 27, di: 1, dj: 1, scan: 0 };
  const n = 40;
  // A smooth field with a few jumps, as integers.
  const base = Array.from(
    { length: n },
    (_, k) => 500 + Math.round(40 * Math.sin(k / 3)) + (k % 11 === 0 ? 90 : 0),
  );
  const lengths = [3, 7, 1, 9, 5, 5, 2, 8];
  const s = { r: -12.5, e: -2, d: 1 };

  for (const order of [0, 1, 2] as const) {
    for (const missing of [0, 1, 2] as const) {
      it(`order ${order}, missing-value management ${missing}`, async () => {
        const xs: (number | Missing)[] = base.map((x, k) =>
          missing > 0 && k % 7 === 3 ? 'primary' : missing === 2 && k % 9 === 5 ? 'secondary' : x,
        );
        // A whole group missing too (group 3 holds a single point, index 10).
        if (missing > 0) xs[10] = 'primary';
        const bytes = message([
          section1(),
          section3(grid),
          section4(),
          ...withBitmap(complex(xs, s, { order, missing, lengths })),
        ]);
        const [f] = (await decode(bytes)).fields;
        expect(f.info.template5).toBe(order > 0 ? 3 : 2);
        xs.forEach((x, k) => {
          if (typeof x === 'number') expect(f.values[k]).toBe(expected(x, s));
          else expect(f.values[k]).toBeNaN();
        });
      });
    }
  }

  it('a bit map and complex packing together; a second field reusing the bit map (indicator 254)', async () => {
    const present = base.map((_, k) => k % 5 !== 2);
    const xs = base.filter((_, k) => present[k]);
    const lengthsPresent = [10, 10, 12];
    const [a5, a7] = complex(xs, s, { order: 2, missing: 0, lengths: lengthsPresent });
    const [b5, b7] = simple(
      xs.map((x) => x - 400),
      s,
    );
    const bytes = message([
      section1(),
      section3(grid),
      section4(),
      a5,
      bitmapSection(present),
      a7,
      section4({ number: 3 }),
      b5,
      bitmapSection('reuse'),
      b7,
    ]);
    const file = await decode(bytes);
    expect(file.fields.map((f) => [f.info.message, f.info.fieldInMessage, f.info.shortName])).toEqual([
      [1, 1, 'u'],
      [1, 2, 'v'],
    ]);
    let k = 0;
    present.forEach((p, point) => {
      if (!p) {
        expect(file.fields[0].values[point]).toBeNaN();
        expect(file.fields[1].values[point]).toBeNaN();
      } else {
        expect(file.fields[0].values[point]).toBe(expected(xs[k], s));
        expect(file.fields[1].values[point]).toBe(expected(xs[k] - 400, s));
        k++;
      }
    });
  });

  it('a constant field (0 bits per value) is R everywhere', async () => {
    const [s5, s7] = simple(new Array(n).fill(0), { r: 287.25, e: 0, d: 0 }, 0);
    const [f] = (
      await decode(message([section1(), section3(grid), section4(), s5, bitmapSection('none'), s7]))
    ).fields;
    expect([...f.values]).toEqual(new Array(n).fill(287.25));
  });

  function withBitmap([s5, s7]: number[][]): number[][] {
    return [s5, bitmapSection('none'), s7];
  }
});

describe('GRIB2 product templates and times', () => {
  const grid = { ni: 2, nj: 2, la1: 50, lo1: 10, la2: 51, lo2: 11, di: 1, dj: 1, scan: 0x40 };
  const [s5, s7] = simple([1, 2, 3, 4], { r: 0, e: 0, d: 0 });
  const field = (p: ProductSpec) =>
    message([section1(), section3(grid), section4(p), s5, bitmapSection('none'), s7]);
  const ref = Date.parse('2024-03-01T06:00:00Z') / 1000;

  it('4.0 valid time = reference + forecast time in its unit (code table 4.4)', async () => {
    const cases: [number, number, number][] = [
      [0, 90, 90 * 60], // minutes
      [1, 6, 6 * 3600], // hours
      [2, 2, 2 * 86_400], // days
      [10, 3, 9 * 3600], // 3 hours
      [11, 2, 12 * 3600], // 6 hours
      [12, 1, 12 * 3600], // 12 hours
      [13, 45, 45], // seconds
      [3, 1, 31 * 86_400], // a calendar month: March has 31 days
    ];
    const bytes = concat(...cases.map(([unit, forecast]) => field({ unit, forecast })));
    const file = await decode(bytes);
    expect(file.fields.map((f) => f.info.validTimeSec - ref)).toEqual(cases.map(([, , sec]) => sec));
    expect(file.fields[0].info.referenceTimeSec).toBe(ref);
  });

  it('4.1 carries the ensemble member; 4.8 is valid at the end of its interval; others are skipped', async () => {
    const parts = [
      field({ template: 1 }),
      field({ template: 8, end: { year: 2024, month: 3, day: 2, hour: 0 } }),
      field({ template: 15 }),
      field({ levelType: 102, levelValue: 18288, levelScale: 1 }),
    ];
    const bytes = concat(...parts);
    const file = await decode(bytes);
    expect(file.fields[0].info.ensemble).toEqual({ type: 3, perturbation: 7, size: 20 });
    expect(file.fields[1].info.validTimeSec).toBe(Date.parse('2024-03-02T00:00:00Z') / 1000);
    expect(file.skipped).toEqual([
      expect.objectContaining({ message: 3, template4: 15, offset: parts[0].length + parts[1].length }),
    ]);
    expect(file.fields[2].info).toMatchObject({ levelType: 'height-above-sea', level: 1828.8 });
    const d = describeGrib2({ name: 'x', bytes });
    expect(d.messages.map((m) => m.template4)).toEqual([1, 8, 0]);
    expect(d.skipped.map((m) => m.message)).toEqual([3]);
  });

  it('section 1 octets 6-9, 20, 21 and section 4 octets 12-14: who made the field, and how', async () => {
    // Values as an ECMWF (98) research (2) perturbed forecast (4) of its ensemble (process 4), model
    // 154 from background 11: none is a default the writer uses elsewhere.
    const time = { year: 2024, month: 3, day: 1, hour: 6 };
    const ids = { centre: 98, subCentre: 3, status: 2, type: 4 };
    const bytes = message([
      section1(time, ids),
      section3(grid),
      section4({ template: 1, process: [4, 11, 154] }),
      s5,
      bitmapSection('none'),
      s7,
    ]);
    const [f] = (await decode(bytes)).fields;
    expect(f.info).toMatchObject({
      centre: 98,
      subCentre: 3,
      productionStatus: 2,
      dataType: 4,
      generatingProcess: 4,
      backgroundProcess: 11,
      processId: 154,
      ensemble: { type: 3, perturbation: 7, size: 20 },
    });
  });

  it('refuses a forecast time unit it does not know', async () => {
    const error = await rejection(decode(field({ unit: 9 })));
    expect(error.part).toBe('section 4 (message 1)');
    expect(error.reason).toContain('unit of time 9');
  });
});

describe('GRIB2 refusals on written messages', () => {
  const grid = { ni: 2, nj: 2, la1: 50, lo1: 10, la2: 51, lo2: 11, di: 1, dj: 1, scan: 0x40 };
  const [s5, s7] = simple([1, 2, 3, 4], { r: 0, e: 0, d: 0 });

  it('an unsupported grid template, with its section and offset', async () => {
    const bytes = message([
      section1(),
      section3({ ...grid, template: 30 }),
      section4(),
      s5,
      bitmapSection('none'),
      s7,
    ]);
    const error = await rejection(decode(bytes));
    expect(error.part).toBe('section 3 (message 1)');
    expect(error.offset).toBe(16 + 21 + 12); // octets 13-14 of section 3
    expect(error.reason).toContain('3.30');
    // Not selected, it costs nothing and fails nothing.
    expect((await decode(bytes, { select: () => false })).fields).toEqual([]);
    expect(describeGrib2({ name: 'x', bytes }).messages[0].nx).toBeUndefined();
  });

  it('an unsupported data representation template (5.4), a wrong value count, a predefined bit map', async () => {
    const ieee = section(5, new Octets().u32(4).u16(4).u8(1));
    const e1 = await rejection(
      decode(message([section1(), section3(grid), section4(), ieee, bitmapSection('none'), s7])),
    );
    expect(e1.part).toBe('section 5 (message 1)');
    expect(e1.reason).toContain('5.4 is not supported');
    const [w5, w7] = simple([1, 2, 3], { r: 0, e: 0, d: 0 });
    const e2 = await rejection(
      decode(message([section1(), section3(grid), section4(), w5, bitmapSection('none'), w7])),
    );
    expect(e2.reason).toContain('the grid has 4 points');
    const predefined = section(6, new Octets().u8(5));
    const e3 = await rejection(decode(message([section1(), section3(grid), section4(), s5, predefined, s7])));
    expect(e3.part).toBe('section 6 (message 1)');
    const e4 = await rejection(
      decode(message([section1(), section3(grid), section4(), s5, bitmapSection('reuse'), s7])),
    );
    expect(e4.reason).toContain('no earlier bit map');
  });

  it('sections out of order, a grid whose last point contradicts the scanning mode, impossible dates', async () => {
    const e1 = await rejection(
      decode(message([section1(), section4(), section3(grid), s5, bitmapSection('none'), s7])),
    );
    expect(e1.reason).toContain('section 4 cannot follow section 1');
    const e2 = await rejection(
      decode(
        message([section1(), section3({ ...grid, scan: 0 }), section4(), s5, bitmapSection('none'), s7]),
      ),
    );
    expect(e2.part).toBe('section 3 (message 1)');
    const e3 = await rejection(
      decode(
        message([
          section1({ year: 2024, month: 2, day: 30, hour: 0 }),
          section3(grid),
          section4(),
          s5,
          bitmapSection('none'),
          s7,
        ]),
      ),
    );
    expect(e3.part).toBe('section 1 (message 1)');
    const e4 = await rejection(
      decode(
        message([
          section1(),
          section3(grid),
          section4(),
          ...simple([1, 2, 3, 4], { r: 1, e: 200, d: 0 }).slice(0, 1),
          bitmapSection('none'),
          s7,
        ]),
      ),
    );
    expect(e4.reason).toContain('float32 range');
  });

  it('packing parameters that are not finite: a NaN or infinite reference value, scales beyond range', async () => {
    // R, E and D give Y = (R + X·2^E) / 10^D: each must leave every value finite, or the field is refused.
    const withScaling = (s: Scaling) =>
      decode(
        message([
          section1(),
          section3(grid),
          section4(),
          ...simple([1, 2, 3, 4], s).slice(0, 1),
          bitmapSection('none'),
          s7,
        ]),
      );
    for (const r of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const e = await rejection(withScaling({ r, e: 0, d: 0 }));
      expect(e.part).toBe('section 5 (message 1)');
      expect(e.reason).toBe(`reference value ${r} (octets 12-15) is not a finite number`);
    }
    expect((await rejection(withScaling({ r: 0, e: 2000, d: 0 }))).reason).toContain(
      'binary scale factor 2000',
    );
    expect((await rejection(withScaling({ r: 0, e: 0, d: -400 }))).reason).toContain(
      'decimal scale factor -400',
    );
  });
});
