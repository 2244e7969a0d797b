// The README's embedding example, kept here so it is known to work: a user's own test that builds a
// wind field, runs a scenario and asserts on the result, importing the package by its name.
import { distanceM, runScenario, UniformWind } from '@balloon-sim/sim-core';
import { expect, it } from 'vitest';

it('a balloon floating at 3 km in a 10 m/s south wind drifts about 108 km north in 3 hours', () => {
  const wind = new UniformWind(0, 10); // u east, v north, m/s
  const result = runScenario(
    {
      wind: { type: 'uniform', uMps: 0, vMps: 10 },
      launch: { sites: [{ id: 'lida', lon: 25.3, lat: 53.9 }], times: { start: '2025-10-24T19:00:00Z' } },
      flight: { floatAltitudeM: 3000 },
      solver: { durationSec: 3 * 3600 },
    },
    { wind },
  );
  expect(result.summary.status.active).toBe(1);
  expect(distanceM(25.3, 53.9, result.endLon[0], result.endLat[0]) / 1000).toBeCloseTo(108, 0);
  expect(result.endLat[0]).toBeGreaterThan(54.8);
});
