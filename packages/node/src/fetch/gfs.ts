import type { LonLatBox } from '@balloon-sim/sim-core';
import { InputError } from '@balloon-sim/sim-core';
/**
 * GFS 0.25° regional subsets from NOAA's "grib filter" service (NOMADS filter_gfs_0p25.pl): the
 * server cuts levels, variables and a lon/lat box out of a forecast file before sending it.
 * URL layout as documented on the NOMADS grib filter pages:
 *   <base>/cgi-bin/filter_gfs_0p25.pl?dir=/gfs.YYYYMMDD/HH/atmos&file=gfs.tHHz.pgrb2.0p25.fFFF
 *     &lev_850_mb=on&…&var_UGRD=on&var_VGRD=on&var_HGT=on&subregion=&leftlon=…&rightlon=…&toplat=…&bottomlat=…
 */

export const NOMADS_BASE_URL = 'https://nomads.ncep.noaa.gov';

/** Pressure levels fetched by default (hPa): the layer smuggling balloons fly in, and a margin. */
export const GFS_LEVELS_HPA = [1000, 975, 950, 925, 900, 850, 800, 750, 700, 650, 600, 550, 500];

export type BoundingBox = LonLatBox;

/** A GFS cycle: its date and hour (00, 06, 12, 18 UTC). */
export interface GfsCycle {
  date: string; // YYYYMMDD
  hour: number;
}

/** Parses "YYYYMMDDHH" (a real calendar date, HH a GFS cycle hour); InputError naming the value. */
export function parseCycle(text: string): GfsCycle {
  const m = /^(\d{4})(\d{2})(\d{2})(00|06|12|18)$/.exec(text);
  // A date like 20201341 matches the digits; it must also survive a round trip through the calendar.
  const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (
    !m ||
    !day ||
    day.getUTCFullYear() !== Number(m[1]) ||
    day.getUTCMonth() + 1 !== Number(m[2]) ||
    day.getUTCDate() !== Number(m[3])
  )
    throw new InputError(
      `cycle must be latest or YYYYMMDDHH, a date and HH one of 00, 06, 12, 18 (e.g. 2020080412), got "${text}"`,
      'cycle',
      text,
    );
  return { date: `${m[1]}${m[2]}${m[3]}`, hour: Number(m[4]) };
}

export function cycleTime(c: GfsCycle): number {
  return (
    Date.UTC(Number(c.date.slice(0, 4)), Number(c.date.slice(4, 6)) - 1, Number(c.date.slice(6, 8)), c.hour) /
    1000
  );
}

export function cycleAt(tSec: number): GfsCycle {
  const d = new Date(Math.floor(tSec / 21_600) * 21_600 * 1000);
  const date = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
  return { date, hour: d.getUTCHours() };
}

export function formatCycle(c: GfsCycle): string {
  return `${c.date}${String(c.hour).padStart(2, '0')}`;
}

/** The file name of one forecast step of a cycle. */
export function gfsFileName(c: GfsCycle, forecastHour: number): string {
  return `gfs.t${String(c.hour).padStart(2, '0')}z.pgrb2.0p25.f${String(forecastHour).padStart(3, '0')}`;
}

/** The grib filter URL for one forecast step of a cycle, cut to levels, u/v/gh and a box. */
export function gfsFilterUrl(
  c: GfsCycle,
  forecastHour: number,
  box: BoundingBox,
  levelsHpa: readonly number[] = GFS_LEVELS_HPA,
  baseUrl = NOMADS_BASE_URL,
): string {
  const params = new URLSearchParams();
  params.set('dir', `/gfs.${c.date}/${String(c.hour).padStart(2, '0')}/atmos`);
  params.set('file', gfsFileName(c, forecastHour));
  for (const level of levelsHpa) params.set(`lev_${level}_mb`, 'on');
  for (const v of ['UGRD', 'VGRD', 'HGT']) params.set(`var_${v}`, 'on');
  params.set('subregion', '');
  params.set('leftlon', String(box.lonMin));
  params.set('rightlon', String(box.lonMax));
  params.set('toplat', String(box.latMax));
  params.set('bottomlat', String(box.latMin));
  return `${baseUrl.replace(/\/$/, '')}/cgi-bin/filter_gfs_0p25.pl?${params}`;
}

/** Parses forecast hours: "0,6,12" or "0-24/3" (start-end/every). */
export function parseHours(text: string): number[] {
  const range = /^(\d+)-(\d+)\/(\d+)$/.exec(text);
  const hours = range
    ? Array.from(
        { length: Math.floor((Number(range[2]) - Number(range[1])) / Number(range[3])) + 1 },
        (_, k) => Number(range[1]) + k * Number(range[3]),
      )
    : text.split(',').map((h) => Number(h.trim()));
  if (hours.length === 0 || hours.some((h) => !Number.isInteger(h) || h < 0 || h > 384))
    throw new Error(`hours must be a list like 0,6,12 or a range like 0-24/3 (0..384), got "${text}"`);
  return hours;
}

/** Parses "lonMin,latMin,lonMax,latMax". */
export function parseBox(text: string): BoundingBox {
  const parts = text.split(',').map(Number);
  const [lonMin, latMin, lonMax, latMax] = parts;
  if (
    parts.length !== 4 ||
    parts.some((x) => !Number.isFinite(x)) ||
    lonMin >= lonMax ||
    latMin >= latMax ||
    latMin < -90 ||
    latMax > 90
  )
    throw new Error(
      `bbox must be lonMin,latMin,lonMax,latMax with min < max (e.g. 13,48,25,56), got "${text}"`,
    );
  return { lonMin, lonMax, latMin, latMax };
}
