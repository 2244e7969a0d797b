/// <reference lib="dom" />
/**
 * The run's summary for the duty officer: the border crossing line, a row per zone (probability of
 * entry with its 95 % interval, earliest and median entry, closure window, closest approach), the
 * landings and the warnings. Times are UTC, as in aviation.
 */
import type { RunSummary } from '@balloon-sim/sim-core';
import { zoneLimits } from './basemap.js';
import { clockOn } from './time.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** "67 %", "0.4 %", as the command line prints them. */
export const percent = (p: number) => `${(100 * p).toFixed(p > 0 && p < 0.01 ? 1 : 0)} %`;

/** Times shown as UTC with Vilnius local time beside them (time.ts). */
export { clock, clockOn } from './time.js';

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
}

export function showResults(summary: RunSummary): void {
  $('results-empty').hidden = true;
  $('results-body').hidden = false;

  // The table gives times of the run's first day as HH:MMZ, and puts the date on the others.
  const day = summary.start.slice(0, 10);
  const at = (iso: string | null | undefined) => clockOn(day, iso);
  $('zone-table').querySelector('caption')!.textContent =
    `Airspace zones: probability that a balloon enters (95 % Wilson interval); times UTC on ${day} unless dated, LT = Vilnius local time`;
  // The home country as the server's geography names it (a summary with a border always has one).
  const home = summary.homeCountry?.name ?? 'the home country';
  const b = summary.border;
  $('border-line').replaceChildren();
  if (b) {
    const strong = document.createElement('strong');
    strong.textContent = `Border crossing into ${home}: ${percent(b.probability)}`;
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
    const window = z.closureWindow;
    tr.append(
      cell(z.id, { header: true, title: z.name }),
      cell(zoneLimits(z)),
      cell(percent(z.probability), { className: `num ${level(z.probability)}` }),
      cell(`${percent(z.ci95[0])}–${percent(z.ci95[1])}`, { className: 'num' }),
      cell(at(z.earliestEntry), { title: z.earliestEntry ?? '' }),
      cell(at(z.medianEntry), { title: z.medianEntry ?? '' }),
      cell(window ? `${at(window.start)} – ${at(window.end)}` : '–', {
        title: window ? `${window.start} to ${window.end}` : 'no member entered',
      }),
      cell(z.closestApproachKm?.min == null ? '–' : z.closestApproachKm.min.toFixed(1), { className: 'num' }),
    );
    return tr;
  });
  $('zone-table')
    .querySelector('tbody')!
    .replaceChildren(...rows);

  const l = summary.landings;
  const inHome = l.inHomeCountry === null ? '' : `, ${l.inHomeCountry} of them in ${home}`;
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
