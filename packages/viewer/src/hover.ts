/// <reference lib="dom" />
/**
 * The hover card: a track's member (site, launch slot and actual launch, status at the time shown,
 * position and altitude where the pointer is), or the zones under the pointer with their limits.
 */
import {
  type EventRecord,
  isoTime,
  isoTimeOrNull,
  isTrackEnd,
  type MemberLayout,
  memberLaunchOf,
  memberSiteOf,
  type TrackEndKind,
} from '@balloon-sim/sim-core/protocol';
import type { ZoneProperties } from './api.js';
import { zoneLimits } from './basemap.js';
import { clock } from './results.js';
import type { TrackLayer } from './tracks.js';

export interface Line {
  text: string;
  strong?: boolean;
}

/** What the page knows of each member beyond its positions (from the run's events). */
export interface MemberFacts {
  /** Which member is which, as the server said when it accepted the run; null before. */
  layout: MemberLayout | null;
  /** Actual launch time (s), NaN until its launch event. */
  launchTSec: Float64Array;
  /** How it ended (the event that ended its track: landing, left-domain, non-finite…), when it did. */
  end: Map<number, { kind: TrackEndKind; time: string }>;
}

/**
 * Takes in a frame's events: each member's actual launch time and how its track ended (any of the
 * core's track-ending kinds); returns the border crossings, for the map's markers.
 */
export function noteEvents(
  facts: MemberFacts,
  events: readonly EventRecord[],
): { lon: number; lat: number; tSec: number }[] {
  const crossings: { lon: number; lat: number; tSec: number }[] = [];
  for (const e of events) {
    const tSec = Date.parse(e.time) / 1000;
    if (e.kind === 'launch') facts.launchTSec[e.member] = tSec;
    else if (e.kind === 'border-crossing') crossings.push({ lon: e.lon, lat: e.lat, tSec });
    else if (isTrackEnd(e.kind)) facts.end.set(e.member, { kind: e.kind, time: e.time });
  }
  return crossings;
}

export function memberLines(facts: MemberFacts, tracks: TrackLayer, member: number, frame: number): Line[] {
  const { layout } = facts;
  const site = layout ? layout.sites[memberSiteOf(layout, member)].id : '?';
  const slot = layout ? layout.launchTimesSec[memberLaunchOf(layout, member)] : Number.NaN;
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
      text: `launch ${clock(isoTimeOrNull(slot))}${Number.isFinite(launched) ? ` (actual ${clock(isoTime(launched))})` : ''}`,
    },
    { text: `status at ${clock(isoTime(shownTSec))}: ${status}` },
  ];
  if (here)
    lines.push({
      text: `here at ${clock(isoTime(tracks.timeOf(frame)))}: ${Math.round(here[2])} m, ${here[0].toFixed(3)} E ${here[1].toFixed(3)} N`,
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
