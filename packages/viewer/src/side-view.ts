/// <reference lib="dom" />
/**
 * The side view: altitude against time for the tracks (a sample of at most MAX_TRACKS members,
 * evenly spread over the run's members, when there are more), with each zone's vertical limits as
 * a band, so that "passed above the CTR" or "under the approach area's floor" can be read off; a
 * vertical line follows the replay time. A zone's band says nothing about where a track is on the
 * map: a track inside a band is at that zone's altitudes, not necessarily inside the zone.
 */
import * as d3 from 'd3';
import type { ZoneProperties } from './api.js';
import { zoneLimits } from './basemap.js';

/** Enough to show the spread without drawing 10 000 lines into a strip 150 px high. */
export const MAX_TRACKS = 300;

/** Members to draw: all when few, else MAX_TRACKS spread evenly (every site and launch time). */
export function sampleMembers(members: number, max = MAX_TRACKS): number[] {
  if (members <= max) return Array.from({ length: members }, (_, i) => i);
  return Array.from({ length: max }, (_, k) => Math.floor((k * members) / max));
}

const BAND_COLOURS: Record<string, string> = {
  ctr: '#58a6ff',
  approach: '#a371f7',
  restricted: '#ff7b72',
};

export interface TrackSource {
  readonly members: number;
  readonly frameCount: number;
  timeOf(index: number): number;
  position(member: number, index: number): [number, number, number] | null;
}

export class SideView {
  private zones: ZoneProperties[] = [];
  private lines: { member: number; points: [number, number][] }[] = [];
  private times: [number, number] | null = null;
  private cursorSec = Number.NaN;
  private readonly svg: d3.Selection<SVGSVGElement, unknown, null, undefined>;

  constructor(private readonly element: SVGSVGElement) {
    this.svg = d3.select(element);
    new ResizeObserver(() => this.draw()).observe(element);
  }

  setZones(zones: ZoneProperties[]): void {
    // One band per distinct pair of limits (the two CTRs share 0–762 m): labelled with every zone in it.
    this.zones = zones;
    this.draw();
  }

  /** Takes the tracks of the run (a sample of them). */
  setTracks(tracks: TrackSource | null): void {
    this.lines = [];
    this.times = null;
    if (tracks && tracks.frameCount > 0) {
      this.times = [tracks.timeOf(0), tracks.timeOf(tracks.frameCount - 1)];
      for (const m of sampleMembers(tracks.members)) {
        const points: [number, number][] = [];
        for (let f = 0; f < tracks.frameCount; f++) {
          const p = tracks.position(m, f);
          if (p) points.push([tracks.timeOf(f), p[2]]);
        }
        if (points.length > 1) this.lines.push({ member: m, points });
      }
    }
    this.draw();
  }

  /** The replay time (s). */
  setCursor(tSec: number): void {
    this.cursorSec = tSec;
    this.drawCursor();
  }

  private x: d3.ScaleTime<number, number> | null = null;

  private draw(): void {
    const box = this.element.getBoundingClientRect();
    // Hidden (no run yet): drawn when it is shown, by the resize observer.
    if (box.width === 0) return;
    const width = Math.max(400, Math.round(box.width));
    const height = Math.max(100, Math.round(box.height));
    const margin = { left: 52, right: 210, top: 8, bottom: 22 };
    this.svg.attr('viewBox', `0 0 ${width} ${height}`).selectAll('*').remove();
    const altMax = Math.max(6000, ...this.lines.flatMap((l) => l.points.map((p) => p[1])));
    const y = d3
      .scaleLinear()
      .domain([0, altMax])
      .range([height - margin.bottom, margin.top])
      .nice();
    const [t0, t1] = this.times ?? [0, 3600];
    const x = d3
      .scaleUtc()
      .domain([new Date(t0 * 1000), new Date(Math.max(t1, t0 + 600) * 1000)])
      .range([margin.left, width - margin.right]);
    this.x = x;

    // Bands: one per distinct pair of limits, labelled with the zones that have them.
    const bands = d3.groups(this.zones, (z) => `${z.lowerM}/${z.upperM}`).map(([, zs]) => zs);
    const bandLayer = this.svg.append('g').attr('class', 'side-bands');
    bands.forEach((zs, k) => {
      const z = zs[0];
      const upper = typeof z.upperM === 'number' ? z.upperM : altMax;
      const colour = BAND_COLOURS[z.kind] ?? '#8b949e';
      const g = bandLayer.append('g').attr('class', `side-band side-band-${z.kind}`);
      g.append('rect')
        .attr('x', margin.left)
        .attr('width', width - margin.left - margin.right)
        .attr('y', y(upper))
        .attr('height', Math.max(1, y(z.lowerM) - y(upper)))
        .attr('fill', colour)
        .attr('fill-opacity', 0.12)
        .attr('stroke', colour)
        .attr('stroke-dasharray', '4 3');
      g.append('text')
        .attr('class', 'side-band-label')
        .attr('x', width - margin.right + 6)
        .attr('y', Math.min(y(z.lowerM) - 3, y(upper) + 12 + 13 * (k % 2)))
        .attr('fill', colour)
        .text(`${zs.map((s) => shortId(s.id)).join(', ')}: ${zoneLimits(z).replace(/ \(.*\)$/, '')}`);
    });

    const line = d3
      .line<[number, number]>()
      .x((p) => x(new Date(p[0] * 1000)))
      .y((p) => y(p[1]));
    this.svg
      .append('g')
      .attr('class', 'side-tracks')
      .selectAll('path')
      .data(this.lines)
      .join('path')
      .attr('class', 'side-track')
      .attr('d', (l) => line(l.points) ?? '');

    this.svg
      .append('g')
      .attr('class', 'legend-axis')
      .attr('transform', `translate(0,${height - margin.bottom})`)
      .call(
        d3
          .axisBottom(x)
          .ticks(Math.max(2, Math.floor((width - margin.left - margin.right) / 90)))
          .tickFormat((d) => `${(d as Date).toISOString().slice(11, 16)}Z`),
      );
    this.svg
      .append('g')
      .attr('class', 'legend-axis')
      .attr('transform', `translate(${margin.left},0)`)
      .call(
        d3
          .axisLeft(y)
          .ticks(4)
          .tickFormat((d) => `${d3.format(',')(d as number)}`),
      );
    this.svg
      .append('text')
      .attr('class', 'legend-unit')
      .attr('x', 4)
      .attr('y', margin.top + 4)
      .attr('dy', '0.7em')
      .text('m');
    this.svg.append('line').attr('class', 'side-cursor');
    this.drawCursor();
  }

  private drawCursor(): void {
    const x = this.x;
    const cursor = this.svg.select<SVGLineElement>('line.side-cursor');
    if (!x || !Number.isFinite(this.cursorSec) || this.lines.length === 0) {
      cursor.attr('visibility', 'hidden');
      return;
    }
    const [y0, y1] = [8, Number(this.svg.attr('viewBox')?.split(' ')[3] ?? 150) - 22];
    const cx = x(new Date(this.cursorSec * 1000));
    cursor.attr('visibility', 'visible').attr('x1', cx).attr('x2', cx).attr('y1', y0).attr('y2', y1);
  }

  /** How many tracks are drawn (for the caption and the tests). */
  get drawn(): number {
    return this.lines.length;
  }
}

/** "EYVI APP", "EYKA CTR", "Restricted": the band labels' room is narrow. */
const shortId = (id: string) =>
  id
    .replace(/-APPROACH$/, ' APP')
    .replace(/-CTR$/, ' CTR')
    .replace(/^.*RESTRICTED$/, 'Restricted');
