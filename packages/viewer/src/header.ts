/// <reference lib="dom" />
/**
 * The page's header: a clock in UTC and Vilnius local time (time.ts), and (runHeader) the line
 * that says which run every result on screen comes from.
 */
import type { RunSummary, WindProvenance } from '@balloon-sim/sim-core';
import type * as d3 from 'd3';
import type { MapView } from './map.js';
import { clock, headerClock } from './time.js';

/** Ticks the header clock once a second, on the second. */
export function startClock(element: HTMLElement): void {
  const tick = () => {
    const now = Date.now();
    element.textContent = headerClock(now);
    window.setTimeout(tick, 1000 - (now % 1000) + 5);
  };
  tick();
}

/** Wind sources made up from a formula (sim-core's analytic winds): never a forecast. */
const ANALYTIC_WINDS = new Set(['uniform', 'shear', 'rotation', 'oscillating', 'synthetic']);

/** What the header reads of the core's provenance: the wind's producer, run and steps. */
export interface RunProvenance {
  wind: Pick<WindProvenance, 'illustrative' | 'producer' | 'referenceTimes' | 'steps'>;
}

/** Members whose wind ran out (the summary's coverage object). */
export interface RunCoverage {
  unresolved?: number;
  unresolvedFraction?: number;
}

/** What the run header reads: the run as submitted and accepted, and its summary once it comes. */
export interface RunFacts {
  scenario: {
    name?: string;
    wind: { type: string; paths?: readonly string[] };
    ensemble?: { seed?: number };
  };
  members: number;
  /** When the server accepted the run (ms since the epoch, the page's clock). */
  acceptedMs: number | null;
  warnings: readonly string[];
  summary:
    | (Pick<RunSummary, 'wind' | 'members' | 'status' | 'name'> & {
        provenance?: RunProvenance | null;
        coverage?: RunCoverage;
      })
    | null;
  /** The wind's own description (GET /api/winds/:id), when the form's wind is a bundled one. */
  windDescription?: string;
  /** Where a run not computed by the server was computed ("this browser's GPU (its adapter)"). */
  computedOn?: string;
}

/** Whether the run's wind is made up: an analytic field, or a file marked illustrative. */
export function isMadeUpWind(run: RunFacts): boolean {
  if (ANALYTIC_WINDS.has(run.scenario.wind.type) || run.summary?.provenance?.wind.illustrative) return true;
  const said = [run.summary?.wind ?? '', run.windDescription ?? '', ...run.warnings].join('\n');
  return /illustrative|made up|not real weather/i.test(said);
}

/**
 * The share of members that left the wind's area (or outlived it), whose end the run cannot know:
 * from the core's coverage object when it has one, else from the members' end states.
 */
export function unresolvedShare(run: RunFacts): { count: number; fraction: number } | null {
  const s = run.summary;
  if (!s || s.members === 0) return null;
  const c = s.coverage;
  if (c?.unresolvedFraction !== undefined)
    return {
      count: c.unresolved ?? Math.round(c.unresolvedFraction * s.members),
      fraction: c.unresolvedFraction,
    };
  const count = (s.status['left-domain'] ?? 0) + (s.status['wind-ended'] ?? 0);
  return { count, fraction: count / s.members };
}

