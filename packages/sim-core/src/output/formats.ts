import type { AnalysisEvent } from '../analysis/observer.js';
import {
  type EventRecord,
  eventJson,
  isTrackEnd,
  roundDeg,
  roundM,
  TRACK_END_STATUS,
  type TrackEndKind,
} from '../protocol/events.js';
import {
  type MemberLayout,
  memberCount,
  memberForecastOf,
  memberOrigin,
  memberSiteOf,
} from '../protocol/members.js';
import { positionsJson } from '../protocol/messages.js';
import type { TrackFrame, TrackSet } from '../protocol/tracks.js';
import { type Provenance, provenanceLines } from '../scenario/provenance.js';
import { byTimeThenMember, type RunResult } from '../scenario/run.js';
import { type MemberStatusName, type SimEvent, STATUS_REASONS } from '../solver/status.js';
import { isoTime } from '../time.js';

/**
 * Output formats of a run. CSV and NDJSON are written frame by frame as the run goes (memory stays
 * bounded); GeoJSON and KML need each member's whole track, so they are built from a finished run.
 * A track begins at its member's launch (position and time of the launch event, usually between two
 * output times) and ends where the member ended; NDJSON records carry the launch among their events.
 * Coordinates: degrees (WGS 84) and metres above mean sea level; times ISO 8601 UTC.
 *
 * Every file says what produced it (the run's provenance: tool, time, scenario as run, wind source
 * and files with SHA-256, seed, members), each in its format's own way: GeoJSON a top-level
 * `provenance` member (RFC 7946 §6.1 foreign member), CSV leading `# ` comment lines, NDJSON a first
 * record `{"type":"provenance",…}`, KML the document's description and ExtendedData.
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

/**
 * The tracks of a finished run in the writers' shape: its events as records, each with the output
 * frame that followed it, as the run handed them on (RunHooks.onFrame) and as a stream sends them.
 * An event belongs to the first frame at or after its time, in the run's direction.
 */
export function runTracks(result: RunResult): TrackSet {
  const { frames } = result;
  const sign = result.prepared.simulation.direction === 'backward' ? -1 : 1;
  const groups: (SimEvent | AnalysisEvent)[][] = frames.map(() => []);
  // Simulation events before analysis events, as the run reports them, then in time order.
  for (const list of [result.events, result.analysisEvents])
    for (const e of list) {
      let lo = 0;
      let hi = frames.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sign * (frames[mid].tSec - e.tSec) >= 0) hi = mid;
        else lo = mid + 1;
      }
      groups[lo]?.push(e);
    }
  return {
    layout: result.prepared,
    provenance: result.prepared.provenance,
    frames: frames.map((frame, k) => ({
      tSec: frame.tSec,
      positions: frame.positions,
      events: groups[k].sort(byTimeThenMember).map(eventJson),
    })),
  };
}

function csvRow(
  layout: MemberLayout,
  i: number,
  time: string,
  lon: number,
  lat: number,
  altM: number,
): string {
  const o = memberOrigin(layout, i);
  // A wind of several forecast members: the one the member flies, by its index in the provenance's
  // forecastMembers (labels hold commas; an index keeps every row one plain field longer).
  const forecast = layout.forecastMembers ? `,${memberForecastOf(layout, i)}` : '';
  return `${i},${o.site},${o.launch},${o.number}${forecast},${time},${roundDeg(lon)},${roundDeg(lat)},${roundM(altM)}\n`;
}

export const CSV_HEADER = 'member,site,launch,ensemble_member,time,lon,lat,alt_m\n';
/** The header of a run whose wind has several forecast members (see csvRow). */
export const CSV_HEADER_FORECAST = 'member,site,launch,ensemble_member,forecast_member,time,lon,lat,alt_m\n';

/**
 * The provenance as CSV comment lines, before the header: a few lines for people, then the whole
 * provenance as one JSON line (`# provenance {…}`) for programs. Most CSV readers skip them when told
 * the comment character (pandas `read_csv(comment='#')`, R `read.csv(comment.char = '#')`, DuckDB
 * `read_csv(…, comment = '#')`); no other cell of these files holds a `#`.
 */
