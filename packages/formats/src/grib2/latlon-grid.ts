import type { GridAxis } from '@balloon-sim/sim-core';
import { MISSING_U32, type Section } from './section.js';

/**
 * A regular latitude/longitude grid (grid definition template 3.0). Values are handed out row by row
 * in the order of the axes below: i along `lon` (fastest), j along `lat`. The axes start at the first
 * grid point (La1, Lo1) and step in the scanning directions, so a step may be negative.
 */
export interface LatLonGrid {
  /** Points along a parallel (Ni, octets 31-34) and along a meridian (Nj, octets 35-38). */
  ni: number;
  nj: number;
  lon: GridAxis;
  lat: GridAxis;
  /** Last grid point as the file gives it (La2, Lo2; octets 56-63), degrees. */
  lonLastDeg: number;
  latLastDeg: number;
  /** True when the columns go all round the earth (Ni × |Di| = 360°). */
  global: boolean;
  /** Scanning mode (octet 72, flag table 3.4). */
  scanMode: number;
  /** Flag 3: points adjacent along j (a column) are consecutive in the data. */
  consecutiveJ: boolean;
  /** Flag 4: every other row (column when consecutiveJ) runs the opposite way ("boustrophedon"). */
  alternateRows: boolean;
}

/** Flag table 3.4 bits, numbered from the most significant as the manual numbers them. */
const SCAN_MINUS_I = 0x80; // bit 1: points of the first row scan in the −i (westward) direction
const SCAN_PLUS_J = 0x40; // bit 2: points of the first column scan in the +j (northward) direction
const SCAN_CONSECUTIVE_J = 0x20; // bit 3: adjacent points in the j direction are consecutive
const SCAN_ALTERNATE = 0x10; // bit 4: adjacent rows scan in opposite directions
const SCAN_OFFSETS = 0x0f; // bits 5-8: offset (staggered) rows, meaningless for template 3.0
/** Flag table 3.3: i and j direction increments are given (octets 64-67, 68-71). */
const RES_I_GIVEN = 0x20;
const RES_J_GIVEN = 0x10;

/** The largest grid decoded: 2^27 points (a 0.025° global grid); beyond that a length field is corrupt. */
export const MAX_GRID_POINTS = 2 ** 27;

/** Reads section 3 with template 3.0; any other template is refused with a DecodeError. */
export function readLatLonGrid(s3: Section): LatLonGrid {
  const template = s3.u16(13);
  if (template !== 0) {
    s3.fail(
      `grid definition template 3.${template} is not supported (only 3.0, regular latitude/longitude)`,
      13,
    );
  }
  s3.require(1, 72, 'grid definition template 3.0');
  if (s3.u8(6) !== 0) s3.fail(`source of grid definition ${s3.u8(6)} is not supported (octet 6)`, 6);
  if (s3.u8(11) !== 0) s3.fail('quasi-regular grids (a list of row lengths, octet 11) are not supported', 11);
  const points = s3.u32(7);
  const ni = s3.u32(31);
  const nj = s3.u32(35);
  if (ni === 0 || nj === 0 || ni === MISSING_U32 || nj === MISSING_U32)
    s3.fail(`grid of ${ni} × ${nj} points (octets 31-38) is not a regular grid`, 31);
  if (ni * nj !== points)
    s3.fail(`Ni × Nj = ${ni} × ${nj} differs from the number of data points ${points} (octets 7-10)`, 7);
  if (points > MAX_GRID_POINTS) s3.fail(`${points} points is more than this decoder accepts`, 7);

  // Octets 39-46: basic angle and its subdivisions; 0 or missing means units of 10^-6 degree.
  const basicAngle = s3.u32(39);
  const subdivisions = s3.u32(43);
  let unitDeg = 1e-6;
  if (basicAngle !== 0 && basicAngle !== MISSING_U32) {
    if (subdivisions === 0 || subdivisions === MISSING_U32)
      s3.fail(`basic angle ${basicAngle} with no subdivisions (octets 43-46)`, 43);
    unitDeg = basicAngle / subdivisions;
  }
  const la1 = s3.s32(47) * unitDeg;
  const lo1 = s3.s32(51) * unitDeg;
  const resolution = s3.u8(55);
  const la2 = s3.s32(56) * unitDeg;
  const lo2 = s3.s32(60) * unitDeg;
  const di = s3.u32(64);
  const dj = s3.u32(68);
  const scanMode = s3.u8(72);
  if (Math.abs(la1) > 90 + 1e-6 || Math.abs(la2) > 90 + 1e-6)
    s3.fail(`latitudes ${la1}, ${la2} (octets 47-50, 56-59) lie beyond the poles`, 47);
  if (scanMode & SCAN_OFFSETS)
    s3.fail(`scanning mode ${scanMode} sets bits 5-8 (offset rows), meaningless for template 3.0`, 72);

  const iGiven = (resolution & RES_I_GIVEN) !== 0 && di !== MISSING_U32;
  const jGiven = (resolution & RES_J_GIVEN) !== 0 && dj !== MISSING_U32;
  const lonDir = scanMode & SCAN_MINUS_I ? -1 : 1;
  const latDir = scanMode & SCAN_PLUS_J ? 1 : -1;

  // Longitude span from the first to the last point in the scanning direction, 0-360°. The steps come
  // from the end points (more precise than Di for steps such as 1/12°), checked against Di and Dj.
  let lonSpan = (((lo2 - lo1) * lonDir) % 360) + 360;
  lonSpan %= 360;
  if (ni > 1 && lonSpan < 1e-9) lonSpan = 360; // first column repeated at the end
  const lonStep = ni > 1 ? (lonDir * lonSpan) / (ni - 1) : iGiven ? lonDir * di * unitDeg : 0;
  const latStep = nj > 1 ? (la2 - la1) / (nj - 1) : jGiven ? latDir * dj * unitDeg : 0;
  if (nj > 1 && Math.sign(latStep) !== latDir) {
    s3.fail(
      `La1 = ${la1}° and La2 = ${la2}° contradict the scanning mode ${scanMode}, which says ${latDir > 0 ? 'north' : 'south'}ward (octet 72)`,
      56,
    );
  }
  checkIncrement(s3, iGiven && ni > 1, lonStep, di * unitDeg, 'Di', 64);
  checkIncrement(s3, jGiven && nj > 1, latStep, dj * unitDeg, 'Dj', 68);
  return {
    ni,
    nj,
    lon: { start: lo1, step: lonStep, count: ni },
    lat: { start: la1, step: latStep, count: nj },
    lonLastDeg: lo2,
    latLastDeg: la2,
    global: ni > 1 && Math.abs(ni * Math.abs(lonStep) - 360) < 1e-6 * ni,
    scanMode,
    consecutiveJ: (scanMode & SCAN_CONSECUTIVE_J) !== 0,
    alternateRows: (scanMode & SCAN_ALTERNATE) !== 0,
  };
}

/** The step from the end points must agree with the increment octets, to their rounding. */
function checkIncrement(
  s3: Section,
  given: boolean,
  step: number,
  incrementDeg: number,
  name: string,
  octet: number,
) {
  if (given && !(Math.abs(Math.abs(step) - incrementDeg) <= 1e-3 * incrementDeg + 2e-6)) {
    s3.fail(
      `${name} = ${incrementDeg}° (octets ${octet}-${octet + 3}) disagrees with the first and last points, which give ${Math.abs(step)}°`,
      octet,
    );
  }
}
