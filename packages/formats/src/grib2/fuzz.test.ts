/**
 * Fuzzing with damaged copies of real messages: random truncations and byte changes, biased toward
 * the headers where lengths and descriptors live. Every case must either decode, with NaN only where
 * a bit map or missing-value management says missing, or throw a DecodeError: never another error,
 * never a hang (every loop of the decoder is bounded by the input length).
 *
 * The seed is printed; rerun a failure with GRIB2_FUZZ_SEED=<seed>, or GRIB2_FUZZ_SEED=random.
 */
import { existsSync, readFileSync } from 'node:fs';
import { DecodeError } from '@balloon-sim/sim-core';
import { hasSharedData, sharedDataPath } from '@balloon-sim/sim-core/testing';
import { describe, expect, it } from 'vitest';
import { decodeGrib2, type Grib2File } from './decode.js';
import { type RawField, splitFields } from './messages.js';

/** xorshift32 (Marsaglia 2003): tiny and good enough to pick offsets. */
function xorshift(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  return { next, below: (n: number) => next() % n };
}

const envSeed = process.env.GRIB2_FUZZ_SEED;
const SEED =
  envSeed === 'random' ? Math.floor(Math.random() * 2 ** 32) : envSeed ? Number(envSeed) >>> 0 : 20_240_101;

