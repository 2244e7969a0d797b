import type { Section } from './section.js';

/** Data representation templates this decoder unpacks (section 5 octets 10-11, code table 5.0). */
export const SUPPORTED_PACKING_TEMPLATES: readonly number[] = [0, 2, 3, 40, 42];

/**
 * The part of section 5 every supported template shares (octets 12-21 are laid out alike in 5.0,
 * 5.2, 5.3, 5.40 and 5.42). A value is Y = (R + X·2^E) / 10^D, X the packed integer; the scale
 * factors are checked here to give finite, non-zero 2^E and 10^D.
 */
export interface Packing {
  template: number;
  /** Number of values in section 7 (octets 6-9): all grid points, or the points the bit map marks. */
  valueCount: number;
  /** R (octets 12-15, IEEE float32). */
  referenceValue: number;
  /** E (octets 16-17, signed). */
  binaryScale: number;
  /** D (octets 18-19, signed). */
  decimalScale: number;
  /** Bits per packed value (octet 20); for 5.2/5.3 the bits per group reference. */
  bitsPerValue: number;
}

export function readPacking(s5: Section): Packing {
  const template = s5.u16(10);
  if (!SUPPORTED_PACKING_TEMPLATES.includes(template)) {
    s5.fail(
      `data representation template 5.${template} is not supported (supported: ${SUPPORTED_PACKING_TEMPLATES.map((t) => `5.${t}`).join(', ')})`,
      10,
    );
  }
  s5.require(1, 21, `data representation template 5.${template}`);
  const packing: Packing = {
    template,
    valueCount: s5.u32(6),
    referenceValue: s5.f32(12),
    binaryScale: s5.s16(16),
    decimalScale: s5.s16(18),
    bitsPerValue: s5.u8(20),
  };
  if (!Number.isFinite(packing.referenceValue))
    s5.fail(`reference value ${packing.referenceValue} (octets 12-15) is not a finite number`, 12);
  const binary = 2 ** packing.binaryScale;
  const decimal = 10 ** packing.decimalScale;
  if (!(binary > 0 && binary < Number.POSITIVE_INFINITY))
    s5.fail(`binary scale factor ${packing.binaryScale} (octets 16-17) is out of range`, 16);
  if (!(decimal > 0 && decimal < Number.POSITIVE_INFINITY))
    s5.fail(`decimal scale factor ${packing.decimalScale} (octets 18-19) is out of range`, 18);
  if (packing.bitsPerValue > 32)
    s5.fail(`${packing.bitsPerValue} bits per value (octet 20) is more than the 32 this decoder reads`, 20);
  return packing;
}
