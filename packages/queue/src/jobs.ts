import { createHash } from 'node:crypto';
import type { SweepShard } from '@balloon-sim/node';
import type { ProvenanceContext, Scenario } from '@balloon-sim/sim-core';
import { InputError } from '@balloon-sim/sim-core';
import type { JobInputs } from './inputs.js';

/** What every job carries: the scenario document as the coordinator read it, and its inputs' hashes. */
interface JobBase {
  /** The work (a sweep, a run, a season's night and hour) the job is part of. */
  work: string;
  /** The job within its work (`3of8`): with `work`, its id in the queue. */
  key: string;
  scenario: Scenario;
  /** The coordinator's folder for the scenario's relative paths (see JobInputs for the files). */
  baseDir: string;
  inputs: JobInputs;
  /**
   * The coordinator's time of run and tool, for the provenance of what the job computes: every job
   * of a work records the same, as the one machine's run would.
   */
  context: ProvenanceContext;
  /** How long its result stays in Redis, s. */
  ttlSec: number;
}

/** Rows of a sweep table: `balloon-sim sweep --shard index/count`, or a whole small sweep. */
export interface SweepJob extends JobBase {
  kind: 'sweep';
  shard: SweepShard | null;
  /** The sweep's fingerprint, computed by the coordinator (see node's runSweep). */
  fingerprint: string;
}

/** Members of a run, as ranges [from, to) of member indices; the result is their RunPart. */
export interface PartJob extends JobBase {
  kind: 'part';
  ranges: [number, number][];
  /** Frames go to a Redis stream as they are computed, at most `window` unread (a streamed run). */
  frames: { window: number } | null;
}

export type JobData = SweepJob | PartJob;

/** A job's id in the queue: deterministic, so that adding it again (a resumed coordinator) is a no-op. */
export const jobIdOf = (work: string, key: string) => `${work}-${key}`;

/** The key of job k (1-based) of n. */
export const jobKeyOf = (k: number, n: number) => `${k}of${n}`;

/** A work id from what determines its result: the same inputs give the same id on any machine. */
export function contentId(kind: string, content: unknown): string {
  return `${kind}-${createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 20)}`;
}

/** A work id given by a person (`--id`): letters, digits, `.`, `_`, `-` (no `:`, which BullMQ's keys use). */
export function checkWorkId(text: string, field = 'id'): string {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(text))
    throw new InputError(
      `--${field} must be 1–100 letters, digits, '.', '_' or '-', got ${JSON.stringify(text)}`,
      field,
      text,
    );
  return text;
}

/** Contiguous ranges [from, to) of ascending member indices. */
export function rangesOf(ids: ArrayLike<number>): [number, number][] {
  const ranges: [number, number][] = [];
  for (let k = 0; k < ids.length; k++) {
    const last = ranges[ranges.length - 1];
    if (last && last[1] === ids[k]) last[1]++;
    else ranges.push([ids[k], ids[k] + 1]);
  }
  return ranges;
}

/** The member indices of ranges [from, to), ascending. */
export function idsOfRanges(ranges: [number, number][]): Uint32Array {
  const n = ranges.reduce((sum, [from, to]) => sum + (to - from), 0);
  const ids = new Uint32Array(n);
  let k = 0;
  for (const [from, to] of ranges) for (let i = from; i < to; i++) ids[k++] = i;
  return ids;
}

/** `all` cut into `parts` contiguous slices of nearly equal length (the worker pool's split). */
export function splitMembers(all: Uint32Array, parts: number): Uint32Array[] {
  const count = Math.max(1, Math.min(parts, all.length || 1));
  return Array.from({ length: count }, (_, k) =>
    all.slice(Math.floor((k * all.length) / count), Math.floor(((k + 1) * all.length) / count)),
  );
}
