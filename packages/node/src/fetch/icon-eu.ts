import { type Cycle, cycleHour } from './models.js';

/**
 * DWD ICON-EU on DWD's open data server (https://opendata.dwd.de/weather/nwp/icon-eu/grib/), one
 * bzip2-compressed GRIB2 file per parameter, pressure level and step, on the regular lat-lon grid:
 *   <root>/icon-eu/grib/<HH>/<param>/icon-eu_europe_regular-lat-lon_pressure-level_<YYYYMMDDHH>_<FFF>_<level>_<PARAM>.grib2.bz2
 * (the folder in lower case, the parameter in the name in upper case). Winds are U and V (m/s); the
 * height of a pressure level comes as FI, geopotential in m²/s², not as geopotential height.
 *
 * ICON-EU-EPS is not fetched: DWD publishes it on the native icosahedral grid only
 * (icon-eu-eps_europe_icosahedral_…, GRIB2 grid template 3.101, an unstructured grid that needs a
 * separate grid file to place its points), which this decoder does not read.
 */
export const DWD_BASE_URL = 'https://opendata.dwd.de/weather/nwp';

/** ICON's parameters for the wind: its name in the file (upper case) and folder (lower case). */
export const ICON_PARAMS = ['U', 'V', 'FI'] as const;

export function iconEuFileName(cycle: Cycle, step: number, levelHpa: number, param: string): string {
  return `icon-eu_europe_regular-lat-lon_pressure-level_${cycle.name}_${String(step).padStart(3, '0')}_${levelHpa}_${param}.grib2.bz2`;
}

export function iconEuUrl(base: string, cycle: Cycle, step: number, levelHpa: number, param: string): string {
  return `${base.replace(/\/$/, '')}/icon-eu/grib/${cycleHour(cycle)}/${param.toLowerCase()}/${iconEuFileName(cycle, step, levelHpa, param)}`;
}
