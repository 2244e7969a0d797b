import { describe, expect, it } from 'vitest';
import { isoTime, isoTimeOrNull, isoTimeText } from './time.js';

// 2025-10-24T17:00:00Z: 20 385 days after the epoch (55 years, 13 of them leap) plus 17 h.
const T = 20_385 * 86_400 + 17 * 3600;

describe('ISO times', () => {
  it('isoTime writes milliseconds by default, whole seconds or minutes shortened on request', () => {
    expect(T).toBe(Date.UTC(2025, 9, 24, 17) / 1000);
    expect(isoTime(T)).toBe('2025-10-24T17:00:00.000Z');
    expect(isoTime(T, 'seconds')).toBe('2025-10-24T17:00:00Z');
    expect(isoTime(T, 'minutes')).toBe('2025-10-24T17:00Z');
    // Only zero parts are dropped: a time is never rounded.
    expect(isoTime(T + 30, 'minutes')).toBe('2025-10-24T17:00:30Z');
    expect(isoTime(T + 0.25, 'minutes')).toBe('2025-10-24T17:00:00.250Z');
    expect(isoTime(T + 0.25, 'seconds')).toBe('2025-10-24T17:00:00.250Z');
    expect(isoTime(0)).toBe('1970-01-01T00:00:00.000Z');
  });

  it('isoTime refuses NaN, infinities and times beyond a Date, naming the value', () => {
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(Number.NaN)).toThrow(/got NaN/);
    expect(() => isoTime(Number.POSITIVE_INFINITY)).toThrow(/got Infinity/);
    expect(() => isoTime(9e12)).toThrow(/got 9000000000000/);
  });

  it('isoTimeOrNull: null when there is no time, else as isoTime', () => {
    expect(isoTimeOrNull(Number.NaN)).toBeNull();
    expect(isoTimeOrNull(Number.NEGATIVE_INFINITY)).toBeNull();
    expect(isoTimeOrNull(T)).toBe('2025-10-24T17:00:00.000Z');
    expect(isoTimeOrNull(T, 'minutes')).toBe('2025-10-24T17:00Z');
    expect(() => isoTimeOrNull(9e12)).toThrow(RangeError);
  });

  it('isoTimeText never throws: a value with no ISO form is written as the number', () => {
    expect(isoTimeText(T, 'minutes')).toBe('2025-10-24T17:00Z');
    expect(isoTimeText(Number.NaN)).toBe('NaN');
    expect(isoTimeText(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
    expect(isoTimeText(9e12)).toBe('9000000000000');
  });
});
