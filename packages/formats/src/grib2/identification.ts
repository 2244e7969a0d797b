import type { Section } from './section.js';
import { readDateTime } from './time.js';

/** What section 1 (identification section) says about the whole message. */
export interface Identification {
  /** Originating centre (octets 6-7, common code table C-11): 7 NCEP, 54 CMC, 98 ECMWF… */
  centre: number;
  subCentre: number;
  /** Significance of reference time (octet 12, code table 1.2): 1 = start of forecast. */
  referenceSignificance: number;
  /** Reference time (octets 13-19), s since the epoch. */
  referenceTimeSec: number;
}

export function readIdentification(s1: Section): Identification {
  return {
    centre: s1.u16(6),
    subCentre: s1.u16(8),
    referenceSignificance: s1.u8(12),
    referenceTimeSec: readDateTime(s1, 13, 'reference time'),
  };
}
