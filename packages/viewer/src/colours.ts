/**
 * Colour scales shared by the renderers and their legends. Chosen to read on the page's dark map
 * (the viewer is kept open at night): no near-black ends.
 */
import * as d3 from 'd3';

/** Upper edges of the altitude classes of the tracks, m AMSL; the last class is everything above. */
export const ALTITUDE_EDGES_M = [500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 5000];

/** Turbo without its dark blue and dark red ends (both too dark on the map). */
export const ALTITUDE_COLOURS = ALTITUDE_EDGES_M.concat(Infinity).map((_, i) =>
  d3.interpolateTurbo(0.15 + (0.8 * i) / ALTITUDE_EDGES_M.length),
);

/** The class of an altitude (index into ALTITUDE_COLOURS). */
export function altitudeClass(altM: number): number {
  let k = 0;
  while (k < ALTITUDE_EDGES_M.length && altM >= ALTITUDE_EDGES_M[k]) k++;
  return k;
}

/** Launch sites: Tableau 10, repeated when there are more sites than colours. */
export const SITE_COLOURS = d3.schemeTableau10;

/**
 * Wind speed (m/s) to colour: grey for calm to white for 25 m/s and more. Neutral on purpose, so
 * the arrows never compete with the coloured tracks drawn over them.
 */
export const windColour = d3
  .scaleSequential((t: number) => d3.interpolateRgb('#5d6b7a', '#ffffff')(t))
  .domain([0, 25])
  .clamp(true);
