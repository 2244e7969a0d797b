import { readIdentification } from './identification.js';
import { type RawField, splitFields } from './messages.js';
import { levelTypeName, shortName } from './names.js';
import { naturalLevel, readProduct, SUPPORTED_PRODUCT_TEMPLATES } from './product.js';

/** What a field is, read from its sections 0, 1, 3, 4 and 5 headers without touching the data. */
export interface Grib2FieldInfo {
  /** 1-based position among all fields of the file (fields of multi-field messages counted one by one, as ecCodes does). */
  index: number;
  /** 1-based GRIB message number, and the field's position inside that message. */
  message: number;
  fieldInMessage: number;
  /** Byte offset of the message in the file. */
  offset: number;
  /** Originating centre (section 1 octets 6-7, common code table C-11) and sub-centre (octets 8-9). */
  centre: number;
  subCentre: number;
  /** Section 1 octets 20 and 21: production status (code table 1.3) and type of data (code table 1.4). */
  productionStatus: number;
  dataType: number;
  /**
   * Section 4 octets 12-14: type of generating process (code table 4.3), background generating
   * process and analysis or forecast generating process identifiers (the centre's model numbers).
   */
  generatingProcess: number;
  backgroundProcess: number;
  processId: number;
  /** Discipline (section 0 octet 7), parameter category and number (section 4 octets 10, 11). */
  discipline: number;
  category: number;
  number: number;
  /** ecCodes-style short name: u, v, gh, t, r, 10u… or "unknown". */
  shortName: string;
  /** Type of first fixed surface (code table 4.5) as a name, e.g. "isobaric", and as its code. */
  levelType: string;
  levelTypeCode: number;
  /** Level: hPa for isobaric surfaces, m for heights, otherwise in the unit of code table 4.5. */
  level: number;
  /** Reference time (section 1) and valid time, s since the epoch. */
  referenceTimeSec: number;
  validTimeSec: number;
  /** Grid, product and data representation template numbers (sections 3, 4, 5). */
  template3: number;
  template4: number;
  template5: number;
  /** Template 4.1 (ensemble member): type (code table 4.6), perturbation number, ensemble size. */
  ensemble?: { type: number; perturbation: number; size: number };
}

/** A field not decoded because its product definition template is not 4.0, 4.1 or 4.8. */
export interface Grib2Skipped {
  index: number;
  message: number;
  fieldInMessage: number;
  offset: number;
  template4: number;
  reason: string;
}

export interface FieldEntry {
  raw: RawField;
  info: Grib2FieldInfo;
}

/** Splits a file into fields and reads what each is; fields with unsupported product templates are listed apart. */
export function readFieldInfos(
  bytes: Uint8Array,
  source: string,
): { entries: FieldEntry[]; skipped: Grib2Skipped[]; messageCount: number } {
  const raws = splitFields(bytes, source);
  const entries: FieldEntry[] = [];
  const skipped: Grib2Skipped[] = [];
  for (const raw of raws) {
    const template4 = raw.s4.u16(8);
    if (!SUPPORTED_PRODUCT_TEMPLATES.includes(template4)) {
      skipped.push({
        index: raw.index,
        message: raw.message,
        fieldInMessage: raw.fieldInMessage,
        offset: raw.messageOffset,
        template4,
        reason: `product definition template 4.${template4} is not read (only 4.0, 4.1, 4.8)`,
      });
      continue;
    }
    entries.push({ raw, info: readFieldInfo(raw) });
  }
  return { entries, skipped, messageCount: raws.length === 0 ? 0 : raws[raws.length - 1].message };
}

function readFieldInfo(raw: RawField): Grib2FieldInfo {
  const identification = readIdentification(raw.s1);
  const product = readProduct(raw.s4, identification.referenceTimeSec);
  const level = naturalLevel(product.levelTypeCode, product.levelValue);
  const info: Grib2FieldInfo = {
    index: raw.index,
    message: raw.message,
    fieldInMessage: raw.fieldInMessage,
    offset: raw.messageOffset,
    centre: identification.centre,
    subCentre: identification.subCentre,
    productionStatus: identification.productionStatus,
    dataType: identification.dataType,
    generatingProcess: product.generatingProcess,
    backgroundProcess: product.backgroundProcess,
    processId: product.processId,
    discipline: raw.discipline,
    category: product.category,
    number: product.number,
    shortName: shortName(raw.discipline, product.category, product.number, product.levelTypeCode, level),
    levelType: levelTypeName(product.levelTypeCode),
    levelTypeCode: product.levelTypeCode,
    level,
    referenceTimeSec: identification.referenceTimeSec,
    validTimeSec: product.validTimeSec,
    template3: raw.s3.u16(13),
    template4: product.template,
    template5: raw.s5.u16(10),
  };
  if (product.ensemble) info.ensemble = product.ensemble;
  return info;
}
