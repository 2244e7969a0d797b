/**
 * Decoder for CCSDS lossless data compression ("Adaptive Entropy Coding", AEC, the extended Rice
 * algorithm also known as szip), written from CCSDS 121.0-B-3 "Lossless Data Compression" (Blue Book,
 * August 2020). GRIB2 data representation template 5.42 stores its packed integers this way; the
 * parameters come straight from section 5 (bits per value, CCSDS flags, block size, RSI).
 *
 * The encoded stream is a sequence of coded data sets (CDS), one per block of J samples (J = block size)
 * or, for the zero-block option, one per run of all-zero blocks. Each CDS starts with an option
 * identifier (ID) whose length depends on the sample size n (spec "Coded Data Set Format", option ID key):
 *
 *   n ≤ 8: 3 bits, 8 < n ≤ 16: 4 bits, 16 < n ≤ 32: 5 bits; restricted set (AEC_RESTRICTED, defined
 *   for n ≤ 4 only, the flag is ignored for larger n): 1 bit for n ≤ 2, 2 bits for n = 3, 4.
 *   ID all zeros  → low-entropy options, one more bit selects zero-block (0) or second extension (1);
 *   ID all ones   → no compression, J raw n-bit samples;
 *   ID = 1 … max-1 → split-sample option with k = ID − 1 (k = 0 is the plain fundamental sequence).
 *
 * With preprocessing (unit-delay predictor and prediction-error mapper, spec "Preprocessor"), the first
 * CDS of every reference sample interval (RSI = `rsi` blocks) carries a raw n-bit reference sample right
 * after the ID (after the extra bit for the low-entropy options), and that CDS codes J − 1 mapped
 * prediction errors δ; the no-compression option instead codes all J samples with the reference first.
 *
 * The last block (and the last RSI) may be incomplete: the encoder pads the last block, and the decoder
 * simply stops after `sampleCount` samples.
 *
 * Works in Node and in browsers (no Node imports).
 */

/**
 * libaec / GRIB2 template 5.42 "CCSDS compression options mask" bits. AEC_DATA_3BYTE (2) and
 * AEC_DATA_MSB (4) only describe how libaec lays samples out in its output bytes, so they do not matter
 * here; other unknown bits are ignored too.
 */
const AEC_DATA_SIGNED = 1;
const AEC_DATA_PREPROCESS = 8;
const AEC_RESTRICTED = 16;
const AEC_PAD_RSI = 32;

/** Blocks per segment for the zero-block option's "remainder of segment" (spec: s = 64). */
const SEGMENT_BLOCKS = 64;
/** The fundamental-sequence value that means "remainder of segment" in a zero-block CDS. */
const ROS_CODE = 4;

/**
 * Truncated or corrupt AEC data, or options that make no sense. `offset` is the byte offset in the input
 * where decoding failed (`bitOffset` the exact bit); 0 for bad options.
 */
export class AecError extends Error {
  override name = 'AecError';
  readonly offset: number;
  constructor(
    reason: string,
    readonly bitOffset: number,
  ) {
    super(`CCSDS/AEC data: ${reason} (at bit ${bitOffset}, byte ${Math.floor(bitOffset / 8)})`);
    this.offset = Math.floor(bitOffset / 8);
  }
}

/**
 * MSB-first bit reader over a copy of the input padded with 8 zero bytes, so that a 32-bit window can
 * always be read without bounds checks; every read then checks that it did not pass the real end.
 */
class BitReader {
  private readonly data: Uint8Array;
  private readonly bitLength: number;
  /** Absolute position of the next unread bit. */
  pos = 0;

  constructor(input: Uint8Array) {
    this.data = new Uint8Array(input.length + 8);
    this.data.set(input);
    this.bitLength = input.length * 8;
  }

  /** The 32 bits starting at `pos`, as an unsigned number (zeros past the end of the input). */
  private peek32(): number {
    const data = this.data;
    const i = this.pos >>> 3;
    const shift = this.pos & 7;
    const word = (data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3];
    return shift === 0 ? word >>> 0 : ((word << shift) | (data[i + 4] >>> (8 - shift))) >>> 0;
  }

