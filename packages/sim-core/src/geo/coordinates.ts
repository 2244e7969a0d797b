/**
 * Coordinates as people type them: from a radar screen, a report or a chart they come in degrees,
 * minutes and seconds (54°38′13″N) as often as in decimal degrees. geolib does the arithmetic
 * (sexagesimalToDecimal); its grammar is narrow (it needs ° and ′, and takes 75′ for 1° 15′), so the
 * text is first brought to that form and checked here, every refusal naming the field and the text.
 */
import { sexagesimalToDecimal } from 'geolib';
import { invalid } from '../errors.js';

export type CoordinateAxis = 'lon' | 'lat';

const AXIS = {
  lat: { name: 'latitude', hemispheres: 'NS', negative: 'S', maxDeg: 90 },
  lon: { name: 'longitude', hemispheres: 'EW', negative: 'W', maxDeg: 180 },
} as const;

/** Typographic variants people paste, mapped to the plain symbols the patterns below read. */
const VARIANTS: [RegExp, string][] = [
  [/[\u2212\u2013]/g, '-'], // minus sign, en dash
  [/[\u00ba\u02da]/g, '°'], // masculine ordinal, ring above: typed for the degree sign
  [/[\u2033\u201d]/g, '"'], // double prime, right double quote: seconds
  [/[\u2032\u2019\u00b4`]/g, "'"], // prime, right single quote, acute, grave: minutes
  [/''/g, '"'], // two apostrophes (or primes): seconds
];

/** A decimal number of degrees, with an optional degree sign. */
const DECIMAL = /^([+-])?(\d+(?:\.\d*)?|\.\d+)\s*°?$/;
/** Degrees, minutes, optional seconds, with symbols: 54°38′13″, 54° 38.2′, 54°38′13 */
const WITH_SYMBOLS = /^([+-])?(\d{1,3})\s*°\s*(\d{1,2}(?:\.\d+)?)\s*(?:'\s*(?:(\d{1,2}(?:\.\d+)?)\s*"?)?)?$/;
/** Degrees, minutes, optional seconds, separated by blanks: 54 38 13, 54 38.2 */
const WITH_BLANKS = /^([+-])?(\d{1,3})\s+(\d{1,2}(?:\.\d+)?)(?:\s+(\d{1,2}(?:\.\d+)?))?$/;

/**
 * Reads a latitude or longitude in degrees from text: decimal degrees ("54.637", "-25.29", "54.637 N",
 * "25.29°E") or degrees and minutes with optional seconds ("54°38′13″N", `54°38'13"N`, "54 38 13 N",
 * "54°38.2′N", "N 54°38′13″"). A hemisphere letter — N or S for a latitude, E or W for a longitude —
 * may come first or last; S and W are negative. A longitude in decimal degrees may be given 0–360.
 * Throws an InputError naming `field` (e.g. "--detection 1 latitude") and the text on anything else:
 * the other axis's hemisphere (a latitude typed where the longitude goes), minutes or seconds of 60 or
 * more, a decimal part before the last component, a sign together with a hemisphere, out of range.
 */
export function parseCoordinate(text: string, axis: CoordinateAxis, field: string): number {
  const { name, hemispheres, negative, maxDeg } = AXIS[axis];
  let body = String(text).trim();
  for (const [pattern, plain] of VARIANTS) body = body.replace(pattern, plain);
  if (body === '') invalid(field, `must be a ${name} in degrees`, text);

  // A hemisphere letter first or last.
  let hemisphere: string | null = null;
  const lead = /^([NSEW])\s*(.*)$/i.exec(body);
  const trail = /^(.*?)\s*([NSEW])$/i.exec(body);
  if (lead) [hemisphere, body] = [lead[1].toUpperCase(), lead[2]];
  else if (trail) [body, hemisphere] = [trail[1], trail[2].toUpperCase()];
  if (hemisphere !== null && !hemispheres.includes(hemisphere)) {
    const other = axis === 'lat' ? 'longitude' : 'latitude';
    invalid(
      field,
      `must be a ${name} (${hemispheres.split('').join(' or ')}); ${hemisphere} marks a ${other}: are the ${name} and the ${other} swapped?`,
      text,
    );
  }

  let sign = 1;
  let degrees: number;
  const decimal = DECIMAL.exec(body);
  const parts = decimal ? null : (WITH_SYMBOLS.exec(body) ?? WITH_BLANKS.exec(body));
  if (decimal) {
    if (decimal[1] === '-') sign = -1;
    degrees = Number(decimal[2]);
    if (hemisphere !== null && decimal[1] !== undefined)
      invalid(field, `must have a sign or a hemisphere letter, not both`, text);
  } else if (parts) {
    const [, signText, d, m, s] = parts;
    if (signText === '-') sign = -1;
    if (hemisphere !== null && signText !== undefined)
      invalid(field, `must have a sign or a hemisphere letter, not both`, text);
    if (Number(m) >= 60) invalid(field, 'must have minutes below 60', text);
    if (s !== undefined && Number(s) >= 60) invalid(field, 'must have seconds below 60', text);
    if (s !== undefined && m.includes('.'))
      invalid(field, 'may have a decimal part on its last component only (minutes or seconds)', text);
    // geolib's form: degrees, ′ after the minutes, ″ after the seconds.
    degrees = sexagesimalToDecimal(`${d}°${m}′${s === undefined ? '' : `${s}″`}`);
  } else {
    invalid(
      field,
      `must be a ${name} in decimal degrees (54.637) or degrees, minutes and seconds (54°38′13″${hemispheres[0]}, 54 38 13 ${hemispheres[0]})`,
      text,
    );
  }
  if (hemisphere === negative) sign = -1;
  const value = sign * degrees;
  // Decimal longitudes may use the 0–360 convention of global wind grids; with a hemisphere or in
  // degrees, minutes and seconds they are 0–180 east or west.
  const max = axis === 'lon' && decimal && hemisphere === null ? 360 : maxDeg;
  const min = -maxDeg;
  if (!(value >= min && value <= max))
    invalid(field, `must be a ${name} from ${min} to ${max} degrees`, text);
  return value;
}
