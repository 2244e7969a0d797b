import { mergeAggregates, type RunAggregates } from '../analysis/aggregates.js';
import type { AnalysisEvent, AnalysisTargets, ObserverRecords } from '../analysis/observer.js';
import { RunObserver } from '../analysis/observer.js';
import { summarizeRun } from '../analysis/summary.js';
import { appendAll } from '../arrays.js';
import type { Frame } from '../solver/simulation.js';
import type { SimEvent } from '../solver/status.js';
import { type PreparedRun, selectMembers } from './prepare.js';
import { byTimeThenMember, type RunResult } from './run.js';

/** What a run of some members (a worker's or a shard's part) sends back: plain typed arrays. */
export interface RunPart {
  /** Global indices of the part's members, ascending; the arrays below follow this order. */
  ids: Uint32Array;
  status: Uint8Array;
  endLon: Float64Array;
  endLat: Float64Array;
  endAltM: Float64Array;
  endTSec: Float64Array;
  observer: ObserverRecords;
  /** Events with global member indices. */
  events: SimEvent[];
  analysisEvents: AnalysisEvent[];
  /** Time the run reached (the same for every part). */
  runEndSec: number;
  /**
   * The part's summary aggregates (see analysis/aggregates.ts), by the part's member indices: a
   * worker computes them, so that the merge reads them instead of every member's records. Parts
   * without them (a shard's file, a queue's message) are summarised from the merged records.
   */
  aggregates?: RunAggregates;
}

/** The plain parts of a finished run, for sending to another thread. */
export function runPart(result: Omit<RunResult, 'summary'>, runEndSec: number): RunPart {
  const ids =
    result.prepared.simulation.memberIds ?? Uint32Array.from({ length: result.status.length }, (_, i) => i);
  return {
    ids,
    status: result.status,
    endLon: result.endLon,
    endLat: result.endLat,
    endAltM: result.endAltM,
    endTSec: result.endTSec,
    observer: result.observer.records(),
    events: result.events,
    analysisEvents: result.analysisEvents,
    runEndSec,
  };
}

/** One frame of the whole run from the same frame of each part. */
export function mergeFrames(memberCount: number, parts: { ids: ArrayLike<number>; frame: Frame }[]): Frame {
  const positions = new Float32Array(3 * memberCount).fill(Number.NaN);
  for (const { ids, frame } of parts) {
    for (let p = 0; p < ids.length; p++) {
      const i = ids[p];
      positions[3 * i] = frame.positions[3 * p];
      positions[3 * i + 1] = frame.positions[3 * p + 1];
      positions[3 * i + 2] = frame.positions[3 * p + 2];
    }
  }
  return { tSec: parts[0]?.frame.tSec ?? Number.NaN, positions };
}

/**
 * The result of the whole run from its parts: identical to running it in one piece. With `subset`
 * (global indices, ascending), the result is that of those members only (a shard), indexed as they
 * are listed there; events keep their global member indices.
 */
export function mergeRunParts(
  whole: PreparedRun,
  targets: AnalysisTargets,
  parts: RunPart[],
  frames: Frame[] = [],
  subset?: Uint32Array,
): RunResult {
  const { result, runEndSec } = mergeRunPartsUnsummarized(whole, targets, parts, frames, subset);
  return { ...result, summary: summarizeRun(result, runEndSec) };
}

/** mergeRunParts without the summary (a caller timing the two apart summarises it: summarizeRun). */
export function mergeRunPartsUnsummarized(
  whole: PreparedRun,
  targets: AnalysisTargets,
  parts: RunPart[],
  frames: Frame[] = [],
  subset?: Uint32Array,
): { result: Omit<RunResult, 'summary'> & { aggregates: RunAggregates | null }; runEndSec: number } {
  const prepared = subset ? selectMembers(whole, subset) : whole;
  const localOf = subset ? new Map(Array.from(subset, (g, l) => [g, l])) : null;
  const n = prepared.simulation.members.count;
  const status = new Uint8Array(n);
  const endLon = new Float64Array(n);
  const endLat = new Float64Array(n);
  const endAltM = new Float64Array(n);
  const endTSec = new Float64Array(n);
  const events: SimEvent[] = [];
  const analysisEvents: AnalysisEvent[] = [];
  const partIds: Uint32Array[] = [];
  for (const part of parts) {
    const ids = localOf ? Uint32Array.from(part.ids, (g) => localOf.get(g) ?? 0) : part.ids;
    partIds.push(ids);
    // A worker's chunk is a range of members: its arrays are copied whole.
    let range = ids.length > 0;
    for (let p = 1; p < ids.length && range; p++) range = ids[p] === ids[0] + p;
    if (range && ids[0] + ids.length <= n && part.status.length === ids.length) {
      status.set(part.status, ids[0]);
      endLon.set(part.endLon, ids[0]);
      endLat.set(part.endLat, ids[0]);
      endAltM.set(part.endAltM, ids[0]);
      endTSec.set(part.endTSec, ids[0]);
    } else
      for (let p = 0; p < ids.length; p++) {
        const i = ids[p];
        status[i] = part.status[p];
        endLon[i] = part.endLon[p];
        endLat[i] = part.endLat[p];
        endAltM[i] = part.endAltM[p];
        endTSec[i] = part.endTSec[p];
      }
    appendAll(events, part.events);
    appendAll(analysisEvents, part.analysisEvents);
  }
  const observer = RunObserver.ofParts(
    targets,
    prepared.simulation.members,
    parts.map((part, p) => ({ records: part.observer, ids: partIds[p] })),
  );
  events.sort(byTimeThenMember);
  analysisEvents.sort(byTimeThenMember);
  const result = {
    prepared,
    frames,
    events,
    status,
    endLon,
    endLat,
    endAltM,
    endTSec,
    observer,
    analysisEvents,
    aggregates: mergeAggregates(
      parts.map((p) => p.aggregates),
      partIds,
      n,
      observer.closestM,
      observer.zoneCount,
    ),
  };
  return { result, runEndSec: parts[0]?.runEndSec ?? Number.NaN };
}
