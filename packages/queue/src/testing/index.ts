/**
 * Test helpers of the queue package (`@balloon-sim/queue/testing`, resolved from the sources only).
 */
export { QUEUE_CLI_BIN, type RunningQueueCli, startQueueCli, stopQueueCli } from './cli.js';
export { hasRedisServer, redisSkipReason, startRedis, type TestRedis } from './redis.js';
