import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * Seeded randomness. pure-rand supplies a well-tested xoroshiro128+ generator and an unbiased 53-bit
 * uniform double; we add stream derivation and Gaussian draws. Every member gets its own generator,
 * derived from (seed, stream, member index), so a member's draws do not depend on how many members run
 * or on which worker runs them: same seed, same result, bit for bit.
 */
export type Rng = ReturnType<typeof xoroshiro128plus>;

/** Named streams, so enabling one kind of perturbation does not shift the draws of another. */
export const RngStream = { launch: 1, wind: 2, sampling: 3 } as const;

/** MurmurHash3's 32-bit finaliser: a bijective mix of all input bits. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** The generator of one member in one stream. */
export function memberRng(seed: number, stream: number, member: number): Rng {
  const key = fmix32(
    fmix32(seed | 0) ^ fmix32(Math.imul(member + 1, 0x9e37_79b9) ^ Math.imul(stream, 0x7f4a_7c15)),
  );
  return xoroshiro128plus(key);
}

/** Uniform in [0, 1). */
export function uniform(rng: Rng): number {
  return uniformFloat64(rng);
}

/** Standard normal deviate (Box–Muller; one of the pair is used so each call costs the same draws). */
export function gaussian(rng: Rng): number {
  const u1 = 1 - uniformFloat64(rng); // (0, 1]: log stays finite
  const u2 = uniformFloat64(rng);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
