import type { AnalysisEvent, SimEvent } from '@balloon-sim/sim-core';
import type { Redis } from 'ioredis';
import { encodeValue } from './codec.js';

/** What a part of a streamed run sends through its Redis stream: frames in order, then the end. */
export type StreamEntry =
  | {
      type: 'frame';
      index: number;
      tSec: number;
      /** lon, lat, alt of the part's members only, in the order of its member indices. */
      positions: Float32Array;
      events: SimEvent[];
      analysisEvents: AnalysisEvent[];
    }
  /** The part's result is in Redis (its result key). */
  | { type: 'done' }
  /** The part failed for good: the run fails with this message. */
  | { type: 'failed'; message: string; input: boolean };

/** How long a run's stream outlives its last write: a server that died does not leave it forever. */
export const STREAM_TTL_SEC = 3600;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Writes a part's frames to its Redis stream in order, keeping at most `window` entries unread there:
 * the reader (the server that streams the run to its client) deletes what it has read, and this
 * writer waits while the stream is full. Frames wait in this process meanwhile; the worker threads
 * are not held back, as they are not by the local pool either (a server keeps every frame of a run,
 * bounded by its maxMemberFrames). A cancelled run stops the writing, also while the writer waits on a full stream.
 */
export class FramePublisher {
  private readonly waiting: StreamEntry[] = [];
  private pumping: Promise<void> | null = null;
  private failure: unknown = null;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly window: number,
    private readonly cancelled: () => boolean,
    /** The run's cancel key: looked at while the stream is full, as its reader may be gone for good. */
    private readonly cancelKey: string,
  ) {}

  push(entry: StreamEntry): void {
    this.waiting.push(entry);
    this.pumping ??= this.pump().finally(() => {
      this.pumping = null;
    });
  }

  private async pump(): Promise<void> {
    try {
      while (this.waiting.length > 0 && !this.cancelled()) {
        if ((await this.redis.xlen(this.key)) >= this.window) {
          // A reader that cancelled deleted the stream and reads no more: without this look the
          // writer would wait for ever once the part had finished (its worker's watch then stopped).
          if ((await this.redis.exists(this.cancelKey)) > 0) return;
          await sleep(20);
          continue;
        }
        const entry = this.waiting.shift()!;
        await this.redis.xadd(this.key, '*', 'm', encodeValue(entry));
        await this.redis.expire(this.key, STREAM_TTL_SEC);
      }
    } catch (error) {
      this.failure ??= error;
    }
  }

  /** Resolves once everything pushed is written (or the run was cancelled); rejects if a write failed. */
  async flushed(): Promise<void> {
    while (this.pumping) await this.pumping;
    if (this.failure) throw this.failure;
  }
}
