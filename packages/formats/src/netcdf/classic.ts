/**
 * NetCDF3 (classic and 64-bit offset) through netcdfjs. netcdfjs parses the header; the data are read
 * here straight from the bytes with the header's offsets, because netcdfjs reads a whole variable
 * into a JavaScript array of boxed numbers while the wind reader wants a hyperslab (a bbox) in a
 * typed array.
 */

import { DecodeError } from '@balloon-sim/sim-core';
import { NetCDFReader } from 'netcdfjs';
import type { NcAttributeValue, NcFile, NcRange, NcVariable } from './model.js';

const TYPE_BYTES: Record<string, number> = { byte: 1, char: 1, short: 2, int: 4, float: 4, double: 8 };

/** Reads one big-endian value of a NetCDF3 type (byte is signed in NetCDF3; char is read as a byte). */
function valueReader(view: DataView, type: string): (offset: number) => number {
  switch (type) {
    case 'byte':
    case 'char':
      return (offset) => view.getInt8(offset);
    case 'short':
      return (offset) => view.getInt16(offset, false);
    case 'int':
      return (offset) => view.getInt32(offset, false);
    case 'float':
      return (offset) => view.getFloat32(offset, false);
    default:
      return (offset) => view.getFloat64(offset, false);
  }
}

function attributeValue(value: unknown): NcAttributeValue {
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (Array.isArray(value)) return value.length === 1 ? Number(value[0]) : value.map(Number);
  return String(value);
}

/** Where a variable's values are: first byte, byte stride of each dimension. */
interface Placement {
  begin: number;
  stridesBytes: number[];
  typeBytes: number;
}

export function openClassic(bytes: Uint8Array, source: string): NcFile {
  let reader: NetCDFReader;
  try {
    reader = new NetCDFReader(bytes);
  } catch (error) {
    // netcdfjs says "Not a valid NetCDF v3.x file: …" or, when the header is cut short, a DataView
    // range error: either way the header is what failed.
    const message = error instanceof Error ? error.message : String(error);
    throw new DecodeError(`cannot read the NetCDF3 header: ${message}`, source, 'header');
  }
  const header = reader.header;
  const numRecords = header.recordDimension.length;
  const dimensions = (header.dimensions ?? []).map((d, id) => ({
    name: d.name,
    // The record (unlimited) dimension is stored with size 0; its length is the record count.
    size: id === header.recordDimension.id ? numRecords : d.size,
  }));
  const rawVariables = header.variables ?? [];
  const recordVariables = rawVariables.filter((v) => v.record);

  const variables: NcVariable[] = [];
  const placements = new Map<NcVariable, Placement>();
  for (const raw of rawVariables) {
    const part = `variable "${raw.name}"`;
    const typeBytes = TYPE_BYTES[raw.type];
    // netcdfjs does not reject unknown type codes (its check can never fire): do it here.
    if (typeBytes === undefined) throw new DecodeError(`has an unknown NetCDF3 type`, source, part);
    const dims = raw.dimensions.map((id) => {
      const dim = dimensions[id];
      if (!dim) throw new DecodeError(`refers to dimension ${id}, which does not exist`, source, part);
      return dim;
    });
    const shape = dims.map((d) => d.size);
    const stridesBytes = new Array<number>(shape.length);
    let stride = typeBytes;
    for (let d = shape.length - 1; d >= 0; d--) {
      stridesBytes[d] = stride;
      stride *= shape[d];
    }
    if (raw.record) {
      // Records hold one slice of every record variable in turn, each padded to 4 bytes, except that a
      // lone record variable is not padded (NetCDF3 format specification, "Note on padding").
      // stridesBytes[0] is, so far, the unpadded size of one record's slice.
      if (recordVariables.length > 1) stridesBytes[0] = header.recordDimension.recordStep!;
    }
    const attributes = new Map<string, NcAttributeValue>();
    for (const a of raw.attributes as { name: string; value: unknown }[])
      attributes.set(a.name, attributeValue(a.value));
    const variable: NcVariable = {
      name: raw.name,
      dims: dims.map((d) => d.name),
      shape,
      type: raw.type,
      attributes,
    };
    variables.push(variable);
    placements.set(variable, { begin: raw.offset, stridesBytes, typeBytes });
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const globalAttributes = new Map<string, NcAttributeValue>();
  for (const a of (header.globalAttributes ?? []) as { name: string; value: unknown }[])
    globalAttributes.set(a.name, attributeValue(a.value));
  return {
    globalAttributes,
    format: reader.version === 'classic format' ? 'NetCDF3 classic' : 'NetCDF3 64-bit offset',
    dimensions,
    variables,
    close() {},
    read(variable, ranges) {
      const place = placements.get(variable)!;
      return readHyperslab(view, variable, place, ranges, source);
    },
  };
}

function readHyperslab(
  view: DataView,
  variable: NcVariable,
  place: Placement,
  ranges: readonly NcRange[],
  source: string,
): Float64Array {
  const part = `variable "${variable.name}"`;
  const { begin, stridesBytes, typeBytes } = place;
  const n = variable.shape.length;
  let count = 1;
  let lastByte = begin + typeBytes; // one past the last byte read
  for (let d = 0; d < n; d++) {
    const [start, end] = ranges[d];
    if (!(start >= 0 && end > start && end <= variable.shape[d]))
      throw new DecodeError(
        `range [${start}, ${end}) is outside dimension ${variable.dims[d]}`,
        source,
        part,
      );
    count *= end - start;
    lastByte += (end - 1) * stridesBytes[d];
  }
  if (lastByte > view.byteLength)
    throw new DecodeError(
      `is truncated: its data run to byte ${lastByte}, the file has ${view.byteLength} bytes`,
      source,
      part,
      begin,
    );
  const read = valueReader(view, variable.type);
  const out = new Float64Array(count);
  if (n === 0) {
    out[0] = read(begin);
    return out;
  }
  // Odometer over every dimension but the last; along the last one values are a run (contiguous,
  // unless the last dimension is the record dimension of a 1-D record variable).
  const index = ranges.map((r) => r[0]);
  const [runStart, runEnd] = ranges[n - 1];
  const runStride = stridesBytes[n - 1];
  let o = 0;
  for (;;) {
    let offset = begin;
    for (let d = 0; d < n - 1; d++) offset += index[d] * stridesBytes[d];
    for (let i = runStart; i < runEnd; i++) out[o++] = read(offset + i * runStride);
    let d = n - 2;
    while (d >= 0 && ++index[d] === ranges[d][1]) {
      index[d] = ranges[d][0];
      d--;
    }
    if (d < 0) return out;
  }
}