  private checkEnd(start: number, what: string): void {
    if (this.pos > this.bitLength) {
      throw new AecError(`input ends inside ${what} (${this.bitLength / 8} bytes of data)`, start);
    }
  }

  /** Reads `count` bits (1 … 32) as an unsigned number. */
  bits(count: number, what: string): number {
    const start = this.pos;
    const word = this.peek32();
    this.pos += count;
    this.checkEnd(start, what);
    return count === 32 ? word : word >>> (32 - count);
  }

  /**
   * Reads one fundamental-sequence codeword: m zeros then a one encode the value m (spec "Fundamental
   * Sequence Encoding"). Counts zeros 32 at a time with Math.clz32.
   */
  fs(what: string): number {
    const start = this.pos;
    let zeros = 0;
    for (;;) {
      const word = this.peek32();
      if (word !== 0) {
        const lead = Math.clz32(word);
        this.pos += lead + 1;
        this.checkEnd(start, what);
        return zeros + lead;
      }
      zeros += 32;
      this.pos += 32;
      this.checkEnd(start, what);
    }
  }

  /** Skips to the next byte boundary (AEC_PAD_RSI: every RSI starts on a byte). */
  alignToByte(): void {
    this.pos = Math.ceil(this.pos / 8) * 8;
  }
}

/**
 * Decodes `sampleCount` samples of CCSDS 121.0-B AEC data.
 *
 * - `bitsPerSample` n: 1 … 32 (0 is accepted as GRIB2's "constant field" and gives zeros).
 * - `blockSize` J: 8, 16, 32 or 64. `rsi`: reference sample interval in blocks, 1 … 4096 (libaec allows
 *   more; up to 65535 is accepted here since GRIB2 stores it in 16 bits).
 * - `flags`: libaec flags = GRIB2 template 5.42 octet 22. SIGNED, PREPROCESS, RESTRICTED and PAD_RSI
 *   change the decoding; 3BYTE and MSB only describe libaec's output byte layout and are ignored here.
 *
 * Returns one unsigned integer per sample. With AEC_DATA_SIGNED the n-bit two's-complement samples are
 * sign-extended to 32 bits and stored as their 32-bit two's-complement pattern: read them as signed with
 * `new Int32Array(result.buffer)` (-1 comes back as 0xffffffff in the Uint32Array).
 *
 * Throws AecError on truncated or corrupt data and on invalid options.
 */
