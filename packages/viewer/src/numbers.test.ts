import { describe, expect, it } from 'vitest';
import { checkNumber, parseDecimal } from './numbers.js';

describe('parseDecimal', () => {
  it('reads plain decimals with any number of places, a sign, and blanks around', () => {
    expect(parseDecimal('12')).toBe(12);
    expect(parseDecimal('54.1234')).toBe(54.1234);
    expect(parseDecimal('25.123456789')).toBe(25.123456789);
    expect(parseDecimal('-0.5')).toBe(-0.5);
    expect(parseDecimal('+3')).toBe(3);
    expect(parseDecimal('.5')).toBe(0.5);
    expect(parseDecimal('7.')).toBe(7);
    expect(parseDecimal(' 40 ')).toBe(40);
  });

  it('refuses what is not a plain decimal: "12e" is not 12', () => {
    for (const text of [
      '12e',
      '12e3',
      '1e',
      'e',
      '12abc',
      '0x10',
      '1,5',
      '1 000',
      '--1',
      '.',
      '',
      ' ',
      'Infinity',
      'NaN',
    ])
      expect(parseDecimal(text), text).toBeUndefined();
  });
});

describe('checkNumber', () => {
  it('quotes what was typed in every problem', () => {
    expect(checkNumber('12e', { integer: true, min: 1 })).toEqual({
      ok: false,
      problem: 'must be a number, got "12e"',
    });
    expect(checkNumber('54,7', {})).toEqual({
      ok: false,
      problem: 'must be a number written with a decimal point, got "54,7"',
    });
    expect(checkNumber('12.5', { integer: true })).toEqual({
      ok: false,
      problem: 'must be a whole number, got "12.5"',
    });
    expect(checkNumber('95', { min: -90, max: 90 })).toEqual({
      ok: false,
      problem: 'must be at most 90, got "95"',
    });
    expect(checkNumber('-1', { min: 0 })).toEqual({ ok: false, problem: 'must be at least 0, got "-1"' });
    expect(checkNumber('0', { above: 0 })).toEqual({ ok: false, problem: 'must be more than 0, got "0"' });
  });

  it('takes an empty field as not given, unless required', () => {
    expect(checkNumber('', {})).toEqual({ ok: true, value: undefined });
    expect(checkNumber('  ', { required: true })).toEqual({ ok: false, problem: 'must be given' });
  });

  it('accepts values on the bounds, and decimals finer than any step', () => {
    expect(checkNumber('-90', { min: -90, max: 90 })).toEqual({ ok: true, value: -90 });
    expect(checkNumber('90', { min: -90, max: 90 })).toEqual({ ok: true, value: 90 });
    expect(checkNumber('0.0001', { above: 0 })).toEqual({ ok: true, value: 0.0001 });
    expect(checkNumber('54.1234', { min: -90, max: 90, required: true })).toEqual({
      ok: true,
      value: 54.1234,
    });
  });
});
