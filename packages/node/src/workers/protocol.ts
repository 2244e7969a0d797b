import type {
  AnalysisEvent,
  BacktrackOptions,
  backtrackSummary,
  Detection,
  Provenance,
  ProvenanceContext,
  RunPart,
  Scenario,
  SimEvent,
} from '@balloon-sim/sim-core';
import { DecodeError, InputError } from '@balloon-sim/sim-core';
import type { RegionSource } from '../launch-region.js';

/** What the main thread asks a run worker to do: run these members of this scenario. */
export interface RunRequest {
  scenario: Scenario;
  /** Folder the scenario's relative paths resolve against. */
  baseDir: string;
  /** Global indices of the members this worker runs. */
  ids: Uint32Array;
  /** Send every frame back (for streaming or writing tracks). */
  frames: boolean;
}

/**
 * What the main thread asks a worker to back-track (sim-core's `backtrack`). The wind comes as a
 * scenario's (`wind`), read by the worker like a run's; the launch region as a source the worker
 * reads (default: the bundled Belarusian border strip; null: anywhere).
 */
export interface BacktrackRequest
  extends Pick<
    BacktrackOptions,
    | 'members'
    | 'maxFloatSec'
    | 'ascentRateMps'
    | 'seed'
    | 'launchWindow'
    | 'timeZone'
    | 'windowStartHourLocal'
    | 'floatAltitudes'
    | 'floatAltitudeM'
    | 'forward'
  > {
  scenario: Scenario;
  /** Folder the scenario's relative paths resolve against (and a region file's). */
  baseDir: string;
  detections: Detection[];
  /** The time and the tool for the result's provenance (the worker adds the wind's part). */
  context?: ProvenanceContext;
  region?: RegionSource | null;
}

/**
 * What a back-track tells (sim-core's `backtrackSummary`), with what produced it (the request, the
 * wind and its files, the tool, the time): the same object in any thread.
 */
export type BacktrackSummary = ReturnType<typeof backtrackSummary> & { provenance: Provenance };

/** What the main thread sends a pooled worker. */
export type WorkerCommand =
  | { type: 'run'; request: RunRequest }
  | { type: 'backtrack'; request: BacktrackRequest }
  | { type: 'cancel' };

/**
 * An error thrown in a worker, as it crosses to the main thread: errors are cloned without their
 * class, so an input error carries its field and a decoding error its parts, to be thrown again as
 * the same class (the server answers them with a 4xx naming the field, or the file and section).
 */
export type WorkerError = {
  type: 'error';
  message: string;
  input: boolean;
  field?: string;
  decode?: { reason: string; source: string; part?: string; offset?: number };
};

/** What a run worker sends back. */
export type RunReply =
  | { type: 'ready' }
  | { type: 'cancelled' }
  | {
      type: 'frame';
      index: number;
      tSec: number;
      positions: Float32Array;
      events: SimEvent[];
      analysisEvents: AnalysisEvent[];
    }
  | { type: 'progress'; fraction: number }
  | { type: 'done'; part: RunPart }
  | { type: 'backtrack'; summary: BacktrackSummary }
  | WorkerError;

/** An error thrown in a worker, as the message that carries it (see WorkerError). */
export function workerError(error: unknown): WorkerError {
  const message = (error as Error)?.message ?? String(error);
  if (error instanceof DecodeError) {
    const { reason, source, part, offset } = error;
    return { type: 'error', message, input: true, decode: { reason, source, part, offset } };
  }
  if (error instanceof InputError) return { type: 'error', message, input: true, field: error.field };
  return { type: 'error', message, input: false };
}

/** The error a worker reported, as its class again; `prefix` marks other errors (which worker). */
export function errorOfWorker(reply: WorkerError, prefix = ''): Error {
  if (reply.decode) {
    const { reason, source, part, offset } = reply.decode;
    return new DecodeError(reason, source, part, offset);
  }
  if (reply.input) return new InputError(reply.message, reply.field);
  return new Error(`${prefix}${reply.message}`);
}
