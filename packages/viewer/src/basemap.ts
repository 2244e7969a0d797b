/// <reference lib="dom" />
/**
 * What never changes during a night: countries, the LT–BY border, the Belarusian launch strip, a
 * graticule, the airspace zones with their airports, and the labels. All outlines come from the
 * server (/api/geography, /api/zones): the page loads nothing from the internet.
 */
import * as d3 from 'd3';
import type { Feature, Geometry } from 'geojson';
import type { Geography, ZoneProperties, Zones } from './api.js';
import { rewindCollection, rewindFeature } from './geo.js';
import type { MapView, Pin } from './map.js';

/** Hand-placed country names, where they do not cover the border, zones or launch areas. */
const COUNTRY_LABELS: (Pin & { text: string })[] = [
  { lon: 23.75, lat: 55.75, text: 'LITHUANIA' },
  { lon: 27.6, lat: 53.15, text: 'BELARUS' },
  { lon: 21.9, lat: 53.05, text: 'POLAND' },
  { lon: 25.2, lat: 56.55, text: 'LATVIA' },
];

/** "457–5944 m (1500–19500 ft)": zone limits in metres, and in feet as aviation charts give them. */
export function zoneLimits(p: Pick<ZoneProperties, 'lowerM' | 'upperM'>): string {
  const upper = typeof p.upperM === 'number' ? p.upperM : null;
  // Feet rounded to 100, as charts give them (FL195 = 19 500 ft = 5943.6 m).
  const ft = (m: number) => String(Math.round(m / 0.3048 / 100) * 100);
  const lowerFt = p.lowerM <= 0 ? 'SFC' : ft(p.lowerM);
  if (upper === null) return `${round(p.lowerM)} m–UNL (${lowerFt}${p.lowerM <= 0 ? '' : ' ft'}–UNL)`;
  return `${round(p.lowerM)}–${round(upper)} m (${lowerFt}–${ft(upper)} ft)`;
}

const round = (m: number) => m.toFixed(0);

/** Short zone label for the map: "EYVI CTR", "EYKA APP", "Restricted area". */
function shortName(p: ZoneProperties): string {
  if (p.airport)
    return `${p.airport.icao} ${p.kind === 'ctr' ? 'CTR' : p.kind === 'approach' ? 'APP' : p.kind}`;
  if (p.kind === 'restricted') return 'Restricted area LT–BY';
  return p.id;
}

type ZoneFeature = Feature<Geometry, ZoneProperties>;

export class BaseMap {
  private zones: ZoneFeature[] = [];
  private readonly layers: Record<
    'countries' | 'strip' | 'graticule' | 'zones' | 'border',
    d3.Selection<SVGGElement, unknown, null, undefined>
  >;

  constructor(private readonly view: MapView) {
    const g = (name: string) => view.zoomed.append('g').attr('class', name);
    this.layers = {
      countries: g('countries'),
      graticule: g('graticule'),
      strip: g('strip'),
      zones: g('zones'),
      border: g('border'),
    };
    view.on('resize', () => this.redraw());
  }

  /** The group where later layers (wind, contours) go: above the zones, below the border line. */
  layerAbove(name: string): d3.Selection<SVGGElement, unknown, null, undefined> {
    const node = this.layers.border.node()!;
    const layer = d3.select(node.parentNode as SVGGElement).insert('g', () => node);
    return layer.attr('class', name);
  }

  setGeography(geo: Geography): void {
    const countries = rewindCollection(geo.countries);
    this.layers.countries
      .selectAll('path')
      .data(countries.features)
      .join('path')
      .attr('class', (d) => `country country-${d.properties.id}`);
    this.layers.strip
      .selectAll('path')
      .data([rewindFeature(geo.launchStrip)])
      .join('path')
      .attr('class', 'launch-strip');
    // The border twice: a dark casing under the bright line keeps it visible over any fill.
    this.layers.border
      .selectAll('path')
      .data([geo.border, geo.border])
      .join('path')
      .attr('class', (_d, i) => (i === 0 ? 'border-casing' : 'border-line'));
    this.layers.graticule
      .selectAll('path')
      .data([
        d3
          .geoGraticule()
          .extent([
            [16, 49],
            [34, 60],
          ])
          .step([1, 1])(),
      ])
      .join('path')
      .attr('class', 'graticule-line');
    this.view.pins
      .selectAll('g.country-label')
      .data(COUNTRY_LABELS)
      .join((enter) => {
        const label = enter.append('g').attr('class', 'pin country-label');
        label
          .append('text')
          .attr('text-anchor', 'middle')
          .text((d) => d.text);
        return label;
      });
    this.redraw();
  }

