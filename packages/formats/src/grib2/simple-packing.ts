import { unpackBits } from './bits.js';
import type { Packing } from './packing.js';
import type { Section } from './section.js';

/**
 * Template 5.0 / 7.0, simple packing: section 7 octets 6-nn hold the values X, `bitsPerValue` bits
 * each, one after the other. Values are at fixed positions, so only `count` of them from `first` are
 * unpacked (a bounding box needs only its rows). With 0 bits per value every X is 0: Y = R everywhere.
 */
export function unpackSimple(
  packing: Packing,
  s7: Section,
  first: number,
  count: number,
  out: Float64Array,
): void {
  const data = s7.tail(6);
  const width = packing.bitsPerValue;
  const needBits = packing.valueCount * width;
  if (needBits > data.length * 8) {
    s7.fail(
      `${packing.valueCount} values of ${width} bits need ${Math.ceil(needBits / 8)} octets, the section holds ${data.length}`,
      6,
    );
  }
  unpackBits(data, first * width, width, count, out, 0);
}
