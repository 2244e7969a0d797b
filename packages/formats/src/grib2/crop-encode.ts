import { DecodeError } from '@balloon-sim/sim-core';
import type { Grib2Bbox } from './crop.js';
import { decodeFieldIntegers } from './decode.js';
import { type Grib2FieldInfo, readFieldInfos } from './field-info.js';
import type { RawField } from './messages.js';
import type { Section } from './section.js';

/** What cropGrib2 made of a file. */
export interface Grib2Crop {
  /** The cropped messages, one field each, in the file's order. */
  bytes: Uint8Array;
  /** Fields written cropped. */
  cropped: number;
  /**
   * Messages copied whole because their integers cannot be re-packed exactly by simple packing
   * (negative, or 2^24 and beyond, which the decoder's float32 integers do not hold exactly).
   */
  keptWhole: number;
}

/** Largest packed integer carried exactly through the decoder's float32 integers. */
const EXACT_INTEGERS = 2 ** 24;

/**
 * Cuts the fields of a GRIB2 file down to a box (plus one node beyond each edge, as decoding does)
 * without changing a value: each field's packed integers X are kept with its own reference value R,
 * binary scale E and decimal scale D, and written again with simple packing (template 5.0), so every
 * value Y = (R + X·2^E) / 10^D decodes exactly as from the original. Sections 1, 2 and 4 are copied
 * as they are (centre, reference time, MARS labels, parameter, level, ensemble member); section 3
 * becomes the cropped regular grid (template 3.0, in micro-degrees, rows west to east or as the file
 * scans). A forecast downloader keeps a region of a continental or global file this way: an ICON-EU
 * field of 900 000 points becomes a few thousand.
 *
 * `select` keeps only some fields (the others are dropped). A file the decoder cannot read is a
 * DecodeError, as in decodeGrib2.
 */
export async function cropGrib2(
  file: { name: string; bytes: Uint8Array },
  bbox: Grib2Bbox,
  options: { select?: (info: Grib2FieldInfo) => boolean } = {},
): Promise<Grib2Crop> {
  const { entries, skipped } = readFieldInfos(file.bytes, file.name);
  if (skipped.length > 0) {
    const s = skipped[0];
    throw new DecodeError(
      `cannot crop message ${s.message}: ${s.reason}`,
      file.name,
      `section 4 (message ${s.message})`,
      s.offset,
    );
  }
  const parts: Uint8Array[] = [];
  const wholeMessages = new Set<number>();
  let cropped = 0;
  for (const entry of entries) {
    if (options.select && !options.select(entry.info)) continue;
    const field = await decodeFieldIntegers(entry, bbox);
    let minInteger = 0;
    for (let c = 0; c < field.values.length; c++)
      if (field.values[c] < minInteger) minInteger = field.values[c];
    if (field.maxInteger >= EXACT_INTEGERS || minInteger < 0) {
      if (!wholeMessages.has(entry.info.message)) {
        wholeMessages.add(entry.info.message);
        parts.push(wholeMessage(file.bytes, entry.raw));
      }
      continue;
    }
    parts.push(encodeField(entry.raw, field, field.maxInteger));
    cropped++;
  }
  return { bytes: concat(parts), cropped, keptWhole: wholeMessages.size };
}

/** The bytes of the message a field belongs to. */
function wholeMessage(bytes: Uint8Array, raw: RawField): Uint8Array {
  const at = raw.messageOffset;
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset + at + 8, 8).getBigUint64(0));
  return bytes.subarray(at, at + length);
}

const sectionBytes = (s: Section) => s.bytes.subarray(s.offset, s.offset + s.length);

