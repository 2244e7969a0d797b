import { expect, it } from 'vitest';
import { openApp } from './testing/apps.js';

it('POST /api/backtrack traces a detection near Vilnius back to launch cells in Belarus', async () => {
  const app = openApp();
  const response = await app.inject({
    method: 'POST',
    url: '/api/backtrack',
    payload: {
      wind: { type: 'file', paths: ['wind:illustrative-border-night'] },
      detections: [{ lon: 25.4, lat: 54.75, altM: 3500, time: '2025-10-24T20:00:00Z', sigmaPositionM: 1000 }],
      members: 200,
      maxFloatHours: 4,
    },
  });
  expect(response.statusCode).toBe(200);
  const result = response.json();
  expect(result.members).toBe(200);
  expect(result.plausible).toBeGreaterThan(0);
  expect(result.mostLikely.length).toBeGreaterThan(0);
  // South-easterly wind: the launch cells lie south-east of the detection, in Belarus.
  expect(result.mostLikely[0].lon).toBeGreaterThan(25.4);
  expect(result.mostLikely[0].lat).toBeLessThan(54.75);
});

it('POST /api/backtrack refuses bad detections and paths outside the data folders with a 400', async () => {
  const app = openApp();
  const bad = await app.inject({
    method: 'POST',
    url: '/api/backtrack',
    payload: {
      wind: { type: 'uniform', uMps: 5, vMps: 5 },
      detections: [{ lon: 25, lat: 95, altM: 3000, time: 'x' }],
    },
  });
  expect(bad.statusCode).toBe(400);
  const outside = await app.inject({
    method: 'POST',
    url: '/api/backtrack',
    payload: {
      wind: { type: 'file', paths: ['../../../../etc/passwd'] },
      detections: [{ lon: 25, lat: 54, altM: 3000, time: '2025-10-24T20:00:00Z' }],
    },
  });
  expect(outside.statusCode).toBe(400);
  expect(outside.json().error).toMatch(/^wind\.paths\[0\] must name a bundled fil/);
});
