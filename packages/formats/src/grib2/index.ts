/** GRIB2 (FM 92 edition 2) decoding: fields, file summaries and gridded wind. Runs in Node and browsers. */
export type { Grib2Bbox } from './crop.js';
export { cropGrib2, type Grib2Crop } from './crop-encode.js';
export { decodeGrib2, type Grib2DecodeOptions, type Grib2Field, type Grib2File } from './decode.js';
export { describeGrib2, type Grib2Description, type Grib2MessageSummary } from './describe.js';
export type { Grib2FieldInfo, Grib2Skipped } from './field-info.js';
export type { Packing as Grib2Packing } from './packing.js';
export {
  type Grib2WindLevelType,
  type Grib2WindMember,
  type Grib2WindOptions,
  grib2Wind,
  grib2WindMembers,
} from './wind.js';
