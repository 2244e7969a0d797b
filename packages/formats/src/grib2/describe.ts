import { isoTime } from '@balloon-sim/sim-core';
import { readFieldInfos } from './field-info.js';
import { readLatLonGrid } from './latlon-grid.js';
import { SUPPORTED_PACKING_TEMPLATES } from './packing.js';

/** One line of a file summary (`balloon-sim wind inspect`). */
export interface Grib2MessageSummary {
  index: number;
  message: number;
  fieldInMessage: number;
  offset: number;
  discipline: number;
  category: number;
  number: number;
  shortName: string;
  levelType: string;
  level: number;
  referenceTime: string;
  validTime: string;
  template3: number;
  template4: number;
  template5: number;
  /** Grid size and first/last points (degrees, as in the file); absent for grids other than template 3.0. */
  nx?: number;
  ny?: number;
  lonFirst?: number;
  latFirst?: number;
  lonLast?: number;
  latLast?: number;
  /** Section 5 octet 20; absent for data representation templates this decoder does not read. */
  bitsPerValue?: number;
  /** Ensemble members (product template 4.1): perturbation number and ensemble size. */
  member?: number;
  ensembleSize?: number;
}

export interface Grib2Description {
  source: string;
  messageCount: number;
  messages: Grib2MessageSummary[];
  skipped: { index: number; message: number; offset: number; template4: number; reason: string }[];
}

/**
 * Summarises every field of a file from its headers, without unpacking data. A corrupted file is a
 * DecodeError as in decodeGrib2; an unsupported grid or packing template just leaves its columns out.
 */
export function describeGrib2(file: { name: string; bytes: Uint8Array }): Grib2Description {
  const { entries, skipped, messageCount } = readFieldInfos(file.bytes, file.name);
  const messages = entries.map(({ raw, info }): Grib2MessageSummary => {
    const summary: Grib2MessageSummary = {
      index: info.index,
      message: info.message,
      fieldInMessage: info.fieldInMessage,
      offset: info.offset,
      discipline: info.discipline,
      category: info.category,
      number: info.number,
      shortName: info.shortName,
      levelType: info.levelType,
      level: info.level,
      referenceTime: isoTime(info.referenceTimeSec, 'seconds'),
      validTime: isoTime(info.validTimeSec, 'seconds'),
      template3: info.template3,
      template4: info.template4,
      template5: info.template5,
    };
    if (info.template3 === 0) {
      const grid = readLatLonGrid(raw.s3);
      summary.nx = grid.ni;
      summary.ny = grid.nj;
      summary.lonFirst = grid.lon.start;
      summary.latFirst = grid.lat.start;
      summary.lonLast = grid.lonLastDeg;
      summary.latLast = grid.latLastDeg;
    }
    if (SUPPORTED_PACKING_TEMPLATES.includes(info.template5)) summary.bitsPerValue = raw.s5.u8(20);
    if (info.ensemble) {
      summary.member = info.ensemble.perturbation;
      summary.ensembleSize = info.ensemble.size;
    }
    return summary;
  });
  return {
    source: file.name,
    messageCount,
    messages,
    skipped: skipped.map(({ index, message, offset, template4, reason }) => ({
      index,
      message,
      offset,
      template4,
      reason,
    })),
  };
}
