/**
 * A raster in front of an exact point-in-area test, so tests per member and step stay cheap for
 * detailed outlines (a country border has thousands of vertices). Cells the outline passes through
 * are "boundary" and defer to the exact test; every other cell is wholly inside or outside, decided
 * once from its centre.
 */
const OUTSIDE = 0;
const INSIDE = 1;
const BOUNDARY = 2;

export class AreaMask {
  readonly lonMin: number;
  readonly lonMax: number;
  readonly latMin: number;
  readonly latMax: number;
  private readonly nx: number;
  private readonly ny: number;
  private readonly invCell: number;
  private readonly cells: Uint8Array;

  /**
   * @param rings every ring of the area's polygons ([lon, lat] degrees), holes included
   * @param exact the exact test, used at build time and in boundary cells
   * @param cellDeg raster cell size (degrees); smaller cells mean fewer exact tests and more memory
   */
  constructor(
    rings: readonly (readonly (readonly number[])[])[],
    private readonly exact: (lon: number, lat: number) => boolean,
    cellDeg = 0.02,
  ) {
    let lonMin = Infinity;
    let lonMax = -Infinity;
    let latMin = Infinity;
    let latMax = -Infinity;
    for (const ring of rings)
      for (const [lon, lat] of ring) {
        lonMin = Math.min(lonMin, lon);
        lonMax = Math.max(lonMax, lon);
        latMin = Math.min(latMin, lat);
        latMax = Math.max(latMax, lat);
      }
    if (!Number.isFinite(lonMin)) throw new RangeError('an area needs at least one vertex');
    this.lonMin = lonMin;
    this.lonMax = lonMax;
    this.latMin = latMin;
    this.latMax = latMax;
    this.invCell = 1 / cellDeg;
    this.nx = Math.max(1, Math.ceil((lonMax - lonMin) * this.invCell));
    this.ny = Math.max(1, Math.ceil((latMax - latMin) * this.invCell));
    this.cells = new Uint8Array(this.nx * this.ny);
    // Boundary: every cell an edge passes through (edges walked in quarter-cell steps), and its
    // neighbours, so a cell marked inside or outside never touches the outline.
    const stepDeg = cellDeg / 4;
    for (const ring of rings) {
      for (let k = 0; k + 1 < ring.length; k++) {
        const [x0, y0] = ring[k];
        const [x1, y1] = ring[k + 1];
        const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / stepDeg));
        for (let s = 0; s <= steps; s++)
          this.markBoundary(x0 + ((x1 - x0) * s) / steps, y0 + ((y1 - y0) * s) / steps);
      }
    }
    // The other cells by scanlines through the cell centres (even–odd rule, as the exact test uses):
    // O(rows × edges) instead of an exact test per cell.
    const crossings: number[] = [];
    for (let j = 0; j < this.ny; j++) {
      const y = latMin + (j + 0.5) * cellDeg;
      crossings.length = 0;
      for (const ring of rings)
        for (let k = 0; k + 1 < ring.length; k++) {
          const [x0, y0] = ring[k];
          const [x1, y1] = ring[k + 1];
          if (y0 > y !== y1 > y) crossings.push(x0 + ((y - y0) * (x1 - x0)) / (y1 - y0));
        }
      crossings.sort((a, b) => a - b);
      let q = 0;
      let inside = false;
      for (let i = 0; i < this.nx; i++) {
        const x = lonMin + (i + 0.5) * cellDeg;
        while (q < crossings.length && crossings[q] <= x) {
          inside = !inside;
          q++;
        }
        const c = j * this.nx + i;
        if (this.cells[c] !== BOUNDARY) this.cells[c] = inside ? INSIDE : OUTSIDE;
      }
    }
  }

  private markBoundary(lon: number, lat: number): void {
    const i = Math.floor((lon - this.lonMin) * this.invCell);
    const j = Math.floor((lat - this.latMin) * this.invCell);
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        const ii = i + di;
        const jj = j + dj;
        if (ii >= 0 && ii < this.nx && jj >= 0 && jj < this.ny) this.cells[jj * this.nx + ii] = BOUNDARY;
      }
  }

  /** True when (lon, lat) lies in the area: a bounding-box check, a cell lookup, rarely the exact test. */
  contains(lon: number, lat: number): boolean {
    if (!(lon >= this.lonMin && lon <= this.lonMax && lat >= this.latMin && lat <= this.latMax)) return false;
    let i = Math.floor((lon - this.lonMin) * this.invCell);
    let j = Math.floor((lat - this.latMin) * this.invCell);
    if (i >= this.nx) i = this.nx - 1;
    if (j >= this.ny) j = this.ny - 1;
    const cell = this.cells[j * this.nx + i];
    return cell === BOUNDARY ? this.exact(lon, lat) : cell === INSIDE;
  }
}
