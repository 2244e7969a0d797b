import { DecodeError } from '@balloon-sim/sim-core';
import type { Packing } from './packing.js';
import type { Section } from './section.js';

/**
 * Templates 5.40 (JPEG 2000 code stream, template 7.40) and 5.42 (CCSDS adaptive entropy coding,
 * template 7.42): section 7 octets 6-nn are the compressed stream of the integers X. The codecs live
 * beside this decoder (../jpeg2000.ts, ../ccsds/aec.ts) and are loaded on first use, so a bundle that
 * never meets these templates never loads them. Whatever a codec throws becomes a DecodeError naming
 * section 7; a codec returning the wrong number of samples is one too.
 */

export async function unpackJpeg2000(packing: Packing, s7: Section, out: Float64Array): Promise<void> {
  const n = packing.valueCount;
  if (packing.bitsPerValue === 0) {
    out.fill(0, 0, n); // a constant field carries no code stream (template 5.40 as for 5.0)
    return;
  }
  const codec = await loadCodec(() => import('../jpeg2000.js'), 'JPEG 2000', s7);
  const samples = await runCodec(() => codec.decodeJpeg2000(s7.tail(6)), 'JPEG 2000', s7);
  copySamples(samples, n, out, 'JPEG 2000', s7);
}

export async function unpackCcsds(
  packing: Packing,
  s5: Section,
  s7: Section,
  out: Float64Array,
): Promise<void> {
  const n = packing.valueCount;
  if (packing.bitsPerValue === 0) {
    out.fill(0, 0, n);
    return;
  }
  s5.require(1, 25, 'data representation template 5.42');
  const options = {
    bitsPerSample: packing.bitsPerValue,
    flags: s5.u8(22), // CCSDS compression options mask
    blockSize: s5.u8(23),
    rsi: s5.u16(24), // reference sample interval
  };
  const codec = await loadCodec(() => import('../ccsds/aec.js'), 'CCSDS', s7);
  const samples = await runCodec(() => codec.aecDecode(s7.tail(6), options, n), 'CCSDS', s7);
  // Flag bit 1 (AEC_DATA_SIGNED): samples are two's complement; GRIB2 encoders leave it clear.
  const signed = (options.flags & 1) !== 0;
  copySamples(
    signed ? new Int32Array(samples.buffer, samples.byteOffset, samples.length) : samples,
    n,
    out,
    'CCSDS',
    s7,
  );
}

async function loadCodec<T>(load: () => Promise<T>, name: string, s7: Section): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw new DecodeError(
      `the ${name} codec could not be loaded: ${messageOf(error)}`,
      s7.source,
      s7.part,
      s7.offset + 5,
    );
  }
}

async function runCodec<T>(run: () => T | Promise<T>, name: string, s7: Section): Promise<T> {
  try {
    return await run();
  } catch (error) {
    // A codec error may say where in the stream it failed (`offset`, bytes from the stream's start).
    const at = (error as { offset?: unknown } | null)?.offset;
    const inStream = typeof at === 'number' && at >= 0 && at <= s7.length - 5 ? at : 0;
    throw new DecodeError(
      `${name} data cannot be decoded: ${messageOf(error)}`,
      s7.source,
      s7.part,
      s7.offset + 5 + inStream,
    );
  }
}

function copySamples(
  samples: ArrayLike<number>,
  n: number,
  out: Float64Array,
  name: string,
  s7: Section,
): void {
  if (samples.length !== n) {
    throw new DecodeError(
      `the ${name} stream holds ${samples.length} values, section 5 says ${n}`,
      s7.source,
      s7.part,
      s7.offset + 5,
    );
  }
  for (let k = 0; k < n; k++) out[k] = samples[k];
}

function messageOf(error: unknown): string {
  return error instanceof DecodeError ? error.reason : error instanceof Error ? error.message : String(error);
}
