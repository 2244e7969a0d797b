/**
 * Gaps between the time steps of wind data: a spacing larger than the data's regular step. A forecast
 * missing a step (f000, f006, f018) or files of two runs put together are interpolated across the
 * gap as if the wind changed linearly over it; the user must know.
 */

import { isoTimeText } from '../time.js';

/** One gap: the two valid times around it (s since the Unix epoch). */
export interface TimeGap {
  fromSec: number;
  toSec: number;
}

/**
 * Spacings larger than the regular step, which is the smallest spacing. A spacing counts as a gap when
 * it exceeds that step by more than a minute: times in files are whole minutes, and forecast
 * steps differ by hours.
 */
export function timeGaps(timesSec: ArrayLike<number>): { stepSec: number; gaps: TimeGap[] } {
  let stepSec = Number.POSITIVE_INFINITY;
  for (let n = 1; n < timesSec.length; n++) stepSec = Math.min(stepSec, timesSec[n] - timesSec[n - 1]);
  const gaps: TimeGap[] = [];
  for (let n = 1; n < timesSec.length; n++) {
    if (timesSec[n] - timesSec[n - 1] > stepSec + 60)
      gaps.push({ fromSec: timesSec[n - 1], toSec: timesSec[n] });
  }
  return { stepSec, gaps };
}

/** A duration in days, hours and minutes: "6 h", "11 d 12 h", "90 min". */
export function durationText(sec: number): string {
  const minutes = Math.round(sec / 60);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d === 0 && h === 0) return `${m} min`;
  return [d ? `${d} d` : '', h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ');
}

/** The warning for a field's gaps, counted and naming every gap's times; null when there is none. */
export function timeGapWarning(timesSec: ArrayLike<number>): string | null {
  const { stepSec, gaps } = timeGaps(timesSec);
  if (gaps.length === 0) return null;
  const list = gaps
    .map((g) => `${isoTimeText(g.fromSec)} to ${isoTimeText(g.toSec)} (${durationText(g.toSec - g.fromSec)})`)
    .join(', ');
  return `${gaps.length} gap${gaps.length > 1 ? 's' : ''} between the wind's time steps (the other steps are ${durationText(stepSec)}), interpolated across as if the wind changed linearly: ${list}`;
}
