/**
 * The JSON messages of a run's stream (the server's `/api/stream`, packages/server/README.md), both
 * ways, as TypeScript types, and the JSON form of a frame's positions. The server builds them, the
 * viewer, the test clients and the benches read them.
 */
import type { RunSummary } from '../analysis/summary.js';
import type { Provenance } from '../scenario/provenance.js';
import { isoTime } from '../time.js';
import { type EventRecord, roundDeg, roundM } from './events.js';
import type { MemberLayout } from './members.js';

// ---- client → server ----

/** Runs a scenario (validated by the server); `workers` 1 to the server's maxWorkersPerRun, default 1. */
export interface RunMessage {
  type: 'run';
  scenario: unknown;
  workers?: number;
}

/** Cancels the connection's run, queued or running. */
export interface CancelMessage {
  type: 'cancel';
}

export type ClientMessage = RunMessage | CancelMessage;
/** The fields a `run` message may have: any other is refused. */
export const RUN_MESSAGE_FIELDS = ['type', 'scenario', 'workers'] as const;

// ---- server → client, in this order ----

/** The run is accepted: its size, its member layout, and whether it waits for a slot. */
export interface AcceptedMessage {
  type: 'accepted';
  runId: string;
  members: number;
  steps: number;
  /** Output frames, the launch frame included. */
  frames: number;
  workers: number;
  queued: boolean;
  /** Whether frames come as binary messages (protocol/frames.ts) rather than JSON. */
  binaryFrames: boolean;
  warnings: string[];
  /** Which member is which (protocol/members.ts): launch sites with their ids, launch times, ensemble size. */
  layout: MemberLayout;
  /**
   * What produces the run (scenario as run, wind source and files, tool, time it was accepted): a
   * page writes it into the files it exports, as the server's and the command line's writers do.
   */
  provenance: Provenance;
}

/** How far the run is, 0..1 (at most one message per percent). */
export interface ProgressMessage {
  type: 'progress';
  fraction: number;
}

/** A member's position in a JSON frame: [lon, lat, alt] (1e-6°, 0.1 m), null when not flying. */
export type JsonPosition = [number, number, number] | null;

/** A frame of a small run; larger runs send the same as a binary message. */
export interface FrameMessage {
  type: 'frame';
  index: number;
  /** ISO 8601 with milliseconds. */
  time: string;
  tSec: number;
  positions: JsonPosition[];
}

/**
 * The events found since the previous frame, in time order, with the index of the frame they belong
 * to: sent just before that frame, except for frame 0's (launches at the first output time), which
 * follow frame 0 since it goes out before the run starts.
 */
export interface EventMessage {
  type: 'event';
  frame: number;
  events: EventRecord[];
}

export interface SummaryMessage {
  type: 'summary';
  summary: RunSummary;
}

export interface DoneMessage {
  type: 'done';
  runId: string;
}

export interface CancelledMessage {
  type: 'cancelled';
  runId: string | null;
}

/** One problem of a refused scenario, with its JSON path, as the server's 400 answers list them. */
export interface WireIssue {
  path: string;
  message: string;
}

/** A refusal or a failure: an invalid scenario (with its issues), a limit, a slow client, a shutdown. */
export interface ErrorMessage {
  type: 'error';
  message: string;
  issues?: WireIssue[];
}

export type ServerMessage =
  | AcceptedMessage
  | ProgressMessage
  | FrameMessage
  | EventMessage
  | SummaryMessage
  | DoneMessage
  | CancelledMessage
  | ErrorMessage;

// ---- frames as JSON ----

/** A frame's positions as JSON: [lon, lat, alt] per member (1e-6°, 0.1 m), null where NaN (not flying). */
export function positionsJson(frame: { positions: ArrayLike<number> }): JsonPosition[] {
  const p = frame.positions;
  const positions: JsonPosition[] = new Array(Math.floor(p.length / 3));
  for (let i = 0; i < positions.length; i++)
    positions[i] = Number.isNaN(p[3 * i])
      ? null
      : [roundDeg(p[3 * i]), roundDeg(p[3 * i + 1]), roundM(p[3 * i + 2])];
  return positions;
}

/** A frame's JSON message. */
export function frameMessage(
  index: number,
  frame: { tSec: number; positions: ArrayLike<number> },
): FrameMessage {
  return {
    type: 'frame',
    index,
    time: isoTime(frame.tSec),
    tSec: frame.tSec,
    positions: positionsJson(frame),
  };
}

/**
 * The positions of a JSON frame in the layout of a binary one (and of the core's frames): lon, lat,
 * alt per member in a Float32Array, NaN where null. Rounded again as the writers round (roundDeg,
 * roundM), they give the same numbers as the frame they came from: a float32 within 0.5e-6 of a
 * rounded degree value either is the original float or lies within 0.5e-6 of the rounded value.
 */
export function jsonPositions(positions: readonly JsonPosition[]): Float32Array {
  const out = new Float32Array(3 * positions.length).fill(Number.NaN);
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i];
    if (!p) continue;
    out[3 * i] = p[0];
    out[3 * i + 1] = p[1];
    out[3 * i + 2] = p[2];
  }
  return out;
}
