/// <reference lib="dom" />
/**
 * The run's summary for the duty officer: the border crossing line, a row per zone (probability of
 * entry, as lower–upper bounds when members left the wind's coverage, with its 95 % interval;
 * earliest and median entry; the two closure windows, any member and P(inside) ≥ the threshold, both
 * by the upper bound; the closest approach to the zone), the landings per country and the warnings.
 * Times are UTC, as in aviation.
 */
import type { RunSummary } from '@balloon-sim/sim-core';
import { zoneLimits } from './basemap.js';
import { clearForecastSpread, showForecastSpread } from './forecast-members.js';
import { clockOn } from './time.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** "67 %", "0.4 %", as the command line prints them. */
export const percent = (p: number) => `${(100 * p).toFixed(p > 0 && p < 0.01 ? 1 : 0)} %`;

/** Times shown as UTC with Vilnius local time beside them (time.ts). */
export { clock, clockOn } from './time.js';

/** "67 %" when the bounds agree, "65–98 %" when members that left the wind leave it open. */
export const bounds = (lower: number, upper: number) =>
  percent(lower) === percent(upper) ? percent(upper) : `${percent(lower).slice(0, -2)}–${percent(upper)}`;

/** A class for the probability cell: how loudly it should read. */
function level(p: number): string {
  if (p >= 0.5) return 'p-high';
  if (p >= 0.1) return 'p-mid';
  if (p > 0) return 'p-low';
  return 'p-none';
}

function cell(text: string, options: { title?: string; className?: string; header?: boolean } = {}) {
  const td = document.createElement(options.header ? 'th' : 'td');
  if (options.header) td.setAttribute('scope', 'row');
  td.textContent = text;
  if (options.title) td.title = options.title;
  if (options.className) td.className = options.className;
  return td;
}

export function clearResults(): void {
  $('results-empty').hidden = false;
  $('results-empty').textContent = 'Running: the zone table comes when the run ends.';
  $('results-body').hidden = true;
  $('zone-table').querySelector('tbody')!.replaceChildren();
  clearForecastSpread();
}

export function showResults(summary: RunSummary): void {
  $('results-empty').hidden = true;
  $('results-body').hidden = false;

  // The table gives times of the run's first day as HH:MMZ, and puts the date on the others.
  const day = summary.start.slice(0, 10);
  const at = (iso: string | null | undefined) => clockOn(day, iso);
  $('zone-table').querySelector('caption')!.textContent =
    `Airspace zones: probability that a balloon enters (95 % Wilson interval); closure windows by the upper bound; times UTC on ${day} unless dated, LT = Vilnius local time`;
  $('threshold-head').textContent =
    `Window: P(inside) ≥ ${+(100 * summary.closureThreshold).toPrecision(6)} %`;
  // The home country as the server's geography names it (a summary with a border always has one).
  const home = summary.homeCountry?.name ?? 'the home country';
  const b = summary.border;
  $('border-line').replaceChildren();
  if (b) {
    const strong = document.createElement('strong');
    strong.textContent = `Border crossing into ${home}: ${bounds(b.probability, b.probabilityUpper)}`;
    strong.className = level(b.probability);
    $('border-line').append(
      strong,
      ` of members (95 % interval ${percent(b.ci95[0])}–${percent(b.ci95[1])}), earliest ${at(b.earliest)}, median ${at(b.median)}`,
    );
  } else {
    $('border-line').textContent = 'No border crossing analysed in this run.';
  }

  const rows = summary.zones.map((z) => {
    const tr = document.createElement('tr');
    tr.dataset.zone = z.id;
    const window = z.anyMemberWindow;
    const pieces = z.thresholdWindow;
    const closest = z.closestApproach;
    tr.append(
      cell(z.id, { header: true, title: z.name }),
      cell(zoneLimits(z)),
      cell(bounds(z.probability, z.probabilityUpper), {
        className: `num ${level(z.probabilityUpper)}`,
        title:
          z.probabilityUpper > z.probability
            ? 'lower bound: entered before leaving the wind; upper: also members that left it and could have reached the zone'
            : '',
      }),
      cell(`${percent(z.ci95[0])}–${percent(z.ci95[1])}`, { className: 'num' }),
      cell(at(z.earliestEntry), { title: z.earliestEntry ?? '' }),
      cell(at(z.medianEntry), { title: z.medianEntry ?? '' }),
      cell(window ? `${at(window.start)} – ${at(window.end)}` : '–', {
        title: window ? `${window.start} to ${window.end}` : 'no member entered',
      }),
      cell(pieces.length ? pieces.map((w) => `${at(w.start)} – ${at(w.end)}`).join(', ') : '–', {
        title: pieces.map((w) => `${w.start} to ${w.end}`).join(', '),
      }),
      cell(closest ? `${closest.horizontalKm.toFixed(1)} km, ${closest.verticalM} m` : '–', {
        className: 'num',
        title:
          'horizontal distance to the zone (WGS 84) and vertical separation from its limits, at the closest approach',
      }),
    );
    return tr;
  });
  $('zone-table')
    .querySelector('tbody')!
    .replaceChildren(...rows);
  // A wind of several forecast members: their spread per zone, and each one's answers.
  showForecastSpread(summary);

  const l = summary.landings;
  const inHome =
    l.byCountry.length > 0
      ? ` (${[...l.byCountry.map((c) => `${c.name} ${c.count}`), `elsewhere ${l.elsewhere ?? 0}`].join(', ')})`
      : l.inHomeCountry === null
        ? ''
        : `, ${l.inHomeCountry} of them in ${home}`;
  const status = Object.entries(summary.status)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  $('landing-line').textContent =
    `${summary.members} members (${status}). Landings: ${l.count} payloads came down${inHome}` +
    (l.count > 0 ? '; the footprint is drawn as the regions holding 50 % and 90 % of them.' : '.');
  $('warnings').replaceChildren(
    ...summary.warnings.map((w) => {
      const li = document.createElement('li');
      li.textContent = w;
      return li;
    }),
  );
}
