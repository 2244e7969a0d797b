/**
 * An input the caller can fix: a scenario value, a wind file, a request. `field` names where the
 * problem is (a JSON path such as `solver.dtSec`, a file name, a section); `value` is what was received.
 * The server maps it to a 4xx, the command line to exit code 2.
 */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    message: string,
    readonly field?: string,
    readonly value?: unknown,
  ) {
    super(message);
  }
}

/** Formats a received value for an error message: short, and never the whole of a large input. */
export function describeValue(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Throws an InputError "`field` must be …, got …". */
export function invalid(field: string, requirement: string, value: unknown): never {
  throw new InputError(`${field} ${requirement}, got ${describeValue(value)}`, field, value);
}

/**
 * A file that cannot be decoded: truncated, foreign, corrupted or using an unsupported feature.
 * Names the file, the part (GRIB2 section, NetCDF variable…) and the byte offset where it failed.
 */
export class DecodeError extends InputError {
  override name = 'DecodeError';
  constructor(
    readonly reason: string,
    readonly source: string,
    readonly part?: string,
    readonly offset?: number,
  ) {
    super(
      `${source}: ${part ? `${part}: ` : ''}${reason}${offset === undefined ? '' : ` (at byte ${offset})`}`,
      part ?? source,
    );
  }
}
