import type { LonLatBox } from '@balloon-sim/sim-core';
import { NOMADS_BASE_URL } from './gfs.js';
import { type Cycle, cycleDate, cycleHour } from './models.js';

/**
 * NOAA GEFS through NOMADS' grib filter (https://nomads.ncep.noaa.gov/), as `wind fetch gfs` fetches
 * GFS: the server cuts levels, variables and a lon/lat box out of one member's file of one step.
 *   <base>/cgi-bin/filter_gefs_atmos_0p50a.pl?dir=/gefs.YYYYMMDD/HH/atmos/pgrb2ap5
 *     &file=gepNN.tHHz.pgrb2a.0p50.fFFF&lev_850_mb=on&…&var_UGRD=on&var_VGRD=on&var_HGT=on
 *     &subregion=&leftlon=…&rightlon=…&toplat=…&bottomlat=…
 * Members: gec00 is the control, gep01 … gep30 the perturbed forecasts; their GRIB2 carries product
 * template 4.1 with the member number. The 0.5° "a" files hold u, v and geopotential height at 1000,
 * 925, 850, 700 and 500 hPa (and above).
 */
export { NOMADS_BASE_URL };

export const gefsMemberName = (member: number) =>
  member === 0 ? 'gec00' : `gep${String(member).padStart(2, '0')}`;

export function gefsFileName(cycle: Cycle, member: number, step: number): string {
  return `${gefsMemberName(member)}.t${cycleHour(cycle)}z.pgrb2a.0p50.f${String(step).padStart(3, '0')}`;
}

export function gefsFilterUrl(
  base: string,
  cycle: Cycle,
  member: number,
  step: number,
  box: LonLatBox,
  levelsHpa: readonly number[],
): string {
  const params = new URLSearchParams();
  params.set('dir', `/gefs.${cycleDate(cycle)}/${cycleHour(cycle)}/atmos/pgrb2ap5`);
  params.set('file', gefsFileName(cycle, member, step));
  for (const level of levelsHpa) params.set(`lev_${level}_mb`, 'on');
  for (const v of ['UGRD', 'VGRD', 'HGT']) params.set(`var_${v}`, 'on');
  params.set('subregion', '');
  params.set('leftlon', String(box.lonMin));
  params.set('rightlon', String(box.lonMax));
  params.set('toplat', String(box.latMax));
  params.set('bottomlat', String(box.latMin));
  return `${base.replace(/\/$/, '')}/cgi-bin/filter_gefs_atmos_0p50a.pl?${params}`;
}
