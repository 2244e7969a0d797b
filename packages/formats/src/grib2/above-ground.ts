/**
 * Winds at fixed heights above ground (code table 4.5 type 103) resampled to fixed altitudes above
 * mean sea level, the only vertical coordinate besides pressure that gridded fields take.
 *
 * Target altitudes: every height above ground added to the lowest and to the highest ground of the
 * box, so the lowest and highest columns keep their own levels exactly. In each column the wind is
 * linear in altitude between that column's levels (ground + height); below its lowest level the
 * lowest level's wind holds, above its highest the highest's.
 */
export function resampleAboveGround(
  u: Float32Array,
  v: Float32Array,
  heightsM: readonly number[],
  groundM: Float32Array,
  layer: number,
  times: number,
): { altitudesM: number[]; u: Float32Array; v: Float32Array } {
  let lowest = Number.POSITIVE_INFINITY;
  let highest = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < layer; c++) {
    lowest = Math.min(lowest, groundM[c]);
    highest = Math.max(highest, groundM[c]);
  }
  const candidates = heightsM.flatMap((h) => [lowest + h, highest + h]).sort((a, b) => a - b);
  const altitudesM = candidates.filter((z, n) => n === 0 || z - candidates[n - 1] > 0.5);
  const nk = heightsM.length;
  const nz = altitudesM.length;
  const outU = new Float32Array(times * nz * layer);
  const outV = new Float32Array(times * nz * layer);
  for (let t = 0; t < times; t++) {
    for (let c = 0; c < layer; c++) {
      const ground = groundM[c];
      let k = 0; // source level below the target altitude
      for (let z = 0; z < nz; z++) {
        const alt = altitudesM[z] - ground; // target as height above this column's ground
        while (k < nk - 2 && heightsM[k + 1] <= alt) k++;
        const w =
          nk === 1 ? 0 : Math.min(1, Math.max(0, (alt - heightsM[k]) / (heightsM[k + 1] - heightsM[k])));
        const lo = (t * nk + k) * layer + c;
        const hi = nk === 1 ? lo : lo + layer;
        const to = (t * nz + z) * layer + c;
        outU[to] = u[lo] + w * (u[hi] - u[lo]);
        outV[to] = v[lo] + w * (v[hi] - v[lo]);
      }
    }
  }
  return { altitudesM, u: outU, v: outV };
}
