/**
 * ISO 8601 text of times given in seconds since the Unix epoch (UTC, "Z"): the project's one helper,
 * in three behaviours, so that what happens to a time that is not one is chosen where it is used:
 *
 * - `isoTime`: throws a RangeError naming the value: for outputs (CSV, GeoJSON, the wire, summaries),
 *   where a NaN time is a bug that must not be written as text.
 * - `isoTimeOrNull`: null for NaN and ±∞: for results where "no time" is an answer (no member
 *   entered the zone, so no earliest entry).
 * - `isoTimeText`: the number as text for NaN and ±∞: for messages, which must never throw while
 *   they report another problem.
 *
 * Forms: 'ms' (default) always carries milliseconds, the form every output of the project writes
 * (`2025-10-24T17:00:00.000Z`); 'seconds' drops a zero millisecond part (`…17:00:00Z`); 'minutes'
 * drops zero seconds too (`…17:00Z`), for labels of wind-data times, which fall on whole hours.
 */
export type IsoForm = 'ms' | 'seconds' | 'minutes';

/** The largest time (s) a JavaScript Date holds, ±8.64·10¹² s (ECMA-262 TimeClip). */
const MAX_DATE_SEC = 8.64e12;

function formatted(tSec: number, form: IsoForm): string {
  const text = new Date(tSec * 1000).toISOString();
  if (form === 'ms' || !text.endsWith('.000Z')) return text;
  if (form === 'minutes' && text.endsWith(':00.000Z')) return `${text.slice(0, -8)}Z`;
  return `${text.slice(0, -5)}Z`;
}

/** ISO 8601 text of a time (s since the epoch); throws a RangeError for NaN, ±∞ or beyond a Date's range. */
export function isoTime(tSec: number, form: IsoForm = 'ms'): string {
  if (!(Math.abs(tSec) <= MAX_DATE_SEC))
    throw new RangeError(
      `time must be a finite number of seconds since 1970-01-01T00:00:00Z (at most ±${MAX_DATE_SEC}), got ${tSec}`,
    );
  return formatted(tSec, form);
}

/** ISO 8601 text of a time, or null when there is none (NaN or ±∞); throws as isoTime beyond a Date's range. */
export function isoTimeOrNull(tSec: number, form: IsoForm = 'ms'): string | null {
  return Number.isFinite(tSec) ? isoTime(tSec, form) : null;
}

/** ISO 8601 text of a time for a message: never throws; a value with no ISO form is written as a number. */
export function isoTimeText(tSec: number, form: IsoForm = 'ms'): string {
  return Math.abs(tSec) <= MAX_DATE_SEC ? formatted(tSec, form) : String(tSec);
}
