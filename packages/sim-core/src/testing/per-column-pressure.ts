/**
 * The per-column pressure-level scheme as drift-bench v2 defines it (../shared/bench/WORKLOAD.md) and
 * as `PressureGridWind` computed it before its columns were merged across times: in each of the eight
 * grid columns around a point (two times, four corners), u and v linear in height between the two
 * levels whose heights (that column's, at that time) bracket the altitude, the bottom (top) level's
 * value below (above) them; the eight values then weighted bilinearly in lon/lat and linearly in time.
 * Written plainly from a `GridWindInit`, sharing no code with the field, so tests can hold the field
 * to it. Regional grids only (no longitude wrap); outside the box, the levels and the times, the
 * nearest edge holds.
 */
import type { GridWindInit } from '../wind/grid-init.js';

export class PerColumnPressureWind {
  private readonly levelsBottomUp: number[];

  constructor(private readonly init: GridWindInit) {
    if (init.levels.kind !== 'pressure') throw new Error('PerColumnPressureWind needs pressure levels');
    const pressures = init.levels.pressuresHpa;
    this.levelsBottomUp = pressures.map((_, k) => k).sort((a, b) => pressures[b] - pressures[a]);
  }

  sample(lon: number, lat: number, altM: number, tSec: number, out: Float64Array): void {
    const { lon: lonAxis, lat: latAxis, timesSec } = this.init;
    const [i0, i1, wx] = axisPlace((lon - lonAxis.start) / lonAxis.step, lonAxis.count);
    const [j0, j1, wy] = axisPlace((lat - latAxis.start) / latAxis.step, latAxis.count);
    const [n0, n1, wt] = timePlace(timesSec, tSec);
    let u = 0;
    let v = 0;
    for (const [n, wn] of [
      [n0, 1 - wt],
      [n1, wt],
    ])
      for (const [j, wj] of [
        [j0, 1 - wy],
        [j1, wy],
      ])
        for (const [i, wi] of [
          [i0, 1 - wx],
          [i1, wx],
        ]) {
          const w = wn * wj * wi;
          if (w === 0) continue;
          const [cu, cv] = this.column(n, j, i, altM);
          u += w * cu;
          v += w * cv;
        }
    out[0] = u;
    out[1] = v;
  }

  /** u, v of one column at one time, linear in height between the levels around altM. */
  private column(n: number, j: number, i: number, altM: number): [number, number] {
    const { lon, lat, u, v } = this.init;
    const gh = (this.init.levels as { geopotentialHeightM: Float32Array }).geopotentialHeightM;
    const nz = this.levelsBottomUp.length;
    const node = (k: number) => ((n * nz + this.levelsBottomUp[k]) * lat.count + j) * lon.count + i;
    if (altM <= gh[node(0)]) return [u[node(0)], v[node(0)]];
    if (altM >= gh[node(nz - 1)]) return [u[node(nz - 1)], v[node(nz - 1)]];
    let k = 0;
    while (gh[node(k + 1)] <= altM) k++;
    const a = node(k);
    const b = node(k + 1);
    const w = (altM - gh[a]) / (gh[b] - gh[a]);
    return [u[a] + w * (u[b] - u[a]), v[a] + w * (v[b] - v[a])];
  }
}

/** The two indices around fractional index f on an axis of `count` values, and the weight of the second. */
function axisPlace(f: number, count: number): [number, number, number] {
  if (count === 1) return [0, 0, 0];
  const clamped = Math.min(Math.max(f, 0), count - 1);
  const lo = Math.min(Math.floor(clamped), count - 2);
  return [lo, lo + 1, clamped - lo];
}

function timePlace(times: readonly number[], t: number): [number, number, number] {
  if (times.length === 1 || t <= times[0]) return [0, 0, 0];
  const last = times.length - 1;
  if (t >= times[last]) return [last, last, 0];
  let n = 0;
  while (times[n + 1] <= t) n++;
  return [n, n + 1, (t - times[n]) / (times[n + 1] - times[n])];
}