export function aecDecode(
  input: Uint8Array,
  options: { bitsPerSample: number; blockSize: number; rsi: number; flags: number },
  sampleCount: number,
): Uint32Array {
  const { bitsPerSample: n, blockSize, rsi, flags } = options;
  checkOptions(input, options, sampleCount);
  const out = new Uint32Array(sampleCount);
  if (sampleCount === 0 || n === 0) return out;

  const signed = (flags & AEC_DATA_SIGNED) !== 0;
  const preprocess = (flags & AEC_DATA_PREPROCESS) !== 0;
  const padRsi = (flags & AEC_PAD_RSI) !== 0;
  const idLength = optionIdLength(n, (flags & AEC_RESTRICTED) !== 0);
  const noCompressionId = 2 ** idLength - 1;
  /** Largest n-bit value: bound for every decoded δ or raw sample (larger means corrupt data). */
  const maxValue = 2 ** n - 1;

  const totalBlocks = Math.ceil(sampleCount / blockSize);
  // Every CDS takes at least idLength + 2 bits and covers at most one segment of 64 blocks; a count
  // that cannot fit means a corrupt header, and checking now avoids allocating absurd buffers.
  const maxBlocks = Math.floor((input.length * 8) / (idLength + 2)) * SEGMENT_BLOCKS;
  if (totalBlocks > maxBlocks) {
    throw new AecError(
      `${input.length} bytes cannot hold ${sampleCount} samples of ${n} bits in blocks of ${blockSize}`,
      input.length * 8,
    );
  }

  // Decoded values before postprocessing (mapped prediction errors δ, or raw samples), whole blocks:
  // the last block may be padded by the encoder, the padding is dropped at the end.
  const values = totalBlocks * blockSize === sampleCount ? out : new Uint32Array(totalBlocks * blockSize);
  const reader = new BitReader(input);

  let block = 0;
  while (block < totalBlocks) {
    const blockInRsi = block % rsi;
    if (blockInRsi === 0 && block > 0 && padRsi) reader.alignToByte();
    const cdsStart = reader.pos;
    // The first CDS of each RSI carries the reference sample when preprocessing is on.
    const ref = preprocess && blockInRsi === 0 ? 1 : 0;
    const base = block * blockSize;
    const id = reader.bits(idLength, 'an option ID');

    if (id === noCompressionId) {
      // No compression: J raw n-bit samples, the reference (if any) being the first one.
      for (let i = 0; i < blockSize; i++) values[base + i] = reader.bits(n, 'an uncompressed sample');
      block++;
    } else if (id !== 0) {
      // Split-sample option k (spec "Split-Sample Options"): the J − ref high parts n − k bits wide as
      // fundamental sequences, then the J − ref low parts as k-bit fields.
      const k = id - 1;
      // k > n would give samples wider than n bits; no encoder picks it (it costs more than no compression).
      if (k > n) {
        throw new AecError(`option ID ${id} selects k = ${k}, more than ${n} bits per sample`, cdsStart);
      }
      if (ref) values[base] = reader.bits(n, 'a reference sample');
      const maxHigh = Math.floor(maxValue / 2 ** k);
      for (let i = base + ref; i < base + blockSize; i++) {
        const high = reader.fs('a fundamental sequence codeword');
        if (high > maxHigh) throw new AecError(`split-sample value exceeds ${n} bits`, cdsStart);
        values[i] = high;
      }
      if (k > 0) {
        const scale = 2 ** k;
        for (let i = base + ref; i < base + blockSize; i++) {
          values[i] = values[i] * scale + reader.bits(k, 'split-sample low bits');
        }
      }
      block++;
    } else {
      const secondExtension = reader.bits(1, 'a low-entropy option selector') === 1;
      if (ref) values[base] = reader.bits(n, 'a reference sample');
      if (secondExtension) {
        decodeSecondExtension(reader, values, base, ref, blockSize, maxValue, cdsStart);
        block++;
      } else {
        // Zero-block option (spec "Zero-Block Option"): one FS codeword gives the number of consecutive
        // all-zero blocks: m < 4 → m + 1 blocks, 4 → the remainder of the segment of 64 blocks (or of
        // the RSI if that ends first), m > 4 → m blocks. Zero runs never cross an RSI.
        const code = reader.fs('a zero-block count');
        const leftInRsi = rsi - blockInRsi;
        let zeroBlocks: number;
        if (code === ROS_CODE) {
          zeroBlocks = Math.min(leftInRsi, SEGMENT_BLOCKS - (blockInRsi % SEGMENT_BLOCKS));
        } else {
          zeroBlocks = code < ROS_CODE ? code + 1 : code;
          if (zeroBlocks > SEGMENT_BLOCKS || zeroBlocks > leftInRsi) {
            throw new AecError(
              `zero-block run of ${zeroBlocks} blocks passes the end of its segment or RSI`,
              cdsStart,
            );
          }
        }
        // `values` is zero-filled already. The last RSI may be shorter than `rsi` blocks (end of data),
        // so a "remainder of segment" may reach past the last block: stop there.
        block = Math.min(block + zeroBlocks, totalBlocks);
      }
    }
  }

  // Postprocessing: undo the prediction-error mapping, or interpret raw signed samples.
  const xmin = signed ? -(2 ** (n - 1)) : 0;
  const xmax = signed ? 2 ** (n - 1) - 1 : maxValue;
  if (preprocess) {
    const rsiSamples = rsi * blockSize;
    for (let start = 0; start < sampleCount; start += rsiSamples) {
      const end = Math.min(start + rsiSamples, sampleCount);
      let x = values[start];
      if (signed && x > xmax) x -= 2 ** n; // the reference sample is n-bit two's complement
      out[start] = x;
      for (let i = start + 1; i < end; i++) {
        x = unmapPredictionError(values[i], x, xmin, xmax);
        out[i] = x; // negative values wrap to their 32-bit two's complement pattern
      }
    }
  } else if (signed) {
    for (let i = 0; i < sampleCount; i++) {
      const v = values[i];
      out[i] = v > xmax ? v - 2 ** n : v;
    }
  } else if (values !== out) {
    out.set(values.subarray(0, sampleCount));
  }
  return out;
}

