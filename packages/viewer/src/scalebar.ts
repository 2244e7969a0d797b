/// <reference lib="dom" />
/**
 * A scale bar in km, measured at the centre of the view under the current zoom. The projection is
 * conformal, so at a point the scale is the same in every direction, and over the region it varies
 * by well under 1 %: one bar measured at the centre holds across the map.
 */
import { eastOf } from './geo.js';
import type { MapView } from './map.js';

/** Bar lengths offered: 1, 2, 5 × 10^n km. */
function niceKm(maxKm: number): number {
  const power = 10 ** Math.floor(Math.log10(maxKm));
  for (const step of [5, 2, 1]) if (step * power <= maxKm) return step * power;
  return power;
}

/** Pixels per km at the centre of the view (CSS pixels, current zoom). */
export function pixelsPerKm(view: MapView): number {
  const centre = view.toLonLat(view.width / 2, view.height / 2);
  if (!centre) return Number.NaN;
  const [lon, lat] = centre;
  const a = view.toScreen(lon, lat);
  const b = view.toScreen(...eastOf(lon, lat, 10_000));
  return Math.hypot(b[0] - a[0], b[1] - a[1]) / 10;
}

export function scaleBar(view: MapView): void {
  const g = view.fixed.append('g').attr('class', 'scale-bar');
  const draw = () => {
    const perKm = pixelsPerKm(view);
    if (!Number.isFinite(perKm) || perKm <= 0) return;
    const km = niceKm(160 / perKm);
    const w = km * perKm;
    g.attr('transform', `translate(16,${view.height - 22})`);
    g.selectAll('*').remove();
    g.append('rect')
      .attr('class', 'scale-bg')
      .attr('x', -6)
      .attr('y', -20)
      .attr('width', w + 12)
      .attr('height', 30);
    // Two halves, dark and light, as on charts: readable on any background.
    g.append('rect')
      .attr('class', 'scale-a')
      .attr('width', w / 2)
      .attr('height', 5);
    g.append('rect')
      .attr('class', 'scale-b')
      .attr('x', w / 2)
      .attr('width', w / 2)
      .attr('height', 5);
    g.append('text').attr('class', 'scale-text').attr('x', 0).attr('y', -6).text('0');
    g.append('text')
      .attr('class', 'scale-text')
      .attr('x', w)
      .attr('y', -6)
      .attr('text-anchor', 'end')
      .text(`${km} km`);
  };
  view.on('zoom', draw);
  view.on('resize', draw);
  draw();
}
