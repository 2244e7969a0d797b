/**
 * Unpacking of big-endian bit strings (FM 92 regulation 92.1.9: values are packed most significant
 * bit first, without gaps). All functions expect the caller to have checked that the bits exist.
 */

/** Reads one value of `width` ≤ 32 bits at bit position `pos`, byte by byte (tails and wide values). */
export function readBits(data: Uint8Array, pos: number, width: number): number {
  let value = 0;
  let remaining = width;
  while (remaining > 0) {
    const used = pos & 7;
    const take = Math.min(8 - used, remaining);
    const bits = (data[pos >>> 3] >>> (8 - used - take)) & ((1 << take) - 1);
    value = value * (1 << take) + bits; // multiply, not shift: the value may reach 32 bits
    remaining -= take;
    pos += take;
  }
  return value;
}

/**
 * Unpacks `count` values of `width` bits starting at bit `pos` into out[at…], adding `add` to each
 * (complex packing adds the group reference on the way). Widths up to 25 bits read a 32-bit window
 * per value (the value plus at most 7 leading bits); wider values and the last few, whose window
 * would pass the end of the data, go byte by byte.
 */
export function unpackBits(
  data: Uint8Array,
  pos: number,
  width: number,
  count: number,
  out: Float64Array,
  at: number,
  add = 0,
): void {
  if (width === 0) {
    out.fill(add, at, at + count);
    return;
  }
  let k = 0;
  if (width === 8 && (pos & 7) === 0) {
    const first = pos >>> 3;
    for (; k < count; k++) out[at + k] = data[first + k] + add;
    return;
  }
  if (width === 16 && (pos & 7) === 0) {
    const first = pos >>> 3;
    for (; k < count; k++) out[at + k] = ((data[first + 2 * k] << 8) | data[first + 2 * k + 1]) + add;
    return;
  }
  if (width <= 25) {
    const lastWindow = data.length - 4; // the last byte index a 4-byte window may start at
    const shiftDown = 32 - width;
    for (; k < count; k++) {
      const b = pos >>> 3;
      if (b > lastWindow) break;
      const word = (data[b] << 24) | (data[b + 1] << 16) | (data[b + 2] << 8) | data[b + 3];
      out[at + k] = ((word << (pos & 7)) >>> shiftDown) + add;
      pos += width;
    }
  }
  for (; k < count; k++) {
    out[at + k] = readBits(data, pos, width) + add;
    pos += width;
  }
}

/** Number of bits set among the `count` bits from bit `pos` (a bit map: FM 92 section 6). */
export function countSetBits(data: Uint8Array, pos: number, count: number): number {
  let n = 0;
  const end = pos + count;
  // Bit by bit up to a byte boundary, then whole bytes, then the last bits.
  while (pos < end && (pos & 7) !== 0) {
    n += (data[pos >>> 3] >>> (7 - (pos & 7))) & 1;
    pos++;
  }
  while (pos + 8 <= end) {
    n += BYTE_POPCOUNT[data[pos >>> 3]];
    pos += 8;
  }
  while (pos < end) {
    n += (data[pos >>> 3] >>> (7 - (pos & 7))) & 1;
    pos++;
  }
  return n;
}

const BYTE_POPCOUNT = new Uint8Array(256);
for (let b = 1; b < 256; b++) BYTE_POPCOUNT[b] = (b & 1) + BYTE_POPCOUNT[b >>> 1];
