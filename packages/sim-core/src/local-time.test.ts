import { describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { checkTimeZone, DEFAULT_TIME_ZONE, localTimes } from './local-time.js';

/*
 * Expected values from the EU's summer-time rule (Directive 2000/84/EC), not from the code: clocks
 * change at 01:00 UTC on the last Sunday of March (EET +2 → EEST +3) and of October (back). In
 * Lithuania, 2025-03-30 and 2025-10-26. The zone is named by its abbreviation or, where the locale
 * data have none, its offset: both are accepted.
 */
const EEST = '(?:EEST|UTC\\+3)';
const EET = '(?:EET|UTC\\+2)';
const vilnius = localTimes('Europe/Vilnius');

describe('localTimes in Europe/Vilnius', () => {
  it('is the default zone of text outputs', () => {
    expect(DEFAULT_TIME_ZONE).toBe('Europe/Vilnius');
    expect(localTimes().timeZone).toBe('Europe/Vilnius');
  });

  it('an evening in summer time: local time, then UTC', () => {
    expect(vilnius.stamp('2025-10-24T18:31:42.000Z')).toMatch(
      new RegExp(`^2025-10-24 21:31 ${EEST} \\(18:31Z\\)$`),
    );
  });

  it('across the October change (01:00 UTC): 03:59 EEST is followed by 03:00 EET', () => {
    expect(vilnius.stamp('2025-10-26T00:59:00Z')).toMatch(
      new RegExp(`^2025-10-26 03:59 ${EEST} \\(00:59Z\\)$`),
    );
    expect(vilnius.stamp('2025-10-26T01:00:00Z')).toMatch(
      new RegExp(`^2025-10-26 03:00 ${EET} \\(01:00Z\\)$`),
    );
    // The hour that happens twice: the zone tells the two 03:30 apart.
    const first = vilnius.stamp('2025-10-26T00:30:00Z');
    const second = vilnius.stamp('2025-10-26T01:30:00Z');
    expect(first).toMatch(new RegExp(`^2025-10-26 03:30 ${EEST} \\(00:30Z\\)$`));
    expect(second).toMatch(new RegExp(`^2025-10-26 03:30 ${EET} \\(01:30Z\\)$`));
    expect(first).not.toBe(second);
  });

  it('across the March change (01:00 UTC): 02:59 EET is followed by 04:00 EEST', () => {
    expect(vilnius.stamp('2025-03-30T00:59:00Z')).toMatch(
      new RegExp(`^2025-03-30 02:59 ${EET} \\(00:59Z\\)$`),
    );
    expect(vilnius.stamp('2025-03-30T01:00:00Z')).toMatch(
      new RegExp(`^2025-03-30 04:00 ${EEST} \\(01:00Z\\)$`),
    );
  });

  it('the UTC part carries its date where it is not the local date beside it', () => {
    // 23:30Z on the 24th is 02:30 on the 25th in Vilnius.
    expect(vilnius.stamp('2025-10-24T23:30:00Z')).toMatch(
      new RegExp(`^2025-10-25 02:30 ${EEST} \\(10-24 23:30Z\\)$`),
    );
  });

  it('a span within one zone names it once; across the change it names both', () => {
    expect(vilnius.span('2025-10-24T18:55:00Z', '2025-10-24T20:10:00Z')).toMatch(
      new RegExp(`^2025-10-24 21:55–23:10 ${EEST} \\(18:55Z–20:10Z\\)$`),
    );
    expect(vilnius.span('2025-10-24T18:55:00Z', '2025-10-25T00:20:00Z')).toMatch(
      new RegExp(`^2025-10-24 21:55–2025-10-25 03:20 ${EEST} \\(18:55Z–00:20Z\\)$`),
    );
    expect(vilnius.span('2025-10-26T00:30:00Z', '2025-10-26T01:30:00Z')).toMatch(
      new RegExp(`^2025-10-26 03:30 ${EEST}–03:30 ${EET} \\(00:30Z–01:30Z\\)$`),
    );
  });

  it('no time is "-"; seconds since the epoch as the ISO text', () => {
    expect(vilnius.stamp(null)).toBe('-');
    expect(vilnius.stampSec(Date.UTC(2025, 9, 26, 1) / 1000)).toBe(vilnius.stamp('2025-10-26T01:00:00Z'));
  });
});

describe('other zones', () => {
  it('UTC shows UTC alone', () => {
    const utc = localTimes('UTC');
    expect(utc.stamp('2025-10-24T18:31:00Z')).toBe('2025-10-24 18:31Z');
    expect(utc.span('2025-10-24T18:31:00Z', '2025-10-25T00:20:00Z')).toBe(
      '2025-10-24 18:31Z–2025-10-25 00:20Z',
    );
    expect(utc.span('2025-10-24T18:31:00Z', '2025-10-24T20:20:00Z')).toBe(
      '2025-10-24 18:31Z–2025-10-24 20:20Z',
    );
  });

  it('a zone without an abbreviation in the locale data is named by its offset', () => {
    // Kolkata: UTC+5:30 all year (no summer time), so the expected text does not depend on the date.
    expect(localTimes('Asia/Kolkata').stamp('2025-10-24T18:31:00Z')).toBe(
      '2025-10-25 00:01 UTC+5:30 (10-24 18:31Z)',
    );
  });

  it('names are checked with Intl and spelt canonically; an unknown one names the field and the value', () => {
    expect(checkTimeZone('europe/vilnius')).toBe('Europe/Vilnius');
    expect(() => localTimes('Europe/Vilnus')).toThrow(InputError);
    expect(() => localTimes('Europe/Vilnus')).toThrow(
      /output\.timeZone must be an IANA time zone .*"Europe\/Vilnus"/,
    );
    expect(() => checkTimeZone('', '--time-zone')).toThrow(/--time-zone must be an IANA time zone/);
    expect(() => checkTimeZone(3)).toThrow(/got 3/);
  });
});
