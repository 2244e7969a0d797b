import { ISA_SEA_LEVEL_DENSITY, isaDensity } from '../atmosphere.js';

/**
 * Flight stage of a member, in the order a forward flight goes through them. A scenario's `flight`
 * (schema.ts) combines them: float only (no ascent rate: the balloon starts at its float altitude or
 * pressure level); ascent → float (→ descent after the float time); ascent → burst → parachute
 * descent; any of these with a payload release timer, after which the payload is what is followed,
 * descending. The machine that moves members between stages is solver/flight-stages.ts.
 */
export const Stage = {
  pending: 0,
  ascent: 1,
  float: 2,
  descent: 3,
  done: 4,
} as const;

/**
 * sqrt(ρ₀/ρ(z)): the factor by which a drag-limited descent is faster than at sea level. Descent
 * speed w = descentRateMps · √(ρ₀ / ρ(z)) (ISA) is the terminal velocity of a drag-dominated body.
 */
export function descentSpeedFactor(altM: number): number {
  return Math.sqrt(ISA_SEA_LEVEL_DENSITY / isaDensity(altM));
}
