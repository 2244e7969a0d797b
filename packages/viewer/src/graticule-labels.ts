/// <reference lib="dom" />
/**
 * Degree labels of the graticule at the edges of the view (meridians along the bottom, parallels
 * along the left), recomputed on zoom: the lines are curved in a conic projection, so where a line
 * meets an edge is found by inverting the projection along that edge.
 */
import type { MapView } from './map.js';

/** Screen positions along an edge where lon (or lat) crosses a whole degree. */
function crossings(
  view: MapView,
  along: (s: number) => [number, number],
  length: number,
  coordinate: 0 | 1,
): { at: number; value: number }[] {
  const out: { at: number; value: number }[] = [];
  let previous: number | null = null;
  for (let s = 0; s <= length; s += 4) {
    const p = view.toLonLat(...along(s));
    if (!p) continue;
    const v = p[coordinate];
    if (previous !== null && Math.floor(previous) !== Math.floor(v)) {
      const whole = Math.max(Math.floor(previous), Math.floor(v));
      // Linear between the two samples (4 px apart): well under a pixel off.
      const at = s - 4 + (4 * (whole - previous)) / (v - previous);
      out.push({ at, value: whole });
    }
    previous = v;
  }
  return out;
}

export function graticuleLabels(view: MapView): void {
  const g = view.fixed.append('g').attr('class', 'graticule-labels');
  const draw = () => {
    const { width, height } = view;
    // Keep clear of the scale bar (bottom left) and the zoom buttons (top left).
    const lons = crossings(view, (x) => [x, height - 6], width, 0).filter((c) => c.at > 190);
    const lats = crossings(view, (y) => [6, y], height, 1).filter((c) => c.at > 130 && c.at < height - 60);
    g.selectAll('text.lon')
      .data(lons)
      .join('text')
      .attr('class', 'lon')
      .attr('x', (d) => d.at)
      .attr('y', height - 6)
      .attr('text-anchor', 'middle')
      .text((d) => `${d.value}°E`);
    g.selectAll('text.lat')
      .data(lats)
      .join('text')
      .attr('class', 'lat')
      .attr('x', 6)
      .attr('y', (d) => d.at)
      .attr('dy', '0.35em')
      .text((d) => `${d.value}°N`);
  };
  view.on('zoom', draw);
  view.on('resize', draw);
  draw();
}
