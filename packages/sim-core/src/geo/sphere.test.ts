import { lineString, pointToLineDistance } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { distanceM } from '../earth.js';
import { destinationLonLat, distanceToPolylineM, initialBearingDeg, ringSignedArea2 } from './sphere.js';

describe('sphere helpers', () => {
  it('destinationLonLat goes the distance on the bearing it is given (distanceM and initialBearingDeg agree)', () => {
    for (const bearing of [0, 37, 90, 181, 270, 359]) {
      const [lon, lat] = destinationLonLat(25.29, 54.64, bearing, 46_300);
      expect(distanceM(25.29, 54.64, lon, lat)).toBeCloseTo(46_300, 6);
      expect(initialBearingDeg(25.29, 54.64, lon, lat)).toBeCloseTo(bearing, 9);
    }
  });

  it('distanceToPolylineM matches turf on a polyline, and handles one point and none', () => {
    const line = [
      [25.6, 54.2],
      [25.62, 54.23],
      [25.6, 54.26],
      [25.65, 54.3],
    ];
    for (const [lon, lat] of [
      [25.3, 54.25],
      [25.7, 54.1],
      [25.61, 54.24],
    ]) {
      const turf = pointToLineDistance([lon, lat], lineString(line), { units: 'meters' });
      expect(Math.abs(distanceToPolylineM(line, lon, lat) - turf)).toBeLessThan(0.005 * turf + 0.5);
    }
    expect(distanceToPolylineM([[25, 54]], 25, 54.1)).toBeCloseTo(distanceM(25, 54, 25, 54.1), 9);
    expect(distanceToPolylineM([], 25, 54)).toBe(Infinity);
  });

  it('ringSignedArea2 is positive for counterclockwise rings', () => {
    const ccw = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    expect(ringSignedArea2(ccw)).toBeCloseTo(1, 12);
    expect(ringSignedArea2([...ccw].reverse())).toBeCloseTo(-1, 12);
  });
});
