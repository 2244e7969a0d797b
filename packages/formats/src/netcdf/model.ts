/**
 * The part of a NetCDF file the wind reader needs, the same for NetCDF3 (read with netcdfjs) and
 * NetCDF4/HDF5 (read with h5wasm), so that the CF interpretation in ../netcdf.ts is written once.
 */

/** An attribute value: text, or one or more numbers (a single number is given as a number). */
export type NcAttributeValue = string | number | readonly number[];

export interface NcVariable {
  name: string;
  /** Dimension names, slowest-varying first (the NetCDF order). */
  dims: readonly string[];
  shape: readonly number[];
  /** NetCDF type name: byte, char, short, int, int64, float, double (u… for unsigned). */
  type: string;
  attributes: ReadonlyMap<string, NcAttributeValue>;
}

/** A half-open index range [start, end) along one dimension. */
export type NcRange = readonly [start: number, end: number];

export interface NcFile {
  /** "NetCDF3 classic", "NetCDF3 64-bit offset" or "NetCDF4/HDF5". */
  format: string;
  dimensions: readonly { name: string; size: number }[];
  variables: readonly NcVariable[];
  /** The file's global attributes (CF: Conventions, title, institution, source, history…). */
  globalAttributes: ReadonlyMap<string, NcAttributeValue>;
  /**
   * The stored (still packed) values of a hyperslab, row-major, one range per dimension.
   * Throws a DecodeError naming the variable when the data cannot be read.
   */
  read(variable: NcVariable, ranges: readonly NcRange[]): ArrayLike<number>;
  /** Releases what the file holds (the HDF5 library's in-memory copy). */
  close(): void;
}

/** A number attribute as a list (empty when absent or not numeric). */
export function numbersOf(value: NcAttributeValue | undefined): number[] {
  if (typeof value === 'number') return [value];
  if (value === undefined || typeof value === 'string') return [];
  return [...value];
}

/** A text attribute (undefined when absent or numeric). */
export function textOf(value: NcAttributeValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