/** One GRIB2 message (sections 0-8) holding the cropped field, simple packing, a bit map if values are missing. */
function encodeField(
  raw: RawField,
  field: {
    lon: { start: number; step: number; count: number };
    lat: { start: number; step: number; count: number };
    values: Float32Array;
  },
  maxInteger: number,
): Uint8Array {
  const points = field.values.length;
  let present = 0;
  for (let c = 0; c < points; c++) if (!Number.isNaN(field.values[c])) present++;
  let bits = 0;
  while (2 ** bits <= maxInteger) bits++;

  const s3 = gridSection(raw.s3, field.lon, field.lat, points);
  // Section 5, template 5.0 (21 octets): R, E, D (octets 12-19) and the type of the original values
  // (octet 21) are the same octets in every template this decoder reads, so they are copied.
  const s5 = new Uint8Array(21);
  const original5 = sectionBytes(raw.s5);
  writeU32(s5, 0, 21);
  s5[4] = 5;
  writeU32(s5, 5, present);
  s5[9] = 0;
  s5[10] = 0; // template 5.0
  s5.set(original5.subarray(11, 19), 11); // octets 12-19: R, E, D
  s5[19] = bits;
  s5[20] = original5.length >= 21 ? original5[20] : 0;
  // Section 6: no bit map (255), or one bit per point (0) when some are missing.
  const bitmapBytes = present === points ? 0 : Math.ceil(points / 8);
  const s6 = new Uint8Array(6 + bitmapBytes);
  writeU32(s6, 0, s6.length);
  s6[4] = 6;
  s6[5] = bitmapBytes === 0 ? 255 : 0;
  // Section 7: the integers of the present points, `bits` each, most significant bit first.
  const s7 = new Uint8Array(5 + Math.ceil((present * bits) / 8));
  writeU32(s7, 0, s7.length);
  s7[4] = 7;
  let bit = 5 * 8;
  for (let c = 0; c < points; c++) {
    const x = field.values[c];
    if (Number.isNaN(x)) continue;
    if (bitmapBytes > 0) s6[6 + (c >>> 3)] |= 0x80 >>> (c & 7);
    for (let b = bits - 1; b >= 0; b--, bit++) if ((x / 2 ** b) & 1) s7[bit >>> 3] |= 0x80 >>> (bit & 7);
  }
  const s1 = sectionBytes(raw.s1);
  const s2 = raw.s2 ? sectionBytes(raw.s2) : new Uint8Array(0);
  const s4 = sectionBytes(raw.s4);
  const total = 16 + s1.length + s2.length + s3.length + s4.length + s5.length + s6.length + s7.length + 4;
  const out = new Uint8Array(total);
  out.set([0x47, 0x52, 0x49, 0x42, 0, 0, raw.discipline, 2], 0); // "GRIB", reserved, discipline, edition 2
  new DataView(out.buffer).setBigUint64(8, BigInt(total));
  let at = 16;
  for (const part of [s1, s2, s3, s4, s5, s6, s7]) {
    out.set(part, at);
    at += part.length;
  }
  out.set([0x37, 0x37, 0x37, 0x37], at); // "7777"
  return out;
}

/**
 * Section 3 of the cropped grid: the original's template 3.0 (shape of the earth, resolution flags
 * and components stay) with the new size, first and last points and increments in micro-degrees
 * (basic angle 0), scanning rows along i in the file's directions, no alternating or column order.
 */
function gridSection(
  s3: Section,
  lon: { start: number; step: number; count: number },
  lat: { start: number; step: number; count: number },
  points: number,
): Uint8Array {
  const out = sectionBytes(s3).slice(0, 72);
  writeU32(out, 0, 72);
  writeU32(out, 6, points); // octets 7-10
  writeU32(out, 30, lon.count); // octets 31-34: Ni
  writeU32(out, 34, lat.count); // octets 35-38: Nj
  writeU32(out, 38, 0); // octets 39-42: basic angle 0 = micro-degrees
  writeU32(out, 42, 0xffffffff); // octets 43-46: subdivisions, missing
  const micro = (deg: number) => Math.round(deg * 1e6);
  const lonMicro = (deg: number) => ((micro(deg) % 360_000_000) + 360_000_000) % 360_000_000;
  writeS32(out, 46, micro(lat.start)); // octets 47-50: La1
  writeU32(out, 50, lonMicro(lon.start)); // octets 51-54: Lo1
  out[54] |= 0x30; // octet 55: i and j increments given
  writeS32(out, 55, micro(lat.start + (lat.count - 1) * lat.step)); // octets 56-59: La2
  writeU32(out, 59, lonMicro(lon.start + (lon.count - 1) * lon.step)); // octets 60-63: Lo2
  writeU32(out, 63, micro(Math.abs(lon.step))); // octets 64-67: Di
  writeU32(out, 67, micro(Math.abs(lat.step))); // octets 68-71: Dj
  out[71] = (lon.step < 0 ? 0x80 : 0) | (lat.step > 0 ? 0x40 : 0); // octet 72: scanning mode
  return out;
}

function writeU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = (value >>> 16) & 0xff;
  bytes[at + 2] = (value >>> 8) & 0xff;
  bytes[at + 3] = value & 0xff;
}

/** GRIB2 signed integers are sign and magnitude (FM 92 regulation 92.1.5). */
function writeS32(bytes: Uint8Array, at: number, value: number): void {
  writeU32(bytes, at, value < 0 ? (0x80000000 | -value) >>> 0 : value);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
