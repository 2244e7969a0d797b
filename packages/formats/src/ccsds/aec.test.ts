import { readFileSync } from 'node:fs';
import { hasSharedData, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { type Grib2Sections, gridIndex, walkGrib2 } from '../testing/grib2-walk.js';
import { AecError, aecDecode } from './aec.js';

// libaec flag bits (GRIB2 template 5.42 octet 22).
const SIGNED = 1;
const PREPROCESS = 8;
const RESTRICTED = 16;
const PAD_RSI = 32;

/** Tiny xorshift32 PRNG: the seed is printed so a failure can be replayed with AEC_TEST_SEED. */
function xorshift32(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}
// A fixed seed, so every run tests the same cases (AEC_TEST_SEED=random … explores others).
const SEED = Number(process.env.AEC_TEST_SEED) || 20240101;
console.log(`[aec.test] PRNG seed ${SEED} (replay with AEC_TEST_SEED=${SEED})`);

/** MSB-first bit writer for hand-built streams. */
class BitWriter {
  private readonly bits: number[] = [];
  put(value: number, count: number): this {
    for (let i = count - 1; i >= 0; i--) this.bits.push(Math.floor(value / 2 ** i) % 2);
    return this;
  }
  /** Fundamental sequence codeword: `m` zeros then a one. */
  fs(m: number): this {
    for (let i = 0; i < m; i++) this.bits.push(0);
    this.bits.push(1);
    return this;
  }
  align(): this {
    while (this.bits.length % 8) this.bits.push(0);
    return this;
  }
  get length(): number {
    return this.bits.length;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(Math.ceil(this.bits.length / 8));
    this.bits.forEach((bit, i) => {
      out[i >> 3] |= bit << (7 - (i & 7));
    });
    return out;
  }
}

const opts = (bitsPerSample: number, blockSize: number, rsi: number, flags: number) => ({
  bitsPerSample,
  blockSize,
  rsi,
  flags,
});

describe('aecDecode on hand-built streams, one per coding option', () => {
  it('no compression: ID all ones then J raw samples', () => {
    const samples = [0, 1, 2, 127, 128, 200, 254, 255];
    const w = new BitWriter().put(0b111, 3);
    for (const s of samples) w.put(s, 8);
    expect(Array.from(aecDecode(w.bytes(), opts(8, 8, 1, 0), 8))).toEqual(samples);
  });

  it('fundamental sequence (k = 0): ID 1 then one FS codeword per sample', () => {
    const samples = [0, 3, 1, 0, 9, 2, 0, 0];
    const w = new BitWriter().put(0b001, 3);
    for (const s of samples) w.fs(s);
    expect(Array.from(aecDecode(w.bytes(), opts(8, 8, 4, 0), 8))).toEqual(samples);
  });

  it('split-sample k = 3 with 12-bit samples (4-bit ID): FS high parts, then 3-bit low parts', () => {
    const samples = [0, 7, 8, 100, 4095, 1, 2, 3];
    const w = new BitWriter().put(3 + 1, 4);
    for (const s of samples) w.fs(s >> 3);
    for (const s of samples) w.put(s & 7, 3);
    expect(Array.from(aecDecode(w.bytes(), opts(12, 8, 4, 0), 8))).toEqual(samples);
  });

  it('split-sample k = 20 with 32-bit samples (5-bit ID), values above 2^31', () => {
    const samples = [0xffffffff, 0x80000000, 0x7fffffff, 12345678, 0, 1, 2 ** 20, 0xfff00000];
    const w = new BitWriter().put(21, 5);
    for (const s of samples) w.fs(Math.floor(s / 2 ** 20));
    for (const s of samples) w.put(s % 2 ** 20, 20);
    expect(Array.from(aecDecode(w.bytes(), opts(32, 8, 4, 0), 8))).toEqual(samples);
  });

  it('second extension: pairs coded as γ = (a+b)(a+b+1)/2 + b', () => {
    const gamma = (a: number, b: number) => ((a + b) * (a + b + 1)) / 2 + b;
    const pairs = [
      [0, 0],
      [1, 0],
      [0, 2],
      [3, 1],
    ];
    const w = new BitWriter().put(0, 3).put(1, 1);
    for (const [a, b] of pairs) w.fs(gamma(a, b));
    expect(Array.from(aecDecode(w.bytes(), opts(8, 8, 4, 0), 8))).toEqual(pairs.flat());
  });

  it('second extension with a reference sample: the first γ codes δ1 alone', () => {
    // Preprocessed, reference 50; mapped errors δ1..δ7 = 2 (→ +1), 0, 1 (→ −1), 0, 0, 4 (→ +2), 3 (→ −2).
    const w = new BitWriter().put(0, 3).put(1, 1).put(50, 8);
    w.fs((2 * 3) / 2 + 2); // (δ0 = reference, δ1 = 2)
    w.fs(((0 + 1) * 2) / 2 + 1); // (0, 1)
    w.fs(0); // (0, 0)
    w.fs(((4 + 3) * 8) / 2 + 3); // (4, 3)
    expect(Array.from(aecDecode(w.bytes(), opts(8, 8, 4, PREPROCESS), 8))).toEqual([
      50, 51, 51, 50, 50, 50, 52, 50,
    ]);
  });

  it('zero block: FS m < 4 means m + 1 blocks, m > 4 means m blocks', () => {
    // 12 blocks of 8 in one RSI: 2 zero blocks (m = 1), 5 zero blocks (m = 5), one FS block, 4 zero (m = 3).
    const w = new BitWriter();
    w.put(0, 3).put(0, 1).fs(1);
    w.put(0, 3).put(0, 1).fs(5);
    w.put(1, 3);
    for (let i = 0; i < 8; i++) w.fs(i);
    w.put(0, 3).put(0, 1).fs(3);
    const expected = new Array(96).fill(0);
    for (let i = 0; i < 8; i++) expected[56 + i] = i;
    expect(Array.from(aecDecode(w.bytes(), opts(8, 8, 12, 0), 96))).toEqual(expected);
  });

  it('zero block with the reference sample and ROS: the whole RSI repeats the reference', () => {
    // Preprocessing on, RSI of 4 blocks: ID 0, selector 0, reference 200, FS 4 = remainder of segment
    // (here the end of the RSI). The second RSI is one uncompressed block then ROS for its remaining 3.
    const w = new BitWriter();
    w.put(0, 3).put(0, 1).put(200, 8).fs(4);
    w.put(0b111, 3).put(10, 8);
    for (const d of [2, 2, 1, 0, 0, 0, 4]) w.put(d, 8); // +1, +1, −1, 0, 0, 0, +2
    w.put(0, 3).put(0, 1).fs(4);
    const expected = [...new Array(32).fill(200), 10, 11, 12, 11, 11, 11, 11, 13, ...new Array(24).fill(13)];
    expect(Array.from(aecDecode(w.bytes(), opts(8, 8, 4, PREPROCESS), 64))).toEqual(expected);
  });

  it('ROS in the middle of a long RSI stops at the end of the 64-block segment', () => {
    // RSI of 100 blocks of 8: block 0 uncompressed, ROS covers blocks 1–63, block 64 is FS, then ROS
    // covers 65–99 (the end of the RSI comes before the end of the second segment).
    const w = new BitWriter();
    w.put(0b111, 3);
    for (let i = 0; i < 8; i++) w.put(i + 1, 8);
    w.put(0, 3).put(0, 1).fs(4);
    w.put(0b001, 3);
    for (let i = 0; i < 8; i++) w.fs(7);
    w.put(0, 3).put(0, 1).fs(4);
    const expected = new Array(800).fill(0);
    for (let i = 0; i < 8; i++) {
      expected[i] = i + 1;
      expected[512 + i] = 7;
    }
    expect(Array.from(aecDecode(w.bytes(), opts(8, 8, 100, 0), 800))).toEqual(expected);
  });

  it('restricted code options: 1-bit ID for 2-bit samples, 2-bit ID for 4-bit samples', () => {
    const two = new BitWriter().put(1, 1); // ID 1 = no compression in the 1-bit set
    for (const s of [0, 1, 2, 3, 3, 2, 1, 0]) two.put(s, 2);
    two.put(0, 1).put(0, 1).fs(0); // then a zero block
    expect(Array.from(aecDecode(two.bytes(), opts(2, 8, 2, RESTRICTED), 16))).toEqual([
      0, 1, 2, 3, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    const four = new BitWriter().put(2, 2); // ID 2 = split k = 1
    const samples = [15, 0, 1, 2, 3, 4, 5, 6];
    for (const s of samples) four.fs(s >> 1);
    for (const s of samples) four.put(s & 1, 1);
    four.put(1, 2); // ID 1 = FS
    for (const s of samples) four.fs(s);
    expect(Array.from(aecDecode(four.bytes(), opts(4, 8, 2, RESTRICTED), 16))).toEqual([
      ...samples,
      ...samples,
    ]);
  });

  it('signed samples come back sign-extended as 32-bit two’s complement', () => {
    const w = new BitWriter().put(0b1111, 4);
    for (const s of [-1, 0, 1, -32768, 32767, -2, 2, -100]) w.put(s & 0xffff, 16);
    const out = aecDecode(w.bytes(), opts(16, 8, 1, SIGNED), 8);
    expect(Array.from(new Int32Array(out.buffer))).toEqual([-1, 0, 1, -32768, 32767, -2, 2, -100]);
    expect(out[0]).toBe(0xffffffff);
  });

  it('AEC_PAD_RSI: each RSI starts on a byte boundary', () => {
    const w = new BitWriter();
    w.put(0b001, 3);
    for (let i = 0; i < 8; i++) w.fs(1); // 3 + 16 bits: not a byte multiple
    w.align();
    w.put(0b001, 3);
    for (let i = 0; i < 8; i++) w.fs(2);
    const out = aecDecode(w.bytes(), opts(8, 8, 1, PAD_RSI), 16);
    expect(Array.from(out)).toEqual([...new Array(8).fill(1), ...new Array(8).fill(2)]);
  });

  it('a last block shorter than J: samples past sampleCount are dropped', () => {
    const w = new BitWriter().put(0b111, 3);
    for (let i = 0; i < 8; i++) w.put(i < 5 ? 40 + i : 44, 8);
    expect(Array.from(aecDecode(w.bytes(), opts(8, 8, 1, 0), 5))).toEqual([40, 41, 42, 43, 44]);
  });

  it('bitsPerSample 0 (GRIB2 constant field) gives zeros without reading the input', () => {
    expect(Array.from(aecDecode(new Uint8Array(0), opts(0, 32, 128, 14), 3))).toEqual([0, 0, 0]);
  });

  it('rejects bad options and impossible sample counts with AecError', () => {
    const data = new Uint8Array(16);
    expect(() => aecDecode(data, opts(33, 8, 1, 0), 8)).toThrow(AecError);
    expect(() => aecDecode(data, opts(8, 12, 1, 0), 8)).toThrow(/blockSize/);
    expect(() => aecDecode(data, opts(8, 8, 0, 0), 8)).toThrow(/rsi/);
    expect(() => aecDecode(data, opts(8, 8, 1, 0), -1)).toThrow(/sampleCount/);
    expect(() => aecDecode(data, opts(8, 8, 1, 0), 1e9)).toThrow(/cannot hold/);
    expect(() => aecDecode(new Uint8Array(0), opts(8, 8, 1, 0), 1)).toThrow(AecError);
  });

  it('reports where a truncated stream ends', () => {
    const w = new BitWriter().put(0b111, 3);
    for (let i = 0; i < 8; i++) w.put(i, 8);
    const cut = w.bytes().subarray(0, 5);
    const error = captureError(() => aecDecode(cut, opts(8, 8, 1, 0), 8));
    expect(error).toBeInstanceOf(AecError);
    expect((error as AecError).message).toMatch(/input ends inside an uncompressed sample \(5 bytes/);
    expect((error as AecError).offset).toBe(4);
    expect((error as AecError).bitOffset).toBe(35);
  });

  it('rejects corrupt codes: zero run past the RSI, split values wider than n', () => {
    const run = new BitWriter().put(0, 3).put(0, 1).fs(5).bytes(); // 5 blocks in an RSI of 2
    expect(() => aecDecode(run, opts(8, 8, 2, 0), 16)).toThrow(/zero-block run/);
    const wide = new BitWriter().put(0b001, 3).fs(300).bytes(); // FS 300 > 255 for 8-bit samples
    expect(() => aecDecode(wide, opts(8, 8, 2, 0), 16)).toThrow(/exceeds 8 bits/);
  });
});

// ---------------------------------------------------------------------------------------------------
// Round trips through a small reference encoder written here from the spec's forward definitions
// (prediction-error mapping, option formats), choosing among the valid options at random.

interface EncodeParams {
  n: number;
  blockSize: number;
  rsi: number;
  flags: number;
}

function idLengthFor(n: number, flags: number): number {
  if (flags & RESTRICTED && n <= 4) return n <= 2 ? 1 : 2;
  return n <= 8 ? 3 : n <= 16 ? 4 : 5;
}

/** Encodes `samples` (signed values when SIGNED is set), padding the last block with the last sample. */
function encode(
  samples: number[],
  p: EncodeParams,
  random: () => number,
  used: Map<string, number>,
): Uint8Array {
  const count = (option: string) => used.set(option, (used.get(option) ?? 0) + 1);
  const { n, blockSize: J, rsi, flags } = p;
  const signed = (flags & SIGNED) !== 0;
  const pp = (flags & PREPROCESS) !== 0;
  const idLen = idLengthFor(n, flags);
  const xmin = signed ? -(2 ** (n - 1)) : 0;
  const xmax = signed ? 2 ** (n - 1) - 1 : 2 ** n - 1;
  const raw = (x: number) => (x < 0 ? x + 2 ** n : x);
  const padded = [...samples];
  while (padded.length % J) padded.push(samples[samples.length - 1]);
  const w = new BitWriter();
  for (let start = 0; start < padded.length; start += rsi * J) {
    if (start > 0 && flags & PAD_RSI) w.align();
    const chunk = padded.slice(start, start + rsi * J);
    // Values to code: the reference sample raw, then mapped prediction errors (spec forward mapping).
    const d = chunk.map((x, i) => {
      if (!pp) return raw(x);
      if (i === 0) return raw(x);
      const predicted = chunk[i - 1];
      const delta = x - predicted;
      const theta = Math.min(predicted - xmin, xmax - predicted);
      if (delta >= 0 && delta <= theta) return 2 * delta;
      if (delta < 0 && delta >= -theta) return 2 * -delta - 1;
      return theta + Math.abs(delta);
    });
    const blocks = chunk.length / J;
    let b = 0;
    while (b < blocks) {
      const ref = pp && b === 0 ? 1 : 0;
      const block = d.slice(b * J, b * J + J);
      const coded = block.slice(ref);
      const choices: string[] = ['none'];
      const kmax = Math.min(2 ** idLen - 3, n);
      for (let k = 0; k <= kmax; k++) {
        if (coded.every((v) => Math.floor(v / 2 ** k) <= 40)) choices.push(`k${k}`);
      }
      if (idLen > 1 && coded.every((v) => v <= 4)) choices.push('se');
      if (coded.every((v) => v === 0)) choices.push('zero');
      // Zero blocks are rare in the data, so take them most of the time when they are possible.
      const choice =
        choices.includes('zero') && random() < 0.7 ? 'zero' : choices[Math.floor(random() * choices.length)];
      const option = choice === 'k0' ? 'fundamental sequence' : choice.startsWith('k') ? 'split' : choice;
      count(option);
      if (ref) count(`${option} with reference`);
      if (choice === 'none') {
        w.put(2 ** idLen - 1, idLen);
        for (const v of block) w.put(v, n);
        b++;
      } else if (choice.startsWith('k')) {
        const k = Number(choice.slice(1));
        w.put(k + 1, idLen);
        if (ref) w.put(block[0], n);
        for (const v of coded) w.fs(Math.floor(v / 2 ** k));
        for (const v of coded) w.put(v % 2 ** k, k);
        b++;
      } else if (choice === 'se') {
        w.put(0, idLen).put(1, 1);
        if (ref) w.put(block[0], n);
        for (let i = ref; i < J; i += i % 2 === 0 ? 2 : 1) {
          const a = i % 2 === 0 ? block[i] : 0;
          const c = i % 2 === 0 ? block[i + 1] : block[i];
          w.fs(((a + c) * (a + c + 1)) / 2 + c);
        }
        b++;
      } else {
        // Longest run of all-zero blocks inside this segment, then maybe a shorter one at random.
        let run = 1;
        while (
          b + run < blocks &&
          (b + run) % 64 !== 0 &&
          d.slice((b + run) * J, (b + run + 1) * J).every((v) => v === 0)
        )
          run++;
        const reachesEnd = b + run === blocks || (b + run) % 64 === 0;
        const length = random() < 0.5 ? run : 1 + Math.floor(random() * run);
        w.put(0, idLen).put(0, 1);
        if (ref) w.put(block[0], n);
        if (length === run && reachesEnd && run >= 5) {
          w.fs(4);
          count('ROS');
          // The last RSI of the data is short: ROS ends at the end of the data, not of the segment.
          if (Math.min(rsi - b, 64 - (b % 64)) > run) count('ROS at end of data');
        } else {
          w.fs(length <= 4 ? length - 1 : length);
        }
        b += length;
      }
    }
  }
  return w.bytes();
}

/** Random-walk samples with long flat stretches (zero blocks), jumps and extremes (the θ branch). */
function randomSamples(count: number, n: number, signed: boolean, random: () => number): number[] {
  const xmin = signed ? -(2 ** (n - 1)) : 0;
  const xmax = signed ? 2 ** (n - 1) - 1 : 2 ** n - 1;
  const clamp = (x: number) => Math.max(xmin, Math.min(xmax, x));
  const anywhere = () => clamp(Math.round(xmin + random() * (xmax - xmin)));
  const out: number[] = [];
  let x = anywhere();
  while (out.length < count) {
    const mode = random();
    const length = Math.min(count - out.length, 1 + Math.floor(random() * (mode < 0.3 ? 800 : 60)));
    if (mode < 0.3) {
      if (random() < 0.3) x = 0; // raw zeros: zero blocks without preprocessing too
    } else if (mode < 0.4) {
      x = random() < 0.5 ? xmin : xmax;
    } else if (mode < 0.5) {
      x = anywhere();
    }
    for (let i = 0; i < length; i++) {
      if (mode >= 0.5) x = clamp(x + Math.round((random() - 0.5) * 6)); // small steps
      out.push(x + 0); // no -0 from Math.round
    }
  }
  return out;
}

describe('aecDecode round trips through a reference encoder', () => {
  it('random data, every option, sample size, block size, RSI and flag combination', () => {
    const random = xorshift32(SEED);
    const used = new Map<string, number>();
    for (let c = 0; c < 300; c++) {
      const n = 1 + Math.floor(random() * 32);
      const blockSize = [8, 16, 32, 64][Math.floor(random() * 4)];
      const rsi = 1 + Math.floor(random() * (random() < 0.3 ? 150 : 8));
      let flags = 0;
      if (random() < 0.7) flags |= PREPROCESS;
      if (random() < 0.3) flags |= SIGNED;
      if (random() < 0.3) flags |= PAD_RSI;
      if (n <= 4 && random() < 0.5) flags |= RESTRICTED;
      const count = 1 + Math.floor(random() * 2000);
      const samples = randomSamples(count, n, (flags & SIGNED) !== 0, random);
      const bytes = encode(samples, { n, blockSize, rsi, flags }, random, used);
      const decoded = aecDecode(bytes, opts(n, blockSize, rsi, flags), count);
      // Signed samples come back as 32-bit two's complement: read them through an Int32Array.
      const values = flags & SIGNED ? Array.from(new Int32Array(decoded.buffer)) : Array.from(decoded);
      expect(values, `case ${c}: n=${n} J=${blockSize} rsi=${rsi} flags=${flags}`).toEqual(samples);
    }
    console.log(`[aec.test] coded data sets per option: ${JSON.stringify(Object.fromEntries(used))}`);
    for (const option of [
      'none',
      'fundamental sequence',
      'split',
      'se',
      'se with reference',
      'zero',
      'zero with reference',
      'ROS',
      'ROS at end of data',
    ]) {
      expect(used.get(option) ?? 0, option).toBeGreaterThan(0);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// The real ECMWF file (GRIB2 template 5.42), checked against ecCodes.

/** The CCSDS options of a template 5.42 message: octets 22, 23 and 24–25 of section 5. */
function ccsdsOptions(m: Grib2Sections) {
  const s5 = m.section5;
  return { bitsPerSample: m.bitsPerValue, flags: s5[21], blockSize: s5[22], rsi: (s5[23] << 8) | s5[24] };
}

/** Y = (R + X·2^E) / 10^D (GRIB2 regulation 92.9.4). */
function unpackValues(m: Grib2Sections): Float64Array {
  const values = new Float64Array(m.numberOfValues);
  if (m.bitsPerValue === 0) return values.fill(m.reference / 10 ** m.decimalScale);
  const packed = aecDecode(m.data, ccsdsOptions(m), m.numberOfValues);
  const binary = 2 ** m.binaryScale;
  const decimal = 10 ** m.decimalScale;
  for (let i = 0; i < packed.length; i++) values[i] = (m.reference + packed[i] * binary) / decimal;
  return values;
}

function captureError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

const ECMWF_FILE = 'ecmwf-ccsds/20240101000000-0h-oper-fc.grib2';

describe.runIf(hasSharedData)('aecDecode on ECMWF open data (GRIB2 5.42) against ecCodes', () => {
  const file = hasSharedData ? new Uint8Array(readFileSync(sharedDataPath(ECMWF_FILE))) : new Uint8Array();
  const messages = hasSharedData ? walkGrib2(file) : [];

  it('decodes every message and matches every row of the ecCodes reference CSV', () => {
    expect(messages.length).toBe(10);
    const started = performance.now();
    const decoded = messages.map((m) => {
      expect(m.template5).toBe(42);
      expect(m.bitmapIndicator).toBe(255);
      expect(m.numberOfValues).toBe(m.ni * m.nj);
      return unpackValues(m);
    });
    const elapsed = performance.now() - started;
    const points = messages.reduce((sum, m) => sum + m.numberOfValues, 0);
    console.log(
      `[aec.test] decoded ${messages.length} messages, ${points} values in ${elapsed.toFixed(0)} ms`,
    );

    const csv = readFileSync(sharedDataPath('ecmwf-ccsds/reference-ecCodes-region.csv'), 'utf8');
    const rows = csv.trim().split('\n').slice(1);
    let maxError = 0;
    let maxErrorInSteps = 0;
    for (const row of rows) {
      const [msg, , levelHpa, lat, lon, value] = row.split(',');
      const m = messages[Number(msg) - 1];
      expect(m.level / 100).toBe(Number(levelHpa));
      const ours = decoded[Number(msg) - 1][gridIndex(m, Number(lat), Number(lon))];
      const reference = Number(value);
      const step = 2 ** m.binaryScale / 10 ** m.decimalScale;
      const error = Math.abs(ours - reference);
      expect(error, row).toBeLessThanOrEqual(step / 2 + Math.abs(reference) * 2 ** -23);
      maxError = Math.max(maxError, error);
      maxErrorInSteps = Math.max(maxErrorInSteps, error / step);
    }
    console.log(
      `[aec.test] ${rows.length} reference rows compared, max |error| ${maxError.toExponential(3)} ` +
        `(${maxErrorInSteps.toExponential(3)} quantisation steps)`,
    );
    expect(rows.length).toBe(432);
  });

  it('throws AecError on random truncations of real data, never hangs', () => {
    const random = xorshift32(SEED ^ 0x5eed);
    const m = messages[0];
    const options = ccsdsOptions(m);
    const cuts = [0, 1, 2, m.data.length - 1];
    for (let i = 0; i < 40; i++) cuts.push(Math.floor(random() * m.data.length));
    for (const cut of cuts) {
      const error = captureError(() => aecDecode(m.data.subarray(0, cut), options, m.numberOfValues));
      expect(error, `cut at ${cut} of ${m.data.length}`).toBeInstanceOf(AecError);
      expect((error as AecError).offset).toBeLessThanOrEqual(cut);
    }
  });

  it('corrupted real data either throws AecError or returns a full result, never hangs', () => {
    const random = xorshift32(SEED ^ 0xbad);
    const m = messages[1];
    const options = ccsdsOptions(m);
    let threw = 0;
    for (let i = 0; i < 30; i++) {
      const copy = m.data.slice();
      for (let flips = 0; flips < 1 + i; flips++) copy[Math.floor(random() * copy.length)] ^= 1 << (i % 8);
      try {
        expect(aecDecode(copy, options, m.numberOfValues).length).toBe(m.numberOfValues);
      } catch (error) {
        expect(error).toBeInstanceOf(AecError);
        threw++;
      }
    }
    console.log(`[aec.test] ${threw} of 30 corrupted copies were rejected`);
  });
});
