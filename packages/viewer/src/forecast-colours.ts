/**
 * The colour key of tracks coloured by forecast member (issue 14): which wind each trajectory flew,
 * so a reader sees whether the members of one forecast go one way and another's another. Set 3's
 * light colours read on the dark map and differ from the launch sites' Tableau 10; beyond twelve
 * forecast members they repeat (the legend says so). Only d3 here: tracks.ts imports it, and its
 * page test loads it alone (each member's class is forecast-members.ts' forecastColourClasses).
 */
import * as d3 from 'd3';

export const FORECAST_COLOURS: readonly string[] = d3.schemeSet3;

/** The legend's rows: a swatch and label per forecast member, and a note when colours repeat. */
export function forecastLegendRows(labels: readonly string[]): { colour: string; text: string }[] {
  const rows = labels
    .slice(0, FORECAST_COLOURS.length)
    .map((text, k) => ({ colour: FORECAST_COLOURS[k], text }));
  if (labels.length > FORECAST_COLOURS.length)
    rows.push({ colour: 'transparent', text: `… colours repeat (${labels.length} forecast members)` });
  return rows;
}
