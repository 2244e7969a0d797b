/// <reference lib="dom" />
/**
 * Wind arrows at one pressure level or altitude and one time, from /api/winds/:id/grid, with a
 * speed legend. Arrows point where the wind blows to; their length and colour grow with speed.
 * They are redrawn (a few hundred paths) on zoom so they keep their screen size, and only those in
 * view are drawn.
 */
import * as d3 from 'd3';
import { getJson, type WindGrid, type WindMeta } from './api.js';
import { showFailure } from './banner.js';
import { windColour } from './colours.js';
import type { MapView } from './map.js';
import { clock } from './time.js';

/** Screen pixels of arrow per m/s (capped at 40 px). */
const PX_PER_MPS = 2.2;
/** Least distance between arrows on screen. */
const MIN_SPACING_PX = 44;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class WindLayer {
  private meta: WindMeta | null = null;
  private grid: WindGrid | null = null;
  private readonly layer: d3.Selection<SVGGElement, unknown, null, undefined>;
  private request = 0;

  constructor(private readonly view: MapView) {
    // Above the zones, below the tracks canvas; not zoomed: arrows keep their size.
    this.layer = view.base.append('g').attr('class', 'wind');
    view.on('zoom', () => this.draw());
    view.on('resize', () => this.draw());
    for (const id of ['wind-level', 'wind-time']) $(id).addEventListener('change', () => this.load());
    $<HTMLInputElement>('wind-show').addEventListener('change', () => this.draw());
    this.legend();
  }

  /** The wind's description as the server gives it, once loaded. */
  get description(): string | undefined {
    return this.meta?.description;
  }

  /** The wind field's box, when it is a grid (an analytic wind has none to draw). */
  get coverage(): WindMeta['coverage'] | null {
    return this.meta?.grid ? this.meta.coverage : null;
  }

  /** Called once a wind's description and coverage are known. */
  onMeta: () => void = () => {};

  /**
   * Follows the run: the level nearest `altM` (the run's float altitude) and the wind time nearest
   * `tSec` (the replay time). Loads a grid only when the choice changes: replaying a 12-hour run
   * at 3-hourly wind times loads five.
   */
  follow(tSec: number | undefined, altM?: number): void {
    const meta = this.meta;
    if (!meta) return;
    let changed = false;
    if (altM !== undefined && meta.levels && meta.levels.values.length > 0) {
      const level = String(nearestLevel(meta.levels.values, meta.levels.kind === 'pressure', altM));
      const select = $<HTMLSelectElement>('wind-level');
      if (select.value !== level) {
        select.value = level;
        changed = true;
      }
    }
    if (tSec !== undefined && Number.isFinite(tSec) && meta.times.length > 0) {
      const time = nearestTime(meta.times, tSec);
      const select = $<HTMLSelectElement>('wind-time');
      if (select.value !== time) {
        select.value = time;
        changed = true;
      }
    }
    if (changed) void this.load();
  }

  /** Switches to a wind: its levels and times fill the selects; `altM` and `tSec` choose the defaults. */
  async setWind(id: string, altM?: number, tSec?: number): Promise<void> {
    try {
      this.meta = await getJson<WindMeta>(`api/winds/${encodeURIComponent(id)}`);
    } catch (error) {
      this.meta = null;
      this.grid = null;
      this.draw();
      return showFailure('Wind layer', error);
    }
    const meta = this.meta;
    this.onMeta();
    const levelSelect = $<HTMLSelectElement>('wind-level');
    const values = meta.levels?.values ?? [];
    const pressure = meta.levels?.kind === 'pressure';
    levelSelect.replaceChildren(
      ...values.map((v) => {
        const option = document.createElement('option');
        option.value = String(v);
        option.textContent = pressure ? `${v} hPa` : `${v} m`;
        return option;
      }),
    );
    if (altM !== undefined && values.length > 0)
      levelSelect.value = String(nearestLevel(values, pressure, altM));
    const timeSelect = $<HTMLSelectElement>('wind-time');
    timeSelect.replaceChildren(
      ...meta.times.map((t) => {
        const option = document.createElement('option');
        option.value = t;
        option.textContent = clock(t);
        return option;
      }),
    );
    if (tSec !== undefined && meta.times.length > 0) timeSelect.value = nearestTime(meta.times, tSec);
    await this.load();
  }

  private async load(): Promise<void> {
    const meta = this.meta;
    if (!meta?.grid) {
      this.grid = null;
      return this.draw();
    }
    const level = $<HTMLSelectElement>('wind-level').value;
    const time = $<HTMLSelectElement>('wind-time').value;
    // About 25 × 25 arrows over the field, whatever its resolution.
    const stride = Math.max(1, Math.ceil(Math.max(meta.grid.nx, meta.grid.ny) / 25));
    const query = new URLSearchParams({ stride: String(stride) });
    query.set(meta.levels?.kind === 'pressure' ? 'level' : 'alt', level);
    if (time) query.set('time', time);
    const request = ++this.request;
    try {
      const grid = await getJson<WindGrid>(`api/winds/${encodeURIComponent(meta.id)}/grid?${query}`);
      if (request === this.request) this.grid = grid;
    } catch (error) {
      showFailure('Wind layer', error);
      this.grid = null;
    }
    this.draw();
  }

  private draw(): void {
    const grid = this.grid;
    const show = $<HTMLInputElement>('wind-show').checked;
    const arrows: { x: number; y: number; angle: number; len: number; speed: number }[] = [];
    if (grid && show) {
      const { width, height } = this.view;
      // Every `skip`-th node, so arrows stand at least MIN_SPACING_PX apart at the current zoom.
      const a = this.view.toScreen(grid.lon0, grid.lat0);
      const b = this.view.toScreen(grid.lon0 + grid.dLon, grid.lat0 + grid.dLat);
      const spacing = Math.min(Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1])) || MIN_SPACING_PX;
      const skip = Math.max(1, Math.ceil(MIN_SPACING_PX / spacing));
      for (let j = 0; j < grid.ny; j += skip) {
        for (let i = 0; i < grid.nx; i += skip) {
          const k = j * grid.nx + i;
          const u = grid.u[k];
          const v = grid.v[k];
          const lon = grid.lon0 + i * grid.dLon;
          const lat = grid.lat0 + j * grid.dLat;
          const [x, y] = this.view.toScreen(lon, lat);
          if (x < -20 || y < -20 || x > width + 20 || y > height + 20) continue;
          const speed = Math.hypot(u, v);
          // The direction on the map: project a short step along the wind (north is not "up"
          // away from the central meridian of a conic projection).
          const stepDeg = 0.05 / Math.max(speed, 0.1);
          const [x2, y2] = this.view.toScreen(
            lon + (u * stepDeg) / Math.cos((lat * Math.PI) / 180),
            lat + v * stepDeg,
          );
          arrows.push({
            x,
            y,
            angle: Math.atan2(y2 - y, x2 - x),
            len: Math.min(40, speed * PX_PER_MPS),
            speed,
          });
        }
      }
    }
    this.layer
      .selectAll('path')
      .data(arrows)
      .join('path')
      .attr('class', 'wind-arrow')
      .attr('d', (d) => arrowPath(d.len))
      .attr('stroke', (d) => windColour(d.speed))
      .attr(
        'transform',
        (d) =>
          `translate(${d.x.toFixed(1)},${d.y.toFixed(1)}) rotate(${((d.angle * 180) / Math.PI).toFixed(1)})`,
      );
    $('wind-caption').textContent = grid
      ? `Wind at ${grid.level !== undefined ? `${grid.level} hPa` : `${grid.altM} m`}, ${clock(grid.time)}`
      : 'Wind: no grid';
  }

  private legend(): void {
    const width = 150;
    const box = d3.select($('wind-legend'));
    box.append('div').attr('id', 'wind-caption').attr('class', 'legend-title');
    const svg = box
      .append('svg')
      .attr('width', width + 20)
      .attr('height', 44)
      .attr('role', 'img')
      .attr('aria-label', 'Wind speed legend: grey for calm to white for 25 m/s and more');
    const gradient = svg.append('defs').append('linearGradient').attr('id', 'wind-gradient');
    for (let s = 0; s <= 25; s += 5)
      gradient
        .append('stop')
        .attr('offset', `${(s / 25) * 100}%`)
        .attr('stop-color', windColour(s));
    svg
      .append('rect')
      .attr('x', 8)
      .attr('y', 6)
      .attr('width', width)
      .attr('height', 8)
      .attr('fill', 'url(#wind-gradient)');
    const x = d3
      .scaleLinear()
      .domain([0, 25])
      .range([8, 8 + width]);
    svg
      .append('g')
      .attr('class', 'legend-axis')
      .attr('transform', 'translate(0,14)')
      .call(
        d3
          .axisBottom(x)
          .tickValues([0, 5, 10, 15, 20, 25])
          .tickFormat((d) => `${d}`)
          .tickSize(3),
      );
    svg
      .append('text')
      .attr('class', 'legend-unit')
      .attr('x', 8 + width)
      .attr('y', 42)
      .attr('text-anchor', 'end')
      .text('m/s');
    svg
      .append('path')
      .attr('class', 'wind-arrow')
      .attr('stroke', windColour(10))
      .attr('d', arrowPath(10 * PX_PER_MPS))
      .attr('transform', 'translate(10,38)');
    svg.append('text').attr('class', 'legend-unit').attr('x', 38).attr('y', 42).text('10 m/s');
  }
}

/** The level nearest an altitude (pressure levels by their standard-atmosphere height). */
export function nearestLevel(values: readonly number[], pressure: boolean, altM: number): number {
  const height = (v: number) => (pressure ? 44_330.8 * (1 - (v / 1013.25) ** 0.190263) : v);
  return values.reduce((a, b) => (Math.abs(height(b) - altM) < Math.abs(height(a) - altM) ? b : a));
}

/** The time (ISO) nearest `tSec`. */
export function nearestTime(times: readonly string[], tSec: number): string {
  return times.reduce((a, b) =>
    Math.abs(Date.parse(b) / 1000 - tSec) < Math.abs(Date.parse(a) / 1000 - tSec) ? b : a,
  );
}

/** An arrow along +x of length `len` px, head at the tip. */
function arrowPath(len: number): string {
  const head = Math.min(5, 0.45 * len);
  return `M0,0H${len.toFixed(1)}M${(len - head).toFixed(1)},${(-head * 0.6).toFixed(1)}L${len.toFixed(1)},0L${(len - head).toFixed(1)},${(head * 0.6).toFixed(1)}`;
}
