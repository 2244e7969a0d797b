/**
 * Times as the page shows them: UTC, as in aviation, with Vilnius local time beside it, since the
 * duty officer, the airports' opening hours and the border guard's reports all run on local time.
 * Local time comes from Intl.DateTimeFormat with the IANA zone Europe/Vilnius, so it follows the
 * daylight-saving changes (UTC+2 in winter, UTC+3 in summer) without a table of our own; hourCycle
 * h23 keeps it 24-hour whatever the browser's locale. Browser-safe, no DOM.
 */

export const LOCAL_ZONE = 'Europe/Vilnius';
/** What the page writes after a local time. */
export const LOCAL_MARK = 'LT';

const localParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: LOCAL_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Vilnius wall-clock fields of an instant (ms since the epoch). */
export function vilniusFields(ms: number): {
  date: string;
  hm: string;
  hms: string;
  offsetH: number;
} {
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    localParts.formatToParts(ms).find((p) => p.type === type)?.value ?? '';
  const date = `${get('year')}-${get('month')}-${get('day')}`;
  const hm = `${get('hour')}:${get('minute')}`;
  const hms = `${hm}:${get('second')}`;
  // The offset from the wall clock itself: whole hours for this zone since 1990.
  const wall = Date.parse(`${date}T${hms}Z`);
  const offsetH = Math.round((wall - Math.floor(ms / 1000) * 1000) / 3_600_000);
  return { date, hm, hms, offsetH };
}

/** "UTC+3" (summer) or "UTC+2" (winter) at an instant. */
export const vilniusOffset = (ms: number) => {
  const h = vilniusFields(ms).offsetH;
  return `UTC${h >= 0 ? '+' : '−'}${Math.abs(h)}`;
};

/** "19:57 LT", with the local date ("10-25 00:30 LT") when it differs from `utcDay` (YYYY-MM-DD). */
export function localClock(ms: number, utcDay: string): string {
  const f = vilniusFields(ms);
  return f.date === utcDay ? `${f.hm} ${LOCAL_MARK}` : `${f.date.slice(5)} ${f.hm} ${LOCAL_MARK}`;
}

/** "10-24 16:57Z (19:57 LT)": month-day, UTC, and Vilnius time; "–" for none. */
export function clock(iso: string | null | undefined): string {
  if (!iso) return '–';
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}Z (${localClock(Date.parse(iso), iso.slice(0, 10))})`;
}

/** "16:57Z (19:57 LT)" on the day `day` (YYYY-MM-DD), dated on another; "–" for none. */
export function clockOn(day: string, iso: string | null | undefined): string {
  if (!iso) return '–';
  if (!iso.startsWith(day)) return clock(iso);
  return `${iso.slice(11, 16)}Z (${localClock(Date.parse(iso), day)})`;
}

/** The header clock: "20:15:03 UTC · 22:15:03 LT (UTC+2)". */
export function headerClock(ms: number): string {
  const utc = new Date(ms).toISOString().slice(11, 19);
  const f = vilniusFields(ms);
  return `${utc} UTC · ${f.hms} ${LOCAL_MARK} (${vilniusOffset(ms)})`;
}

/**
 * A date and time typed as UTC in 24-hour form, "YYYY-MM-DD HH:MM" (a "T" for the space also
 * reads): the ISO text "YYYY-MM-DDTHH:MM:00Z", or null when it is not a complete, real date and
 * time ("2025-02-30 10:00", "2025-10-24 24:00", "7:30 PM" are refused). A text field, not the
 * browser's datetime-local, whose clock follows the browser's locale (AM/PM in en-US).
 */
export function parseUtcDateTime(text: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi] = m;
  if (Number(h) > 23 || Number(mi) > 59) return null;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:00Z`;
  const ms = Date.parse(iso);
  // Date.parse rolls some impossible dates over; the round trip catches them.
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 16) !== iso.slice(0, 16)) return null;
  return iso;
}

/** "2025-10-24T17:00:00Z" → "2025-10-24 17:00", the form's way of writing a UTC time. */
export const formDateTime = (iso: string) =>
  new Date(Date.parse(iso)).toISOString().slice(0, 16).replace('T', ' ');
