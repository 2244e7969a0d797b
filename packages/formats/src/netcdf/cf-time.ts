/**
 * CF time coordinates: "<unit> since <reference time>" (CF conventions §4.4), e.g. ERA5's
 * "hours since 1900-01-01 00:00:00.0" or the newer CDS files' "seconds since 1970-01-01".
 */

const SECONDS_PER_UNIT: Record<string, number> = {
  second: 1,
  seconds: 1,
  sec: 1,
  secs: 1,
  s: 1,
  minute: 60,
  minutes: 60,
  min: 60,
  mins: 60,
  hour: 3600,
  hours: 3600,
  hr: 3600,
  hrs: 3600,
  h: 3600,
  day: 86_400,
  days: 86_400,
  d: 86_400,
};

/** Calendars that agree with the proleptic Gregorian calendar after 1582, which is all this reads. */
const GREGORIAN_CALENDARS = new Set(['gregorian', 'standard', 'proleptic_gregorian']);

// unit since date [T or space time] [time zone]; the time zone may be Z, UTC, or ±h[:mm].
const UNITS_PATTERN =
  /^\s*([a-z]+)\s+since\s+(-?\d{1,4})-(\d{1,2})-(\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?)?\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?\s*$/i;

export interface CfTimeUnits {
  secondsPerUnit: number;
  /** The reference time, in s since the Unix epoch. */
  epochSec: number;
}

/**
 * Parses CF time units. Returns a reason string, not an exception, when they cannot be read, so that
 * the caller can name the variable in its error.
 */
export function parseCfTimeUnits(units: string, calendar?: string): CfTimeUnits | string {
  if (calendar !== undefined && !GREGORIAN_CALENDARS.has(calendar.trim().toLowerCase()))
    return `calendar "${calendar}" is not supported (only gregorian/standard/proleptic_gregorian)`;
  const m = UNITS_PATTERN.exec(units);
  if (!m) return `units "${units}" are not CF time units ("<unit> since <yyyy-mm-dd [hh:mm:ss]>")`;
  const secondsPerUnit = SECONDS_PER_UNIT[m[1].toLowerCase()];
  if (secondsPerUnit === undefined) return `time unit "${m[1]}" is not seconds, minutes, hours or days`;
  const [year, month, day, hour, minute] = [m[2], m[3], m[4], m[5] ?? '0', m[6] ?? '0'].map(Number);
  const second = Number(m[7] ?? '0');
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second >= 61)
    return `units "${units}" hold an impossible reference date`;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, 0, 0);
  let epochSec = date.getTime() / 1000 + second;
  const zone = m[8];
  if (zone && /^[+-]/.test(zone)) {
    const [, sign, hh, mm] = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone)!;
    const offsetSec = (Number(hh) * 3600 + Number(mm ?? '0') * 60) * (sign === '-' ? -1 : 1);
    epochSec -= offsetSec; // local time = UTC + offset
  }
  return { secondsPerUnit, epochSec };
}

/** Converts time coordinate values to s since the Unix epoch (to the millisecond, against float noise). */
export function cfTimesToUnixSec(values: ArrayLike<number>, units: CfTimeUnits): number[] {
  return Array.from(values, (t) => Math.round((units.epochSec + t * units.secondsPerUnit) * 1000) / 1000);
}
