import { invalid } from '../errors.js';
import type { ForecastMember } from './forecast-members.js';
import type { WindFieldSource } from './source.js';
import type { WindCoverage, WindField } from './wind-field.js';

/**
 * The vertical displacement of the grid-offset ensemble, m. HYSPLIT's meteorological-grid ensemble
 * (Draxler, HYSPLIT user's guide, "Ensemble – meteorology grid") offsets the data by one grid cell in
 * x and y and by 0.01 σ vertically, about 250 m near the ground; this uses those 250 m at every
 * altitude, since the fields here are sampled by altitude, not σ.
 */
export const GRID_OFFSET_VERTICAL_M = 250;

/**
 * A field displaced by (dLonDeg, dLatDeg, dAltM): its wind at a point is the base field's at the
 * point plus the offset, F'(lon, lat, alt) = F(lon + dLon, lat + dLat, alt + dAlt). Nothing is
 * copied: every sample reads the base field at the displaced point (outside the base's coverage the
 * nearest edge's value, as for any field). The ground and pressure surfaces stay where they are
 * (the offset stands for an error in the wind, not in the terrain), and the coverage is the base's.
 */
export class OffsetWind implements WindField {
  readonly coverage: WindCoverage;
  readonly description: string;
  readonly source?: WindFieldSource;
  readonly warnings?: readonly string[];
  readonly groundElevationM?: (lon: number, lat: number) => number;
  readonly pressureLevelAltitudeM?: (lon: number, lat: number, pressureHpa: number, tSec: number) => number;
  readonly sampleMany?: WindField['sampleMany'];
  /* Scratch for the batch form: the displaced points, grown when a larger batch comes. */
  private xs = new Float64Array(0);
  private ys = new Float64Array(0);
  private zs = new Float64Array(0);

  constructor(
    readonly base: WindField,
    readonly dLonDeg: number,
    readonly dLatDeg: number,
    readonly dAltM: number,
  ) {
    for (const [key, v] of [
      ['dLonDeg', dLonDeg],
      ['dLatDeg', dLatDeg],
      ['dAltM', dAltM],
    ] as const)
      if (!Number.isFinite(v)) invalid(`gridOffset.${key}`, 'must be a finite number', v);
    this.coverage = base.coverage;
    this.source = base.source;
    this.warnings = base.warnings;
    this.description = `${base.description}, displaced ${dLonDeg}° E, ${dLatDeg}° N, ${dAltM} m up`;
    if (base.groundElevationM) this.groundElevationM = base.groundElevationM.bind(base);
    if (base.pressureLevelAltitudeM) this.pressureLevelAltitudeM = base.pressureLevelAltitudeM.bind(base);
    if (base.sampleMany) this.sampleMany = this.sampleDisplaced.bind(this);
  }

  sample(lon: number, lat: number, altM: number, tSec: number, out: Float64Array): void {
    this.base.sample(lon + this.dLonDeg, lat + this.dLatDeg, altM + this.dAltM, tSec, out);
  }

  private sampleDisplaced(
    n: number,
    lon: Float64Array,
    lat: Float64Array,
    altM: Float64Array,
    tSec: number,
    u: Float64Array,
    v: Float64Array,
  ): void {
    if (this.xs.length < n) {
      this.xs = new Float64Array(n);
      this.ys = new Float64Array(n);
      this.zs = new Float64Array(n);
    }
    const { xs, ys, zs, dLonDeg, dLatDeg, dAltM } = this;
    for (let p = 0; p < n; p++) {
      xs[p] = lon[p] + dLonDeg;
      ys[p] = lat[p] + dLatDeg;
      zs[p] = altM[p] + dAltM;
    }
    this.base.sampleMany!(n, xs, ys, zs, tSec, u, v);
  }
}

/**
 * HYSPLIT's grid-offset ensemble of one deterministic field: 27 members, the field displaced by −1, 0
 * and +1 grid cell in longitude and in latitude and by −250, 0 and +250 m in altitude, with equal
 * weights. The grid's cell comes from the field's source (a gridded field); `cell` gives it for
 * others. The undisplaced field is member 13 (the middle one).
 */
export function gridOffsetMembers(
  field: WindField,
  label: string,
  cell?: { lonDeg: number; latDeg: number },
  dAltM = GRID_OFFSET_VERTICAL_M,
): ForecastMember[] {
  const grid = field.source?.grid;
  const lonDeg = cell?.lonDeg ?? grid?.lonStepDeg;
  const latDeg = cell?.latDeg ?? grid?.latStepDeg;
  if (!(lonDeg !== undefined && lonDeg > 0 && latDeg !== undefined && latDeg > 0))
    invalid(
      'wind.gridOffset',
      'needs a gridded wind (a file or a forecast): the offset is one cell of its grid',
      field.description,
    );
  const members: ForecastMember[] = [];
  for (const dz of [-1, 0, 1])
    for (const dy of [-1, 0, 1])
      for (const dx of [-1, 0, 1]) {
        const sign = (k: number) => (k > 0 ? '+1' : k < 0 ? '−1' : '0');
        members.push({
          label: `${label} offset x${sign(dx)} y${sign(dy)} z${dz === 0 ? '0' : `${dz > 0 ? '+' : '−'}${dAltM} m`}`,
          weight: 1,
          field:
            dx === 0 && dy === 0 && dz === 0
              ? field
              : new OffsetWind(field, dx * lonDeg!, dy * latDeg!, dz * dAltM),
        });
      }
  return members;
}
