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
  /** Production status of processed data (octet 20, code table 1.3): 0 operational, 2 research, 3 re-analysis… */
  productionStatus: number;
  /** Type of processed data (octet 21, code table 1.4): 0 analysis, 1 forecast, 4 perturbed forecast… */
  dataType: number;
}

export function readIdentification(s1: Section): Identification {
  return {
    centre: s1.u16(6),
    subCentre: s1.u16(8),
    referenceSignificance: s1.u8(12),
    referenceTimeSec: readDateTime(s1, 13, 'reference time'),
    // Octets 20 and 21 lie within the 21 octets every section 1 has (checked when splitting).
    productionStatus: s1.u8(20),
    dataType: s1.u8(21),
  };
}
