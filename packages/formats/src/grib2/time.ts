import type { Section } from './section.js';

/**
 * A UTC date and time read from `octet` onward: year (2 octets), month, day, hour, minute, second. The
 * layout of section 1 octets 13-19 and of template 4.8 octets 35-41. Checked field by field, so a
 * corrupted date is an error rather than a silently rolled-over time. Returns seconds since the epoch.
 */
export function readDateTime(s: Section, octet: number, what: string): number {
  const year = s.u16(octet);
  const month = s.u8(octet + 2);
  const day = s.u8(octet + 3);
  const hour = s.u8(octet + 4);
  const minute = s.u8(octet + 5);
  const second = s.u8(octet + 6);
  const daysInMonth = month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0;
  if (
    year > 9999 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    s.fail(
      `${what} ${year}-${month}-${day} ${hour}:${minute}:${second} is not a valid date and time (octets ${octet}-${octet + 6})`,
      octet,
    );
  }
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year);
  return date.getTime() / 1000;
}

/** Code table 4.4, indicator of unit of time: fixed-length units in seconds. */
const UNIT_SECONDS: Record<number, number> = {
  0: 60, // minute
  1: 3600, // hour
  2: 86_400, // day
  10: 3 * 3600,
  11: 6 * 3600,
  12: 12 * 3600,
  13: 1, // second
};
/** Code table 4.4: calendar units, in months (month, year, decade, normal = 30 years, century). */
const UNIT_MONTHS: Record<number, number> = { 3: 1, 4: 12, 5: 120, 6: 360, 7: 1200 };

/**
 * `startSec` + `amount` × unit (code table 4.4); calendar units move along the calendar. Returns NaN for
 * an unknown unit, which the caller turns into a DecodeError naming its octet.
 */
export function addTimeUnits(startSec: number, unit: number, amount: number): number {
  const seconds = UNIT_SECONDS[unit];
  if (seconds !== undefined) return startSec + amount * seconds;
  const months = UNIT_MONTHS[unit];
  if (months === undefined) return Number.NaN;
  const date = new Date(startSec * 1000);
  date.setUTCMonth(date.getUTCMonth() + amount * months);
  return date.getTime() / 1000;
}

/** Times from 0000-01-01 to 9999-12-31 (s since the epoch): what ISO 8601 text holds in four digits. */
export function isPlausibleTime(sec: number): boolean {
  return sec >= -62_167_219_200 && sec <= 253_402_300_799;
}