export function csvProvenance(provenance: Provenance): string {
  const lines = provenanceLines(provenance).map((line) => `# ${line}`);
  lines.push(`# provenance ${JSON.stringify(provenance)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * What a CSV of tracks starts with: its provenance (when known) as comment lines, then the header
 * row (with a forecast_member column when the layout has forecast members).
 */
export function csvHead(provenance?: Provenance, layout?: MemberLayout): string {
  return `${provenance ? csvProvenance(provenance) : ''}${layout?.forecastMembers ? CSV_HEADER_FORECAST : CSV_HEADER}`;
}

/**
 * CSV rows of one frame: one per member flying at that time, preceded by a row at the exact launch
 * position and time of each member launched since the previous frame (the frame's launch events),
 * so that every member's rows start where and when it was launched, not at the first output time
 * after it (a launch perturbed to 17:03 would otherwise first appear at 17:10, already kilometres
 * downwind). A launch at the frame's own time is the frame's row already.
 */
export function csvRows(layout: MemberLayout, frame: TrackFrame): string {
  const p = frame.positions;
  const time = isoTime(frame.tSec);
  let out = '';
  for (const e of frame.events)
    if (e.kind === 'launch' && !(e.time === time && !Number.isNaN(p[3 * e.member])))
      out += csvRow(layout, e.member, e.time, e.lon, e.lat, e.altM);
  for (let i = 0; i < p.length / 3; i++) {
    const lon = p[3 * i];
    if (Number.isNaN(lon)) continue;
    out += csvRow(layout, i, time, lon, p[3 * i + 1], p[3 * i + 2]);
  }
  return out;
}

/** The whole CSV of a run (provenance and header first), in pieces: each frame's rows (see csvRows). */
export function* csvChunks(tracks: TrackSet): Generator<string, void, undefined> {
  yield csvHead(tracks.provenance, tracks.layout);
  for (const frame of tracks.frames) yield csvRows(tracks.layout, frame);
}

/** The first NDJSON record of a run: `{"type":"provenance", …the provenance}`. */
export function ndjsonProvenance(provenance: Provenance): string {
  return `${JSON.stringify({ type: 'provenance', ...provenance })}\n`;
}

/** One NDJSON record per output step: positions as [lon, lat, alt] per member (null when not flying). */
export function ndjsonRecord(frame: TrackFrame): string {
  return `${JSON.stringify({ time: isoTime(frame.tSec), positions: positionsJson(frame), events: frame.events })}\n`;
}

interface Track {
  coords: number[][];
  times: string[];
  /** The event that ended it, if one did. */
  end?: EventRecord;
  launched: boolean;
}

/**
 * Each member's track: its launch (the exact position and time of its launch event), the frames it
 * flies in, and its end point (its ending event's) when it ended between frames. Without the launch
 * vertex a track would begin at the first output time after the launch, up to an output interval
 * downwind of it.
 */
function trackLines(tracks: TrackSet): Track[] {
  const n = memberCount(tracks.layout);
  const out: Track[] = Array.from({ length: n }, () => ({ coords: [], times: [], launched: false }));
  const vertex = (t: Track, time: string, lon: number, lat: number, altM: number) => {
    t.coords.push([roundDeg(lon), roundDeg(lat), roundM(altM)]);
    t.times.push(time);
  };
  for (const frame of tracks.frames) {
    for (const e of frame.events) {
      const t = out[e.member];
      if (!t) continue;
      if (e.kind === 'launch' && !t.launched) {
        t.launched = true;
        vertex(t, e.time, e.lon, e.lat, e.altM);
      } else if (isTrackEnd(e.kind) && !t.end) t.end = e;
    }
    const p = frame.positions;
    const time = isoTime(frame.tSec);
    for (let i = 0; i < n; i++) {
      // A frame at the launch time would repeat the launch vertex.
      if (Number.isNaN(p[3 * i]) || out[i].times.at(-1) === time) continue;
      vertex(out[i], time, p[3 * i], p[3 * i + 1], p[3 * i + 2]);
    }
  }
  for (const t of out)
    if (t.end && t.times.at(-1) !== t.end.time) vertex(t, t.end.time, t.end.lon, t.end.lat, t.end.altM);
  return out;
}

/** How a track ended: its ending event's status, else still flying (launched) or never launched. */
function statusOf(track: Track): MemberStatusName {
  return track.end ? TRACK_END_STATUS[track.end.kind as TrackEndKind] : track.launched ? 'active' : 'pending';
}

/**
 * An RFC 7946 FeatureCollection: one LineString per member ([lon, lat, alt] and the time of each
 * vertex in properties.times), then one Point per event, in time order (then member). The run's
 * provenance is a top-level foreign member, before the features, so a reader sees it first.
 */
export function geoJson(tracks: TrackSet): object {
  const { layout } = tracks;
  const features: object[] = trackLines(tracks).map((track, i) => {
    const status = statusOf(track);
    return {
      type: 'Feature',
      geometry:
        track.coords.length >= 2
          ? { type: 'LineString', coordinates: track.coords }
          : track.coords.length === 1
            ? { type: 'Point', coordinates: track.coords[0] }
            : null,
      properties: {
        member: i,
        ...memberOrigin(layout, i),
        status,
        reason: STATUS_REASONS[status],
        times: track.times,
      },
    };
  });
  // In time order whichever frame an event came with: ISO times of one form sort as text.
  const events = tracks.frames.flatMap((f) => f.events);
  events.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.member - b.member));
  for (const e of events) {
    const { lon, lat, altM, ...props } = e;
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [lon, lat, altM] },
      properties: { event: props.kind, ...props },
    });
  }
  return tracks.provenance
    ? { type: 'FeatureCollection', provenance: tracks.provenance, features }
    : { type: 'FeatureCollection', features };
}

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A KML document for Google Earth: one folder per launch site, a track per member, landing pins. The
 * provenance is the document's description (lines for people, shown in Google Earth's Places panel)
 * and, whole as JSON, its ExtendedData `provenance` (KML 2.2 §9.3), in the order the schema puts them.
 */
export function kml(result: RunResult): string {
  const { prepared } = result;
  const colours = ['ff0000ff', 'ff00a5ff', 'ff00ffff', 'ff00ff00', 'ffff0000', 'ffff00ff'];
  const all = trackLines(runTracks(result));
  const { provenance } = prepared;
  const parts: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<kml xmlns="http://www.opengis.net/kml/2.2">',
    `<Document><name>${xml(prepared.scenario.name ?? 'balloon-sim run')}</name>`,
  ];
  if (provenance) parts.push(`<description>${xml(provenanceLines(provenance).join('\n'))}</description>`);
  prepared.sites.forEach((_, s) => {
    parts.push(
      `<Style id="site${s}"><LineStyle><color>${colours[s % colours.length]}</color><width>1.5</width></LineStyle></Style>`,
    );
  });
  if (provenance)
    parts.push(
      `<ExtendedData><Data name="provenance"><displayName>provenance (JSON)</displayName><value>${xml(JSON.stringify(provenance))}</value></Data></ExtendedData>`,
    );
  prepared.sites.forEach((site, s) => {
    parts.push(`<Folder><name>${xml(site.name ?? site.id)}</name>`);
    all.forEach((track, i) => {
      if (memberSiteOf(prepared, i) !== s || track.coords.length < 2) return;
      const o = memberOrigin(prepared, i);
      parts.push(
        `<Placemark><name>${xml(`${site.id} ${o.launch.slice(11, 16)}Z #${o.number}`)}</name><styleUrl>#site${s}</styleUrl>` +
          `<TimeSpan><begin>${track.times[0]}</begin><end>${track.times.at(-1)}</end></TimeSpan>` +
          `<LineString><altitudeMode>absolute</altitudeMode><coordinates>${track.coords.map((c) => c.join(',')).join(' ')}</coordinates></LineString></Placemark>`,
      );
      if (statusOf(track) === 'landed')
        parts.push(
          `<Placemark><name>landing ${i}</name><TimeStamp><when>${track.times.at(-1)}</when></TimeStamp><Point><coordinates>${track.coords.at(-1)!.join(',')}</coordinates></Point></Placemark>`,
        );
    });
    parts.push('</Folder>');
  });
  parts.push('</Document></kml>');
  return `${parts.join('\n')}\n`;
}
