/**
 * Test helpers of the queue package (`@balloon-sim/queue/testing`, resolved from the sources only).
 */
export {
  FIXED_RUN_TIME_ENV,
  QUEUE_CLI_BIN,
  type QueueCliGroup,
  queueCliGroup,
  type RunningQueueCli,
  startQueueCli,
  stopQueueCli,
  type WorkerOptions,
  workerArgs,
} from './cli.js';
export { hasRedisServer, redisSkipReason, startRedis, type TestRedis } from './redis.js';
export { ILLUSTRATIVE_WIND, smallScenario } from './scenario.js';
