import { readBits, unpackBits } from './bits.js';
import type { Packing } from './packing.js';
import type { Section } from './section.js';

/**
 * Templates 5.2 / 5.3 with data templates 7.2 / 7.3: complex packing, optionally after spatial
 * differencing (FM 92 regulation 92.9.4; notes to templates 5.2, 5.3, 7.2, 7.3).
 *
 * Section 7 from octet 6 holds, each list padded with zero bits to an octet boundary:
 *   [5.3 only] the first 1 or 2 original values and the overall minimum of the differences,
 *              each in `extraOctets` octets, sign and magnitude;
 *   NG group references (octet 20 bits each);
 *   NG group widths (octet 37 bits each, plus the reference width of octet 36);
 *   NG scaled group lengths (octet 47 bits; length = reference (38-41) + scaled × increment (42),
 *      except the last group, whose true length is octets 43-46);
 * then the values of every group, `width` bits each, not padded between groups. A value is the
 * group reference plus the packed value; with missing-value management (octet 23, code table 5.5),
 * a packed value of all ones (2^width − 1) is a primary missing value and all ones minus one a
 * secondary one; in a group of width 0 the same patterns apply to the group reference.
 *
 * Writes X into out[0…valueCount): NaN marks a missing value.
 */
export function unpackComplex(packing: Packing, s5: Section, s7: Section, out: Float64Array): void {
  const n = packing.valueCount;
  const refBits = packing.bitsPerValue;
  const missingManagement = s5.u8(23);
  const groupCount = s5.u32(32);
  const widthReference = s5.u8(36);
  const widthBits = s5.u8(37);
  const lengthReference = s5.u32(38);
  const lengthIncrement = s5.u8(42);
  const lastLength = s5.u32(43);
  const lengthBits = s5.u8(47);
  const order = packing.template === 3 ? s5.u8(48) : 0;
  const extraOctets = packing.template === 3 ? s5.u8(49) : 0;
  if (missingManagement > 2)
    s5.fail(`missing value management ${missingManagement} (octet 23, code table 5.5) is unknown`, 23);
  if (order > 2) s5.fail(`order of spatial differencing ${order} (octet 48, code table 5.6) is unknown`, 48);
  if (order > 0 && (extraOctets < 1 || extraOctets > 6))
    s5.fail(`${extraOctets} octets per extra descriptor (octet 49) is not supported`, 49);
  if (widthBits > 32 || lengthBits > 32)
    s5.fail(`group widths/lengths of more than 32 bits (octets 37, 47)`, widthBits > 32 ? 37 : 47);
  // Every group holds at least one value, so more groups than values is corruption (and a memory bomb).
  if (groupCount > n || (groupCount === 0 && n > 0))
    s5.fail(`${groupCount} groups (octets 32-35) for ${n} values`, 32);

  const data = s7.tail(6);
  const totalBits = data.length * 8;
  let pos = 0;
  const need = (bits: number, what: string) => {
    if (pos + bits > totalBits)
      s7.fail(`${what} need ${Math.ceil((pos + bits) / 8)} octets, the section holds ${data.length}`, 6);
  };

  // Template 7.3 octets 6-ww: h1 (and h2 for order 2), then the overall minimum; sign and magnitude.
  const firstValues = [0, 0];
  let minimum = 0;
  if (order > 0) {
    const bits = extraOctets * 8;
    need((order + 1) * bits, 'spatial differencing descriptors');
    for (let k = 0; k <= order; k++) {
      const sign = readBits(data, pos, 1);
      const magnitude = readBits(data, pos + 1, bits - 1);
      const value = sign ? -magnitude : magnitude;
      if (k < order) firstValues[k] = value;
      else minimum = value;
      pos += bits;
    }
  }

  const refs = new Float64Array(groupCount);
  const widths = new Float64Array(groupCount);
  const lengths = new Float64Array(groupCount);
  need(groupCount * refBits, 'group references');
  unpackBits(data, pos, refBits, groupCount, refs, 0);
  pos = octetBoundary(pos + groupCount * refBits);
  need(groupCount * widthBits, 'group widths');
  unpackBits(data, pos, widthBits, groupCount, widths, 0);
  pos = octetBoundary(pos + groupCount * widthBits);
  need(groupCount * lengthBits, 'group lengths');
  unpackBits(data, pos, lengthBits, groupCount, lengths, 0);
  pos = octetBoundary(pos + groupCount * lengthBits);

  let valueTotal = 0;
  let bitTotal = 0;
  for (let g = 0; g < groupCount; g++) {
    widths[g] += widthReference;
    lengths[g] = g === groupCount - 1 ? lastLength : lengthReference + lengths[g] * lengthIncrement;
    if (widths[g] > 32) s7.fail(`group ${g + 1} has width ${widths[g]} bits, more than 32`, 6);
    valueTotal += lengths[g];
    bitTotal += lengths[g] * widths[g];
  }
  if (valueTotal !== n) s7.fail(`the group lengths add up to ${valueTotal} values, section 5 says ${n}`, 6);
  need(bitTotal, 'packed values');

  const refMissing1 = 2 ** refBits - 1;
  const refMissing2 = missingManagement === 2 ? refMissing1 - 1 : -1;
  let at = 0;
  for (let g = 0; g < groupCount; g++) {
    const length = lengths[g];
    const width = widths[g];
    const ref = refs[g];
    if (width === 0) {
      const missing = missingManagement > 0 && (ref === refMissing1 || ref === refMissing2);
      out.fill(missing ? Number.NaN : ref, at, at + length);
    } else if (missingManagement === 0) {
      unpackBits(data, pos, width, length, out, at, ref);
      pos += length * width;
    } else {
      unpackBits(data, pos, width, length, out, at);
      pos += length * width;
      const missing1 = 2 ** width - 1;
      const missing2 = missingManagement === 2 ? missing1 - 1 : -1;
      for (let k = at; k < at + length; k++) {
        const x = out[k];
        out[k] = x === missing1 || x === missing2 ? Number.NaN : x + ref;
      }
    }
    at += length;
  }
  if (order > 0) undoSpatialDifferencing(out, n, order, firstValues, minimum);
}

function octetBoundary(bits: number): number {
  return Math.ceil(bits / 8) * 8;
}

/**
 * Template 5.3 note 1: order 1 stored g_n = f_n − f_(n−1), order 2 h_n = g_n − g_(n−1), each less the
 * overall minimum; the first `order` values are dummies replaced by the stored originals. Missing values
 * take no part (note 2: the differences run over the values that are not missing).
 */
function undoSpatialDifferencing(
  values: Float64Array,
  n: number,
  order: number,
  firstValues: number[],
  minimum: number,
): void {
  let seen = 0;
  let previous = 0;
  let beforePrevious = 0;
  for (let k = 0; k < n; k++) {
    const x = values[k];
    if (Number.isNaN(x)) continue; // missing
    let f: number;
    if (seen < order) f = firstValues[seen];
    else if (order === 1) f = x + minimum + previous;
    else f = x + minimum + 2 * previous - beforePrevious;
    values[k] = f;
    beforePrevious = previous;
    previous = f;
    seen++;
  }
}
