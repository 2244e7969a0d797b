/**
 * Local time beside UTC for text meant for people (the terminal summary, the command line's tables,
 * warnings): airspace closures are announced in local time, while every JSON output keeps ISO 8601
 * UTC. Browser-safe: Intl.DateTimeFormat does the calendar work, time-zone rules included, so a
 * summer-time change (Europe/Vilnius: 2025-10-26 01:00 UTC, 03:59 EEST → 03:00 EET) is never
 * computed here.
 *
 * Forms: a time `2025-10-24 21:31 EEST (18:31Z)`; a span `2025-10-24 21:55–23:10 EEST (18:55Z–20:10Z)`.
 * The UTC part carries its date (`10-24 22:30Z`) only where it differs from the local date beside
 * it. The zone is named by its abbreviation where the locale data have one (EEST, EET, BST), else by
 * its offset (UTC+3): either tells the two 03:30 of the night the clocks go back apart. Minutes are
 * truncated, as a clock shows them.
 */
import { InputError } from './errors.js';

/** The zone of the people this tool is for (Lithuania): text outputs show it unless told otherwise. */
export const DEFAULT_TIME_ZONE = 'Europe/Vilnius';

/**
 * Checks an IANA time-zone name with Intl and returns Intl's canonical spelling (`europe/vilnius` →
 * `Europe/Vilnius`); an InputError naming `field` and the value otherwise.
 */
export function checkTimeZone(zone: unknown, field = 'output.timeZone'): string {
  if (typeof zone === 'string' && zone.trim() !== '') {
    try {
      return new Intl.DateTimeFormat('en-GB', { timeZone: zone }).resolvedOptions().timeZone;
    } catch {
      // RangeError: not a zone Intl knows; reported below with the field.
    }
  }
  throw new InputError(
    `${field} must be an IANA time zone such as Europe/Vilnius or UTC, got ${JSON.stringify(zone)}`,
    field,
    zone,
  );
}

/** True when Intl knows the zone (for validation that lists problems instead of throwing). */
export function isTimeZone(zone: unknown): boolean {
  try {
    checkTimeZone(zone);
    return true;
  } catch {
    return false;
  }
}

/** A time in one zone: date `YYYY-MM-DD`, clock `HH:MM`, zone name. */
interface Wall {
  date: string;
  clock: string;
  zone: string;
}

/** Formats ISO 8601 times for people: local time in one zone, UTC beside it. */
export interface LocalTimes {
  /** The zone, as Intl spells it. */
  readonly timeZone: string;
  /** `2025-10-24 21:31 EEST (18:31Z)`; `-` for null; a text that is not a time is returned as it is. */
  stamp(iso: string | null): string;
  /** `2025-10-24 21:55–23:10 EEST (18:55Z–20:10Z)`, the end's date and zone repeated where they differ. */
  span(startIso: string, endIso: string): string;
  /** Seconds since the epoch, as `stamp` shows them. */
  stampSec(tSec: number): string;
}

/** A formatter of local times in `timeZone` (checked: an InputError naming `output.timeZone`). */
export function localTimes(timeZone: string = DEFAULT_TIME_ZONE): LocalTimes {
  const zone = checkTimeZone(timeZone);
  // en-GB: the locale whose data abbreviate European zones (EET, EEST, CET, BST); other zones come
  // out as GMT+3 and are renamed UTC+3 below.
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  const wall = (ms: number): Wall => {
    const part: Record<string, string> = {};
    for (const p of format.formatToParts(ms)) part[p.type] = p.value;
    const name = part.timeZoneName ?? '';
    return {
      date: `${part.year}-${part.month}-${part.day}`,
      clock: `${part.hour}:${part.minute}`,
      zone: /^GMT[+-]/.test(name) ? `UTC${name.slice(3)}` : name,
    };
  };
  const utcWall = (ms: number): Wall => {
    const iso = new Date(ms).toISOString();
    return { date: iso.slice(0, 10), clock: iso.slice(11, 16), zone: 'Z' };
  };
  const isUtc = wall(0).zone === 'UTC' && wall(Date.UTC(2025, 6, 1)).zone === 'UTC';
  /** `18:31Z`, or `10-24 22:30Z` when the UTC date is not the local one beside it. */
  const utcPart = (u: Wall, local: Wall) =>
    `${u.date === local.date ? '' : `${u.date.slice(5)} `}${u.clock}Z`;
  const parse = (iso: string) => {
    const ms = Date.parse(iso);
    return Number.isFinite(ms) ? ms : null;
  };
  const stampMs = (ms: number) => {
    const u = utcWall(ms);
    if (isUtc) return `${u.date} ${u.clock}Z`;
    const l = wall(ms);
    return `${l.date} ${l.clock} ${l.zone} (${utcPart(u, l)})`;
  };
  return {
    timeZone: zone,
    stamp(iso) {
      if (iso === null) return '-';
      const ms = parse(iso);
      return ms === null ? iso : stampMs(ms);
    },
    stampSec(tSec) {
      return Number.isFinite(tSec) && Math.abs(tSec) <= 8.64e12 ? stampMs(tSec * 1000) : String(tSec);
    },
    span(startIso, endIso) {
      const a = parse(startIso);
      const b = parse(endIso);
      if (a === null || b === null) return `${startIso}–${endIso}`;
      const ua = utcWall(a);
      const ub = utcWall(b);
      // UTC alone: both ends in full, as the command line wrote them before local times.
      if (isUtc) return `${ua.date} ${ua.clock}Z–${ub.date} ${ub.clock}Z`;
      const la = wall(a);
      const lb = wall(b);
      const endDate = lb.date === la.date ? '' : `${lb.date} `;
      const local =
        la.zone === lb.zone
          ? `${la.date} ${la.clock}–${endDate}${lb.clock} ${la.zone}`
          : `${la.date} ${la.clock} ${la.zone}–${endDate}${lb.clock} ${lb.zone}`;
      return `${local} (${utcPart(ua, la)}–${utcPart(ub, lb)})`;
    },
  };
}
