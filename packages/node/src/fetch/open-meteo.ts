import type { BoundingBox } from './gfs.js';

/**
 * Open-Meteo forecast API requests for pressure-level winds on a lattice of points
 * (https://open-meteo.com/en/docs: several comma-separated latitude/longitude pairs per request;
 * hourly variables wind_speed_<level>hPa, wind_direction_<level>hPa, geopotential_height_<level>hPa).
 */
export const OPEN_METEO_BASE_URL = 'https://api.open-meteo.com';
export const OPEN_METEO_LEVELS_HPA = [1000, 975, 950, 925, 900, 850, 800, 700, 600, 500];

/** The lattice of points covering a box every `stepDeg`. */
export function lattice(box: BoundingBox, stepDeg: number): { lon: number; lat: number }[] {
  const points: { lon: number; lat: number }[] = [];
  const nLat = Math.round((box.latMax - box.latMin) / stepDeg) + 1;
  const nLon = Math.round((box.lonMax - box.lonMin) / stepDeg) + 1;
  for (let j = 0; j < nLat; j++)
    for (let i = 0; i < nLon; i++)
      points.push({
        lon: Number((box.lonMin + i * stepDeg).toFixed(6)),
        lat: Number((box.latMin + j * stepDeg).toFixed(6)),
      });
  return points;
}

/** The request URL for a set of points and days (YYYY-MM-DD, UTC). */
export function openMeteoUrl(
  points: { lon: number; lat: number }[],
  startDate: string,
  endDate: string,
  levelsHpa: readonly number[] = OPEN_METEO_LEVELS_HPA,
  baseUrl = OPEN_METEO_BASE_URL,
): string {
  const hourly = levelsHpa.flatMap((p) => [
    `wind_speed_${p}hPa`,
    `wind_direction_${p}hPa`,
    `geopotential_height_${p}hPa`,
  ]);
  const params = new URLSearchParams({
    latitude: points.map((p) => p.lat).join(','),
    longitude: points.map((p) => p.lon).join(','),
    hourly: hourly.join(','),
    wind_speed_unit: 'ms',
    timeformat: 'iso8601',
    timezone: 'GMT',
    start_date: startDate,
    end_date: endDate,
  });
  return `${baseUrl.replace(/\/$/, '')}/v1/forecast?${params}`;
}
