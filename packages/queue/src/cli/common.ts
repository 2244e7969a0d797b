import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '@balloon-sim/node/cli';
import { DEFAULT_TTL_SEC } from '../client.js';
import { checkRedisUrl, type QueueConfig } from '../redis.js';

/** Options every queue command takes. */
export const QUEUE_OPTIONS = {
  redis: { type: 'string' },
  queue: { type: 'string' },
} as const;

export const QUEUE_USAGE = `  --redis URL               the Redis server: redis://[user:password@]host[:port][/db], rediss:// for TLS
  --queue NAME              the queue on it (default balloon-sim): coordinators and workers of one fleet share it`;

/** --redis and --queue as a QueueConfig. */
export function queueConfig(values: Record<string, unknown>, usage: string): QueueConfig {
  if (typeof values.redis !== 'string' || values.redis === '')
    throw new UsageError(`--redis is required\n\n${usage}`);
  const config: QueueConfig = { redisUrl: checkRedisUrl(values.redis, '--redis') };
  if (values.queue !== undefined) {
    const name = String(values.queue);
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(name))
      throw new UsageError(`--queue must be 1–100 letters, digits, '.', '_' or '-', got "${name}"`);
    config.queueName = name;
  }
  return config;
}

/** A whole number option within bounds, or its default. */
export function wholeNumber(
  values: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const text = values[name];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  return n;
}

/** --ttl-days as seconds (default a week). */
export function ttlSec(values: Record<string, unknown>): number {
  const text = values['ttl-days'];
  if (text === undefined) return DEFAULT_TTL_SEC;
  const days = Number(text);
  if (!(days > 0 && days <= 365))
    throw new UsageError(`--ttl-days must be a number of days from 0 to 365, got "${text}"`);
  return Math.round(days * 86400);
}

export const cores = () => availableParallelism();
export const defaultCacheDir = () => join(tmpdir(), 'balloon-sim-queue-cache');
