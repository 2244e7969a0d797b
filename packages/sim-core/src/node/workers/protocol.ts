import type { AnalysisEvent } from '../../analysis/observer.js';
import type { RunPart } from '../../scenario/merge.js';
import type { Scenario } from '../../scenario/schema.js';
import type { SimEvent } from '../../solver/status.js';

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

/** What the main thread sends a pooled worker. */
export type WorkerCommand = { type: 'run'; request: RunRequest } | { type: 'cancel' };

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
  | { type: 'error'; message: string; input: boolean };
