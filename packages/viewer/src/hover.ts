/// <reference lib="dom" />
/**
 * The hover card: a track's member (site, launch slot and actual launch, status at the time shown,
 * position and altitude where the pointer is), or the zones under the pointer with their limits.
 */
import type { ZoneProperties } from './api.js';
import { zoneLimits } from './basemap.js';
import { memberLaunch, memberSite, type RunLayout } from './form.js';
import { clock } from './results.js';
import type { TrackLayer } from './tracks.js';

export interface Line {
  text: string;
  strong?: boolean;
}

/** What the page knows of each member beyond its positions (from the run's events). */
export interface MemberFacts {
  layout: RunLayout;
  /** Actual launch time (s), NaN until its launch event. */
  launchTSec: Float64Array;
  /** How it ended (landing, left-domain, wind-ended), when it did. */
  end: Map<number, { kind: string; time: string }>;
}

const iso = (tSec: number) => new Date(tSec * 1000).toISOString();

export function memberLines(facts: MemberFacts, tracks: TrackLayer, member: number, frame: number): Line[] {
  const { layout } = facts;
  const site = layout.siteIds[memberSite(layout, member)] ?? '?';
  const slot = layout.launchTimesSec[memberLaunch(layout, member)];
  const launched = facts.launchTSec[member];
  const shown = Math.min(tracks.shown, tracks.frameCount - 1);
  const shownTSec = tracks.timeOf(shown);
  const now = tracks.position(member, shown);
  const here = tracks.position(member, frame);
  const end = facts.end.get(member);
  let status = 'not launched yet';
  if (now) status = `flying at ${Math.round(now[2])} m`;
  else if (end && Date.parse(end.time) / 1000 <= shownTSec) status = `${end.kind} at ${clock(end.time)}`;
  else if (Number.isFinite(launched) && launched <= shownTSec) status = 'ended';
  const lines: Line[] = [
    { text: `Member ${member} — site ${site}`, strong: true },
    {
      text: `launch ${clock(iso(slot))}${Number.isFinite(launched) ? ` (actual ${clock(iso(launched))})` : ''}`,
    },
    { text: `status at ${clock(iso(shownTSec))}: ${status}` },
  ];
  if (here)
    lines.push({
      text: `here at ${clock(iso(tracks.timeOf(frame)))}: ${Math.round(here[2])} m, ${here[0].toFixed(3)} E ${here[1].toFixed(3)} N`,
    });
  return lines;
}

export function zoneLines(zones: ZoneProperties[]): Line[] {
  return zones.flatMap((z) => [
    { text: z.name, strong: true },
    { text: `limits ${zoneLimits(z)}${z.approximate ? ' — approximate, not the AIP polygon' : ''}` },
  ]);
}

/** Shows the card beside the pointer (x, y in the map box), flipped to stay inside it; hides it when empty. */
export function showCard(
  card: HTMLElement,
  lines: Line[],
  x: number,
  y: number,
  width: number,
  height: number,
): void {
  if (lines.length === 0) {
    card.hidden = true;
    return;
  }
  card.replaceChildren(
    ...lines.map((line) => {
      const div = document.createElement('div');
      if (line.strong) div.className = 'strong';
      div.textContent = line.text;
      return div;
    }),
  );
  card.hidden = false;
  const w = card.offsetWidth;
  const h = card.offsetHeight;
  card.style.left = `${x + 14 + w > width ? x - 14 - w : x + 14}px`;
  card.style.top = `${y + 14 + h > height ? y - 14 - h : y + 14}px`;
}
