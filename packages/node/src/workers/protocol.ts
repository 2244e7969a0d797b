import type {
  BacktrackOptions,
  backtrackSummary,
  Detection,
  PackedEvents,
  Provenance,
  ProvenanceContext,
  RunPart,
  Scenario,
} from '@balloon-sim/sim-core';
import { aggregateArrays, DecodeError, InputError, packEvents, packedBuffers } from '@balloon-sim/sim-core';
import type { RegionSource } from '../launch-region.js';
import type { SharedWind } from './shared-wind.js';

/** What the main thread asks a run worker to do: run these members of this scenario. */
export interface RunRequest {
  scenario: Scenario;
  /** Folder the scenario's relative paths resolve against. */
  baseDir: string;
  /** Global indices of the members this worker runs. */
  ids: Uint32Array;
  /** Send every frame back (for streaming or writing tracks). */
  frames: boolean;
  /**
   * The scenario's wind as the main thread decoded it, in shared memory (see shared-wind.ts): the
   * worker builds its field over it instead of reading the files. Absent: the worker reads the
   * scenario's wind itself (an analytic one costs nothing).
   */
  wind?: SharedWind;
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

/**
 * A RunPart as a worker sends it: its events packed into typed arrays, every array transferred (not
 * cloned), so that the main thread neither waits for a clone of 10⁵–10⁶ event objects nor collects
 * them after.
 */
export type PackedRunPart = Omit<RunPart, 'events' | 'analysisEvents'> & {
  events: PackedEvents;
  analysisEvents: PackedEvents;
};

/** A part packed for sending, and the buffers to transfer with it. */
export function packRunPart(part: RunPart): { packed: PackedRunPart; transfer: ArrayBuffer[] } {
  const packed: PackedRunPart = {
    ...part,
    events: packEvents(part.events),
    analysisEvents: packEvents(part.analysisEvents),
  };
  const arrays: ArrayBufferView[] = [
    part.ids,
    part.status,
    part.endLon,
    part.endLat,
    part.endAltM,
    part.endTSec,
    ...Object.values(part.observer),
    ...(part.aggregates ? aggregateArrays(part.aggregates) : []),
  ];
  const buffers = new Set<ArrayBuffer>([
    ...arrays.map((a) => a.buffer as ArrayBuffer),
    ...packedBuffers(packed.events),
    ...packedBuffers(packed.analysisEvents),
  ]);
  // A buffer shared with something the worker keeps (none today) must not be transferred; every
  // array here is the part's own, made for it by the run or packEvents.
  return { packed, transfer: [...buffers].filter((b) => b instanceof ArrayBuffer) };
}

/**
 * When a worker simulated (ms since the Unix epoch: performance.timeOrigin + now(), comparable
 * between threads): from the start of its first step (its inputs read, its members prepared) to
 * the moment its part was ready to send.
 */
export interface WorkerSpan {
  startMs: number;
  endMs: number;
}

/** What a run worker sends back. */
export type RunReply =
  | { type: 'ready' }
  | { type: 'cancelled' }
  | {
      type: 'frame';
      index: number;
      tSec: number;
      positions: Float32Array;
      events: PackedEvents;
      analysisEvents: PackedEvents;
    }
  | { type: 'progress'; fraction: number }
  | { type: 'done'; part: PackedRunPart; span: WorkerSpan }
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
