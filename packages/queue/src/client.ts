import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobData } from './jobs.js';
import { openRedis, type QueueConfig, QueueKeys } from './redis.js';

/** How long results, finished jobs and shipped inputs stay in Redis by default: a week, s. */
export const DEFAULT_TTL_SEC = 7 * 24 * 3600;

/** Attempts of a job that fails (an exception on a worker; a lost worker is a stall, counted apart). */
export const JOB_ATTEMPTS = 3;

/** The queue as a coordinator (or a server) uses it: a connection, BullMQ's Queue, our keys. */
export class QueueClient {
  private constructor(
    readonly redis: Redis,
    readonly queue: Queue<JobData>,
    readonly keys: QueueKeys,
    readonly config: QueueConfig,
  ) {}

  static async open(config: QueueConfig): Promise<QueueClient> {
    const redis = await openRedis(config.redisUrl);
    const keys = new QueueKeys(config);
    const queue = new Queue<JobData>(keys.queueName, { connection: redis, prefix: keys.prefix });
    await queue.waitUntilReady();
    return new QueueClient(redis, queue, keys, config);
  }

  /** A second connection, for blocking reads (XREAD BLOCK holds its connection). */
  duplicate(): Redis {
    const copy = this.redis.duplicate();
    copy.on('error', () => {});
    return copy;
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }
}
