import { describe, expect, it } from 'vitest';
import { durationText, timeGaps, timeGapWarning } from './time-gaps.js';

const H = 3600;
const t0 = Date.parse('2020-08-04T12:00:00Z') / 1000;

describe('timeGaps', () => {
  it('finds no gap in evenly spaced steps, one time, or none', () => {
    expect(timeGaps([t0, t0 + 6 * H, t0 + 12 * H]).gaps).toEqual([]);
    expect(timeGaps([t0]).gaps).toEqual([]);
    expect(timeGaps([]).gaps).toEqual([]);
    expect(timeGapWarning([t0, t0 + 3 * H])).toBeNull();
  });

  it('finds a missing forecast step (f000, f006, f018) and names its times', () => {
    const { stepSec, gaps } = timeGaps([t0, t0 + 6 * H, t0 + 18 * H]);
    expect(stepSec).toBe(6 * H);
    expect(gaps).toEqual([{ fromSec: t0 + 6 * H, toSec: t0 + 18 * H }]);
    expect(timeGapWarning([t0, t0 + 6 * H, t0 + 18 * H])).toBe(
      "1 gap between the wind's time steps (the other steps are 6 h), interpolated across as if the wind changed linearly: 2020-08-04T18:00:00.000Z to 2020-08-05T06:00:00.000Z (12 h)",
    );
  });

  it('counts every gap, e.g. two runs eleven days apart and a missing step', () => {
    const second = Date.parse('2020-08-15T12:00:00Z') / 1000;
    const warning = timeGapWarning([t0, t0 + 6 * H, t0 + 12 * H, second, second + 6 * H, second + 18 * H]);
    expect(warning).toMatch(/^2 gaps between the wind's time steps \(the other steps are 6 h\)/);
    expect(warning).toContain('2020-08-05T00:00:00.000Z to 2020-08-15T12:00:00.000Z (10 d 12 h)');
    expect(warning).toContain('2020-08-15T18:00:00.000Z to 2020-08-16T06:00:00.000Z (12 h)');
  });

  it('writes durations in days, hours and minutes', () => {
    expect(durationText(90 * 60)).toBe('1 h 30 min');
    expect(durationText(45 * 60)).toBe('45 min');
    expect(durationText(11.5 * 24 * H)).toBe('11 d 12 h');
  });
});
