/**
 * The members of a run as a struct of arrays: one typed array per property, index = member. The solver
 * reads parameters from here and keeps the live state beside them, so a step touches no objects.
 * "None" is NaN for every optional parameter.
 */
export class MemberSet {
  /** Launch (or, backward, detection) position: degrees. */
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  /** Launch altitude (m AMSL); NaN: the ground (forward) or the float altitude (backward). */
  readonly launchAltM: Float64Array;
  /** Launch time (s since the Unix epoch). */
  readonly launchTSec: Float64Array;
  /** Ascent rate (m/s); NaN: starts floating. */
  readonly ascentRateMps: Float64Array;
  /** Float altitude (m AMSL) or float pressure (hPa); at most one of the two is set per member. */
  readonly floatAltM: Float64Array;
  readonly floatPressureHpa: Float64Array;
  /** Float time (s) before descent (forward) or before the ascent traced back (backward); NaN: no end. */
  readonly floatDurationSec: Float64Array;
  /** Burst altitude (m AMSL) during ascent; NaN: no burst. */
  readonly burstAltM: Float64Array;
  /** Sea-level descent speed (m/s, positive); NaN: never descends. */
  readonly descentRateMps: Float64Array;
  /** Payload release time after launch (s); NaN: no release. */
  readonly releaseAfterSec: Float64Array;

  constructor(readonly count: number) {
    if (!Number.isInteger(count) || count < 0)
      throw new RangeError(`member count must be an integer >= 0, got ${count}`);
    const nan = () => new Float64Array(count).fill(Number.NaN);
    this.lon = new Float64Array(count);
    this.lat = new Float64Array(count);
    this.launchAltM = nan();
    this.launchTSec = new Float64Array(count);
    this.ascentRateMps = nan();
    this.floatAltM = nan();
    this.floatPressureHpa = nan();
    this.floatDurationSec = nan();
    this.burstAltM = nan();
    this.descentRateMps = nan();
    this.releaseAfterSec = nan();
  }
}
