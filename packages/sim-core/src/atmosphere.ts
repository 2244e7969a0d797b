/**
 * International Standard Atmosphere (ICAO Doc 7488 / ISO 2533) up to 32 km geopotential altitude.
 * Used for parachute descent speed (drag ∝ density) and to place a pressure surface in fields that
 * carry no geopotential height.
 */

/**
 * Standard gravity (m/s²), CGPM 1901: the g₀ of the ISA and the one by which WMO and ECMWF turn
 * geopotential (m²/s²) into geopotential height (m). The project's one definition.
 */
export const STANDARD_GRAVITY_M_S2 = 9.80665;
const G0 = STANDARD_GRAVITY_M_S2;
const R_AIR = 287.05287; // specific gas constant of dry air, J/(kg·K)

/** Layer bases: altitude (m), temperature (K), lapse rate (K/m), pressure (Pa). */
const BASE_ALT_M = [0, 11_000, 20_000, 32_000];
const BASE_TEMP_K = [288.15, 216.65, 216.65, 228.65];
const LAPSE_K_PER_M = [-0.0065, 0, 0.001, 0.0028];
const BASE_PRESSURE_PA = [101_325, 22_632.06, 5_474.889, 868.0187];

/** Sea-level density (kg/m³). */
export const ISA_SEA_LEVEL_DENSITY = 1.225;

function layerOf(altM: number): number {
  let i = 0;
  while (i < BASE_ALT_M.length - 1 && altM >= BASE_ALT_M[i + 1]) i++;
  return i;
}

/** ISA temperature (K) at an altitude (m); below sea level the lowest layer is extended. */
export function isaTemperatureK(altM: number): number {
  const i = layerOf(altM);
  return BASE_TEMP_K[i] + LAPSE_K_PER_M[i] * (altM - BASE_ALT_M[i]);
}

/** ISA pressure (Pa) at an altitude (m). */
export function isaPressurePa(altM: number): number {
  const i = layerOf(altM);
  const t0 = BASE_TEMP_K[i];
  const lapse = LAPSE_K_PER_M[i];
  const dz = altM - BASE_ALT_M[i];
  if (lapse === 0) return BASE_PRESSURE_PA[i] * Math.exp((-G0 * dz) / (R_AIR * t0));
  return BASE_PRESSURE_PA[i] * ((t0 + lapse * dz) / t0) ** (-G0 / (R_AIR * lapse));
}

/** ISA density (kg/m³) at an altitude (m). */
export function isaDensity(altM: number): number {
  return isaPressurePa(altM) / (R_AIR * isaTemperatureK(altM));
}

/** ISA altitude (m) of a pressure (Pa): the inverse of isaPressurePa. */
export function isaAltitudeM(pressurePa: number): number {
  let i = 0;
  while (i < BASE_PRESSURE_PA.length - 1 && pressurePa <= BASE_PRESSURE_PA[i + 1]) i++;
  const t0 = BASE_TEMP_K[i];
  const lapse = LAPSE_K_PER_M[i];
  const ratio = pressurePa / BASE_PRESSURE_PA[i];
  if (lapse === 0) return BASE_ALT_M[i] - ((R_AIR * t0) / G0) * Math.log(ratio);
  return BASE_ALT_M[i] + (t0 / lapse) * (ratio ** ((-R_AIR * lapse) / G0) - 1);
}