/**
 * Inverse of the prediction-error mapper (spec "Prediction Error Mapper"): with the prediction x̂ (the
 * previous sample) and θ = min(x̂ − xmin, xmax − x̂), δ ≤ 2θ is an interleaved small error (even → +δ/2,
 * odd → −(δ+1)/2); a larger δ = θ + |Δ| can only go the way that has more room, which gives the sample
 * directly: xmin + δ when x̂ is nearer xmin, xmax − δ otherwise.
 */
function unmapPredictionError(delta: number, predicted: number, xmin: number, xmax: number): number {
  const below = predicted - xmin;
  const above = xmax - predicted;
  const theta = Math.min(below, above);
  if (delta <= 2 * theta) {
    return delta % 2 === 0 ? predicted + delta / 2 : predicted - (delta + 1) / 2;
  }
  return below < above ? xmin + delta : xmax - delta;
}

/**
 * Second-extension option (spec "Second-Extension Option"): samples are paired, each pair (δa, δb)
 * coded as one FS codeword γ = (δa + δb)(δa + δb + 1)/2 + δb. With a reference sample the first pair is
 * (reference, δ1) and its γ codes δ1 alone (δa = 0).
 */
function decodeSecondExtension(
  reader: BitReader,
  values: Uint32Array,
  base: number,
  ref: number,
  blockSize: number,
  maxValue: number,
  cdsStart: number,
): void {
  let i = ref;
  while (i < blockSize) {
    const gamma = reader.fs('a second-extension codeword');
    // β = δa + δb is the largest integer with β(β + 1)/2 ≤ γ.
    let beta = Math.floor((Math.sqrt(8 * gamma + 1) - 1) / 2);
    while ((beta * (beta + 1)) / 2 > gamma) beta--;
    while (((beta + 1) * (beta + 2)) / 2 <= gamma) beta++;
    const second = gamma - (beta * (beta + 1)) / 2;
    if (beta - second > maxValue || second > maxValue) {
      throw new AecError('second-extension value exceeds the sample size', cdsStart);
    }
    if (i % 2 === 0) {
      values[base + i] = beta - second;
      i++;
    }
    values[base + i] = second;
    i++;
  }
}

/** Option ID length in bits (spec "Coded Data Set Format", ID key; restricted set for n ≤ 4). */
function optionIdLength(n: number, restricted: boolean): number {
  if (restricted && n <= 4) return n <= 2 ? 1 : 2;
  if (n <= 8) return 3;
  if (n <= 16) return 4;
  return 5;
}

function checkOptions(
  input: Uint8Array,
  options: { bitsPerSample: number; blockSize: number; rsi: number; flags: number },
  sampleCount: number,
): void {
  const { bitsPerSample, blockSize, rsi, flags } = options;
  const bad = (what: string) => new AecError(`invalid options: ${what}`, 0);
  if (!Number.isInteger(bitsPerSample) || bitsPerSample < 0 || bitsPerSample > 32) {
    throw bad(`bitsPerSample must be an integer 0 … 32, got ${bitsPerSample}`);
  }
  if (blockSize !== 8 && blockSize !== 16 && blockSize !== 32 && blockSize !== 64) {
    throw bad(`blockSize must be 8, 16, 32 or 64, got ${blockSize}`);
  }
  if (!Number.isInteger(rsi) || rsi < 1 || rsi > 65535) {
    throw bad(`rsi must be an integer 1 … 65535, got ${rsi}`);
  }
  if (!Number.isInteger(flags) || flags < 0 || flags > 255) {
    throw bad(`flags must be an integer 0 … 255, got ${flags}`);
  }
  if (!Number.isInteger(sampleCount) || sampleCount < 0) {
    throw bad(`sampleCount must be a non-negative integer, got ${sampleCount}`);
  }
  // Bit positions are kept in 32-bit arithmetic.
  if (input.length >= 2 ** 28) throw bad(`input of ${input.length} bytes is too large (max 256 MiB)`);
}
