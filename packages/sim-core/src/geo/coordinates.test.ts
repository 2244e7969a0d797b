import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { parseCoordinate } from './coordinates.js';

// 54°38′13″ = 54 + 38/60 + 13/3600 = 54.636944…°; 25°17′15″ = 25.2875°.
const LAT = 54 + 38 / 60 + 13 / 3600;
const LON = 25.2875;

describe('parseCoordinate', () => {
  it('reads degrees, minutes and seconds as people type them', () => {
    for (const text of [
      '54°38′13″N',
      '54°38′13″ N',
      `54°38'13"N`,
      "54°38'13''N",
      '54° 38′ 13″ N',
      '54º38’13”N', // masculine ordinal and curly quotes, as some keyboards give them
      '54°38′13N',
      '54 38 13 N',
      '54 38 13 n',
      'N 54°38′13″',
      'N54 38 13',
      '54°38′13″',
      '54 38 13',
    ])
      expect(parseCoordinate(text, 'lat', 'lat')).toBeCloseTo(LAT, 12);
    expect(parseCoordinate('25°17′15″E', 'lon', 'lon')).toBeCloseTo(LON, 12);
    expect(parseCoordinate('25 17 15 E', 'lon', 'lon')).toBeCloseTo(LON, 12);
  });

  it('reads degrees and decimal minutes, and decimal seconds', () => {
    expect(parseCoordinate('54°38.5′N', 'lat', 'lat')).toBeCloseTo(54 + 38.5 / 60, 12);
    expect(parseCoordinate('54 38.5 N', 'lat', 'lat')).toBeCloseTo(54 + 38.5 / 60, 12);
    expect(parseCoordinate('54°38′13.5″N', 'lat', 'lat')).toBeCloseTo(54 + 38 / 60 + 13.5 / 3600, 12);
  });

  it('S and W are negative, and so is a leading minus', () => {
    expect(parseCoordinate('54°38′13″S', 'lat', 'lat')).toBeCloseTo(-LAT, 12);
    expect(parseCoordinate('25°17′15″W', 'lon', 'lon')).toBeCloseTo(-LON, 12);
    expect(parseCoordinate('W 25 17 15', 'lon', 'lon')).toBeCloseTo(-LON, 12);
    expect(parseCoordinate('-54°38′13″', 'lat', 'lat')).toBeCloseTo(-LAT, 12);
    expect(parseCoordinate('\u221254 38 13', 'lat', 'lat')).toBeCloseTo(-LAT, 12); // minus sign
  });

  it('reads decimal degrees, with a hemisphere or a sign, and 0–360 longitudes', () => {
    expect(parseCoordinate('54.6369', 'lat', 'lat')).toBe(54.6369);
    expect(parseCoordinate(' 54.6369 ', 'lat', 'lat')).toBe(54.6369);
    expect(parseCoordinate('54.6369N', 'lat', 'lat')).toBe(54.6369);
    expect(parseCoordinate('54.6369° S', 'lat', 'lat')).toBe(-54.6369);
    expect(parseCoordinate('-25.29', 'lon', 'lon')).toBe(-25.29);
    expect(parseCoordinate('+25.29', 'lon', 'lon')).toBe(25.29);
    expect(parseCoordinate('25', 'lon', 'lon')).toBe(25);
    expect(parseCoordinate('.5', 'lon', 'lon')).toBe(0.5);
    expect(parseCoordinate('335.5', 'lon', 'lon')).toBe(335.5);
  });

  it('refuses what it cannot read for sure, naming the field and the text', () => {
    const refused: [string, 'lat' | 'lon', RegExp][] = [
      [
        '54°38′13″E',
        'lat',
        /^lat must be a latitude \(N or S\); E marks a longitude: are the latitude and the longitude swapped\?, got "54°38′13″E"$/,
      ],
      ['54 38 13 N', 'lon', /lon must be a longitude \(E or W\); N marks a latitude/],
      ['54°75′N', 'lat', /lat must have minutes below 60, got "54°75′N"/],
      ['54°38′61″N', 'lat', /must have seconds below 60/],
      ['54°38.5′13″N', 'lat', /decimal part on its last component only/],
      ['-54.6N', 'lat', /a sign or a hemisphere letter, not both/],
      ['-54 38 13 S', 'lat', /a sign or a hemisphere letter, not both/],
      ['95', 'lat', /lat must be a latitude from -90 to 90 degrees, got "95"/],
      ['95°0′N', 'lat', /from -90 to 90/],
      ['190°0′E', 'lon', /lon must be a longitude from -180 to 180 degrees/],
      ['190 E', 'lon', /from -180 to 180/],
      ['361', 'lon', /from -180 to 360/],
      ['', 'lat', /lat must be a latitude in degrees, got ""/],
      ['abc', 'lat', /lat must be a latitude in decimal degrees \(54.637\) or degrees, minutes and seconds/],
      ['0x10', 'lon', /in decimal degrees/],
      ['1e2', 'lon', /in decimal degrees/],
      ['54,6', 'lat', /in decimal degrees/],
      ['54 38 13 12', 'lat', /in decimal degrees/],
      ['N', 'lat', /in decimal degrees/],
    ];
    for (const [text, axis, message] of refused) {
      expect(() => parseCoordinate(text, axis, axis)).toThrow(message);
      expect(() => parseCoordinate(text, axis, axis)).toThrow(InputError);
    }
  });
});