/** A small file made of some messages of a real file (the fuzz cost grows with the grid size). */
function corpus(folder: string, name: string, pick: (fields: RawField[]) => RawField[]): Uint8Array {
  const bytes = new Uint8Array(readFileSync(sharedDataPath(folder, name)));
  const fields = splitFields(bytes, name);
  const starts = [...new Set(pick(fields).map((f) => f.messageOffset))];
  const parts = starts.map((start) => {
    const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(start + 12);
    return bytes.subarray(start, start + length);
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Offsets of the message starts, to aim changes at headers. */
const messageStarts = (bytes: Uint8Array) => splitFields(bytes, 'corpus').map((f) => f.messageOffset);

function mutate(bytes: Uint8Array, starts: number[], rng: ReturnType<typeof xorshift>): Uint8Array {
  const kind = rng.below(4);
  let out = bytes;
  if (kind !== 1) {
    out = bytes.slice();
    const flips = 1 + rng.below(4);
    for (let k = 0; k < flips; k++) {
      // Three in four changes land in the first 128 octets of a message: headers and descriptors.
      const at =
        rng.below(4) > 0
          ? Math.min(bytes.length - 1, starts[rng.below(starts.length)] + rng.below(128))
          : rng.below(bytes.length);
      out[at] = rng.below(3) === 0 ? out[at] ^ (1 << rng.below(8)) : rng.below(256);
    }
  }
  if (kind >= 1 && kind <= 2) out = out.subarray(0, rng.below(out.length + 1));
  return out;
}

/** NaN only where the bit map leaves points out, or where missing-value management (5.2/5.3) is on. */
function checkValues(file: Grib2File, bytes: Uint8Array, cropped: boolean) {
  const raws = splitFields(bytes, 'check');
  for (const field of file.fields) {
    const raw = raws[field.info.index - 1];
    const missingManagement = field.info.template5 === 2 || field.info.template5 === 3 ? raw.s5.u8(23) : 0;
    let nan = 0;
    let infinite = 0;
    for (const v of field.values) {
      if (Number.isNaN(v)) nan++;
      else if (!Number.isFinite(v)) infinite++;
    }
    if (infinite > 0) throw new Error(`field ${field.info.index}: ${infinite} infinite values`);
    if (nan > 0 && !raw.bitmap && missingManagement === 0)
      throw new Error(`field ${field.info.index}: ${nan} NaN without a bit map or missing values`);
    // Uncropped, without missing-value management: NaN exactly at the points the bit map leaves out.
    if (!cropped && missingManagement === 0 && nan !== field.values.length - field.packing.valueCount)
      throw new Error(
        `field ${field.info.index}: ${nan} NaN, the bit map leaves out ${field.values.length - field.packing.valueCount}`,
      );
  }
}

async function fuzz(label: string, bytes: Uint8Array, cases: number, seed: number) {
  const rng = xorshift(seed);
  const starts = messageStarts(bytes);
  let decoded = 0;
  let refused = 0;
  const started = performance.now();
  for (let c = 0; c < cases; c++) {
    const input = mutate(bytes, starts, rng);
    const bbox =
      rng.below(3) === 0
        ? {
            lonMin: rng.below(720) - 360,
            lonMax: rng.below(720) - 360,
            latMin: -90 + rng.below(90),
            latMax: rng.below(91),
          }
        : undefined;
    let file: Grib2File;
    try {
      file = await decodeGrib2(input, { source: label, bbox });
    } catch (error) {
      if (!(error instanceof DecodeError)) {
        throw new Error(`${label} case ${c} (seed ${seed}): ${String(error)}`, { cause: error });
      }
      if (!(error.offset === undefined || (error.offset >= 0 && error.offset <= input.length)))
        throw new Error(`${label} case ${c} (seed ${seed}): offset ${error.offset} outside the input`);
      refused++;
      continue;
    }
    try {
      checkValues(file, input, bbox !== undefined);
    } catch (error) {
      throw new Error(`${label} case ${c} (seed ${seed}): ${String(error)}`, { cause: error });
    }
    decoded++;
  }
  const ms = performance.now() - started;
  console.info(
    `fuzz ${label}: seed ${seed}, ${cases} cases, ${decoded} decoded, ${refused} refused, ${ms.toFixed(0)} ms`,
  );
  expect(decoded + refused).toBe(cases);
}

describe.runIf(hasSharedData)(`GRIB2 fuzz (seed ${SEED})`, () => {
  it('simple packing with bit maps (gfs-0p25-poland, 8 messages)', async () => {
    const bytes = corpus('gfs-0p25-poland', '20200804_f006.grib2', (fields) => {
      const withBitmap = fields.filter((f) => f.bitmap).slice(0, 4);
      return [...fields.slice(0, 4), ...withBitmap];
    });
    await fuzz('gfs-0p25', bytes, 5000, SEED);
  });

  it('complex packing, order 1, multi-field messages and bit-map reuse (gfs-2p5, 6 messages)', async () => {
    const bytes = corpus('gfs-2p5', 'gfs.t12z.pgrbf120.2p5deg.grib2', (fields) => {
      const reuse = fields.filter((f) => f.s6.u8(6) === 254).slice(0, 2);
      const bitmap = fields.filter((f) => f.s6.u8(6) === 0).slice(0, 2);
      return [fields[0], fields[1], ...bitmap, ...reuse];
    });
    await fuzz('gfs-2p5', bytes, 3000, SEED + 1);
  });

  it('complex packing, order 2 (gfs-1p0, 1 message of 65 160 points)', async () => {
    const bytes = corpus('gfs-1p0', 'gfs.t12z.pgrb2.1p00.f000.grib2', (fields) => [fields[1]]);
    await fuzz('gfs-1p0', bytes, 1000, SEED + 2);
  });

  it.runIf(existsSync(new URL('../ccsds/aec.ts', import.meta.url)))(
    'CCSDS (ecmwf-ccsds, 1 message)',
    async () => {
      const bytes = corpus('ecmwf-ccsds', '20240101000000-0h-oper-fc.grib2', (fields) => [fields[0]]);
      await fuzz('ecmwf-ccsds', bytes, 300, SEED + 3);
    },
  );

  it.runIf(existsSync(new URL('../jpeg2000.ts', import.meta.url)))(
    'JPEG 2000 (cmc-jpeg2000, 1 message)',
    async () => {
      const bytes = corpus(
        'cmc-jpeg2000',
        'CMC_glb_TMP_ISBL_1_latlon.24x.24_2021051800_P000.grib2',
        (f) => f,
      );
      await fuzz('cmc-jpeg2000', bytes, 40, SEED + 4);
    },
  );
});