  setZones(zones: Zones): void {
    // Approaches first, so the smaller CTRs are drawn over them.
    const order = (p: ZoneProperties) => (p.kind === 'approach' ? 0 : p.kind === 'restricted' ? 1 : 2);
    this.zones = rewindCollection(zones).features.sort((a, b) => order(a.properties) - order(b.properties));
    this.layers.zones
      .selectAll('path')
      .data(this.zones)
      .join('path')
      .attr('class', (d) => `zone zone-${d.properties.kind}`);

    const labels = this.zones.map((d) => ({
      ...zoneLabelPoint(d),
      text: shortName(d.properties),
      kind: d.properties.kind,
    }));
    this.view.pins
      .selectAll('g.zone-label')
      .data(labels)
      .join((enter) => {
        const label = enter.append('g').attr('class', (d) => `pin zone-label zone-label-${d.kind}`);
        label
          .append('text')
          // Approach: above its circle. CTR: left of its circle (the airport's name is on the
          // right). Restricted strip: beyond its northern end, where nothing else is written.
          .attr('text-anchor', (d) => (d.kind === 'approach' ? 'middle' : d.kind === 'ctr' ? 'end' : 'start'))
          .attr('dx', (d) => (d.kind === 'ctr' ? -4 : d.kind === 'approach' ? 0 : 5))
          .attr('dy', (d) => (d.kind === 'approach' ? -5 : '0.35em'))
          .text((d) => d.text);
        return label;
      });

    const airports = new Map<string, Pin & { icao: string; name: string }>();
    for (const z of this.zones) {
      const a = z.properties.airport;
      if (a && !airports.has(a.icao))
        airports.set(a.icao, { lon: a.lon, lat: a.lat, icao: a.icao, name: z.properties.name.split(' ')[0] });
    }
    this.view.pins
      .selectAll('g.airport')
      .data([...airports.values()])
      .join((enter) => {
        const g = enter.append('g').attr('class', 'pin airport');
        g.append('circle').attr('r', 4.5);
        g.append('path').attr('d', 'M-7,0H7M0,-7V7');
        g.append('text')
          .attr('x', 9)
          .attr('dy', '0.35em')
          .text((d) => `${d.name} ${d.icao}`);
        return g;
      });
    this.redraw();
  }

  /** Every zone's properties (for the side view's bands). */
  get zoneProperties(): ZoneProperties[] {
    return this.zones.map((z) => z.properties);
  }

  /** Zones that contain a point (any altitude): for the hover card. */
  zonesAt(lon: number, lat: number): ZoneProperties[] {
    return this.zones.filter((z) => d3.geoContains(z, [lon, lat])).map((z) => z.properties);
  }

  private redraw(): void {
    const path = this.view.path;
    for (const layer of Object.values(this.layers))
      layer.selectAll<SVGPathElement, d3.GeoPermissibleObjects>('path').attr('d', (d) => path(d) ?? '');
    this.view.placePins();
  }
}

/**
 * Where a zone's label goes: the northernmost point of an approach circle (label above it), the
 * westernmost point of a CTR circle (label to its left), the northern end of the restricted strip
 * (label to its right, in Belarus, clear of the airports' labels).
 */
function zoneLabelPoint(zone: ZoneFeature): Pin {
  const p = zone.properties;
  const ring = (zone.geometry.type === 'Polygon' ? zone.geometry.coordinates[0] : []) as [number, number][];
  if (ring.length === 0) {
    const [lon, lat] = d3.geoCentroid(zone);
    return { lon, lat };
  }
  if (p.kind === 'ctr') {
    const west = ring.reduce((a, b) => (b[0] < a[0] ? b : a));
    return { lon: west[0], lat: p.airport?.lat ?? west[1] };
  }
  const north = ring.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { lon: p.kind === 'approach' ? (p.airport?.lon ?? north[0]) : north[0], lat: north[1] };
}
