/// <reference lib="dom" />
/**
 * Tonight, in one action: the server runs its newest stored forecast over the border strip at
 * tonight's launch hours (POST /api/tonight, the same briefing as `balloon-sim tonight`) and the
 * page shows, per airport, P(inside) through the night against the closure threshold (D3), the
 * closure window, an alert when the threshold is crossed, P(enter) per launch hour, the forecast used
 * and where the answer stops. Times are UTC with Vilnius local time beside them, as everywhere.
 */
import type { Briefing, BriefingAirport } from '@balloon-sim/sim-core';
import * as d3 from 'd3';
import { ApiError, getJson, postJson } from './api.js';
import { clearError, showError, showFailure } from './banner.js';
import { bounds, percent } from './results.js';
import { clock, LOCAL_MARK, vilniusFields } from './time.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** What GET /api/store answers (the fields read here). */
interface StoreListing {
  best: string | null;
  order: string[];
  models: { id: string; cycles: { cycle: string; complete: boolean; steps: number[] }[] }[];
}

/** Line colours of an airport's zones (CTR, approach): readable on the panel's dark ground. */
const ZONE_COLOURS = ['#58a6ff', '#f2cc60', '#7ee787', '#d2a8ff'];

/** The threshold as people read it: "1 %", "0.5 %". */
const thresholdText = (t: number) => `${Number((100 * t).toPrecision(3))} %`;

