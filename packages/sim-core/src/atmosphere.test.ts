import { describe, expect, it } from 'vitest';
import { isaAltitudeM, isaDensity, isaPressurePa, isaTemperatureK } from './atmosphere.js';

// Reference values from the ICAO Standard Atmosphere table (Doc 7488/3), independent of our formulas.
const TABLE = [
  { altM: 0, tempK: 288.15, pressurePa: 101_325, density: 1.225 },
  { altM: 1000, tempK: 281.65, pressurePa: 89_874.6, density: 1.11164 },
  { altM: 3000, tempK: 268.65, pressurePa: 70_108.5, density: 0.909122 },
  { altM: 5000, tempK: 255.65, pressurePa: 54_019.9, density: 0.736116 },
  { altM: 11_000, tempK: 216.65, pressurePa: 22_632.1, density: 0.363918 },
  { altM: 15_000, tempK: 216.65, pressurePa: 12_044.6, density: 0.193674 },
  { altM: 25_000, tempK: 221.65, pressurePa: 2_511.02, density: 0.0394657 },
];

describe('ISA', () => {
  it.each(TABLE)('matches the ICAO table at $altM m', ({ altM, tempK, pressurePa, density }) => {
    expect(isaTemperatureK(altM)).toBeCloseTo(tempK, 2);
    expect(isaPressurePa(altM) / pressurePa).toBeCloseTo(1, 4);
    expect(isaDensity(altM) / density).toBeCloseTo(1, 4);
  });

  it('isaAltitudeM inverts isaPressurePa', () => {
    for (let z = -300; z <= 30_000; z += 137) expect(isaAltitudeM(isaPressurePa(z))).toBeCloseTo(z, 6);
  });
});
