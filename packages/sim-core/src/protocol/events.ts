/**
 * Events as every output and client sees them: their kinds (the simulation's and the analysis's,
 * taken from the core's own lists, not copied), which kinds end a track, and the JSON record of an
 * event that NDJSON, GeoJSON and the server's stream all carry.
 */
import { ANALYSIS_EVENT_KINDS, type AnalysisEvent } from '../analysis/observer.js';
import { EVENT_KINDS, type MemberStatusName, type SimEvent } from '../solver/status.js';
import { isoTime } from '../time.js';

/** Every kind of event a run reports: the simulation's (solver/status.ts), then the analysis's. */
export const RUN_EVENT_KINDS = [...EVENT_KINDS, ...ANALYSIS_EVENT_KINDS] as const;
export type RunEventKind = (typeof RUN_EVENT_KINDS)[number];

/**
 * The events that end a member's track, each with the status it leaves the member in (the solver's
 * pairs of event and status when it stops a member): after one of these the member has no
 * position any more. A member with none of them is still flying (`active`) or never launched
 * (`pending`).
 */
export const TRACK_END_STATUS = {
  landing: 'landed',
  'left-domain': 'left-domain',
  'wind-ended': 'wind-ended',
  'launch-point': 'launch-point',
  'non-finite': 'non-finite',
} as const satisfies { [K in SimEvent['kind']]?: MemberStatusName };
export type TrackEndKind = keyof typeof TRACK_END_STATUS;
export const TRACK_END_KINDS = Object.keys(TRACK_END_STATUS) as TrackEndKind[];

/** Whether an event of this kind ends its member's track. */
export function isTrackEnd(kind: string): kind is TrackEndKind {
  return Object.hasOwn(TRACK_END_STATUS, kind);
}

/** Degrees to 1e-6 (≈ 0.1 m): the precision of every position the outputs write. */
export const roundDeg = (x: number) => Math.round(x * 1e6) / 1e6;
/** Metres to 0.1. */
export const roundM = (x: number) => Math.round(x * 10) / 10;

/** An event as JSON records carry it (NDJSON, GeoJSON properties, the server's `event` messages). */
export interface EventRecord {
  member: number;
  kind: RunEventKind;
  /** The zone entered or left (zone-entry, zone-exit). */
  zone?: string;
  /** ISO 8601 with milliseconds. */
  time: string;
  lon: number;
  lat: number;
  altM: number;
}

export function eventJson(e: SimEvent | AnalysisEvent): EventRecord {
  return {
    member: e.member,
    kind: e.kind,
    ...('zone' in e && e.zone !== undefined ? { zone: e.zone } : {}),
    time: isoTime(e.tSec),
    lon: roundDeg(e.lon),
    lat: roundDeg(e.lat),
    altM: roundM(e.altM),
  };
}