/** "18:25Z (21:25 LT) → 01:40Z (04:40 LT)", dated where the day changes. */
const spanText = (start: string, end: string) => `${clock(start)} → ${clock(end)}`;

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** Says what the server's store holds, or how to fill it. */
async function showStore(): Promise<void> {
  const note = $('tonight-store');
  try {
    const listing = await getJson<StoreListing>('/api/store');
    const best = listing.models.find((m) => m.id === listing.best);
    const cycle = best?.cycles.find((c) => c.complete);
    note.textContent =
      best && cycle
        ? `Forecast store: ${best.id} cycle ${cycle.cycle} (steps +${cycle.steps[0]}…+${cycle.steps.at(-1)} h); models tried in the order ${listing.order.join(', ')}.`
        : noForecastText();
  } catch (error) {
    note.textContent = `The forecast store could not be listed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const noForecastText = () =>
  'No forecast in the server\'s store: fetch one with "balloon-sim wind fetch icon-eu --bbox 19,52,29,58" (or gfs, ecmwf-hres) into the store the server reads.';

/** The request from the small form: blank fields leave the server's defaults (tonight, 18-06). */
function readRequest(): Record<string, unknown> | null {
  const issues: { path: string; message: string; field: string }[] = [];
  const night = $<HTMLInputElement>('tn-night').value.trim();
  const hours = $<HTMLInputElement>('tn-hours').value.trim();
  const members = $<HTMLInputElement>('tn-members').value.trim();
  if (night && !/^\d{4}-\d{2}-\d{2}$/.test(night))
    issues.push({ path: 'night', field: 'Night of', message: `is not a date YYYY-MM-DD, got "${night}"` });
  if (hours && !/^\d{1,2}-\d{1,2}$/.test(hours))
    issues.push({
      path: 'launchHours',
      field: 'Launch hours',
      message: `are not local hours HH-HH (e.g. 18-06), got "${hours}"`,
    });
  if (members && !(/^\d+$/.test(members) && Number(members) >= 1))
    issues.push({
      path: 'members',
      field: 'Members per point and hour',
      message: `is not a whole number ≥ 1, got "${members}"`,
    });
  if (issues.length > 0) {
    showError('Tonight', 'some fields are not valid', issues);
    return null;
  }
  return {
    ...(night ? { night } : {}),
    ...(hours ? { launchHours: hours } : {}),
    ...(members ? { members: Number(members) } : {}),
  };
}

/** P(inside) of each zone through the night against the threshold, the closure windows shaded. */
function timeline(briefing: Briefing, airport: BriefingAirport): SVGSVGElement {
  const width = Math.max(320, Math.min(900, $('tonight').clientWidth - 40));
  const height = 170;
  const margin = { top: 10, right: 16, bottom: 26, left: 44 };
  const times = briefing.timeline.map((t) => Date.parse(t));
  const peak = d3.max(airport.zones.flatMap((z) => z.insideProbability.upper)) ?? 0;
  const x = d3
    .scaleTime()
    .domain([times[0], times.at(-1) ?? times[0]])
    .range([margin.left, width - margin.right]);
  // A square-root scale: a threshold of 1 % stands a tenth of the way up, not on the axis.
  const wanted = Math.max(4 * briefing.threshold, peak * 1.05);
  const top = wanted > 0.5 ? 1 : wanted;
  const y = d3
    .scaleSqrt()
    .domain([0, top])
    .range([height - margin.bottom, margin.top]);
  const ticks = [0, briefing.threshold, 0.1, 0.25, 0.5, 1].filter(
    (t, k, all) => t <= top && all.indexOf(t) === k,
  );
  const svg = d3
    .create('svg')
    .attr('class', 'tonight-chart')
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('role', 'img')
    .attr(
      'aria-label',
      `${airport.icao}: P(inside) of ${airport.zones.map((z) => z.id).join(' and ')} through the night, against the threshold ${thresholdText(briefing.threshold)}; ${airport.alert ? `closure window ${airport.closureWindow.map((w) => spanText(w.start, w.end)).join('; ')}` : 'no closure indicated'}`,
    );
  for (const w of airport.closureWindow)
    svg
      .append('rect')
      .attr('class', 'tonight-window')
      .attr('x', x(Date.parse(w.start)))
      .attr('width', Math.max(1, x(Date.parse(w.end)) - x(Date.parse(w.start))))
      .attr('y', margin.top)
      .attr('height', height - margin.top - margin.bottom);
  svg
    .append('g')
    .attr('class', 'tonight-axis')
    .attr('transform', `translate(0,${height - margin.bottom})`)
    .call(
      d3
        .axisBottom<Date>(x)
        .ticks(Math.max(2, Math.floor(width / 90)))
        .tickFormat((d) => `${vilniusFields(+d).hm} ${LOCAL_MARK}`),
    );
  svg
    .append('g')
    .attr('class', 'tonight-axis')
    .attr('transform', `translate(${margin.left},0)`)
    .call(
      d3
        .axisLeft(y)
        .tickValues(ticks)
        .tickFormat((d) => percent(+d)),
    );
  const line = (values: number[]) =>
    d3
      .line<number>()
      .x((_, k) => x(times[k]))
      .y((v) => y(v))(values);
  for (const [k, zone] of airport.zones.entries()) {
    const colour = ZONE_COLOURS[k % ZONE_COLOURS.length];
    svg
      .append('path')
      .attr('class', 'tonight-line lower')
      .attr('stroke', colour)
      .attr('d', line(zone.insideProbability.lower));
    svg
      .append('path')
      .attr('class', 'tonight-line')
      .attr('stroke', colour)
      .attr('d', line(zone.insideProbability.upper));
  }
  svg
    .append('line')
    .attr('class', 'tonight-threshold')
    .attr('x1', margin.left)
    .attr('x2', width - margin.right)
    .attr('y1', y(briefing.threshold))
    .attr('y2', y(briefing.threshold));
  svg
    .append('text')
    .attr('class', 'tonight-threshold-label')
    .attr('x', width - margin.right - 4)
    .attr('y', y(briefing.threshold) - 4)
    .attr('text-anchor', 'end')
    .text(`threshold ${thresholdText(briefing.threshold)}`);
  return svg.node()!;
}

/** P(enter) per launch hour: every launch point of that hour together. */
function hourTable(airport: BriefingAirport): HTMLTableElement {
  const table = element('table', undefined, 'tonight-hours');
  table.append(
    element(
      'caption',
      `${airport.icao}: P(enter) per launch hour, all launch points of the hour (lower–upper where members left the wind)`,
    ),
  );
  // With forecast members, each hour also gives its spread across them (the briefing's
  // hours[…].forecastMembers): the range of the airport's P(enter) and how many reach the threshold.
  const spread = airport.hours.some((h) => h.forecastMembers);
  const head = element('tr');
  for (const title of [
    'Launch (UTC, LT)',
    'Members',
    ...airport.zones.map((z) => `P(enter) ${z.id}`),
    ...(spread ? ['Forecast members: P(enter)', 'Reach threshold'] : []),
  ]) {
    const th = element('th', title);
    th.setAttribute('scope', 'col');
    head.append(th);
  }
  table.append(element('thead'));
  table.tHead!.append(head);
  const body = element('tbody');
  for (const hour of airport.hours) {
    const row = element('tr');
    const th = element('th', clock(hour.launch));
    th.setAttribute('scope', 'row');
    row.append(th, element('td', String(hour.members), 'num'));
    for (const z of hour.zones) row.append(element('td', bounds(z.probability, z.probabilityUpper), 'num'));
    if (spread) {
      const f = hour.forecastMembers;
      row.append(
        element(
          'td',
          f
            ? `${bounds(f.probabilityMin, f.probabilityMax)}${f.probabilityUpperMax > f.probabilityMax ? ` (upper ${bounds(f.probabilityUpperMin, f.probabilityUpperMax)})` : ''}`
            : '–',
          'num',
        ),
        element(
          'td',
          f
            ? `${f.membersReachingThreshold} of ${f.forecastMembers}${f.tooFew > 0 ? ` (${f.tooFew} too few)` : ''}`
            : '–',
          'num',
        ),
      );
    }
    body.append(row);
  }
  table.append(body);
  return table;
}

function airportBlock(briefing: Briefing, airport: BriefingAirport): HTMLElement {
  const block = element('section', undefined, 'tonight-airport');
  block.dataset.icao = airport.icao;
  const title = element('h3', airport.icao);
  title.id = `tonight-${airport.icao}`;
  block.setAttribute('aria-labelledby', title.id);
  block.append(title);
  const threshold = thresholdText(briefing.threshold);
  if (airport.alert) {
    const alert = element(
      'p',
      `${airport.icao}: close — P(inside) ≥ ${threshold} ${airport.closureWindow.map((w) => spanText(w.start, w.end)).join('; ')}`,
      'tonight-alert',
    );
    alert.setAttribute('role', 'alert');
    block.append(alert);
  } else {
    block.append(
      element('p', `No closure indicated: P(inside) stays below ${threshold} all night.`, 'tonight-clear'),
    );
  }
  // The spread across forecast members (an ensemble run member by member): whether the
  // uncertainty lies in the weather or in the launch.
  const spread = briefing.forecastMembers?.airports.find((a) => a.icao === airport.icao);
  if (spread) {
    const line = element('p', undefined, 'tonight-spread');
    line.dataset.uncertainty = spread.uncertainty;
    line.append(
      element(
        'strong',
        `forecast members: P(enter) ${bounds(spread.probabilityMin, spread.probabilityMax)}, ${spread.membersReachingThreshold} of ${spread.forecastMembers} reach the threshold`,
      ),
      spread.tooFew.length > 0
        ? ` (${spread.tooFew.length} with too few trajectories to resolve the threshold${spread.tooFew.length <= 3 ? `: ${spread.tooFew.join(', ')}` : ''})`
        : '',
      '. ',
      element('span', spread.sentence, 'tonight-spread-sentence'),
    );
    block.append(line);
  }
  block.append(timeline(briefing, airport));
  const key = element('ul', undefined, 'tonight-key');
  for (const [k, z] of airport.zones.entries()) {
    const item = element('li');
    const swatch = element('span', undefined, 'tonight-swatch');
    swatch.style.background = ZONE_COLOURS[k % ZONE_COLOURS.length];
    swatch.setAttribute('aria-hidden', 'true');
    item.append(
      swatch,
      `${z.id} (${z.name}): P(enter) ${bounds(z.probability, z.probabilityUpper)}, peak P(inside) ${z.peakInside ? `${bounds(z.peakInside.lower, z.peakInside.upper)} at ${clock(z.peakInside.time)}` : '0 %'}`,
    );
    key.append(item);
  }
  key.append(
    element(
      'li',
      'solid: upper bound of P(inside); dashed: lower bound; shaded: closure window; vertical scale: square root',
    ),
  );
  block.append(key, hourTable(airport));
  return block;
}

/** Draws a briefing into the Tonight section. */
export function showBriefing(briefing: Briefing): void {
  const section = $('tonight');
  section.hidden = false;
  const body = $('tonight-body');
  body.replaceChildren();
  const f = briefing.forecast;
  const first = briefing.launches[0];
  const last = briefing.launches.at(-1) ?? first;
  body.append(
    element(
      'p',
      `Night of ${briefing.night}: launches every hour ${briefing.launchHours} LT (${first ? spanText(first, last) : '–'}), ${briefing.limits.launchPoints - briefing.limits.launchPointsOutside} launch points × ${briefing.membersPerLaunch} members (${briefing.members} in all); closure threshold P(inside) ≥ ${thresholdText(briefing.threshold)}.`,
      'tonight-head',
    ),
    element(
      'p',
      `Forecast used: ${f.model} cycle ${f.cycle}${f.member === null ? '' : ` (member ${f.member})`}${briefing.forecastMembers ? `, ${briefing.forecastMembers.count} forecast members each flown by its own trajectories` : ', one forecast (no spread across forecast members)'}, steps +${f.stepsUsed.join(', +')} h of +${f.steps[0] ?? '?'}…+${f.steps.at(-1) ?? '?'} h.`,
      'tonight-forecast',
    ),
  );
  const files = element('details', undefined, 'tonight-files');
  files.append(element('summary', `Forecast files (${f.files.length}, SHA-256)`));
  const list = element('ul');
  for (const file of f.files) {
    const item = element('li');
    item.append(`${file.name}: `, element('code', file.sha256 ?? 'not computed'));
    list.append(item);
  }
  files.append(list);
  body.append(files);
  for (const airport of briefing.airports) body.append(airportBlock(briefing, airport));

  const stops = element('ul', undefined, 'warnings');
  const l = briefing.limits;
  if (l.launchPointsOutside > 0)
    stops.append(
      element(
        'li',
        `${l.launchPointsOutside} of ${l.launchPoints} launch points lie outside the forecast's box: no answer for them.`,
      ),
    );
  if (l.hoursOutside.length > 0)
    stops.append(
      element(
        'li',
        `Launch hours the forecast does not cover (not run): ${l.hoursOutside.map(clock).join(', ')}.`,
      ),
    );
  if (l.unresolved > 0)
    stops.append(
      element(
        'li',
        `${l.unresolved} members (${percent(l.unresolvedFraction)}) left the wind's data: their figures are bounds, and the windows use the upper bound.`,
      ),
    );
  stops.append(element('li', `The forecast covers ${clock(l.wind.start)} to ${clock(l.wind.end)}.`));
  stops.append(element('li', 'Spread between forecast members: not in this run (one forecast member).'));
  body.append(element('h3', 'Where the answer stops'), stops);
  section.scrollIntoView({ block: 'start' });
}

/** Wires the Tonight form: shows the store, runs tonight on submit. */
export function initTonight(): void {
  const form = $<HTMLFormElement>('tonight-form');
  const button = $<HTMLButtonElement>('tonight-run');
  const state = $('tonight-state');
  void showStore();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const request = readRequest();
    if (!request) return;
    clearError();
    button.disabled = true;
    state.dataset.state = 'running';
    state.textContent = 'Running tonight on the server…';
    try {
      const { briefing } = await postJson<{ briefing: Briefing }>('/api/tonight', request);
      showBriefing(briefing);
      state.dataset.state = 'done';
      state.textContent = briefing.alert
        ? `Tonight: threshold crossed at ${briefing.airports
            .filter((a) => a.alert)
            .map((a) => a.icao)
            .join(', ')}.`
        : 'Tonight: no closure indicated.';
    } catch (error) {
      state.dataset.state = 'failed';
      if (error instanceof ApiError && error.status === 404) {
        state.textContent = "Tonight could not run: no forecast in the server's store (see above).";
        showError('Tonight', error.message);
      } else {
        state.textContent = 'Tonight failed: see the message above.';
        showFailure('Tonight', error);
      }
    } finally {
      button.disabled = false;
    }
  });
}
