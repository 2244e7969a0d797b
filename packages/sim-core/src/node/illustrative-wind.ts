import { windFromDirection } from '../wind/analytic.js';
import type { GridWindInit } from '../wind/grid.js';

/**
 * An ILLUSTRATIVE wind over the Lithuania–Belarus border for demos and the default scenario: a night
 * (2025-10-24 12 UTC to 2025-10-25 12 UTC, every 3 h) with south-easterly flow veering to southerly,
 * speed growing with height (≈4 m/s at the ground, ≈14 m/s at 3 km). Made up by formula, not weather:
 * every file made from it says so. Real forecasts come through the wind decoders and `wind fetch`.
 */
export function illustrativeBorderNight(): GridWindInit {
  const lon = { start: 19, step: 0.5, count: 21 };
  const lat = { start: 52, step: 0.5, count: 13 };
  const altitudesM = [0, 250, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 5000, 6000];
  const t0 = Date.parse('2025-10-24T12:00:00Z') / 1000;
  const timesSec = Array.from({ length: 9 }, (_, n) => t0 + n * 3 * 3600);
  const nodes = lon.count * lat.count * altitudesM.length * timesSec.length;
  const u = new Float32Array(nodes);
  const v = new Float32Array(nodes);
  let idx = 0;
  for (const t of timesSec) {
    const hoursAfter18 = (t - t0) / 3600 - 6;
    const veerDeg = 30 * Math.max(0, Math.min(1, hoursAfter18 / 12)); // 140° at 18 UTC → 170° at 06 UTC
    for (const z of altitudesM) {
      const baseSpeedMps = 4 + 10 * (1 - Math.exp(-z / 1500)) + 0.8 * (z / 1000);
      for (let j = 0; j < lat.count; j++) {
        const la = lat.start + j * lat.step;
        for (let i = 0; i < lon.count; i++) {
          const lo = lon.start + i * lon.step;
          const directionDeg = 140 + veerDeg + 8 * Math.sin((lo - 22) / 3) + 10 * (z / 6000);
          const speedMps = baseSpeedMps * (1 + 0.15 * Math.sin(1.3 * la + 0.7 * lo));
          [u[idx], v[idx]] = windFromDirection(directionDeg, speedMps);
          idx++;
        }
      }
    }
  }
  return {
    lon,
    lat,
    levels: { kind: 'altitude', altitudesM },
    timesSec,
    u,
    v,
    description: 'Illustrative border night 2025-10-24/25, south-easterly veering southerly',
  };
}
