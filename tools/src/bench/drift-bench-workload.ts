/**
 * The drift-bench workload of ../shared/bench/WORKLOAD.md, built once for bench:drift (drift.ts) and
 * bench:gpu (gpu.ts): v1's analytic grid on altitude levels or v2's on pressure levels, the
 * `frac(p · 0.618034)` particle layout, and the solver options (RK4, dt = 60 s, forward). It computes
 * what the C yardsticks ../shared/bench/drift_ref.c and drift_ref_v2.c compute, so the check values
 * agree with theirs within 1e-6°.
 */
import {
  AltitudeGridWind,
  MemberSet,
  PressureGridWind,
  type SimulationOptions,
  type WindField,
} from '@balloon-sim/sim-core';

/** `altitude`: drift-bench v1; `pressure`: drift-bench v2. */
export type DriftBenchGrid = 'altitude' | 'pressure';

const NX = 89;
const NY = 41;
/** v1's levels, m above mean sea level. */
const ALTS = [0, 250, 500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000];
/** v2's levels, hPa. */
const PRESSURES = [1000, 975, 950, 925, 900, 850, 800, 750, 700, 650, 600, 550, 500];
const NT = 17;
const DT_GRID_SEC = 10_800;

/** WORKLOAD.md's winds (u, v in m/s) at height z (m), lon/lat (degrees as plain numbers) and time th (h). */
function windAt(lon: number, lat: number, z: number, th: number): [number, number] {
  return [
    4 + 0.0015 * z + 4 * Math.sin(0.7 * lon + 0.05 * th) * Math.cos(0.9 * lat),
    2 + 0.001 * z + 5 * Math.cos(0.5 * lon - 0.8 * lat + 0.1 * th),
  ];
}

/**
 * The workload's grid: v1 (altitude levels), or v2 (pressure levels whose geopotential heights are
 * the ISA heights ± 30 m by column and time). Node values are computed in double and stored as float32;
 * on v2, u and v are taken at the double height, as the C yardstick does, not at its float32 copy.
 */
export function driftBenchWind(grid: DriftBenchGrid): WindField {
  const pressureGrid = grid === 'pressure';
  const nz = pressureGrid ? PRESSURES.length : ALTS.length;
  const nodes = NX * NY * nz * NT;
  const u = new Float32Array(nodes);
  const v = new Float32Array(nodes);
  const heights = new Float32Array(pressureGrid ? nodes : 0);
  let idx = 0;
  for (let n = 0; n < NT; n++) {
    const th = (n * DT_GRID_SEC) / 3600;
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < NY; j++) {
        const lat = 50 + 0.25 * j;
        for (let i = 0; i < NX; i++, idx++) {
          const lon = 14 + 0.25 * i;
          let z = ALTS[k];
          if (pressureGrid) {
            z = 44_330.8 * (1 - (PRESSURES[k] / 1013.25) ** 0.190263) + 30 * Math.sin(0.3 * lon + 0.1 * th);
            heights[idx] = z;
          }
          [u[idx], v[idx]] = windAt(lon, lat, z, th);
        }
      }
  }
  const common = {
    lon: { start: 14, step: 0.25, count: NX },
    lat: { start: 50, step: 0.25, count: NY },
    timesSec: Array.from({ length: NT }, (_, n) => n * DT_GRID_SEC),
    u,
    v,
  };
  return pressureGrid
    ? new PressureGridWind({
        ...common,
        levels: { kind: 'pressure', pressuresHpa: PRESSURES, geopotentialHeightM: heights },
        description: 'drift-bench v2',
      })
    : new AltitudeGridWind({
        ...common,
        levels: { kind: 'altitude', altitudesM: ALTS },
        description: 'drift-bench v1',
      });
}

const frac = (x: number) => x - Math.floor(x);

/** The workload's first `count` particles, all launched at t = 0, each floating at its own altitude. */
export function driftBenchMembers(count: number): MemberSet {
  const members = new MemberSet(count);
  for (let p = 0; p < count; p++) {
    members.lon[p] = 23.5 + 3.0 * frac(p * 0.618034);
    members.lat[p] = 53.6 + 0.8 * frac(p * 0.414214);
    members.floatAltM[p] = 300 + 3700 * frac(p * 0.732051);
    members.launchTSec[p] = 0;
  }
  return members;
}

/** A run of the workload: `count` fresh particles through `wind`, RK4 at dt = 60 s for `steps` steps. */
export function driftBenchOptions(wind: WindField, count: number, steps: number): SimulationOptions {
  return {
    wind,
    members: driftBenchMembers(count),
    method: 'rk4',
    dtSec: 60,
    direction: 'forward',
    durationSec: 60 * steps,
  };
}
