import { gaussian, memberRng, type Rng, RngStream } from '../ensemble/random.js';
import { invalid } from '../errors.js';
import { MemberStatus } from './status.js';

/** σ (m/s) and correlation time (s) of the stochastic wind error, and the run's seed. */
export interface WindErrorOptions {
  sigmaMps: number;
  correlationSec: number;
  seed: number;
}

/**
 * A stochastic wind error added to the wind of each member: an AR(1) process per member and
 * component, stationary with standard deviation σ and correlation time τ, drawn from the member's own
 * generator (seeded by the run's seed and the member's index in the whole run), so a member draws the
 * same numbers whichever worker or shard runs it.
 */
export class WindError {
  /** σ (m/s); 0: no wind error, nothing is drawn. */
  readonly sigmaMps: number;
  /** The current error per member (m/s), east and north. */
  readonly u: Float64Array;
  readonly v: Float64Array;
  private readonly rngs: Rng[];
  private readonly phi: number;
  private readonly innovation: number;

  /**
   * @param dtSec the run's step (s, > 0), the AR(1) process's step
   * @param memberIds each member's index in the whole run; default 0, 1, 2…
   */
  constructor(options: WindErrorOptions | undefined, dtSec: number, count: number, memberIds?: Uint32Array) {
    this.u = new Float64Array(count);
    this.v = new Float64Array(count);
    this.sigmaMps = options && options.sigmaMps > 0 ? options.sigmaMps : 0;
    if (this.sigmaMps > 0 && options) {
      if (!(options.correlationSec > 0))
        invalid('windError.correlationSec', 'must be > 0', options.correlationSec);
      this.phi = Math.exp(-dtSec / options.correlationSec);
      this.innovation = this.sigmaMps * Math.sqrt(1 - this.phi * this.phi);
      if (memberIds && memberIds.length !== count)
        invalid('memberIds.length', `must equal the member count ${count}`, memberIds.length);
      this.rngs = Array.from({ length: count }, (_, i) =>
        memberRng(options.seed, RngStream.wind, memberIds ? memberIds[i] : i),
      );
    } else {
      this.phi = 0;
      this.innovation = 0;
      this.rngs = [];
    }
  }

  /** At launch: member i's error drawn from the stationary distribution, N(0, σ²) per component. */
  start(i: number): void {
    this.u[i] = this.sigmaMps * gaussian(this.rngs[i]);
    this.v[i] = this.sigmaMps * gaussian(this.rngs[i]);
  }

  /** One step for every flying member: e ← φ·e + σ·√(1−φ²)·N(0, 1). */
  update(status: Uint8Array): void {
    const phi = this.phi;
    const q = this.innovation;
    for (let i = 0; i < status.length; i++) {
      if (status[i] !== MemberStatus.active) continue;
      const rng = this.rngs[i];
      this.u[i] = phi * this.u[i] + q * gaussian(rng);
      this.v[i] = phi * this.v[i] + q * gaussian(rng);
    }
  }
}
