import { InputError } from '@balloon-sim/sim-core';
import { Redis } from 'ioredis';

/** Where the queue lives: a Redis server, a BullMQ queue on it, and the prefix of every key. */
export interface QueueConfig {
  /** redis://[user:password@]host[:port][/db] or rediss:// (TLS). */
  redisUrl: string;
  /** The BullMQ queue's name: coordinators and workers of one fleet use the same (default balloon-sim). */
  queueName?: string;
  /** The prefix of every key (BullMQ's and ours; default balloon-sim). */
  prefix?: string;
}

export const DEFAULT_QUEUE_NAME = 'balloon-sim';
export const DEFAULT_PREFIX = 'balloon-sim';

/** Redis URL with its password hidden, for messages. */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Checks a Redis URL (`field` names the option or variable it came from). */
export function checkRedisUrl(url: string, field: string): string {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {}
  if (!parsed || !['redis:', 'rediss:'].includes(parsed.protocol) || !parsed.hostname)
    throw new InputError(
      `${field} must be a Redis URL such as redis://127.0.0.1:6379 (or rediss:// for TLS), got ${JSON.stringify(shownUrl(url))}`,
      field,
      shownUrl(url),
    );
  return url;
}

/** Redis cannot be reached (or refused us): exit code 1, naming the URL (password hidden). */
export class RedisUnreachable extends Error {
  override name = 'RedisUnreachable';
}

/** Connection attempts before a first connection is declared impossible (200 ms apart: ~5 s). */
const FIRST_CONNECT_TRIES = 25;

/**
 * A connection to Redis, connected. Commands wait through a later disconnection (BullMQ needs
 * `maxRetriesPerRequest: null`) and the client reconnects, backing off to 2 s; but a server that
 * cannot be reached at all at the start is an error, not an endless wait.
 */
export async function openRedis(url: string): Promise<Redis> {
  let connected = false;
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    retryStrategy: (times) =>
      connected ? Math.min(200 * times, 2000) : times > FIRST_CONNECT_TRIES ? null : 200,
  });
  // ioredis reports each failed attempt as an 'error' event too; the outcome is what matters.
  redis.on('error', () => {});
  try {
    await redis.connect();
    connected = true;
    return redis;
  } catch (error) {
    redis.disconnect();
    throw new RedisUnreachable(
      `cannot reach Redis at ${shownUrl(url)}: ${(error as Error)?.message ?? error}`,
    );
  }
}

/** The names of this package's own keys (BullMQ keeps its keys under `prefix:queue:` too). */
export class QueueKeys {
  readonly queueName: string;
  readonly prefix: string;
  constructor(config: QueueConfig) {
    this.queueName = config.queueName ?? DEFAULT_QUEUE_NAME;
    this.prefix = config.prefix ?? DEFAULT_PREFIX;
  }
  // A BullMQ job's own key is prefix:queue:JOBID, and a job id has no ':', so these never collide.
  private key(...parts: string[]): string {
    return [this.prefix, this.queueName, ...parts].join(':');
  }
  /** What identifies a piece of work (its inputs' hash): a resumed coordinator must match it. */
  work(workId: string): string {
    return this.key('bs-work', workId);
  }
  /** A job's result. */
  result(workId: string, jobKey: string): string {
    return this.key('bs-result', workId, jobKey);
  }
  /** How many times each job of a work was started, and finished (a hash per work). */
  starts(workId: string): string {
    return this.key('bs-starts', workId);
  }
  finishes(workId: string): string {
    return this.key('bs-finishes', workId);
  }
  /** Why jobs of a work failed for good (a hash: job → JSON {message, input, worker}). */
  failures(workId: string): string {
    return this.key('bs-failures', workId);
  }
  /** An input file's bytes, by SHA-256, for workers that do not share the coordinator's files. */
  blob(sha256: string): string {
    return this.key('bs-blob', sha256);
  }
  /** Set when a run's coordinator (a server) cancels it: its workers stop. */
  cancel(workId: string): string {
    return this.key('bs-cancel', workId);
  }
  /** The frames of a part of a streamed run, as its worker computes them. */
  frames(workId: string, jobKey: string): string {
    return this.key('bs-frames', workId, jobKey);
  }
}
