/**
 * @balloon-sim/formats: wind files, bytes in, wind field out (and the writers). Runs in Node and
 * browsers; the heavy decoders (HDF5, JPEG 2000) load on first use.
 */
export {
  cropGrib2,
  decodeGrib2,
  describeGrib2,
  type Grib2Bbox,
  type Grib2Crop,
  type Grib2DecodeOptions,
  type Grib2Description,
  type Grib2Field,
  type Grib2FieldInfo,
  type Grib2File,
  type Grib2MessageSummary,
  type Grib2Packing,
  type Grib2Skipped,
  type Grib2WindLevelType,
  type Grib2WindMember,
  type Grib2WindOptions,
  grib2Wind,
  grib2WindMembers,
} from './grib2/index.js';
export {
  type Grib2JsonRecord,
  type Grib2JsonSurface,
  type ReadGrib2JsonOptions,
  readGrib2Json,
  type WriteGrib2JsonOptions,
  writeGrib2Json,
} from './grib2json.js';
export { GRID_JSON_FORMAT, type GridJsonMeta, readGridJson, writeGridJson } from './grid-json.js';
export {
  describeNetcdf,
  type NetcdfDescription,
  type NetcdfVariableInfo,
  type NetcdfWindOptions,
  readNetcdfWind,
} from './netcdf.js';
export { type ReadOpenMeteoOptions, readOpenMeteo } from './open-meteo.js';
export {
  type DecodeWindOptions,
  decodeWind,
  decodeWindMembers,
  describeWindFile,
  detectWindFormat,
  WIND_FORMATS,
  type WindFile,
  type WindFormat,
  type WindLevelType,
  type WindMember,
  type WindMembers,
  withSource,
} from './wind-file.js';
export {
  type ReadWyomingOptions,
  readWyomingSounding,
  type WyomingSounding,
  wyomingWind,
} from './wyoming.js';
