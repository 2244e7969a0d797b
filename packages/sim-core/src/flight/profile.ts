import { ISA_SEA_LEVEL_DENSITY, isaDensity } from '../atmosphere.js';

/**
 * How a balloon moves vertically, in the user's terms. Combinations:
 * - float only: no `ascentRateMps`; the balloon starts at its float altitude (or pressure level);
 * - ascent → float (→ descent after `floatDurationSec`);
 * - ascent → burst at `burstAltitudeM` → parachute descent;
 * - any of these with a payload release `releaseAfterSec` after launch, after which the payload is
 *   what is followed, descending under its parachute.
 * Descent speed scales with air density: w = descentRateMps · √(ρ₀ / ρ(z)) (ISA), the terminal
 * velocity of a drag-dominated body.
 */
export interface FlightProfile {
  /** Ascent rate (m/s); without it the balloon starts at its float altitude. */
  ascentRateMps?: number;
  /** Float at a fixed altitude (m AMSL)… */
  floatAltitudeM?: number;
  /** …or on an isobaric surface (hPa). */
  floatPressureHpa?: number;
  /** Float time (s) after reaching the float altitude, then descent; floats to the end when absent. */
  floatDurationSec?: number;
  /** Altitude (m AMSL) at which the balloon bursts during ascent. */
  burstAltitudeM?: number;
  /** Descent speed at sea level (m/s, positive). */
  descentRateMps?: number;
  /** Payload released this long (s) after launch; the payload then descends. */
  releaseAfterSec?: number;
}

/** Flight stage of a member, in the order a forward flight goes through them. */
export const Stage = {
  pending: 0,
  ascent: 1,
  float: 2,
  descent: 3,
  done: 4,
} as const;

/** sqrt(ρ₀/ρ(z)): the factor by which a drag-limited descent is faster than at sea level. */
export function descentSpeedFactor(altM: number): number {
  return Math.sqrt(ISA_SEA_LEVEL_DENSITY / isaDensity(altM));
}
