import type { GridAxis } from '@balloon-sim/sim-core';
import { invalid } from '@balloon-sim/sim-core';
import { countSetBits } from './bits.js';
import { unpackCcsds, unpackJpeg2000 } from './codec-packing.js';
import { unpackComplex } from './complex-packing.js';
import { cropGrid, type Grib2Bbox } from './crop.js';
import { type FieldEntry, type Grib2FieldInfo, type Grib2Skipped, readFieldInfos } from './field-info.js';
import { readLatLonGrid } from './latlon-grid.js';
import { type Packing, readPacking } from './packing.js';
import { neededValues, scatter } from './scatter.js';
import type { Section } from './section.js';
import { unpackSimple } from './simple-packing.js';

export interface Grib2DecodeOptions {
  /** File name, for error messages. */
  source: string;
  /** Keep only this box (plus one grid node beyond each edge) of every decoded field. */
  bbox?: Grib2Bbox;
  /** Decode only the fields for which this returns true (the others cost no unpacking). */
  select?: (info: Grib2FieldInfo) => boolean;
}

/** One decoded field on a regular lat/lon grid. */
export interface Grib2Field {
  info: Grib2FieldInfo;
  /** Axes of `values`, starting at the first kept grid point, steps signed as the file scans. */
  lon: GridAxis;
  lat: GridAxis;
  /** values[j · lon.count + i]; NaN where the bit map or missing-value management says missing. */
  values: Float32Array;
  /** Packing parameters (section 5): the quantisation step of the values is 2^E / 10^D. */
  packing: Packing;
}

export interface Grib2File {
  source: string;
  messageCount: number;
  fields: Grib2Field[];
  /** Fields not decoded because their product definition template is not supported. */
  skipped: Grib2Skipped[];
}

/**
 * Decodes a GRIB2 file: every field, or those `select` accepts, cropped to `bbox`. Any problem with
 * the file is a DecodeError naming the section, message and byte offset. Async because JPEG 2000
 * decoding is; fields in other packings never wait.
 */
export async function decodeGrib2(bytes: Uint8Array, options: Grib2DecodeOptions): Promise<Grib2File> {
  const { entries, skipped, messageCount } = readFieldInfos(bytes, options.source);
  const fields = await decodeEntries(entries, options);
  return { source: options.source, messageCount, fields, skipped };
}

/** Decodes fields already split and identified by readFieldInfos (the wind assembly reads headers first). */
export async function decodeEntries(
  entries: readonly FieldEntry[],
  options: Pick<Grib2DecodeOptions, 'bbox' | 'select'>,
): Promise<Grib2Field[]> {
  if (options.bbox) checkBbox(options.bbox);
  const scratch = new Scratch();
  const fields: Grib2Field[] = [];
  for (const entry of entries) {
    if (options.select && !options.select(entry.info)) continue;
    fields.push(await decodeField(entry, options.bbox, scratch));
  }
  return fields;
}

/**
 * One field's packed integers X, cropped to `bbox` and in the output order of decodeGrib2 (NaN where
 * missing), instead of the values: what a lossless re-encoding of the cropped field needs. Exact for
 * X < 2^24 (they are stored as float32); `maxInteger` lets the caller check.
 */
export async function decodeFieldIntegers(
  entry: FieldEntry,
  bbox: Grib2Bbox | undefined,
): Promise<Grib2Field & { maxInteger: number }> {
  const field = await decodeField(entry, bbox, new Scratch(), true);
  let maxInteger = 0;
  for (let c = 0; c < field.values.length; c++) {
    const x = field.values[c];
    if (x > maxInteger) maxInteger = x;
  }
  return { ...field, maxInteger };
}

async function decodeField(
  { raw, info }: FieldEntry,
  bbox: Grib2Bbox | undefined,
  scratch: Scratch,
  integers = false,
): Promise<Grib2Field> {
  const grid = readLatLonGrid(raw.s3);
  const crop = cropGrid(grid, bbox, raw.s3);
  const packing = readPacking(raw.s5);
  const points = grid.ni * grid.nj;
  const bitmap = raw.bitmap ? readBitmap(raw.bitmap, points) : null;
  const expected = bitmap ? countSetBits(bitmap, 0, points) : points;
  if (packing.valueCount !== expected) {
    raw.s5.fail(
      `${packing.valueCount} values (octets 6-9), but ${bitmap ? 'the bit map marks' : 'the grid has'} ${expected} points`,
      6,
    );
  }
  // Simple packing without a bit map: values sit at fixed places, so unpack only the kept lines.
  const range =
    packing.template === 0 && bitmap === null
      ? neededValues(grid, crop)
      : { first: 0, count: packing.valueCount };
  const values = scratch.take(range.count);
  switch (packing.template) {
    case 0:
      unpackSimple(packing, raw.s7, range.first, range.count, values);
      break;
    case 2:
    case 3:
      unpackComplex(packing, raw.s5, raw.s7, values);
      break;
    case 40:
      await unpackJpeg2000(packing, raw.s7, values);
      break;
    case 42:
      await unpackCcsds(packing, raw.s5, raw.s7, values);
      break;
  }
  const out = new Float32Array(crop.lon.count * crop.lat.count);
  // Integers: the same placement with Y = X (R = 0, E = 0, D = 0).
  const overflow = scatter(
    values,
    range.first,
    bitmap,
    grid,
    crop,
    integers ? 0 : packing.referenceValue,
    integers ? 1 : 2 ** packing.binaryScale,
    integers ? 1 : 10 ** packing.decimalScale,
    out,
  );
  if (overflow > 0) {
    raw.s7.fail(
      `${overflow} values are beyond float32 range: corrupted scale factors (section 5) or data`,
      6,
    );
  }
  return { info, lon: crop.lon, lat: crop.lat, values: out, packing };
}

/** Section 6 octets 7-nn: one bit per grid point in scanning order, 1 = a value is present. */
function readBitmap(s6: Section, points: number): Uint8Array {
  s6.require(7, Math.ceil(points / 8), `a bit map of ${points} points`);
  return s6.tail(7);
}

/** One float64 work buffer per decode call, grown as needed, so fields do not allocate one each. */
class Scratch {
  private buffer = new Float64Array(0);
  take(count: number): Float64Array {
    if (this.buffer.length < count) this.buffer = new Float64Array(count);
    return this.buffer;
  }
}

function checkBbox(bbox: Grib2Bbox): void {
  for (const key of ['lonMin', 'lonMax', 'latMin', 'latMax'] as const) {
    if (!Number.isFinite(bbox[key])) invalid(`bbox.${key}`, 'must be a finite number', bbox[key]);
  }
  if (bbox.latMin > bbox.latMax)
    invalid('bbox.latMax', `must be at least latMin (${bbox.latMin})`, bbox.latMax);
}
