import { describe, expect, it } from 'vitest';
import { clock, clockOn, headerClock, parseUtcDateTime, vilniusOffset } from './time.js';

// EU summer time: the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC;
// Lithuania is UTC+2 outside it and UTC+3 in it.
describe('Vilnius local time beside UTC', () => {
  it('is UTC+2 in January and UTC+3 in July', () => {
    expect(clock('2026-01-15T12:00:00.000Z')).toBe('01-15 12:00Z (14:00 LT)');
    expect(clock('2026-07-15T12:00:00.000Z')).toBe('07-15 12:00Z (15:00 LT)');
    expect(vilniusOffset(Date.parse('2026-01-15T12:00:00Z'))).toBe('UTC+2');
    expect(vilniusOffset(Date.parse('2026-07-15T12:00:00Z'))).toBe('UTC+3');
  });

  it('changes at 01:00 UTC on the last Sunday of March (29 March 2026)', () => {
    expect(clock('2026-03-29T00:59:00Z')).toBe('03-29 00:59Z (02:59 LT)');
    expect(clock('2026-03-29T01:00:00Z')).toBe('03-29 01:00Z (04:00 LT)');
  });

  it('dates the local time when its day is not the UTC day', () => {
    expect(clockOn('2025-10-24', '2025-10-24T22:30:00Z')).toBe('22:30Z (10-25 01:30 LT)');
    expect(clockOn('2025-10-24', '2025-10-24T16:57:00Z')).toBe('16:57Z (19:57 LT)');
    expect(clockOn('2025-10-24', '2025-10-25T00:30:00Z')).toBe('10-25 00:30Z (03:30 LT)');
    expect(clock(null)).toBe('–');
  });

  it('shows the header clock in 24-hour time with seconds', () => {
    expect(headerClock(Date.parse('2026-07-15T21:05:09Z'))).toBe('21:05:09 UTC · 00:05:09 LT (UTC+3)');
  });
});

describe('a UTC date and time typed in 24-hour form', () => {
  it('reads "YYYY-MM-DD HH:MM" and the ISO "T" form', () => {
    expect(parseUtcDateTime('2025-10-24 17:00')).toBe('2025-10-24T17:00:00Z');
    expect(parseUtcDateTime(' 2025-10-24T23:59 ')).toBe('2025-10-24T23:59:00Z');
  });

  it('refuses incomplete, 12-hour and impossible times', () => {
    for (const text of [
      '',
      '2025-10-24 20:0',
      '2025-10-24 7:30 PM',
      '2025-10-24 24:00',
      '2025-02-30 10:00',
      '10/24/2025 17:00',
    ])
      expect(parseUtcDateTime(text), text).toBe(null);
  });
});
