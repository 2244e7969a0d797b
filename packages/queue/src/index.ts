/**
 * @balloon-sim/queue: balloon-sim on many machines. Work (sweep rows, member ranges of a run, a
 * season's nights and hours) cut into BullMQ jobs in Redis, workers that take them on any number of
 * machines, coordinators that merge their results into what one machine gives, and a runner that
 * streams a run's frames back through Redis (for the server).
 */
export { DEFAULT_TTL_SEC, JOB_ATTEMPTS, QueueClient } from './client.js';
export { decodeValue, encodeValue } from './codec.js';
export { type CoordinateOptions, coordinate, JobFailed, jobCounts, type Work } from './coordinator.js';
export {
  describeInputs,
  fileSha256,
  InputsRefused,
  type JobInputs,
  localScenario,
  parsePathMap,
  softwareVersion,
} from './inputs.js';
export { contentId, type JobData, jobIdOf, type PartJob, type SweepJob, splitMembers } from './jobs.js';
export {
  checkRedisUrl,
  DEFAULT_PREFIX,
  DEFAULT_QUEUE_NAME,
  openRedis,
  type QueueConfig,
  QueueKeys,
  RedisUnreachable,
  shownUrl,
} from './redis.js';
export { PartLost, QueueRunner, type QueueRunnerOptions } from './runner.js';
export {
  parseHours,
  parseNights,
  planSeason,
  runSeason,
  type SeasonEngine,
  type SeasonOptions,
  type SeasonProvenance,
  type SeasonResult,
  type SeasonTable,
  type SeasonUnit,
  type SeasonWind,
  type SeasonWindProvenance,
  scenarioHours,
  seasonCsv,
  seasonProvenanceLines,
  seasonTable,
  seasonWinds,
} from './season.js';
export { type DistributeOptions, distributedRun, distributedSweep } from './work.js';
export {
  DEFAULT_LOCK_SEC,
  type JobOutcome,
  MAX_STALLED,
  QueueWorker,
  type QueueWorkerOptions,
} from './worker.js';