/** The wind's name and kind: "file illustrative-border-night", "uniform (analytic)". */
function windName(run: RunFacts): string {
  const w = run.scenario.wind;
  if (ANALYTIC_WINDS.has(w.type)) return `${w.type} (analytic)`;
  const name = (w.paths ?? []).map((p) => p.replace(/^wind:/, '').replace(/^.*\//, '')).join(', ');
  return `${w.type}${name ? ` ${name}` : ''}`;
}

/** The lines of the run header, in reading order. */
export function runHeaderText(run: RunFacts): string[] {
  const wind = run.summary?.provenance?.wind;
  const steps = wind?.steps ?? [];
  const forecastText = wind
    ? [
        producerName(wind.producer),
        wind.referenceTimes.length > 0 ? `cycle ${wind.referenceTimes.map(clockText).join(', ')}` : undefined,
        steps.length > 0 ? `steps ${steps.map((s) => `+${s.forecastHours}`).join(', ')} h` : undefined,
      ]
        .filter(Boolean)
        .join(', ')
    : '';
  const seed = run.scenario.ensemble?.seed;
  return [
    `Scenario: ${run.summary?.name ?? run.scenario.name ?? 'unnamed'}`,
    `Wind: ${windName(run)}${forecastText ? ` — ${forecastText}` : ''}`,
    `${run.members.toLocaleString('en')} members, seed ${seed ?? 'none (random)'}`,
    `Run at ${run.acceptedMs === null ? '–' : clockText(new Date(run.acceptedMs).toISOString())}${
      run.computedOn ? `, computed on ${run.computedOn}` : ''
    }`,
  ];
}

/** "GFS (US NCEP)": the models of the steps as the file names them, and the centre. */
function producerName(producer: WindProvenance['producer']): string | undefined {
  if (!producer) return undefined;
  const models = [...new Set((producer.models ?? []).map((m) => m.name ?? `model ${m.code}`))].join('/');
  const centre = producer.centre ? (producer.centre.name ?? `centre ${producer.centre.code}`) : '';
  return models && centre ? `${models} (${centre})` : models || centre || undefined;
}

const clockText = (iso: string) => (Number.isFinite(Date.parse(iso)) ? clock(iso) : iso);

/**
 * Shows the run header above the results and on the map, the illustrative-wind badge on both, and
 * the share of members that left the wind's area; `null` clears them (a new run starting).
 */
export function showRunHeader(run: RunFacts | null): void {
  const results = document.getElementById('run-header')!;
  const mapCaption = document.getElementById('map-run')!;
  const badges = document.querySelectorAll<HTMLElement>('.illustrative-badge');
  const unresolved = document.getElementById('unresolved-warning')!;
  if (!run) {
    results.hidden = true;
    mapCaption.hidden = true;
    for (const badge of badges) badge.hidden = true;
    unresolved.hidden = true;
    return;
  }
  const lines = runHeaderText(run);
  results.replaceChildren(
    ...lines.map((text) => {
      const span = document.createElement('span');
      span.textContent = text;
      return span;
    }),
  );
  results.hidden = false;
  mapCaption.textContent = lines.join(' · ');
  mapCaption.hidden = false;
  const madeUp = isMadeUpWind(run);
  for (const badge of badges) badge.hidden = !madeUp;
  const share = unresolvedShare(run);
  unresolved.hidden = !share || share.count === 0;
  if (share && share.count > 0)
    unresolved.textContent = `${percentText(share.fraction)} of members (${share.count}) left the wind's area: the probabilities are bounds, not estimates`;
}

const percentText = (p: number) => `${(100 * p).toFixed(p > 0 && p < 0.01 ? 1 : 0)} %`;

/** The wind field's box (GET /api/winds/:id coverage), outlined on the map when the wind is gridded. */
export interface CoverageBox {
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

/**
 * Outlines the wind's box: beyond it a member has no wind and its track ends (left-domain). Edges
 * are sampled every 0.25°, so the parallels curve as the conic map draws them.
 */
export function drawWindCoverage(
  layer: d3.Selection<SVGGElement, unknown, null, undefined>,
  view: MapView,
  box: CoverageBox | null,
): void {
  const ring: [number, number][] = [];
  if (box) {
    const { lonMin, lonMax, latMin, latMax } = box;
    const n = (a: number, b: number) => Math.max(1, Math.ceil(Math.abs(b - a) / 0.25));
    const edge = (a: [number, number], b: [number, number]) => {
      const k = n(a[0] === b[0] ? a[1] : a[0], a[0] === b[0] ? b[1] : b[0]);
      for (let i = 0; i < k; i++) ring.push([a[0] + ((b[0] - a[0]) * i) / k, a[1] + ((b[1] - a[1]) * i) / k]);
    };
    edge([lonMin, latMin], [lonMax, latMin]);
    edge([lonMax, latMin], [lonMax, latMax]);
    edge([lonMax, latMax], [lonMin, latMax]);
    edge([lonMin, latMax], [lonMin, latMin]);
  }
  // A line, not a polygon: the box's inside is not filled, and no winding order is needed.
  const line = box ? (view.path({ type: 'LineString', coordinates: [...ring, ring[0]] }) ?? '') : '';
  layer
    .selectAll('path')
    .data(box ? [line] : [])
    .join('path')
    .attr('class', 'wind-coverage')
    .attr('d', (d) => d);
}
