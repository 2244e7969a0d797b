/**
 * Members integrated together. The batch arrays (≈ 100 kB) then sit in the L2 cache, and each wind
 * call and stage loop is long enough that its set-up no longer counts: on drift-bench 1024 ran 3 %
 * faster than 512 and 5 % faster than 128; 2048 gained nothing more.
 */
export const BATCH_SIZE = 1024;

/**
 * Packed working arrays for integrating a set of members together: member indices, start state,
 * evaluation point, the running RK sum and the wind samples. Allocated once per run.
 */
export class Batch {
  readonly idx: Int32Array;
  readonly x0: Float64Array;
  readonly y0: Float64Array;
  readonly z0: Float64Array;
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly zs: Float64Array;
  readonly sx: Float64Array;
  readonly sy: Float64Array;
  readonly sz: Float64Array;
  readonly u: Float64Array;
  readonly v: Float64Array;
  readonly cosLat: Float64Array;
  /** Whether a member of the batch is ascending or descending (else all float: altitude is held). */
  vertical = false;
  constructor(size: number) {
    this.idx = new Int32Array(size);
    const f = () => new Float64Array(size);
    this.x0 = f();
    this.y0 = f();
    this.z0 = f();
    this.xs = f();
    this.ys = f();
    this.zs = f();
    this.sx = f();
    this.sy = f();
    this.sz = f();
    this.u = f();
    this.v = f();
    this.cosLat = f();
  }
}
