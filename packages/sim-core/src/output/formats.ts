import type { AnalysisEvent } from '../analysis/observer.js';
import type { PreparedRun } from '../scenario/prepare.js';
import type { RunResult } from '../scenario/run.js';
import type { Frame } from '../solver/simulation.js';
import { type SimEvent, STATUS_NAMES, STATUS_REASONS } from '../solver/status.js';

/**
 * Output formats of a run. CSV and NDJSON are written frame by frame as the run goes (memory stays
 * bounded); GeoJSON and KML need each member's whole track, so they are built from a finished run.
 * A track begins at its member's launch (position and time of the launch event, usually between two
 * output times) and ends where the member ended; NDJSON records carry the launch among their events.
 * Coordinates: degrees (WGS 84) and metres above mean sea level; times ISO 8601 UTC.
 */
export const OUTPUT_FORMATS = ['geojson', 'csv', 'ndjson', 'kml', 'summary'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The format of a file name by its extension, or null. */
export function formatOfPath(path: string): OutputFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  switch (ext) {
    case 'geojson':
      return 'geojson';
    case 'csv':
      return 'csv';
    case 'ndjson':
    case 'jsonl':
      return 'ndjson';
    case 'kml':
      return 'kml';
    case 'json':
      return 'summary';
    default:
      return null;
  }
}

const iso = (tSec: number) => new Date(tSec * 1000).toISOString();
const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
const r1 = (x: number) => Math.round(x * 10) / 10;

/** Where member i comes from: site id, launch time, number in its ensemble. */
function origin(prepared: PreparedRun, i: number) {
  return {
    site: prepared.sites[prepared.memberSite[i]].id,
    launch: iso(prepared.launchTimesSec[prepared.memberLaunch[i]]),
    number: prepared.memberNumber[i],
  };
}

export const CSV_HEADER = 'member,site,launch,ensemble_member,time,lon,lat,alt_m\n';

function csvRow(
  prepared: PreparedRun,
  i: number,
  time: string,
  lon: number,
  lat: number,
  altM: number,
): string {
  const o = origin(prepared, i);
  return `${i},${o.site},${o.launch},${o.number},${time},${r6(lon)},${r6(lat)},${r1(altM)}\n`;
}

/**
 * CSV rows of one frame: one per member flying at that time, preceded by a row at the exact launch
 * position and time of each member launched since the previous frame, so that every member's rows
 * start where and when it was launched, not at the first output time after it (a launch perturbed to
 * 17:03 would otherwise first appear at 17:10, already kilometres downwind). `events` are the run's
 * events since the previous frame (RunHooks.onEvents); without them only the frame's rows are written.
 */
export function csvRows(
  prepared: PreparedRun,
  frame: Frame,
  events: readonly (SimEvent | AnalysisEvent)[] = [],
): string {
  const p = frame.positions;
  const time = iso(frame.tSec);
  let out = '';
  // A launch at the frame's own time is the frame's row already.
  for (const e of events)
    if (e.kind === 'launch' && iso(e.tSec) !== time)
      out += csvRow(prepared, e.member, iso(e.tSec), e.lon, e.lat, e.altM);
  for (let i = 0; i < p.length / 3; i++) {
    const lon = p[3 * i];
    if (Number.isNaN(lon)) continue;
    out += csvRow(prepared, i, time, lon, p[3 * i + 1], p[3 * i + 2]);
  }
  return out;
}

/**
 * The whole CSV of a finished run (header first), in pieces: each frame's rows with the launch rows
 * of the members launched since the frame before (see csvRows).
 */
export function* csvChunks(result: RunResult): Generator<string, void, undefined> {
  yield CSV_HEADER;
  const sign = result.prepared.simulation.direction === 'backward' ? -1 : 1;
  const launches = result.events
    .filter((e) => e.kind === 'launch')
    .sort((a, b) => sign * (a.tSec - b.tSec) || a.member - b.member);
  let next = 0;
  for (const frame of result.frames) {
    const from = next;
    while (next < launches.length && sign * (launches[next].tSec - frame.tSec) <= 0) next++;
    yield csvRows(result.prepared, frame, launches.slice(from, next));
  }
}

/** A frame's positions as JSON: [lon, lat, alt] per member (1e-6°, 0.1 m), null where not flying. */
export function positionsJson(frame: Frame): ([number, number, number] | null)[] {
  const p = frame.positions;
  const positions: ([number, number, number] | null)[] = new Array(p.length / 3);
  for (let i = 0; i < positions.length; i++)
    positions[i] = Number.isNaN(p[3 * i]) ? null : [r6(p[3 * i]), r6(p[3 * i + 1]), r1(p[3 * i + 2])];
  return positions;
}

/** One NDJSON record per output step: positions as [lon, lat, alt] per member (null when not flying). */
export function ndjsonRecord(frame: Frame, events: (SimEvent | AnalysisEvent)[]): string {
  return `${JSON.stringify({ time: iso(frame.tSec), positions: positionsJson(frame), events: events.map(eventJson) })}\n`;
}

