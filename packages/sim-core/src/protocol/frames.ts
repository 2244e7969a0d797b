/**
 * Position frames as binary messages, 12 bytes per member instead of ~35 in JSON:
 *
 *   offset  type     value
 *   0       uint32   magic 0x31465342 (the bytes "BSF1": balloon-sim frame, version 1)
 *   4       uint32   frame index (0 = launch positions)
 *   8       float64  time, s since the Unix epoch
 *   16      uint32   member count n
 *   20      float32  lon, lat, alt (degrees, degrees, m AMSL) of member 0, then member 1, …, n − 1;
 *                    NaN where a member is not flying (not launched yet, or ended)
 *
 * Everything little-endian; total length 20 + 12·n bytes. Encoded to a Uint8Array and decoded from
 * one or from an ArrayBuffer, without Node's Buffer: the server, the browser and the benches share
 * this code.
 */

/** "BSF1" read as a little-endian uint32. */
export const FRAME_MAGIC = 0x31465342;
export const FRAME_HEADER_BYTES = 20;
export const FRAME_BYTES_PER_MEMBER = 12;

/** A frame as it travels: its index in the run, its time and the positions (lon, lat, alt per member). */
export interface WireFrame {
  index: number;
  tSec: number;
  positions: Float32Array;
}

/**
 * Whether this machine stores numbers little-endian, as the frame does: then the positions are
 * copied and viewed in place; a big-endian one goes through a DataView.
 */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The binary message of a frame: `positions` holds lon, lat, alt per member (any array of numbers). */
export function encodeFrame(
  index: number,
  frame: { tSec: number; positions: ArrayLike<number> },
): Uint8Array<ArrayBuffer> {
  const p = frame.positions;
  const n = Math.floor(p.length / 3);
  if (p.length !== 3 * n)
    throw new RangeError(`a frame's positions must hold 3 numbers per member, got ${p.length}`);
  const buffer = new ArrayBuffer(FRAME_HEADER_BYTES + FRAME_BYTES_PER_MEMBER * n);
  const view = new DataView(buffer);
  view.setUint32(0, FRAME_MAGIC, true);
  view.setUint32(4, index, true);
  view.setFloat64(8, frame.tSec, true);
  view.setUint32(16, n, true);
  if (LITTLE_ENDIAN) new Float32Array(buffer, FRAME_HEADER_BYTES, 3 * n).set(p);
  else for (let k = 0; k < 3 * n; k++) view.setFloat32(FRAME_HEADER_BYTES + 4 * k, p[k], true);
  return new Uint8Array(buffer);
}

/** A binary frame's header: index, time and member count, checked against the message's length. */
export interface FrameHeader {
  index: number;
  tSec: number;
  members: number;
}

const bytesOf = (message: ArrayBuffer | ArrayBufferView) =>
  ArrayBuffer.isView(message)
    ? new Uint8Array(message.buffer, message.byteOffset, message.byteLength)
    : new Uint8Array(message);

/**
 * The header of a binary message, or an Error saying why it is not a frame (magic, or a length that
 * is not 20 + 12·n for its n members). Reads no position: for clients that only count frames.
 */
export function readFrameHeader(message: ArrayBuffer | ArrayBufferView): FrameHeader {
  const bytes = bytesOf(message);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < FRAME_HEADER_BYTES || view.getUint32(0, true) !== FRAME_MAGIC)
    throw new Error(
      `not a balloon-sim binary frame (magic "BSF1"): ${bytes.byteLength} bytes${bytes.byteLength >= 4 ? `, starting 0x${view.getUint32(0, true).toString(16)}` : ''}`,
    );
  const members = view.getUint32(16, true);
  const expected = FRAME_HEADER_BYTES + FRAME_BYTES_PER_MEMBER * members;
  if (bytes.byteLength !== expected)
    throw new Error(`binary frame of ${members} members must be ${expected} bytes, got ${bytes.byteLength}`);
  return { index: view.getUint32(4, true), tSec: view.getFloat64(8, true), members };
}

/**
 * The frame of a binary message, or an Error saying why it is not one. The positions are a view of
 * the message's own bytes when they lie on a 4-byte boundary (a browser's ArrayBuffer always does),
 * so the message must not be reused afterwards; otherwise they are copied.
 */
export function decodeFrame(message: ArrayBuffer | ArrayBufferView): WireFrame {
  const { index, tSec, members } = readFrameHeader(message);
  const bytes = bytesOf(message);
  const start = bytes.byteOffset + FRAME_HEADER_BYTES;
  let positions: Float32Array;
  if (LITTLE_ENDIAN && start % 4 === 0) positions = new Float32Array(bytes.buffer, start, 3 * members);
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    positions = new Float32Array(3 * members);
    for (let k = 0; k < 3 * members; k++) positions[k] = view.getFloat32(FRAME_HEADER_BYTES + 4 * k, true);
  }
  return { index, tSec, positions };
}
