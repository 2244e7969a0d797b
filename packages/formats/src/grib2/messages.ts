import { DecodeError } from '@balloon-sim/sim-core';
import { readU32, Section } from './section.js';

/**
 * The sections that describe one field. A GRIB2 message holds sections 0 and 1, then one or more
 * repetitions of sections 2-7 (a repetition may start at section 2, 3 or 4; sections it leaves out
 * carry over from the previous field), then section 8 (FM 92 regulation 92.1.3).
 */
export interface RawField {
  /** 1-based position among all fields of the file (ecCodes counts fields of multi-field messages so). */
  index: number;
  /** 1-based GRIB message number in the file. */
  message: number;
  /** 1-based position of the field inside its message. */
  fieldInMessage: number;
  /** Byte offset of the message's section 0 in the file. */
  messageOffset: number;
  /** Discipline (section 0 octet 7, code table 0.0). */
  discipline: number;
  s1: Section;
  s2: Section | null;
  s3: Section;
  s4: Section;
  s5: Section;
  s6: Section;
  s7: Section;
  /** The section 6 whose octets 7-nn hold this field's bit map: s6 itself, an earlier one (indicator 254), or null. */
  bitmap: Section | null;
}

const INDICATOR_LENGTH = 16;
const END_MARK = 0x37373737; // "7777", section 8
const GRIB_MARK = 0x47524942; // "GRIB", section 0 octets 1-4
/** Smallest legal length of each section, from the fixed octets every section of that number has. */
const MIN_SECTION_LENGTH = [0, 21, 5, 14, 9, 11, 6, 5];
/** Which section may follow which (FM 92 regulation 92.1.3): after 7, a new field or section 8. */
const MAY_FOLLOW: Record<number, readonly number[]> = {
  1: [2, 3],
  2: [3],
  3: [4],
  4: [5],
  5: [6],
  6: [7],
  7: [2, 3, 4],
};

/**
 * Splits a file into its fields, checking section 0 (magic "GRIB", edition 2, total length), every
 * section length and number, the order of sections and the closing "7777". Reads no data values.
 * Each loop advances by at least one section header, so corrupted lengths cannot make it spin.
 */
export function splitFields(bytes: Uint8Array, source: string): RawField[] {
  const fields: RawField[] = [];
  let offset = 0;
  let message = 0;
  if (bytes.length === 0) throw new DecodeError('the file is empty', source, 'section 0', 0);
  while (offset < bytes.length) {
    message++;
    const length = readIndicator(bytes, offset, source, message);
    splitMessage(bytes, offset, length, message, source, fields);
    offset += length;
  }
  return fields;
}

/** Checks section 0 at `offset` and returns the message's total length. */
function readIndicator(bytes: Uint8Array, offset: number, source: string, message: number): number {
  const part = `section 0 (message ${message})`;
  const remaining = bytes.length - offset;
  if (remaining < INDICATOR_LENGTH) {
    throw new DecodeError(
      `truncated: ${remaining} bytes left where a 16-octet indicator section should start`,
      source,
      part,
      offset,
    );
  }
  if (readU32(bytes, offset) !== GRIB_MARK)
    throw new DecodeError('not a GRIB message: octets 1-4 are not "GRIB"', source, part, offset);
  const edition = bytes[offset + 7];
  if (edition !== 2) {
    throw new DecodeError(
      `GRIB edition ${edition} is not supported (octet 8); only edition 2 is`,
      source,
      part,
      offset + 7,
    );
  }
  // Octets 9-16: total length, 64 bits. Above 2^53 it cannot be a real file; reject before rounding.
  const high = readU32(bytes, offset + 8);
  const length = high * 2 ** 32 + readU32(bytes, offset + 12);
  if (high >= 2 ** 21 || length < INDICATOR_LENGTH + MIN_SECTION_LENGTH[1] + 4) {
    throw new DecodeError(`impossible message length ${length} (octets 9-16)`, source, part, offset + 8);
  }
  if (length > remaining) {
    throw new DecodeError(
      `truncated: the message is ${length} octets long (octets 9-16) but only ${remaining} bytes remain`,
      source,
      part,
      offset + 8,
    );
  }
  if (readU32(bytes, offset + length - 4) !== END_MARK) {
    throw new DecodeError(
      'the message does not end with "7777" where its length says it ends',
      source,
      `section 8 (message ${message})`,
      offset + length - 4,
    );
  }
  return length;
}

function splitMessage(
  bytes: Uint8Array,
  start: number,
  length: number,
  message: number,
  source: string,
  fields: RawField[],
): void {
  const end = start + length - 4; // where section 8 starts
  const discipline = bytes[start + 6];
  const current: (Section | null)[] = [null, null, null, null, null, null, null, null];
  let lastBitmap: Section | null = null;
  let previous = 0;
  let fieldInMessage = 0;
  let p = start + INDICATOR_LENGTH;
  while (p < end) {
    const partOf = (n: number | string) => `section ${n} (message ${message})`;
    if (end - p < 5) {
      throw new DecodeError(
        `${end - p} octets left before "7777", too few for a section header`,
        source,
        partOf('?'),
        p,
      );
    }
    const sectionLength = readU32(bytes, p);
    const number = bytes[p + 4];
    if (number < 1 || number > 7) {
      throw new DecodeError(`unknown section number ${number} (octet 5)`, source, partOf('?'), p + 4);
    }
    if (previous === 0 ? number !== 1 : !MAY_FOLLOW[previous].includes(number)) {
      const expected = previous === 0 ? '1' : MAY_FOLLOW[previous].join(' or ');
      throw new DecodeError(
        `section ${number} cannot follow section ${previous}; expected ${expected}`,
        source,
        partOf(number),
        p + 4,
      );
    }
    if (sectionLength < MIN_SECTION_LENGTH[number] || sectionLength > end - p) {
      throw new DecodeError(
        `section length ${sectionLength} (octets 1-4) is impossible: at least ${MIN_SECTION_LENGTH[number]}, and ${end - p} octets remain before "7777"`,
        source,
        partOf(number),
        p,
      );
    }
    const section = new Section(bytes, p, sectionLength, number, source, partOf(number));
    current[number] = section;
    if (number === 7) {
      fieldInMessage++;
      const s6 = current[6]!;
      const indicator = s6.u8(6);
      let bitmap: Section | null = null;
      if (indicator === 0) bitmap = s6;
      else if (indicator === 254) {
        // Code table 6.0: 254 = the bit map defined previously in this message applies.
        if (lastBitmap === null)
          s6.fail('bit-map indicator 254 (reuse) but no earlier bit map in this message', 6);
        bitmap = lastBitmap;
      } else if (indicator !== 255) {
        s6.fail(`bit-map indicator ${indicator} (predefined bit map) is not supported`, 6);
      }
      if (indicator === 0) lastBitmap = s6;
      fields.push({
        index: fields.length + 1,
        message,
        fieldInMessage,
        messageOffset: start,
        discipline,
        s1: current[1]!,
        s2: current[2],
        s3: current[3]!,
        s4: current[4]!,
        s5: current[5]!,
        s6,
        s7: section,
        bitmap,
      });
    }
    previous = number;
    p += sectionLength;
  }
  if (previous !== 7) {
    throw new DecodeError(
      previous === 0 ? 'the message has no sections' : `the message ends after section ${previous}, not 7`,
      source,
      `section 8 (message ${message})`,
      end,
    );
  }
}
