/**
 * A bundled wind as a page rebuilds it from GET /api/winds/:id/field (the layout is in
 * packages/server/README.md, "The wind field in binary"): the server's own float32 nodes, axes,
 * levels and times handed to sim-core's gridWind, so that a run prepared in the page samples exactly
 * the field a server run samples. Browser-safe: no DOM, no Node.
 */
import {
  type AltitudeGridWind,
  type GridWindInit,
  gridWind,
  type PressureGridWind,
} from '@balloon-sim/sim-core';

/** "BSWF" read as a little-endian uint32: the first four bytes of the answer. */
const MAGIC = 0x46575342;
const VERSION = 1;

/** The answer is not a wind field this page can read: what was wrong, and where. */
export class WindFieldFormatError extends Error {
  override name = 'WindFieldFormatError';
  constructor(
    readonly field: string,
    message: string,
    readonly value?: unknown,
  ) {
    super(`wind field ${field} ${message}${value === undefined ? '' : ` (got ${JSON.stringify(value)})`}`);
  }
}

interface ArrayEntry {
  name: string;
  offset: number;
  count: number;
}

interface Header {
  version: number;
  id: string;
  description: string;
  warnings: string[];
  source: GridWindInit['source'];
  lon: { start: number; step: number; count: number };
  lat: { start: number; step: number; count: number };
  levels: { kind: 'altitude' | 'pressure'; values: number[] };
  timesSec: number[];
  arrays: ArrayEntry[];
}

/** The float32 values of `count` little-endian words at `at`, whatever this machine's byte order. */
function float32s(bytes: ArrayBuffer, at: number, count: number): Float32Array {
  const out = new Float32Array(count);
  const view = new DataView(bytes, at, 4 * count);
  for (let n = 0; n < count; n++) out[n] = view.getFloat32(4 * n, true);
  return out;
}

/** Reads the binary answer into a gridded field (sim-core's AltitudeGridWind or PressureGridWind). */
export function decodeWindField(bytes: ArrayBuffer): AltitudeGridWind | PressureGridWind {
  if (bytes.byteLength < 8)
    throw new WindFieldFormatError('length', 'is shorter than its 8-byte start', bytes.byteLength);
  const view = new DataView(bytes);
  const magic = view.getUint32(0, true);
  if (magic !== MAGIC)
    throw new WindFieldFormatError('magic', `must be 0x${MAGIC.toString(16)}`, `0x${magic.toString(16)}`);
  const headerBytes = view.getUint32(4, true);
  if (8 + headerBytes > bytes.byteLength)
    throw new WindFieldFormatError(
      'header length',
      `runs past the end (${bytes.byteLength} bytes)`,
      headerBytes,
    );
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(new Uint8Array(bytes, 8, headerBytes))) as Header;
  } catch (error) {
    throw new WindFieldFormatError('header', `is not JSON: ${(error as Error).message}`);
  }
  if (header.version !== VERSION)
    throw new WindFieldFormatError('header.version', `must be ${VERSION} (a newer server?)`, header.version);
  const body = 8 + headerBytes;
  const arrays = new Map<string, Float32Array>();
  for (const [k, a] of (header.arrays ?? []).entries()) {
    if (!(Number.isInteger(a.offset) && Number.isInteger(a.count) && a.offset >= 0 && a.count >= 0))
      throw new WindFieldFormatError(`header.arrays[${k}]`, 'must have whole offset and count', a);
    if (body + a.offset + 4 * a.count > bytes.byteLength)
      throw new WindFieldFormatError(
        `header.arrays[${k}] (${a.name})`,
        `runs past the end (${bytes.byteLength} bytes)`,
        a,
      );
    arrays.set(a.name, float32s(bytes, body + a.offset, a.count));
  }
  const need = (name: string) => {
    const values = arrays.get(name);
    if (!values) throw new WindFieldFormatError(`array ${name}`, 'is missing');
    return values;
  };
  const levels: GridWindInit['levels'] =
    header.levels.kind === 'pressure'
      ? {
          kind: 'pressure',
          pressuresHpa: header.levels.values,
          geopotentialHeightM: need('geopotentialHeightM'),
        }
      : { kind: 'altitude', altitudesM: header.levels.values };
  const orography = arrays.get('orographyM');
  // sim-core checks every length and value again (normaliseGrid), naming the array.
  return gridWind({
    lon: header.lon,
    lat: header.lat,
    levels,
    timesSec: header.timesSec,
    u: need('u'),
    v: need('v'),
    ...(orography ? { orographyM: orography } : {}),
    description: header.description,
    warnings: header.warnings,
    ...(header.source ? { source: header.source } : {}),
  });
}
