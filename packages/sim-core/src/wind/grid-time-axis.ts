/**
 * The valid times of a gridded field and where a time falls between them. One place computes it, so
 * the point-by-point samplers and the time slabs (grid-time-slabs.ts) use the very same weights: the
 * bit-for-bit agreement of the two paths rests on it.
 */

/**
 * Where a time falls between a grid's times: node index of the earlier time, offset to the later one
 * (0 when the grid has one time) and the weight toward it.
 */
export interface TimePlace {
  timeBase: number;
  dn: number;
  wt: number;
}

/** A place at the first time; `GridTimeAxis.locate` overwrites it. */
export function newTimePlace(): TimePlace {
  return { timeBase: 0, dn: 0, wt: 0 };
}

export class GridTimeAxis {
  /** Valid times (s since the Unix epoch), strictly increasing. */
  readonly timesSec: Float64Array;
  private readonly t0: number;
  private readonly invDt: number;
  private readonly uniformTimes: boolean;
  /** Node entries between one time and the next (nLevels · nLat · nLon). */
  private readonly timeStride: number;

  constructor(timesSec: readonly number[], timeStride: number) {
    this.timesSec = Float64Array.from(timesSec);
    this.timeStride = timeStride;
    this.t0 = this.timesSec[0];
    const nt = this.timesSec.length;
    const dt = nt > 1 ? (this.timesSec[nt - 1] - this.t0) / (nt - 1) : 1;
    this.invDt = 1 / dt;
    this.uniformTimes = this.timesSec.every(
      (t, n) => Math.abs(t - (this.t0 + n * dt)) < 1e-6 * Math.max(1, dt),
    );
  }

  /** Writes where tSec falls into `out`; before the first time or after the last, that time holds. */
  locate(tSec: number, out: TimePlace): void {
    const nt = this.timesSec.length;
    let n = 0;
    let ft = 0;
    if (nt > 1) {
      ft = this.uniformTimes ? (tSec - this.t0) * this.invDt : this.timeIndex(tSec);
      if (!(ft >= 0)) ft = 0;
      else if (ft > nt - 1) ft = nt - 1;
      n = ft | 0;
      if (n > nt - 2) n = nt - 2;
    }
    out.wt = ft - n;
    out.dn = nt > 1 ? this.timeStride : 0;
    out.timeBase = n * this.timeStride;
  }

  /** Fractional time index on irregular times (binary search). */
  private timeIndex(tSec: number): number {
    const times = this.timesSec;
    let lo = 0;
    let hi = times.length - 1;
    if (tSec <= times[0]) return 0;
    if (tSec >= times[hi]) return hi;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (times[mid] <= tSec) lo = mid;
      else hi = mid;
    }
    return lo + (tSec - times[lo]) / (times[hi] - times[lo]);
  }
}