/** An event as JSON records carry it (NDJSON, GeoJSON properties, the server's stream). */
export function eventJson(e: SimEvent | AnalysisEvent) {
  return {
    member: e.member,
    kind: e.kind,
    ...('zone' in e && e.zone !== undefined ? { zone: e.zone } : {}),
    time: iso(e.tSec),
    lon: r6(e.lon),
    lat: r6(e.lat),
    altM: r1(e.altM),
  };
}

/**
 * Each member's track: its launch (the exact position and time of its launch event), the frames it
 * flies in, and its end point when it ended between frames. Without the launch vertex a track would
 * begin at the first output time after the launch, up to an output interval downwind of it.
 */
function tracks(result: RunResult): { coords: number[][]; times: string[] }[] {
  const n = result.status.length;
  const out = Array.from({ length: n }, () => ({ coords: [] as number[][], times: [] as string[] }));
  for (const e of result.events) {
    if (e.kind !== 'launch' || e.member >= n || out[e.member].times.length > 0) continue;
    out[e.member].coords.push([r6(e.lon), r6(e.lat), r1(e.altM)]);
    out[e.member].times.push(iso(e.tSec));
  }
  for (const frame of result.frames) {
    const p = frame.positions;
    const time = iso(frame.tSec);
    for (let i = 0; i < n; i++) {
      // A frame at the launch time would repeat the launch vertex.
      if (Number.isNaN(p[3 * i]) || out[i].times.at(-1) === time) continue;
      out[i].coords.push([r6(p[3 * i]), r6(p[3 * i + 1]), r1(p[3 * i + 2])]);
      out[i].times.push(time);
    }
  }
  for (let i = 0; i < n; i++) {
    const t = result.endTSec[i];
    if (Number.isNaN(t)) continue;
    const time = iso(t);
    if (out[i].times.at(-1) === time) continue;
    out[i].coords.push([r6(result.endLon[i]), r6(result.endLat[i]), r1(result.endAltM[i])]);
    out[i].times.push(time);
  }
  return out;
}

/**
 * An RFC 7946 FeatureCollection: one LineString per member ([lon, lat, alt] and the time of each
 * vertex in properties.times), then one Point per event.
 */
export function geoJson(result: RunResult): object {
  const { prepared } = result;
  const features: object[] = tracks(result).map((track, i) => ({
    type: 'Feature',
    geometry:
      track.coords.length >= 2
        ? { type: 'LineString', coordinates: track.coords }
        : track.coords.length === 1
          ? { type: 'Point', coordinates: track.coords[0] }
          : null,
    properties: {
      member: i,
      ...origin(prepared, i),
      status: STATUS_NAMES[result.status[i]],
      reason: STATUS_REASONS[STATUS_NAMES[result.status[i]]],
      times: track.times,
    },
  }));
  for (const e of [...result.events, ...result.analysisEvents]) {
    const { lon, lat, altM, ...props } = eventJson(e);
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [lon, lat, altM] },
      properties: { event: props.kind, ...props },
    });
  }
  return { type: 'FeatureCollection', features };
}

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A KML document for Google Earth: one folder per launch site, a track per member, landing pins. */
export function kml(result: RunResult): string {
  const { prepared } = result;
  const colours = ['ff0000ff', 'ff00a5ff', 'ff00ffff', 'ff00ff00', 'ffff0000', 'ffff00ff'];
  const all = tracks(result);
  const parts: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<kml xmlns="http://www.opengis.net/kml/2.2">',
    `<Document><name>${xml(prepared.scenario.name ?? 'balloon-sim run')}</name>`,
  ];
  prepared.sites.forEach((_, s) => {
    parts.push(
      `<Style id="site${s}"><LineStyle><color>${colours[s % colours.length]}</color><width>1.5</width></LineStyle></Style>`,
    );
  });
  prepared.sites.forEach((site, s) => {
    parts.push(`<Folder><name>${xml(site.name ?? site.id)}</name>`);
    all.forEach((track, i) => {
      if (prepared.memberSite[i] !== s || track.coords.length < 2) return;
      const o = origin(prepared, i);
      parts.push(
        `<Placemark><name>${xml(`${site.id} ${o.launch.slice(11, 16)}Z #${o.number}`)}</name><styleUrl>#site${s}</styleUrl>` +
          `<TimeSpan><begin>${track.times[0]}</begin><end>${track.times.at(-1)}</end></TimeSpan>` +
          `<LineString><altitudeMode>absolute</altitudeMode><coordinates>${track.coords.map((c) => c.join(',')).join(' ')}</coordinates></LineString></Placemark>`,
      );
      if (STATUS_NAMES[result.status[i]] === 'landed')
        parts.push(
          `<Placemark><name>landing ${i}</name><TimeStamp><when>${track.times.at(-1)}</when></TimeStamp><Point><coordinates>${track.coords.at(-1)!.join(',')}</coordinates></Point></Placemark>`,
        );
    });
    parts.push('</Folder>');
  });
  parts.push('</Document></kml>');
  return `${parts.join('\n')}\n`;
}
