import { eventJson, type Frame, positionsJson } from '@balloon-sim/sim-core';

/**
 * Position frames on the wire. Small ensembles get JSON; large ones a binary message, 12 bytes per
 * member instead of ~35 in JSON, decoded with one DataView:
 *
 *   offset  type     value
 *   0       uint32   magic 0x31465342 (the bytes "BSF1": balloon-sim frame, version 1)
 *   4       uint32   frame index (0 = launch positions)
 *   8       float64  time, s since the Unix epoch
 *   16      uint32   member count n
 *   20      float32  lon, lat, alt (degrees, degrees, m AMSL) of member 0, then member 1, …, n − 1;
 *                    NaN where a member is not flying (not launched yet, or ended)
 *
 * Everything little-endian; total length 20 + 12·n bytes.
 */
export const FRAME_MAGIC = 0x31465342;
export const FRAME_HEADER_BYTES = 20;

export function encodeBinaryFrame(index: number, frame: Frame): Buffer {
  const p = frame.positions;
  const n = p.length / 3;
  const buffer = Buffer.allocUnsafe(FRAME_HEADER_BYTES + 12 * n);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  view.setUint32(0, FRAME_MAGIC, true);
  view.setUint32(4, index, true);
  view.setFloat64(8, frame.tSec, true);
  view.setUint32(16, n, true);
  for (let k = 0; k < p.length; k++) view.setFloat32(FRAME_HEADER_BYTES + 4 * k, p[k], true);
  return buffer;
}

/** The frame of a binary message (for clients written in TypeScript, and the tests). */
export function decodeBinaryFrame(bytes: Uint8Array): {
  index: number;
  tSec: number;
  positions: Float32Array;
} {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < FRAME_HEADER_BYTES || view.getUint32(0, true) !== FRAME_MAGIC)
    throw new Error('not a balloon-sim binary frame (magic "BSF1")');
  const n = view.getUint32(16, true);
  if (bytes.byteLength !== FRAME_HEADER_BYTES + 12 * n)
    throw new Error(`binary frame of ${n} members must be ${FRAME_HEADER_BYTES + 12 * n} bytes`);
  const positions = new Float32Array(3 * n);
  for (let k = 0; k < 3 * n; k++) positions[k] = view.getFloat32(FRAME_HEADER_BYTES + 4 * k, true);
  return { index: view.getUint32(4, true), tSec: view.getFloat64(8, true), positions };
}

const iso = (tSec: number) => new Date(tSec * 1000).toISOString();

/** A JSON frame message: positions [lon, lat, alt] per member, null where not flying. */
export function jsonFrame(index: number, frame: Frame): string {
  return JSON.stringify({
    type: 'frame',
    index,
    time: iso(frame.tSec),
    tSec: frame.tSec,
    positions: positionsJson(frame),
  });
}

/** An event as clients see it: sim-core's event record (as in its NDJSON and GeoJSON). */
export { eventJson };
