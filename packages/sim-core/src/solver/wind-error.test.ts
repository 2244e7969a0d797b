import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { MemberStatus } from './status.js';
import { WindError } from './wind-error.js';

const N = 20_000;

function statistics(x: Float64Array, y: Float64Array) {
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxx += x[i] * x[i];
    sxy += x[i] * y[i];
    syy += y[i] * y[i];
  }
  return { varX: sxx / x.length, varY: syy / y.length, corr: sxy / Math.sqrt(sxx * syy) };
}

describe('WindError (AR(1) per member)', () => {
  it('is stationary with variance σ² and lag-one correlation φ = exp(−dt/τ)', () => {
    const sigma = 2;
    const err = new WindError({ sigmaMps: sigma, correlationSec: 600, seed: 7 }, 60, N);
    const status = new Uint8Array(N).fill(MemberStatus.active);
    for (let i = 0; i < N; i++) err.start(i);
    const before = Float64Array.from(err.u);
    err.update(status);
    const s = statistics(before, err.u);
    // Standard errors with 20 000 members: ≈ 1.4 % of σ² for a variance, ≈ 0.001 for the correlation.
    expect(s.varX / sigma ** 2).toBeCloseTo(1, 1);
    expect(s.varY / sigma ** 2).toBeCloseTo(1, 1);
    expect(s.corr).toBeCloseTo(Math.exp(-60 / 600), 2);
    expect(statistics(err.u, err.v).corr).toBeCloseTo(0, 1); // components independent
  });

  it('moves only flying members', () => {
    const err = new WindError({ sigmaMps: 1, correlationSec: 600, seed: 7 }, 60, 3);
    for (let i = 0; i < 3; i++) err.start(i);
    const before = Array.from(err.u);
    err.update(Uint8Array.from([MemberStatus.active, MemberStatus.landed, MemberStatus.pending]));
    expect(err.u[0]).not.toBe(before[0]);
    expect(Array.from(err.u.subarray(1))).toEqual(before.slice(1));
  });

  it('draws by the member index in the whole run: a part of a run draws what the whole run draws', () => {
    const options = { sigmaMps: 1.5, correlationSec: 900, seed: 11 };
    const whole = new WindError(options, 60, 6);
    const part = new WindError(options, 60, 2, Uint32Array.from([5, 2]));
    for (let i = 0; i < 6; i++) whole.start(i);
    for (let i = 0; i < 2; i++) part.start(i);
    expect([part.u[0], part.v[0], part.u[1], part.v[1]]).toEqual([
      whole.u[5],
      whole.v[5],
      whole.u[2],
      whole.v[2],
    ]);
  });

  it('is zero with σ = 0 or no options, and refuses a bad correlation time or id count', () => {
    expect(new WindError(undefined, 60, 3).sigmaMps).toBe(0);
    expect(new WindError({ sigmaMps: 0, correlationSec: 0, seed: 1 }, 60, 3).sigmaMps).toBe(0);
    expect(() => new WindError({ sigmaMps: 1, correlationSec: 0, seed: 1 }, 60, 3)).toThrow(
      new InputError('windError.correlationSec must be > 0, got 0', 'windError.correlationSec', 0),
    );
    expect(
      () => new WindError({ sigmaMps: 1, correlationSec: 60, seed: 1 }, 60, 3, new Uint32Array(2)),
    ).toThrow(/memberIds\.length must equal the member count 3, got 2/);
  });
});
