/**
 * Where a wind came from, as structured data: the format, the files (with their sizes and, when the
 * caller read them, SHA-256), who produced it and which forecast run, as the file itself says. A
 * decoder fills what its format carries (`WindSourceInfo`, on the GridWindInit); the field adds what
 * it is (`WindFieldSource`: grid, levels, valid times). Every run's provenance is built from it.
 */

/** A code of a WMO code table, with its name where the project knows it (null otherwise). */
export interface CodeName {
  code: number;
  name: string | null;
}

/** One file a wind was read from. */
export interface WindFileRef {
  /** As the caller named it (a path on the command line, a URL, an upload's name). */
  name: string;
  /** Size in bytes. */
  bytes: number;
  /** SHA-256 of the content (64 hex digits), where the caller computed it (the Node side does). */
  sha256?: string;
}

/**
 * Who made a wind and how, as a GRIB2 file says it (sections 1 and 4, of the wind's u fields); other
 * formats fill the little they carry.
 */
export interface WindProducer {
  /** Originating centre: section 1 octets 6-7 (common code table C-11), or a name a format gives. */
  centre?: CodeName;
  /** Originating sub-centre: section 1 octets 8-9 (code table C-12). */
  subCentre?: number;
  /** Production status of the data: section 1 octet 20 (code table 1.3): 0 operational, 2 research… */
  productionStatus?: CodeName;
  /** Type of the data: section 1 octet 21 (code table 1.4): 0 analysis, 1 forecast… */
  dataType?: CodeName;
  /** Type of generating process: section 4 octet 12 (code table 4.3): 0 analysis, 2 forecast… */
  generatingProcess?: CodeName;
  /** Background generating process identifier: section 4 octet 13 (defined by the centre). */
  backgroundProcess?: number;
  /**
   * Analysis or forecast generating process identifiers of the steps (section 4 octet 14, the model
   * in the centre's own table: NCEP ON388 table A, 81 = GFS analysis, 96 = GFS), each once, in the
   * order of the steps: a GFS run's step 0 is its analysis (81), the others its forecast (96).
   */
  models?: CodeName[];
  /** Ensemble member (product template 4.1): type (code table 4.6), perturbation number, ensemble size. */
  ensembleMember?: { type: number; perturbation: number; size: number };
}

/** One time step of a forecast as the file says it: its run, lead time, model and files. */
export interface WindStep {
  /** ISO 8601 UTC. */
  validTime: string;
  referenceTime: string;
  /** validTime − referenceTime, hours. */
  forecastHours: number;
  model?: CodeName;
  /** The files that hold the step (names as in `files`). */
  files: string[];
}

/** What a decoder knows of where its wind came from (set on GridWindInit.source). */
export interface WindSourceInfo {
  /** The file format (grib2, netcdf, grib2json, open-meteo, wyoming, grid-json) or "analytic". */
  format: string;
  /** True for winds made up by the project (demos): every output made from them says so. */
  illustrative: boolean;
  files: WindFileRef[];
  /** Forecast runs (reference times, ISO 8601 UTC) of the data used; empty where the format has none. */
  referenceTimes: string[];
  /** Which kind of levels the wind was taken from, where a file holds several (isobaric, height-above-sea…). */
  levelType?: string;
  producer?: WindProducer;
  /** Per time step, where the format tells (GRIB2): run, lead time, model, files. */
  steps?: WindStep[];
  /** What else the file says of itself: NetCDF global attributes, a sounding's station, the file's own description. */
  attributes?: Record<string, string>;
}

/** A regular lon/lat grid (degrees), as the field holds it (after any bbox). */
export interface WindGridInfo {
  lonMin: number;
  lonMax: number;
  lonStepDeg: number;
  nLon: number;
  latMin: number;
  latMax: number;
  latStepDeg: number;
  nLat: number;
}

/** The vertical levels of a field, bottom first. */
export interface WindLevelsInfo {
  kind: 'pressure' | 'altitude';
  /** hPa for pressure levels, m above mean sea level for altitudes. */
  values: number[];
}

/** A field's source: the decoder's part, plus the field's grid, levels and valid times. */
export interface WindFieldSource extends WindSourceInfo {
  grid?: WindGridInfo;
  levels?: WindLevelsInfo;
  /** Valid times of the field's steps (ISO 8601 UTC); empty for a steady field. */
  validTimes: string[];
}

/** The source of an analytic (formula) field: no file, no forecast. */
export function analyticSource(): WindFieldSource {
  return { format: 'analytic', illustrative: false, files: [], referenceTimes: [], validTimes: [] };
}
