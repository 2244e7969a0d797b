/// <reference lib="dom" />
/**
 * The spread of a run across forecast members (issue 14): per zone, the range of P(enter) between
 * the forecast members and how many of them reach the closure threshold (a column of the zone
 * table); per forecast member, its trajectories and answers (a table under the zones), those with
 * too few trajectories to resolve the threshold marked. A wide range says the uncertainty lies in
 * the weather; a narrow one with a spread P, in the launch.
 */
import type { ForecastSummary, ForecastZoneSpread, RunSummary } from '@balloon-sim/sim-core';
import { type MemberLayout, memberForecastOf } from '@balloon-sim/sim-core/protocol';
import { FORECAST_COLOURS } from './forecast-colours.js';

/** "67 %", "0.4 %", as results.ts and the command line print them. */
const percent = (p: number) => `${(100 * p).toFixed(p > 0 && p < 0.01 ? 1 : 0)} %`;

/** "12–48 %", or "12 %" when every forecast member gives the same. */
export function rangeText(min: number, max: number): string {
  return percent(min) === percent(max) ? percent(max) : `${percent(min).slice(0, -2)}–${percent(max)}`;
}

/** The zone table's cell: "12–48 %, 1 of 2 reach 1 %". */
export function zoneSpreadText(spread: ForecastZoneSpread, threshold: number): string {
  return `${rangeText(spread.probabilityMin, spread.probabilityMax)}, ${spread.membersCrossingThreshold} of ${
    spread.forecastMembers
  } reach ${thresholdText(threshold)}`;
}

/** Its title: the upper bounds' range too (members that left the wind). */
export function zoneSpreadTitle(spread: ForecastZoneSpread): string {
  return `P(enter) of the forecast members' own trajectories: lowest ${percent(spread.probabilityMin)}, highest ${percent(
    spread.probabilityMax,
  )}; upper bounds ${rangeText(spread.probabilityUpperMin, spread.probabilityUpperMax)}; forecast members whose P(inside) reached the closure threshold: ${
    spread.membersCrossingThreshold
  } of ${spread.forecastMembers}`;
}

const thresholdText = (t: number) => `${+(100 * t).toPrecision(6)} %`;

/** Forecast members listed in the member table at most (as the command line's text). */
export const MEMBER_ROWS = 60;

/** The cells of a forecast member's row: label, weight, trajectories (marked when too few), border, each zone. */
export function memberRowTexts(
  member: ForecastSummary['members'][number],
  zoneIds: readonly string[],
  threshold: number,
): string[] {
  const trajectories = member.resolvesThreshold
    ? String(member.members)
    : `${member.members}: too few for ${thresholdText(threshold)}`;
  const border = member.border ? percent(member.border.probability) : '–';
  return [
    member.label,
    String(+member.weight.toPrecision(4)),
    trajectories,
    border,
    ...zoneIds.map((id) => {
      const z = member.zones.find((x) => x.id === id);
      if (!z) return '–';
      return `${percent(z.probability)} (${z.membersEntered}/${member.members})${z.crossesThreshold ? ', closes' : ''}`;
    }),
  ];
}

const FORECAST_HEAD = 'forecast-head';
const MEMBER_TABLE = 'forecast-member-table';

/** Puts the forecast members' column into the zone table and their table after it; removes both for one wind. */
export function showForecastSpread(summary: RunSummary): void {
  const zoneTable = document.getElementById('zone-table') as HTMLTableElement;
  const headRow = zoneTable.querySelector('thead tr')!;
  const forecast = summary.forecast;
  document.getElementById(FORECAST_HEAD)?.remove();
  document.getElementById(MEMBER_TABLE)?.remove();
  if (!forecast || forecast.members.length < 2) return;
  const threshold = summary.closureThreshold;

  const th = document.createElement('th');
  th.scope = 'col';
  th.id = FORECAST_HEAD;
  th.textContent = `Forecast members: P(enter) range, reaching ${thresholdText(threshold)}`;
  headRow.append(th);
  for (const tr of zoneTable.querySelectorAll<HTMLTableRowElement>('tbody tr')) {
    const spread = forecast.zones.find((z) => z.id === tr.dataset.zone);
    const td = document.createElement('td');
    td.className = 'num forecast-spread';
    td.textContent = spread ? zoneSpreadText(spread, threshold) : '–';
    if (spread) td.title = zoneSpreadTitle(spread);
    tr.append(td);
  }

  const zoneIds = summary.zones.map((z) => z.id);
  const table = document.createElement('table');
  table.id = MEMBER_TABLE;
  const caption = document.createElement('caption');
  const listed = forecast.members.slice(0, MEMBER_ROWS);
  caption.textContent = `Forecast members: each one's trajectories alone (P(enter), entered/trajectories; closes: its P(inside) reached ${thresholdText(
    threshold,
  )})${forecast.members.length > listed.length ? `; the first ${listed.length} of ${forecast.members.length}` : ''}`;
  const head = document.createElement('tr');
  for (const text of ['Forecast member', 'Weight', 'Trajectories', 'P(border)', ...zoneIds]) {
    const h = document.createElement('th');
    h.scope = 'col';
    h.textContent = text;
    head.append(h);
  }
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  for (const member of listed) {
    const tr = document.createElement('tr');
    if (!member.resolvesThreshold) tr.className = 'too-few';
    memberRowTexts(member, zoneIds, threshold).forEach((text, k) => {
      const c = document.createElement(k === 0 ? 'th' : 'td');
      if (k === 0) c.setAttribute('scope', 'row');
      else c.className = 'num';
      c.textContent = text;
      tr.append(c);
    });
    tbody.append(tr);
  }
  table.append(caption, thead, tbody);
  zoneTable.after(table);
}

/** Removes the forecast members' column and table (a new run starting). */
export function clearForecastSpread(): void {
  document.getElementById(FORECAST_HEAD)?.remove();
  document.getElementById(MEMBER_TABLE)?.remove();
}

/** Each member's colour class (index into FORECAST_COLOURS) by its forecast member; all 0 for one wind. */
export function forecastColourClasses(
  layout: MemberLayout | null | undefined,
  members: number,
): Uint8Array<ArrayBuffer> {
  const classes = new Uint8Array(members);
  if (!layout?.forecastMembers) return classes;
  for (let i = 0; i < members; i++)
    classes[i] = Math.max(0, memberForecastOf(layout, i)) % FORECAST_COLOURS.length;
  return classes;
}
