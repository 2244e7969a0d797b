import { DecodeError } from '@balloon-sim/sim-core';

/** Scratch for reading IEEE floats without allocating a DataView per read. */
const FLOAT_VIEW = new DataView(new ArrayBuffer(4));

/**
 * One section of a GRIB2 message, read with the octet numbers of the WMO Manual on Codes (FM 92 GRIB
 * edition 2): octet 1 is the first octet of the section. Every read checks that the octets lie inside
 * the section, so a template that claims more than the section holds fails with a DecodeError naming
 * the section and the absolute byte offset, never by reading the next section or past the file.
 */
export class Section {
  constructor(
    /** The whole file. */
    readonly bytes: Uint8Array,
    /** Absolute offset of octet 1 in the file. */
    readonly offset: number,
    /** Length in octets (octets 1-4 of the section). */
    readonly length: number,
    readonly number: number,
    readonly source: string,
    /** Name for errors, e.g. "section 5 (message 12)". */
    readonly part: string,
  ) {}

  /** Throws a DecodeError at `octet` of this section. */
  fail(reason: string, octet = 1): never {
    throw new DecodeError(reason, this.source, this.part, this.offset + octet - 1);
  }

  /** Checks that octets [octet, octet + size) exist in this section. */
  require(octet: number, size: number, what: string): void {
    if (octet < 1 || octet + size - 1 > this.length) {
      this.fail(
        `${what} needs octets ${octet}-${octet + size - 1}, but the section has ${this.length} octets`,
        Math.min(Math.max(octet, 1), this.length),
      );
    }
  }

  u8(octet: number): number {
    this.require(octet, 1, `octet ${octet}`);
    return this.bytes[this.offset + octet - 1];
  }

  u16(octet: number): number {
    this.require(octet, 2, `octets ${octet}-${octet + 1}`);
    const o = this.offset + octet - 1;
    return (this.bytes[o] << 8) | this.bytes[o + 1];
  }

  u32(octet: number): number {
    this.require(octet, 4, `octets ${octet}-${octet + 3}`);
    return readU32(this.bytes, this.offset + octet - 1);
  }

  /** Signed integers in GRIB2 are sign and magnitude: the first bit is the sign (FM 92 regulation 92.1.5). */
  s8(octet: number): number {
    const v = this.u8(octet);
    return v & 0x80 ? -(v & 0x7f) : v;
  }

  s16(octet: number): number {
    const v = this.u16(octet);
    return v & 0x8000 ? -(v & 0x7fff) : v;
  }

  s32(octet: number): number {
    const v = this.u32(octet);
    return v >= 0x80000000 ? -(v - 0x80000000) : v;
  }

  /** IEEE 754 single precision, big-endian (FM 92 regulation 92.1.6). */
  f32(octet: number): number {
    this.require(octet, 4, `octets ${octet}-${octet + 3}`);
    FLOAT_VIEW.setUint32(0, readU32(this.bytes, this.offset + octet - 1));
    return FLOAT_VIEW.getFloat32(0);
  }

  /** The octets from `octet` to the end of the section (a view, not a copy). */
  tail(octet: number): Uint8Array {
    this.require(octet, 0, `data from octet ${octet}`);
    return this.bytes.subarray(this.offset + octet - 1, this.offset + this.length);
  }
}

/** Big-endian unsigned 32-bit integer at an absolute offset (the caller checks the bounds). */
export function readU32(bytes: Uint8Array, o: number): number {
  return ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0;
}

/** All bits set: the value GRIB2 uses for "missing" in an unsigned field of that many octets. */
export const MISSING_U8 = 0xff;
export const MISSING_U32 = 0xffffffff;
