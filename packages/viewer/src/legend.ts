/// <reference lib="dom" />
/** The tracks' legend: altitude classes or launch sites, and the symbols drawn over the tracks. */
import * as d3 from 'd3';
import { ALTITUDE_COLOURS, ALTITUDE_EDGES_M, SITE_COLOURS } from './colours.js';
import { forecastLegendRows } from './forecast-colours.js';
import type { ColourMode } from './tracks.js';

export function trackLegend(
  box: HTMLElement,
  mode: ColourMode,
  siteIds: string[],
  forecastLabels: readonly string[] = [],
): void {
  const root = d3.select(box);
  root.selectAll('*').remove();
  const altitude = mode === 'altitude';
  root
    .append('div')
    .attr('class', 'legend-title')
    .text(
      altitude
        ? 'Tracks: altitude (km)'
        : mode === 'forecast'
          ? 'Tracks: forecast member'
          : 'Tracks: launch site',
    );
  const rows =
    mode === 'forecast'
      ? forecastLegendRows(forecastLabels)
      : altitude
        ? ALTITUDE_COLOURS.map((colour, k) => {
            const lo = k === 0 ? 0 : ALTITUDE_EDGES_M[k - 1] / 1000;
            const hi = ALTITUDE_EDGES_M[k] / 1000;
            return { colour, text: k === ALTITUDE_EDGES_M.length ? `≥ ${lo}` : `${lo}–${hi}` };
          }).reverse()
        : siteIds.slice(0, SITE_COLOURS.length).map((id, k) => ({ colour: SITE_COLOURS[k], text: id }));
  if (mode === 'site' && siteIds.length > SITE_COLOURS.length)
    rows.push({ colour: 'transparent', text: `… colours repeat (${siteIds.length} sites)` });
  const list = root.append('ul').attr('class', altitude ? 'swatches two-col' : 'swatches');
  for (const row of rows) {
    const li = list.append('li');
    li.append('span').attr('class', 'swatch').style('background', row.colour);
    li.append('span').text(row.text);
  }
  const symbols = root.append('ul').attr('class', 'swatches');
  const crossing = symbols.append('li');
  crossing.append('span').attr('class', 'swatch diamond');
  crossing.append('span').text('border crossing');
  const landing = symbols.append('li');
  landing.append('span').attr('class', 'swatch landing');
  landing.append('span').text('landings 50 % / 90 %');
}
