import { RAD_PER_DEG } from '../earth.js';

/** A lon/lat box (degrees). */
export interface Box {
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

/**
 * One level of a DistanceRaster: corner values on a lon/lat lattice, each computed by the exact
 * function the first time a lookup needs it (NaN until then), so a run pays only for the corners its
 * members pass near. Values are a pure function of the corner's coordinates: the same whichever
 * members (thread, shard) asked first.
 */
class Level {
  private readonly cellLonDeg: number;
  private readonly lon0: number;
  private readonly lat0: number;
  private readonly invLon: number;
  private readonly invLat: number;
  private readonly nx: number;
  private readonly ny: number;
  private readonly values: Float32Array;

  constructor(
    private readonly exact: (lon: number, lat: number) => number,
    box: Box,
    private readonly cellLatDeg: number,
    marginLatDeg: number,
  ) {
    // Cells about square on the ground at the box's middle latitude.
    const cos = Math.max(0.1, Math.cos(((box.latMin + box.latMax) / 2) * RAD_PER_DEG));
    const cellLon = cellLatDeg / cos;
    this.cellLonDeg = cellLon;
    this.lat0 = Math.max(-90, box.latMin - marginLatDeg);
    this.lon0 = box.lonMin - marginLatDeg / cos;
    const latEnd = Math.min(90, box.latMax + marginLatDeg);
    const lonEnd = box.lonMax + marginLatDeg / cos;
    this.invLat = 1 / cellLatDeg;
    this.invLon = 1 / cellLon;
    this.nx = Math.ceil((lonEnd - this.lon0) * this.invLon) + 1;
    this.ny = Math.ceil((latEnd - this.lat0) * this.invLat) + 1;
    this.values = new Float32Array(this.nx * this.ny).fill(Number.NaN);
  }

  /** Bilinear interpolation of the corner values round (lon, lat); NaN outside the lattice. */
  at(lon: number, lat: number): number {
    const x = (lon - this.lon0) * this.invLon;
    const y = (lat - this.lat0) * this.invLat;
    const i = Math.floor(x);
    const j = Math.floor(y);
    if (!(i >= 0 && j >= 0 && i + 1 < this.nx && j + 1 < this.ny)) return Number.NaN;
    const fx = x - i;
    const fy = y - j;
    const c = j * this.nx + i;
    const v00 = this.corner(c, i, j);
    const v10 = this.corner(c + 1, i + 1, j);
    const v01 = this.corner(c + this.nx, i, j + 1);
    const v11 = this.corner(c + this.nx + 1, i + 1, j + 1);
    return (1 - fy) * ((1 - fx) * v00 + fx * v10) + fy * ((1 - fx) * v01 + fx * v11);
  }

  private corner(c: number, i: number, j: number): number {
    const v = this.values[c];
    if (!Number.isNaN(v)) return v; // computed before
    const value = this.exact(this.lon0 + i * this.cellLonDeg, this.lat0 + j * this.cellLatDeg);
    this.values[c] = value;
    return this.values[c];
  }
}

/**
 * A zone's horizontal distance (m) from any point, cheap enough to ask for every member and step: the
 * exact distance (`exact`, ≈ 0.3 µs for a 100-vertex outline) interpolated bilinearly between the
 * corners of two lattices — cells of 0.01° of latitude (≈ 1.1 km) up to 0.5° from the zone's box,
 * cells of 0.1° up to 8° — and the exact distance beyond. The distance to an outline is smooth away
 * from it (curvature ≤ 1/d), so the interpolation is off by ≈ h²/8d: metres a few kilometres out,
 * up to about half a cell right by the outline. The observer picks each member's moment of closest
 * approach with it and takes the exact distance near the zone; the summary measures the chosen point
 * exactly (on the ellipsoid).
 */
export class DistanceRaster {
  private readonly near: Level;
  private readonly far: Level;

  constructor(
    private readonly exact: (lon: number, lat: number) => number,
    box: Box,
  ) {
    this.near = new Level(exact, box, 0.01, 0.5);
    this.far = new Level(exact, box, 0.1, 8);
  }

  /** The horizontal distance (m) to the zone, interpolated (see the class comment). */
  at(lon: number, lat: number): number {
    const near = this.near.at(lon, lat);
    if (!Number.isNaN(near)) return near;
    const far = this.far.at(lon, lat);
    return Number.isNaN(far) ? this.exact(lon, lat) : far;
  }
}
