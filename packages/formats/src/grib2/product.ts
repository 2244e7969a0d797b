import { MISSING_U8, MISSING_U32, type Section } from './section.js';
import { addTimeUnits, isPlausibleTime, readDateTime } from './time.js';

/** Product definition templates this decoder reads (section 4 octets 8-9, code table 4.0). */
export const SUPPORTED_PRODUCT_TEMPLATES: readonly number[] = [0, 1, 8];

/** What section 4 says about a field, from templates 4.0, 4.1 or 4.8. */
export interface Product {
  template: number;
  /** Parameter category and number (octets 10, 11; code tables 4.1, 4.2). */
  category: number;
  number: number;
  /** Type of generating process (octet 12, code table 4.3). */
  generatingProcess: number;
  /** Background generating process identifier (octet 13, defined by the originating centre). */
  backgroundProcess: number;
  /** Analysis or forecast generating process identifier (octet 14, the centre's model number: NCEP 96 = GFS). */
  processId: number;
  /** Type of first fixed surface (octet 23, code table 4.5). */
  levelTypeCode: number;
  /** First fixed surface in its table-4.5 unit (Pa, m…): scaled value (25-28) / 10^scale factor (24); 0 when missing. */
  levelValue: number;
  /** Forecast time (octets 18-22) in seconds after the reference time. */
  forecastSec: number;
  /** Valid time, s since the epoch: reference + forecast time, or the end of the overall interval for 4.8. */
  validTimeSec: number;
  /** Template 4.1 only: type of ensemble forecast (octet 35, code table 4.6), perturbation number, ensemble size. */
  ensemble?: { type: number; perturbation: number; size: number };
}

/** Octet lengths of the templates (including octets 1-9 of the section). */
const TEMPLATE_4_0_LENGTH = 34;
const TEMPLATE_4_1_LENGTH = 37;
const TEMPLATE_4_8_LENGTH = 58;

/** Reads a supported product template; the caller skips other templates before calling. */
export function readProduct(s4: Section, referenceTimeSec: number): Product {
  const template = s4.u16(8);
  const minLength =
    template === 1 ? TEMPLATE_4_1_LENGTH : template === 8 ? TEMPLATE_4_8_LENGTH : TEMPLATE_4_0_LENGTH;
  s4.require(1, minLength, `product definition template 4.${template}`);
  const unit = s4.u8(18);
  const forecastUnits = s4.s32(19);
  const forecastEnd = addTimeUnits(referenceTimeSec, unit, forecastUnits);
  if (Number.isNaN(forecastEnd)) s4.fail(`unknown unit of time ${unit} (octet 18, code table 4.4)`, 18);
  if (!isPlausibleTime(forecastEnd)) s4.fail(`forecast time ${forecastUnits} is out of range`, 19);
  // Template 4.8: the field is a statistic over an interval; it is valid at the interval's end (octets 35-41).
  const validTimeSec = template === 8 ? readDateTime(s4, 35, 'end of overall time interval') : forecastEnd;
  const product: Product = {
    template,
    category: s4.u8(10),
    number: s4.u8(11),
    generatingProcess: s4.u8(12),
    backgroundProcess: s4.u8(13),
    processId: s4.u8(14),
    levelTypeCode: s4.u8(23),
    levelValue: scaledValue(s4.u8(24), s4.u32(25)),
    forecastSec: forecastEnd - referenceTimeSec,
    validTimeSec,
  };
  if (template === 1) product.ensemble = { type: s4.u8(35), perturbation: s4.u8(36), size: s4.u8(37) };
  return product;
}

/**
 * A fixed-surface value: scaled value / 10^scale factor (the factor is signed, one octet). Dividing by
 * 10^s (not multiplying by 10^-s) keeps 92500 Pa → 925 hPa exact. Missing (all bits set) reads as 0.
 */
function scaledValue(scaleOctet: number, value: number): number {
  if (scaleOctet === MISSING_U8 || value === MISSING_U32) return 0;
  const scale = scaleOctet & 0x80 ? -(scaleOctet & 0x7f) : scaleOctet;
  return scale >= 0 ? value / 10 ** scale : value * 10 ** -scale;
}

/** The level in the unit a user expects: hPa for isobaric surfaces (table 4.5 gives Pa), else as given. */
export function naturalLevel(levelTypeCode: number, levelValue: number): number {
  return levelTypeCode === 100 ? levelValue / 100 : levelValue;
}
